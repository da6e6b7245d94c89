"""GitHub-flavoured Markdown: headings, pipe tables, findings as a list. Paste-ready."""

from __future__ import annotations

from typing import TextIO

from kzvote.render import Options
from kzvote.render.cells import human, human_columns, location, shown_findings, summary_text
from kzvote.views import Table, View

RIGHT = {"count", "percent", "signed", "value", "delta"}


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def table_lines(table: Table) -> list[str]:
    columns = human_columns(table)
    lines = [f"### {table.title}", ""]
    if not table.rows:
        return lines + ["_none_", ""]
    lines.append("| " + " | ".join(_cell(c.label) for c in columns) + " |")
    lines.append("|" + "|".join("---:" if c.kind in RIGHT else "---" for c in columns) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(_cell(human(row.get(c.key), c)) for c in columns) + " |")
    return lines + [""]


def render(view: View, stream: TextIO, options: Options) -> None:
    lines: list[str] = []
    if view.header:
        h = view.header
        lines += [f"## {h['title']}, {h['country']}, {h['date']} ({h['stage']})", ""]
    for label, text in view.facts:
        lines.append(f"- **{label}:** {_cell(text)}")
    if view.facts:
        lines.append("")
    for table in (t for t in view.tables if t.human):
        lines += table_lines(table)
    shown = shown_findings(view.findings, view.notes, view.limit)
    s = view.summary
    lines.append(f"### Findings: {summary_text(s)}")
    lines.append("")
    lines += [f"- **{f.severity}**{' (accepted: ' + f.accepted + ')' if f.accepted else ''} {f.code} `{location(f)}` {f.path_text}: {f.message}" for f in shown] or ["- none"]
    stream.write("\n".join(lines) + "\n")
