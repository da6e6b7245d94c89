"""GitHub-flavoured Markdown: headings, pipe tables, findings as a list. Paste-ready.

Text from the data file is escaped so that it reads as written: a `|` cannot add a column, and
`*`, `_`, `[`, `<`, a backtick and the like cannot make emphasis, links, HTML or code.
"""

from __future__ import annotations

import re
from typing import TextIO

from kzvote.findings import Finding
from kzvote.render import Options, pictures
from kzvote.render.cells import fact_text, human, human_columns, location, more_text, shown_findings, summary_text
from kzvote.views import Table, View

RIGHT = {"count", "percent", "signed", "value", "delta"}
ACTIVE = re.compile(r"([\\`*_\[\]<>|~&])")  # what can start markup inside a line (no cell starts one)


def _text(text: object) -> str:
    """Literal text: every markup character backslash-escaped, which CommonMark shows as is."""
    return ACTIVE.sub(r"\\\1", str(text)).replace("\n", " ")


def _code(text: str) -> str:
    """A code span that no backtick inside can close early."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def table_lines(table: Table) -> list[str]:
    columns = human_columns(table)
    lines = [f"### {_text(table.title)}", ""]
    if not table.rows:
        return lines + ["_none_", ""]
    lines.append("| " + " | ".join(_text(c.label) for c in columns) + " |")
    lines.append("|" + "|".join("---:" if c.kind in RIGHT else "---" for c in columns) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(_text(human(row.get(c.key), c)) for c in columns) + " |")
    return lines + [""]


def _finding_item(f: Finding) -> str:
    accepted = f" (accepted: {_text(f.accepted)})" if f.accepted else ""
    return f"- **{f.severity}**{accepted} {f.code} {_code(location(f))} {_text(f.path_text)}: {_text(f.message)}"


def render(view: View, stream: TextIO, options: Options) -> None:
    lines: list[str] = []
    if view.header:
        h = view.header
        lines += ["## " + _text(f"{h['title']}, {h['country']}, {h['date']} ({h['stage']})"), ""]
    for label, text in view.facts:
        lines.append(f"- **{_text(label)}:** {_text(fact_text(text))}")
    if view.facts:
        lines.append("")
    for table in (t for t in view.tables if t.human):
        lines += table_lines(table)
    for picture in view.pictures:
        lines += ["```text", *("".join(text for text, _ in line).rstrip() for line in pictures.lines(picture, color=False)), "```", ""]
    shown = shown_findings(view.findings, view.notes, view.limit)
    lines.append(f"### {view.findings_title}: {summary_text(view.summary)}")
    lines.append("")
    lines += [_finding_item(f) for f in shown] or ["- none"]
    more = more_text(view, len(shown))
    if more:
        lines.append(f"- {_text(more)}")
    stream.write("\n".join(lines) + "\n")
