"""What each command shows, as plain data: tables of typed cells and findings. No printing.

Renderers turn a View into text, JSON, CSV or Markdown; a new command builds a View, a new format
writes one renderer, and neither touches the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from kzvote.findings import Finding, Severity, count_by_severity
from kzvote.model import Results


@dataclass(frozen=True)
class Percent:
    """A percentage cell: exact value, and the decimals it is shown with."""

    value: Fraction
    decimals: int
    truncate: bool = False  # shown cut, as a commission that truncates writes its figures


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | count | percent | signed | decimal | score | bool | bar | mark (✓ ≠ ·)
    human: bool = True  # shown in table/markdown
    machine: bool = True  # written to JSON/CSV
    priority: int = 9  # a narrow terminal drops the lowest first; 9 is never dropped


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    sections: tuple[int, ...] = ()  # row indexes that start a new section (e.g. against all)
    human: bool = True  # drawn for people (table, markdown)
    machine: bool = True  # written for programs (JSON, CSV)
    repeat: int = 0  # a wide table is drawn in pages of columns, these leading ones on each page


@dataclass(frozen=True)
class Picture:
    """A figure drawn from numbers: a heat map (a grid, rows from the top) or a histogram (a row of
    bins). Renderers draw it in the terminal, as ASCII off one, or leave it to --plot."""

    key: str
    title: str
    kind: str  # heatmap | histogram
    values: Any  # heatmap: rows x columns of weights (row 0 is the lowest y); histogram: bins
    x_label: str
    y_label: str = ""
    x_range: tuple[float, float] = (0.0, 100.0)
    marks: int = 0  # histogram: every marks-th bin is drawn apart (the integer percents)


@dataclass(frozen=True)
class View:
    command: str
    file: str
    header: dict[str, Any] = field(default_factory=dict)
    facts: Sequence[tuple[str, str | int]] = field(default_factory=list)  # label, sentence or a bare count (JSON: a number)
    tables: list[Table] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    show_findings: bool = True
    notes: bool = True  # notes among the findings shown to people
    limit: int | None = None  # findings shown to people (table, markdown); machines get them all
    csv_rows: str = "table"  # what CSV writes: the first machine table, or "findings", one row each
    truncated: dict[str, int] = field(default_factory=dict)  # by code: findings counted, not kept (a cap)
    kept_per_code: int | None = None  # the cap, when a producer has one
    exit_code: int | None = None  # what the run exits with, once the command knows (JSON's summary has it)
    findings_title: str = "Findings"  # what the findings are: diff shows only those NEW brought
    pictures: list[Picture] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, Any]:
        """Findings that count, by severity; accepted ones apart (they never fail a run). Findings
        counted but not kept count like the kept ones of their code; "truncated" says how many."""
        counts = count_by_severity(f for f in self.findings if f.accepted is None)
        accepted = sum(1 for f in self.findings if f.accepted is not None)
        for code, dropped in self.truncated.items():
            kept = next((f for f in self.findings if f.code == code), None)
            if kept is None:
                continue
            if kept.accepted is None:
                counts[kept.severity] += dropped
            else:
                accepted += dropped
        summary: dict[str, Any] = {"errors": counts[Severity.ERROR], "warnings": counts[Severity.WARNING], "notes": counts[Severity.NOTE], "accepted": accepted}
        if self.truncated:
            summary["truncated"] = dict(self.truncated)
        return summary

    @property
    def dropped(self) -> int:
        return sum(self.truncated.values())


def header(results: Results) -> dict[str, Any]:
    election = results.election
    return {
        "title": election.title,
        "country": election.country,
        "date": election.date.isoformat(),
        "authority": election.authority,
        "stage": election.stage,
        "announced": election.announced.isoformat() if election.announced else None,
        "percent_of": election.percent_of,
        "majority_percent": float(election.majority_percent.value),
        "round": election.round,
        "rounding": election.rounding,
    }
