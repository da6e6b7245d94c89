"""Forensics benchmark: `kzvote forensics` against `kzvote audit` on the same file (issue 13).

    python bench/forensics.py [--sizes 100000 1000000] [--runs 5] [--data DIR] [--markdown]

For each size it generates a station CSV with bench/make_stations.py (cached in --data, shared
with bench/audit.py), then runs, interleaved, each in its own process:
  audit       kzvote audit results.yaml --format json
  forensics   kzvote forensics results.yaml --format json   (the winner known from the results file)
  csv alone   kzvote forensics stations.csv --format json   (every choice kept until the winner is known)
It reports min / median / max wall time and peak memory (max RSS of the largest process) of each,
and the ratios of the medians and peaks against the audit. Goals at 1,000,000 stations: forensics
within 2x the audit's time, and memory as the audit's (<= 1.0x its peak). Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit import Goal, Runs, dataset, measure  # noqa: E402  (bench/audit.py: the same runner and data)

MODES = ("audit", "forensics", "csv alone")
TIME_GOAL, MEMORY_GOAL = 2.0, 1.0


def commands(kzvote: str, results: Path) -> dict[str, list[str]]:
    return {
        "audit": [kzvote, "audit", str(results), "--format", "json"],
        "forensics": [kzvote, "forensics", str(results), "--format", "json"],
        "csv alone": [kzvote, "forensics", str(results.parent / "stations.csv"), "--format", "json"],
    }


def run_size(kzvote: str, results: Path, rounds: int) -> dict[str, Runs]:
    lines = commands(kzvote, results)
    row = {mode: Runs([]) for mode in MODES}
    for _ in range(rounds):
        for mode in MODES:
            run = measure(lines[mode], keep_output=False)
            if run["code"] != 0:
                sys.exit(f"{mode} exited {run['code']} on {results}: the generated file is clean and shows no signal")
            row[mode].walls.append(run["wall"])
            row[mode].peak_kib = max(row[mode].peak_kib, run["rss_kib"])
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "kzvote-bench")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    kzvote = shutil.which("kzvote", path=str(Path(sys.executable).parent)) or shutil.which("kzvote")
    if not kzvote:
        sys.exit("kzvote is not installed beside this Python: pip install .")
    headings = ["stations", *(f"{mode} min/median/max" for mode in MODES), "forensics/audit", "csv alone/audit", "peak MiB " + " / ".join(MODES)]
    rows = []
    goals: list[Goal] = []
    for size in args.sizes:
        row = run_size(kzvote, dataset(args.data, size), args.runs)
        audit = row["audit"]
        ratios = [row[mode].median / audit.median for mode in MODES[1:]]
        peaks = " / ".join(f"{row[mode].peak_mib:.0f}" for mode in MODES)
        rows.append([f"{size:,}", *(row[mode].seconds() for mode in MODES), *(f"{value:.2f}x" for value in ratios), peaks])
        if size == 1_000_000:
            goals.append(Goal("1,000,000: forensics / audit, median time", ratios[0], TIME_GOAL))
            goals.append(Goal("1,000,000: forensics / audit, peak memory", row["forensics"].peak_mib / audit.peak_mib, MEMORY_GOAL))
    if args.markdown:
        print("| " + " | ".join(headings) + " |")
        print("| " + " | ".join("---:" for _ in headings) + " |")
        for cells in rows:
            print("| " + " | ".join(cells) + " |")
    else:
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headings)]
        for cells in [headings, *rows]:
            print("  ".join(cell.rjust(width) for cell, width in zip(cells, widths)))
    print()
    for goal in goals:
        print(f"{'met ' if goal.met else 'MISS'} {goal.name} <= {goal.bound:g}: {goal.value:.2f}")
    return 0 if all(goal.met for goal in goals) else 1


if __name__ == "__main__":
    sys.exit(main())
