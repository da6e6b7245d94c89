"""The audit view: the roll-up per region against the published totals, and the findings."""

from __future__ import annotations

from typing import Any

from kzvote.audit import NATION, Audit
from kzvote.audit import stations as audit_stations_module
from kzvote.text import excerpt
from kzvote.views import Column, Table, View, header

ROLLUP_CODES = ("KZ811", "KZ812", "KZ813", "KZ814", "KZ815")
DIFFERS = ("KZ811", "KZ812", "KZ813")


def rollup(audit: Audit) -> Table:
    published = {"": audit.results.turnout} | {r.name: r.counts for r in audit.results.regions}
    flagged: dict[str, set[str]] = {}
    differs: set[str] = set()
    for finding in audit.findings:
        if finding.code in ROLLUP_CODES and finding.code != "KZ815":
            where = "" if finding.subject == NATION else finding.subject
            flagged.setdefault(where, set()).add(str(finding.figures.get("figure") or ("polling_stations" if finding.code == "KZ812" else "stations")))
            if finding.code in DIFFERS:
                differs.add(where)
    unconfirmed = {"" if f.subject == NATION else f.subject for f in audit.findings if f.code == "KZ814"}
    order = [""] + [r.name for r in audit.results.regions] + sorted(n for n in audit.areas if n and n not in published)
    rows: list[dict[str, Any]] = []
    for name in order:
        area = audit.areas.get(name)
        counts = published.get(name)
        sums: dict[str, int]
        sums = area.sums if area else {}
        status = _status(name, published, audit, differs, unconfirmed)
        rows.append(
            {
                "area": "All stations" if not name else name if name in published else excerpt(name),  # a CSV region is foreign text
                "stations": area.stations if area else 0,
                "published_stations": counts.polling_stations.count if counts and counts.polling_stations else None,
                "unreadable": (area.unreadable or None) if area else None,
                "registered": sums.get("registered"),
                "ballots_cast": sums.get("ballots_cast"),
                "invalid_ballots": sums.get("invalid_ballots"),
                "valid": sum(sums.get(c.name, 0) for c in audit.results.choices) if area else None,
                "check_text": " ".join(sorted(flagged.get(name, ()))) or status,
                "check": sorted(flagged.get(name, ())),
                "status": status,
            }
        )
    columns = (
        Column("area", "Area"),
        Column("stations", "Stations", "count"),
        Column("published_stations", "Published", "count", priority=2),
        Column("unreadable", "Unreadable", "count", priority=1),
        Column("registered", "Registered", "count", priority=6),
        Column("ballots_cast", "Ballots cast", "count"),
        Column("invalid_ballots", "Invalid", "count", priority=4),
        Column("valid", "Valid", "count", priority=3),
        Column("check_text", "Check", machine=False),
        Column("check", "Check", human=False),  # the figures that differ or are unconfirmed, as a list
        Column("status", "Status", human=False),
    )
    return Table(
        "rollup", "Roll-up: stations added up; Check names a total that differs from the published one", columns, rows, sections=(1,) if len(rows) > 1 else ()
    )


def _status(name: str, published: dict[str, Any], audit: Audit, differs: set[str], unconfirmed: set[str]) -> str:
    """ok | differs | unconfirmed (only unreadable stations keep a total from agreeing) | not published."""
    if name in differs:
        return "differs"
    if name in unconfirmed:
        return "unconfirmed"
    return "ok" if name in published else "not published" if audit.results.regions else ""


def audit(a: Audit, limit: int) -> View:
    facts = [
        ("Stations", f"{a.rows:,} rows read from {a.stations_file}; {a.stations_with_errors:,} with errors, {a.stations_with_warnings:,} with warnings only"),
    ]
    keep = audit_stations_module.KEEP_PER_CODE
    if a.dropped:
        dropped = ", ".join(f"{count:,} {code}" for code, count in a.truncated.items())
        facts.append(("Kept", f"the first {keep:,} station findings of each code; {a.dropped:,} more were counted, not kept ({dropped})"))
    # Roll-up findings first and never cut: --limit is about the (possibly many) station findings.
    totals = [f for f in a.findings if f.code in ROLLUP_CODES]
    stations = [f for f in a.findings if f.code not in ROLLUP_CODES]
    return View(
        "audit",
        a.results.file,
        header(a.results),
        facts,
        [rollup(a)],
        totals + stations,
        limit=len(totals) + limit,
        csv_rows="findings",
        truncated=dict(sorted(a.truncated.items())),
        kept_per_code=keep,
    )
