"""Output safety: strings from a data file reach terminals, CI logs, Markdown pages and
spreadsheets. Control characters (C0, DEL, C1), bidi overrides and isolates, and the Unicode line and
paragraph separators are written as visible escapes (\\x1b, \\u202e), so a name can neither
drive the terminal nor hide or reorder text, and a reader still sees that something is there.

Text formats get a View whose every string went through `visible`; JSON formats keep the strings
exact and let `write_json` write those characters as JSON \\u escapes instead.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, TextIO

from kzvote.findings import Finding
from kzvote.text import UNSAFE, UNSAFE_BEYOND_C0, escape
from kzvote.views import Table, View

# GitHub Actions runs any log line that starts, after blanks, with "::" as a workflow command; a
# table cell or a file name can start a line.
WORKFLOW_COMMAND = re.compile(r"^( *):(?=:)")


def visible(text: str) -> str:
    """The text with every unsafe character (kzvote.text.UNSAFE) as a visible escape: "\\x1b[2J"
    instead of ESC [2J; a leading "::" as "\\x3a:"."""
    if UNSAFE.search(text):
        text = escape(text)
    return WORKFLOW_COMMAND.sub(r"\1\\x3a", text) if "::" in text else text


def write_json(document: Any, stream: TextIO) -> None:
    """Indented JSON, readable (non-ASCII as is) but with every unsafe character \\u-escaped,
    written in pieces: a large document is never held twice as one string."""
    pending: list[str] = []
    size = 0
    for piece in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(document):
        pending.append(piece)
        size += len(piece)
        if size > 1 << 16:
            stream.write(_json_escaped("".join(pending)))
            pending, size = [], 0
    stream.write(_json_escaped("".join(pending)) + "\n")


def _json_escaped(text: str) -> str:
    # json.dumps has escaped C0 itself; DEL, C1, bidi marks and surrogates it leaves raw.
    return UNSAFE_BEYOND_C0.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}  # keys are kzvote's own
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return type(value)(_clean(v) for v in value)
    return value


def _strings(finding: Finding) -> str:
    texts = [finding.message, finding.subject, finding.file, finding.accepted or ""]
    texts += [part for part in finding.path if isinstance(part, str)]
    texts += [value for value in finding.figures.values() if isinstance(value, str)]
    return " ".join(texts)


def _finding(finding: Finding) -> Finding:
    strings = _strings(finding)
    if "::" not in strings and not UNSAFE.search(strings):  # the common case, fast: audits keep many findings
        return finding
    return dataclasses.replace(
        finding,
        message=visible(finding.message),
        path=_clean(finding.path),
        subject=visible(finding.subject),
        file=visible(finding.file),
        figures=_clean(dict(finding.figures)),
        accepted=None if finding.accepted is None else visible(finding.accepted),
    )


def _table(table: Table) -> Table:
    columns = tuple(dataclasses.replace(c, label=visible(c.label)) for c in table.columns)
    return dataclasses.replace(table, title=visible(table.title), columns=columns, rows=[_clean(row) for row in table.rows])


def visible_view(view: View) -> View:
    """The view with every string it holds made visible: what text renderers are given."""
    return dataclasses.replace(
        view,
        file=visible(view.file),
        header=_clean(view.header),
        facts=_clean(view.facts),
        tables=[_table(t) for t in view.tables],
        findings=[_finding(f) for f in view.findings],
        pictures=[dataclasses.replace(p, title=visible(p.title), x_label=visible(p.x_label), y_label=visible(p.y_label)) for p in view.pictures],
    )
