"""Audit benchmark: `kzvote audit` against a plain pandas script doing the same work (issue #4).

    python bench/audit.py [--sizes 10101 100000 1000000] [--runs 3] [--data DIR]

For each size it generates a station CSV with bench/make_stations.py (cached in --data), then
runs, interleaved, `kzvote audit --format json` and `python bench/pandas_audit.py`, each in its own
process, and reports the median wall time, the peak memory (max RSS) and the ratios. Goals:
  10,101 stations     kzvote <= 0.5x pandas (start-up matters here)
  1,000,000 stations  kzvote <= 1.5x pandas, peak memory < 1 GiB, and 1M costs <= 11x 100k
Exits 1 when a goal is missed. Needs pandas (a benchmark-only dependency: pip install pandas).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Runs a command and prints its wall time and the peak RSS of that one child, as JSON.
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - start
print(json.dumps({"wall": wall, "rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "code": done.returncode}))
"""


def measure(command: list[str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def dataset(data: Path, size: int) -> Path:
    folder = data / f"stations-{size}"
    if not (folder / "results.yaml").exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "make_stations.py"), str(size), "--seed", "2022", "--out", str(folder)], check=True, capture_output=True
        )
    return folder / "results.yaml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_101, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "kzvote-bench")
    args = parser.parse_args()
    kzvote = shutil.which("kzvote", path=str(Path(sys.executable).parent)) or shutil.which("kzvote")
    if not kzvote:
        sys.exit("kzvote is not installed beside this Python: pip install .")
    rows = {}
    print(f"{'stations':>10} {'kzvote':>9} {'pandas':>9} {'ratio':>6} {'kzvote RSS':>11} {'pandas RSS':>11}")
    for size in args.sizes:
        results = dataset(args.data, size)
        ours: list[dict[str, float]] = []
        theirs: list[dict[str, float]] = []
        for _ in range(args.runs):
            ours.append(measure([kzvote, "audit", str(results), "--format", "json"]))
            theirs.append(measure([sys.executable, str(ROOT / "bench" / "pandas_audit.py"), str(results)]))
        assert all(run["code"] == 0 for run in ours), "kzvote audit found faults in a clean file"
        row = {
            "kzvote": statistics.median(r["wall"] for r in ours),
            "pandas": statistics.median(r["wall"] for r in theirs),
            "kzvote_mib": max(r["rss_kib"] for r in ours) / 1024,
            "pandas_mib": max(r["rss_kib"] for r in theirs) / 1024,
        }
        rows[size] = row
        print(
            f"{size:>10,} {row['kzvote']:8.2f}s {row['pandas']:8.2f}s {row['kzvote'] / row['pandas']:5.2f}x {row['kzvote_mib']:8.0f} MiB {row['pandas_mib']:8.0f} MiB"
        )
    goals = []
    if 10_101 in rows:
        goals.append(("10,101: kzvote / pandas <= 0.5", rows[10_101]["kzvote"] / rows[10_101]["pandas"], 0.5))
    if 1_000_000 in rows:
        goals.append(("1M: kzvote / pandas <= 1.5", rows[1_000_000]["kzvote"] / rows[1_000_000]["pandas"], 1.5))
        goals.append(("1M: peak memory GiB < 1", rows[1_000_000]["kzvote_mib"] / 1024, 1.0))
        if 100_000 in rows:
            goals.append(("1M / 100k time <= 11", rows[1_000_000]["kzvote"] / rows[100_000]["kzvote"], 11.0))
    print()
    missed = 0
    for name, value, bound in goals:
        ok = value <= bound
        missed += not ok
        print(f"{'ok  ' if ok else 'MISS'} {name}: {value:.2f}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
