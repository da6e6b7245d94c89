"""Plain lines for CI logs and editors: file:line:col: severity CODE path: message."""

from __future__ import annotations

from typing import TextIO

from kzvote.render import Options
from kzvote.render.cells import finding_line, shown_findings, summary_text
from kzvote.views import View


def render(view: View, stream: TextIO, options: Options) -> None:
    for finding in shown_findings(view.findings, view.notes):
        stream.write(finding_line(finding) + "\n")
    title = "" if view.findings_title == "Findings" else f"{view.findings_title}: "
    stream.write(f"{view.file}: {title}{summary_text(view.summary, view.notes)}\n")
