"""Cell values as people read them and as machines read them, shared by all renderers."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from kzvote.arith import format_fixed, shorten
from kzvote.findings import Finding
from kzvote.views import Column, Percent, Table, View

BAR_WIDTH = 20


def human(value: Any, column: Column) -> str:
    if value is None:
        return ""
    if column.kind in ("value", "delta"):  # a count, a percent or text, whichever the row holds
        if isinstance(value, Percent):
            text = format_fixed(value.value, value.decimals)
            return ("+" + text if value.value > 0 else text) if column.kind == "delta" else text
        if isinstance(value, int):
            return f"{value:+,}" if column.kind == "delta" else f"{value:,}"
        return str(value)
    if column.kind == "count":
        return f"{value:,}"
    if column.kind == "decimal":  # a statistic: an expected count, a standard deviation
        return f"{value:,.1f}"
    if column.kind == "score":  # a signed statistic: an excess, a z score
        return f"{value:+,.1f}"
    if column.kind in ("percent", "signed"):
        text = shorten(value.value, value.decimals, value.truncate)
        return ("+" + text if value.value > 0 else text) if column.kind == "signed" else text
    if column.kind == "bool":
        return "yes" if value else "no"
    if column.kind == "bar":
        return bar(value)
    return str(value)


def fact_text(value: str | int) -> str:
    """A fact as people read it: a bare count grouped (10,101), a sentence as it is."""
    return f"{value:,}" if isinstance(value, int) else value


def bar(share: Fraction | None, width: int = BAR_WIDTH) -> str:
    if share is None:
        return ""
    eighths = round(share / 100 * width * 8)
    full, rest = divmod(int(eighths), 8)
    return "█" * full + (" ▏▎▍▌▋▊▉"[rest] if rest else "")


def machine(value: Any, column: Column) -> Any:
    """Numbers as numbers, percentages 0-100 as floats, nothing formatted."""
    if isinstance(value, Percent):
        return round(float(value.value), 6)
    if isinstance(value, Fraction):
        return round(float(value), 6)
    return value


def human_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if c.human and any(row.get(c.key) not in (None, "") for row in table.rows)]


def machine_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if c.machine]


def summary_text(summary: dict[str, int], notes: bool = True) -> str:
    parts = [f"{summary['errors']:,} error(s)", f"{summary['warnings']:,} warning(s)"]
    if notes:
        parts.append(f"{summary['notes']:,} note(s)")
    if summary.get("accepted"):
        parts.append(f"{summary['accepted']:,} accepted")
    return ", ".join(parts)


def location(finding: Finding) -> str:
    if finding.position is None:
        return finding.file
    return f"{finding.file}:{finding.position.line}:{finding.position.column}"


def finding_line(finding: Finding) -> str:
    """The one-line form of a finding: results.yaml:35:5: error KZ101 candidates[3].votes: ..."""
    path = f" {finding.path_text}:" if finding.path else ":"
    accepted = f" [accepted: {finding.accepted}]" if finding.accepted else ""
    return f"{location(finding)}: {finding.severity} {finding.code}{path} {finding.message}{accepted}"


FINDING_COLUMNS = (
    Column("file", "File"),
    Column("line", "Line", "count"),
    Column("column", "Col", "count"),
    Column("severity", "Severity"),
    Column("code", "Code"),
    Column("name", "Rule"),
    Column("path", "Path"),
    Column("message", "Message"),
    Column("accepted", "Accepted because"),
)


def finding_record(finding: Finding) -> dict[str, Any]:
    return {
        "file": finding.file,
        "line": finding.position.line if finding.position else None,
        "column": finding.position.column if finding.position else None,
        "severity": str(finding.severity),
        "code": finding.code,
        "name": finding.name,
        "path": finding.path_text,
        "subject": finding.subject or None,
        "message": finding.message,
        "figures": dict(finding.figures),
        "accepted": finding.accepted,
    }


def shown_findings(findings: list[Finding], notes: bool, limit: int | None = None) -> list[Finding]:
    shown = [f for f in findings if notes or f.severity.name != "NOTE" or f.accepted]
    return shown if limit is None else shown[:limit]


def more_text(view: View, shown: int) -> str:
    """The line after a list of `shown` findings that --limit or a per-code cap cut: how many
    more, and where they all are."""
    hidden = len(shown_findings(view.findings, view.notes)) - shown + view.dropped
    if hidden and view.dropped:
        return f"… and {hidden:,} more (showing {shown:,} of {shown + hidden:,}; --format json or csv keep the first {view.kept_per_code:,} of each code)"
    if hidden:
        return f"… and {hidden:,} more (--limit N, or --format json or csv for all)"
    return ""
