"""What the dataframe baselines of bench/audit.py share: the header of the stations CSV, and the
comparison of their per-region sums with the published figures (as bench/pandas_audit.py does)."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path
from typing import Any

TEXT_COLUMNS = ("station", "region")
TURNOUT_FIGURES = ("registered", "ballots_cast", "invalid_ballots")


def header(path: Path) -> list[str]:
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def rollup_mismatches(results: dict[str, Any], regions: dict[str, Any], sums: dict[str | None, dict[str, Any]]) -> int:
    """Published figures the per-region sums (a row per region: its figures and its "stations")
    disagree with, regions and nation; a sum SQL leaves NULL counts as 0."""
    mismatches = 0
    for region_name, region in regions.items():
        summed = sums.get(region_name)
        for figure in TURNOUT_FIGURES:
            if figure in region and (summed is None or summed[figure] != region[figure]):
                mismatches += 1
        for choice, votes in (region.get("votes") or {}).items():
            if summed is None or summed[choice] != votes:
                mismatches += 1
        if "polling_stations" in region and (summed["stations"] if summed else 0) != region["polling_stations"]:
            mismatches += 1
    national = {figure: sum(row[figure] or 0 for row in sums.values()) for figure in (*TURNOUT_FIGURES, *(c["name"] for c in results["candidates"]))}
    turnout = results["turnout"]
    mismatches += sum(1 for f in TURNOUT_FIGURES if f in turnout and national[f] != turnout[f])
    mismatches += sum(1 for c in results["candidates"] if national[c["name"]] != c["votes"])
    return mismatches
