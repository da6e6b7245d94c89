"""The baseline for bench/audit.py: the same audit as `kzvote audit`, as a plain pandas script.

    python bench/pandas_audit.py results.yaml

Reads the results file (PyYAML) and the stations CSV (pandas), checks the same per-station
relations (balance, turnout over 100%, received = cast + cancelled, invalid share over 10%,
duplicate ids, unknown regions), sums stations per region and nationally, and compares the sums
and station counts with the published figures. Prints how many of each it found.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import yaml


def main() -> int:
    results_path = Path(sys.argv[1])
    results = yaml.safe_load(results_path.read_text(encoding="utf-8"))
    df = pd.read_csv(results_path.parent / results["stations"], dtype={"station": str, "region": str})
    choices = [c["name"] for c in results["candidates"]] + (["against_all"] if "against_all" in results else [])
    valid = df[choices].sum(axis=1)
    target = df["ballots_in_boxes"] if "ballots_in_boxes" in df else df["ballots_cast"]
    found = {
        "unbalanced": int((valid + df["invalid_ballots"] != target).sum()),
        "over_100": int((df["ballots_cast"] > df["registered"]).sum()),
        "received": int((df["ballots_received"] != df["ballots_cast"] + df["ballots_cancelled"]).sum()) if "ballots_received" in df else 0,
        "invalid_share": int((df["invalid_ballots"] * 100 > df["ballots_cast"] * 10).sum()),
        "duplicates": int(df["station"].duplicated().sum()),
        "negative": int((df.drop(columns=["station", "region"]) < 0).to_numpy().sum()),
    }
    regions = {r["name"]: r for r in results.get("regions", [])}
    found["unknown_regions"] = int((~df["region"].isin(list(regions))).sum()) if regions else 0
    figures = ["registered", "ballots_cast", "invalid_ballots", *choices]
    sums = df.groupby("region")[figures].sum()
    counts = df.groupby("region").size()
    mismatches = 0
    for name, region in regions.items():
        for figure in ("registered", "ballots_cast", "invalid_ballots"):
            if figure in region and (name not in sums.index or sums.at[name, figure] != region[figure]):
                mismatches += 1
        for choice, votes in (region.get("votes") or {}).items():
            if sums.at[name, choice] != votes:
                mismatches += 1
        if "polling_stations" in region and counts.get(name, 0) != region["polling_stations"]:
            mismatches += 1
    national = df[figures].sum()
    turnout = results["turnout"]
    mismatches += sum(1 for f in ("registered", "ballots_cast", "invalid_ballots") if f in turnout and national[f] != turnout[f])
    mismatches += sum(1 for c in results["candidates"] if national[c["name"]] != c["votes"])
    found["rollup_mismatches"] = mismatches
    print(found)
    return 0


if __name__ == "__main__":
    sys.exit(main())
