"""What the dataframe baselines of bench/audit.py share: the header of the stations CSV, and the
comparison of their per-region sums with the published figures (as bench/pandas_audit.py does)."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path
from typing import Any, NamedTuple

import yaml

TEXT_COLUMNS = ("station", "region")
TURNOUT_FIGURES = ("registered", "ballots_cast", "invalid_ballots")


class Task(NamedTuple):
    """What a baseline reads before it counts: the results file, its stations CSV and that CSV's
    header, and the figures summed per region (turnout's and every choice's)."""

    results: dict[str, Any]
    csv_path: Path
    columns: list[str]
    choices: list[str]
    figures: list[str]


def task(results_path: Path) -> Task:
    results = yaml.safe_load(results_path.read_text(encoding="utf-8"))
    csv_path = results_path.parent / results["stations"]
    choices = [c["name"] for c in results["candidates"]] + (["against_all"] if "against_all" in results else [])
    return Task(results, csv_path, header(csv_path), choices, [*TURNOUT_FIGURES, *choices])


def report(found: dict[str, int], results: dict[str, Any], sums: dict[str | None, dict[str, Any]]) -> None:
    """The per-region sums judged against the results file (unknown regions, roll-up), and the
    counts printed as the pandas script prints them."""
    regions = {r["name"]: r for r in results.get("regions", [])}
    found["unknown_regions"] = sum(row["stations"] for name, row in sums.items() if name not in regions) if regions else 0
    found["rollup_mismatches"] = rollup_mismatches(results, regions, sums)
    print(found)


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
