"""The sources view: a figure x source matrix, a line per source, and the findings."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from kzvote import fmt
from kzvote.sources import AGREES, NOT_REPORTED, Comparison, CrossCheck, FigureRow
from kzvote.views import Column, Percent, Table, View, header


def _cell(row: FigureRow, c: Comparison) -> str:
    if c.status == NOT_REPORTED or c.reported is None:
        return "·"
    if c.status == AGREES:
        return "✓"
    if row.kind == "count":
        return f"≠ {fmt.count(c.reported.count)}"
    return f"≠ {c.reported.text}"


def _official(row: FigureRow) -> str:
    if row.official is None:
        return ""
    return fmt.count(row.official.count) if row.kind == "count" else row.official.text


def matrix(check: CrossCheck) -> Table:
    """For people: ✓ agrees, ≠ value differs, · not reported. Rows no source reports are left out."""
    sources = [s.source for s in check.summaries]
    columns = [Column("figure", "Figure"), Column("official", "Official", "text")]
    columns += [Column(s.id, s.id, "mark") for s in sources]
    rows = []
    for row in check.rows:
        if all(c.status == NOT_REPORTED for c in row.comparisons):
            continue
        cells: dict[str, Any] = {"figure": row.label, "official": _official(row)}
        cells |= {c.source.id: _cell(row, c) for c in row.comparisons}
        rows.append(cells)
    return Table("matrix", "Figures by source (✓ agrees with the official figure, ≠ differs, · not reported)", tuple(columns), rows, machine=False, repeat=2)


def comparisons(check: CrossCheck) -> Table:
    """For programs: one row per reported figure."""
    rows = []
    for row in check.rows:
        for c in row.comparisons:
            if c.reported is None:
                continue
            percent = row.kind == "percent"
            rows.append(
                {
                    "figure": row.key,
                    "kind": row.kind,
                    "source": c.source.id,
                    "published": c.source.published_text,
                    "stage": c.source.stage,
                    "official": (fmt.as_number(Fraction(row.official_exact)) if percent else row.official_exact) if row.official_exact is not None else None,
                    "reported": Percent(Fraction(c.reported.value), c.reported.decimals) if percent else c.reported.count,
                    "reported_decimals": c.reported.decimals if percent else None,
                    "status": c.status,
                    "difference": (fmt.as_number(Fraction(c.difference)) if percent else c.difference) if c.difference is not None else None,
                    "remark": c.remark or None,
                }
            )
    columns = (
        Column("figure", "Figure"),
        Column("kind", "Kind"),
        Column("source", "Source"),
        Column("published", "Published"),
        Column("stage", "Stage"),
        Column("official", "Official"),
        Column("reported", "Reported", "percent"),
        Column("reported_decimals", "Decimals", "count"),
        Column("status", "Status"),
        Column("difference", "Difference"),
        Column("remark", "Remark"),
    )
    return Table("comparisons", "Every reported figure", columns, rows, human=False)


def summary(check: CrossCheck) -> Table:
    rows = [
        {
            "id": s.source.id,
            "publisher": s.source.publisher,
            "published": s.source.published_text,
            "stage": s.source.stage,
            "reported": s.reported,
            "differing": s.differing,
            "consistent": s.consistent,
        }
        for s in check.summaries
    ]
    columns = (
        Column("id", "Source"),
        Column("publisher", "Publisher", priority=1),
        Column("published", "Published"),
        Column("stage", "Stage", priority=3),
        Column("reported", "Figures", "count"),
        Column("differing", "Differ", "count"),
        Column("consistent", "Self-consistent", "bool", priority=5),
    )
    return Table("sources", "Sources, in order of publication", columns, rows)


def sources(check: CrossCheck) -> View:
    # comparisons first: it is the table CSV writes (long form, one row per reported figure)
    differing = sum(s.differing for s in check.summaries)
    facts = [("Sources", f"{len(check.summaries)} reports, {sum(s.reported for s in check.summaries)} figures, {differing} differing from the official result")]
    return View("sources", check.results.file, header(check.results), facts, [comparisons(check), summary(check), matrix(check)], check.findings)
