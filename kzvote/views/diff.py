"""The diff view: changed figures, candidates in and out, findings that came and went."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from kzvote.diff import Change, Diff, Entry
from kzvote.findings import Finding, Severity, count_by_severity
from kzvote.views import Column, Percent, Table, View, header


def _value(entry: Entry | None) -> Any:
    if entry is None:
        return None
    if entry.kind == "percent":
        return Percent(Fraction(entry.value), len(entry.text.partition(".")[2]))  # type: ignore[arg-type]
    return entry.value


def _difference(change: Change) -> Any:
    difference = change.difference
    if difference is None:
        return None
    if change.kind == "percent":
        decimals = max(len(e.text.partition(".")[2]) for e in (change.old, change.new) if e is not None)
        return Percent(Fraction(difference), decimals)
    return difference


def changes_table(diff: Diff) -> Table:
    rows = [
        {
            "figure": change.key,
            "label": change.label,
            "kind": change.kind,
            "line": change.new.position.line if change.new and change.new.position else None,
            "old": _value(change.old),
            "new": _value(change.new),
            "difference": _difference(change),
            "change": "added" if change.old is None else "removed" if change.new is None else "changed",
        }
        for change in diff.changes
    ]
    columns = (
        Column("label", "Figure"),
        Column("figure", "Key", human=False),
        Column("kind", "Kind", human=False),
        Column("line", "Line", "count"),
        Column("old", "Old", "value"),
        Column("new", "New", "value"),
        Column("difference", "Difference", "delta"),
        Column("change", "Change"),
    )
    return Table("changes", "Changed figures", columns, rows)


def findings_table(key: str, title: str, findings: tuple[Finding, ...]) -> Table:
    rows = [{"severity": str(f.severity), "code": f.code, "path": f.path_text, "message": f.message} for f in findings]
    columns = (Column("severity", "Severity"), Column("code", "Code"), Column("path", "Path"), Column("message", "Message"))
    return Table(key, title, columns, rows)


def _severities(findings: tuple[Finding, ...]) -> dict[str, int]:
    counts = count_by_severity(findings)
    return {"errors": counts[Severity.ERROR], "warnings": counts[Severity.WARNING], "notes": counts[Severity.NOTE]}


def counts_table(d: Diff) -> Table:
    """For programs: the findings listed (new), all of NEW's, and the resolved, by severity."""
    groups = (("new", d.findings), ("in_new", d.in_new), ("resolved", d.disappeared))
    rows = [{"findings": name, **_severities(findings)} for name, findings in groups]
    columns = (Column("findings", "Findings"), Column("errors", "Errors", "count"), Column("warnings", "Warnings", "count"), Column("notes", "Notes", "count"))
    return Table("counts", "Findings counted", columns, rows, human=False)


def _counts_sentence(d: Diff) -> str:
    """The summary below counts only what this change brings; say so, and what NEW holds in all."""
    in_new = _severities(d.in_new)
    return (
        f"{len(d.findings)} new finding(s) listed below (those OLD did not have); "
        f"NEW holds {in_new['errors']} error(s), {in_new['warnings']} warning(s), {in_new['notes']} note(s) in all; "
        f"{len(d.disappeared)} resolved"
    )


def diff(d: Diff) -> View:
    facts = [("Compared", f"{d.old.file} → {d.new.file}: {len(d.changes)} figure(s) changed")]
    facts.append(("Findings", _counts_sentence(d)))
    if d.stage_change:
        facts.append(("Stage", f"{d.stage_change[0]} → {d.stage_change[1]}"))
    if d.added_candidates:
        facts.append(("Candidates added", ", ".join(d.added_candidates)))
    if d.removed_candidates:
        facts.append(("Candidates removed", ", ".join(d.removed_candidates)))
    if d.new.election.correction:
        facts.append(("Correction", d.new.election.correction))
    tables = [changes_table(d)]
    if d.disappeared:
        tables.append(findings_table("resolved", "Findings resolved by this change", d.disappeared))
    tables.append(counts_table(d))
    return View("diff", d.new.file, header(d.new), facts, tables, list(d.findings), findings_title="New findings (not in OLD)")
