"""Rich tables for people at a terminal. The only module that imports Rich.

Off a terminal (piped, redirected) it writes the same tables without colour and wide enough that
nothing is cut or wrapped; NO_COLOR and --no-color turn colour off on a terminal too.
"""

from __future__ import annotations

import io
import os
from typing import TextIO

from rich import box
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from kzvote.findings import Severity
from kzvote.render import Options, pictures
from kzvote.render.cells import fact_text, human, human_columns, location, more_text, shown_findings
from kzvote.views import Column, Table, View

RIGHT = {"count", "percent", "signed", "value", "delta", "decimal", "score"}
SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}
UNLIMITED_WIDTH = 10_000  # off a terminal: never squeeze or ellipsise a table


def make_console(stream: TextIO, options: Options, is_terminal: bool = True) -> Console:
    no_color = options.color is False or (options.color is None and "NO_COLOR" in os.environ)
    return Console(
        file=stream,
        highlight=False,
        no_color=no_color,
        color_system="auto" if is_terminal and not no_color else None,
        width=None if is_terminal else UNLIMITED_WIDTH,
        emoji=False,
        markup=False,
    )


def _cell(value: object, column: Column) -> Text:
    text = Text(human(value, column))  # Text(), never markup: a name like "[red]X" must survive
    if column.kind == "mark":
        text.stylize("bold red" if text.plain.startswith("≠") else "green" if text.plain == "✓" else "dim")
    elif column.key == "check":
        text.stylize("green" if value == "ok" else "bold red")
    elif column.kind == "signed" and value is not None and column.key == "difference":
        text.stylize("dim")
    elif column.kind == "bar":
        text.stylize("blue")
    return text


def rich_table(table: Table, columns: list[Column]) -> RichTable:
    out = RichTable(title=table.title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in columns:
        if column.kind in ("text", "mark"):
            out.add_column(column.label, overflow="fold", ratio=1 if column.key == "nominated_by" else None)
        else:  # numbers are never wrapped or cut: reserve their full width
            widest = max([len(column.label)] + [len(human(row.get(column.key), column)) for row in table.rows])
            out.add_column(column.label, justify="right" if column.kind in RIGHT else "left", no_wrap=True, min_width=widest)
    for index, row in enumerate(table.rows):
        if index in table.sections:
            out.add_section()
        style = "bold" if row.get("status") == "elected" else None
        out.add_row(*(_cell(row.get(c.key), c) for c in columns), style=style)
    return out


def _natural_width(table: RichTable, console: Console) -> int:
    return console.measure(table, options=console.options.update_width(UNLIMITED_WIDTH)).maximum


def fitted_tables(table: Table, console: Console) -> list[RichTable]:
    """The table as it fits the terminal: in pages of columns when it allows, else trimmed."""
    columns = human_columns(table)
    if not table.repeat or _natural_width(rich_table(table, columns), console) <= console.width:
        return [fitted_table(table, console, columns)]
    fixed, rest = columns[: table.repeat], columns[table.repeat :]
    pages: list[list[Column]] = [[]]
    for column in rest:
        if pages[-1] and _natural_width(rich_table(table, fixed + pages[-1] + [column]), console) > console.width:
            pages.append([])
        pages[-1].append(column)
    return [rich_table(table, fixed + page) for page in pages]


def fitted_table(table: Table, console: Console, columns: list[Column]) -> RichTable:
    """The table with the least important columns dropped until it fits the terminal."""
    original, columns = list(columns), list(columns)
    hidden: list[Column] = []
    while True:
        candidate = rich_table(table, columns)
        droppable = [c for c in columns if c.priority < 9]
        if not droppable or _natural_width(candidate, console) <= console.width:
            if hidden:  # never silently: the reader learns what is missing and where to find it
                names = ", ".join(c.label for c in sorted(hidden, key=original.index))
                candidate.caption = f"not shown at {console.width} columns: {names} (a wider terminal, or --format markdown, shows them)"
                candidate.caption_justify = "left"
            return candidate
        dropped = min(droppable, key=lambda c: c.priority)
        columns.remove(dropped)
        hidden.append(dropped)


def render(view: View, stream: TextIO, options: Options) -> None:
    if stream.isatty():
        _draw(view, make_console(stream, options))
        return
    # Off a terminal, Rich pads every line to the table's width; a file should not end lines in blanks.
    buffer = io.StringIO()
    _draw(view, make_console(buffer, options, is_terminal=False))
    stream.writelines(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def _draw(view: View, console: Console) -> None:
    if view.header:
        h = view.header
        title = Text(f"{h['title']} — {h['country']}, {h['date']}", style="bold")
        title.append(f"  ({h['stage']}{', ' + h['authority'] if h.get('authority') else ''})", style="dim")
        console.print(title)
    for label, sentence in view.facts:
        line = Text(f"{label}: ", style="bold")
        line.append(fact_text(sentence))
        console.print(line)
    for table in (t for t in view.tables if t.human):
        console.print()
        if not table.rows:
            console.print(Text(f"{table.title}: none", style="dim"))
            continue
        for part in fitted_tables(table, console):
            console.print(part)
    for picture in view.pictures:
        console.print()
        for pieces in pictures.lines(picture, color=console.color_system is not None):
            console.print(Text.assemble(*pieces), crop=True, soft_wrap=False)
    if view.show_findings:
        _print_findings(console, view)


def _print_findings(console: Console, view: View) -> None:
    shown = shown_findings(view.findings, view.notes, view.limit)
    summary = view.summary
    head = Text(f"{view.findings_title}: ", style="bold")
    if summary["errors"] or summary["warnings"]:
        head.append(f"{summary['errors']:,} error(s), {summary['warnings']:,} warning(s)", style="bold red" if summary["errors"] else "yellow")
    elif view.findings_title != "Findings":
        head.append(
            f"{summary['notes']:,} note(s)" if summary["notes"] and view.notes else "none", style="cyan" if summary["notes"] and view.notes else "green"
        )
    else:
        head.append("every figure agrees" if view.command != "audit" else "every station and total agrees", style="green")
    if summary["accepted"]:
        head.append(f"; {summary['accepted']} accepted", style="dim")
    if not view.notes and summary["notes"]:
        head.append(f"  ({summary['notes']} note(s), shown by: kzvote reconcile)", style="dim")
    console.print()
    console.print(head)
    for finding in shown:
        line = Text("  ")
        if finding.accepted:
            line.append("accepted ", style="dim")
        line.append(f"{finding.severity}", style="dim" if finding.accepted else SEVERITY_STYLE[finding.severity])
        line.append(f" {finding.code} ", style="bold")
        line.append(f"{location(finding)} ", style="dim")
        if finding.path:
            line.append(f"{finding.path_text}: ")
        line.append(finding.message)
        if finding.accepted:
            line.append(f" — accepted: {finding.accepted}", style="dim")
        console.print(line)
    more = more_text(view, len(shown))
    if more:
        console.print(Text(f"  {more}", style="dim"))
