"""GitHub Actions workflow commands: each finding becomes an annotation on its file and line.
Accepted findings become notices that say why they were accepted."""

from __future__ import annotations

from typing import TextIO

from kzvote.findings import Finding, Severity
from kzvote.render import Options
from kzvote.render.cells import shown_findings
from kzvote.views import View

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    level = "notice" if finding.accepted else LEVELS[finding.severity]
    props = [f"file={_escape_property(finding.file)}"]
    if finding.position:
        props += [f"line={finding.position.line}", f"col={finding.position.column}"]
    props.append(f"title={_escape_property(f'{finding.code} {finding.name}')}")
    where = f"{finding.path_text}: " if finding.path else ""
    accepted = f" (accepted {finding.severity}: {finding.accepted})" if finding.accepted else ""
    return f"::{level} {','.join(props)}::{_escape_data(where + finding.message + accepted)}"


def render(view: View, stream: TextIO, options: Options) -> None:
    """Annotations grouped per file, so a CI log folds them file by file."""
    by_file: dict[str, list[Finding]] = {}
    for finding in shown_findings(view.findings, view.notes):
        by_file.setdefault(finding.file, []).append(finding)
    for file, findings in by_file.items():
        stream.write(f"::group::kzvote: {_escape_data(file)} ({len(findings)} finding{'s' if len(findings) != 1 else ''})\n")
        for finding in findings:
            stream.write(annotation(finding) + "\n")
        stream.write("::endgroup::\n")
