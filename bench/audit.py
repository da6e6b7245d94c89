"""Audit benchmark: `kzvote audit` against pandas, polars and DuckDB scripts doing the same work (issues 4, 12).

    python bench/audit.py [--sizes 10101 100000 1000000 3000000] [--runs 5] [--data DIR] [--markdown]

For each size it generates a station CSV with bench/make_stations.py (cached in --data), then runs
`kzvote audit --format json` and bench/{pandas,polars,duckdb}_audit.py, each in its own process,
interleaved: each round runs every tool once, in that order. It reports per tool the min, median
and max wall time and the peak memory (max RSS over the runs), and the ratios of the medians
kzvote/pandas and kzvote/polars; --markdown prints the table as Markdown (for README). A tool whose
module this Python cannot import is shown as "-" and skipped, and so are the goals that need it.
The three scripts must print the same counts, or the run stops. Goals:
  10,101 stations           kzvote <= 0.35x pandas (start-up matters here)
  1,000,000 and 3,000,000   kzvote <= 0.5x pandas and <= 1.2x polars, peak memory < 150 MiB
  1,000,000 vs 100,000      1M costs <= 11x 100k (linear)
Exits 1 when a goal is missed. The baselines are benchmark-only dependencies: pip install '.[bench]'.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ("kzvote", "pandas", "polars", "duckdb")
BASELINES = TOOLS[1:]
# Runs a command and prints its wall time, the peak RSS of that one child and, when asked, its output, as JSON.
MEASURE = """
import json, resource, subprocess, sys, time
keep = sys.argv[1] == "keep"
start = time.perf_counter()
done = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE if keep else subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
wall = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "rss_kib": rss, "code": done.returncode, "out": done.stdout if keep else None}))
"""


@dataclass
class Runs:
    """One tool's runs on one file."""

    walls: list[float]
    peak_kib: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def peak_mib(self) -> float:
        return self.peak_kib / 1024

    def seconds(self) -> str:
        return f"{min(self.walls):.2f} / {self.median:.2f} / {max(self.walls):.2f} s"


Row = dict[str, Runs | None]  # by tool, None when its module is missing


@dataclass
class Goal:
    name: str
    value: float
    bound: float
    strict: bool = False  # value < bound rather than value <= bound

    @property
    def met(self) -> bool:
        return self.value < self.bound if self.strict else self.value <= self.bound


def measure(command: list[str], keep_output: bool) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", MEASURE, "keep" if keep_output else "drop", *command], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def dataset(data: Path, size: int) -> Path:
    folder = data / f"stations-{size}"
    if not (folder / "results.yaml").exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "make_stations.py"), str(size), "--seed", "2022", "--out", str(folder)], check=True, capture_output=True
        )
    return folder / "results.yaml"


def importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def commands(kzvote: str, baselines: list[str], results: Path) -> dict[str, list[str] | None]:
    """The command line of each tool, None for a baseline left out."""
    found: dict[str, list[str] | None] = {"kzvote": [kzvote, "audit", str(results), "--format", "json"]}
    for tool in BASELINES:
        found[tool] = [sys.executable, str(ROOT / "bench" / f"{tool}_audit.py"), str(results)] if tool in baselines else None
    return found


def run_size(kzvote: str, baselines: list[str], results: Path, rounds: int) -> Row:
    lines = commands(kzvote, baselines, results)
    row: Row = {tool: Runs([]) if lines[tool] else None for tool in TOOLS}
    printed: dict[str, set[str]] = {tool: set() for tool in BASELINES}
    for _ in range(rounds):
        for tool in TOOLS:
            command, runs = lines[tool], row[tool]
            if command is None or runs is None:
                continue
            run = measure(command, keep_output=tool != "kzvote")
            if run["code"] != 0:
                sys.exit(f"{tool} exited {run['code']} on {results} (kzvote must find the generated file clean; a script must not fail)")
            runs.walls.append(run["wall"])
            runs.peak_kib = max(runs.peak_kib, run["rss_kib"])
            if tool in printed:
                printed[tool].add(run["out"].strip())
    if len(set().union(*printed.values())) > 1:
        sys.exit(f"the baselines disagree on {results}: {printed}")
    return row


def ratio(row: Row, tool: str) -> float | None:
    ours, theirs = row["kzvote"], row[tool]
    return ours.median / theirs.median if ours and theirs else None


def cells(size: int, row: Row) -> list[str]:
    times = [runs.seconds() if runs else "-" for runs in row.values()]
    ratios = [f"{value:.2f}x" if value is not None else "-" for value in (ratio(row, "pandas"), ratio(row, "polars"))]
    peaks = " / ".join(f"{runs.peak_mib:.0f}" if runs else "-" for runs in row.values())
    return [f"{size:,}", *times, *ratios, peaks]


HEADINGS = ["stations", *(f"{tool} min/median/max" for tool in TOOLS), "kzvote/pandas", "kzvote/polars", "peak MiB " + "/".join(TOOLS)]
WIDTHS = [10, 22, 22, 22, 22, 13, 13, 34]


def table_line(values: list[str], markdown: bool) -> str:
    if markdown:
        return "| " + " | ".join(values) + " |"
    return "  ".join(value.rjust(width) for value, width in zip(values, WIDTHS))


def goals(rows: dict[int, Row]) -> list[Goal]:
    """The goals of issue 12 (and issue 4's linear scaling) that the measured sizes and tools allow."""
    found: list[Goal] = []
    small = rows.get(10_101)
    if small and (value := ratio(small, "pandas")) is not None:
        found.append(Goal("10,101: kzvote / pandas <= 0.35", value, 0.35))
    for size, label in ((1_000_000, "1M"), (3_000_000, "3M")):
        row = rows.get(size)
        if not row:
            continue
        if (value := ratio(row, "pandas")) is not None:
            found.append(Goal(f"{label}: kzvote / pandas <= 0.5", value, 0.5))
        if (value := ratio(row, "polars")) is not None:
            found.append(Goal(f"{label}: kzvote / polars <= 1.2", value, 1.2))
        ours = row["kzvote"]
        if ours:
            found.append(Goal(f"{label}: kzvote peak MiB < 150", ours.peak_mib, 150, strict=True))
    big, medium = rows.get(1_000_000, {}).get("kzvote"), rows.get(100_000, {}).get("kzvote")
    if big and medium:
        found.append(Goal("1M / 100k kzvote time <= 11", big.median / medium.median, 11.0))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_101, 100_000, 1_000_000, 3_000_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "kzvote-bench")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (for README)")
    args = parser.parse_args()
    kzvote = shutil.which("kzvote", path=str(Path(sys.executable).parent)) or shutil.which("kzvote")
    if not kzvote:
        sys.exit("kzvote is not installed beside this Python: pip install .")
    baselines = [tool for tool in BASELINES if importable(tool)]
    if missing := [tool for tool in BASELINES if tool not in baselines]:
        print(f"skipped, not importable by {sys.executable}: {', '.join(missing)} (pip install '.[bench]')", file=sys.stderr)
    print(table_line(HEADINGS, args.markdown))
    if args.markdown:
        print("| " + " | ".join(["---:"] * len(HEADINGS)) + " |")
    rows: dict[int, Row] = {}
    for size in args.sizes:
        rows[size] = run_size(kzvote, baselines, dataset(args.data, size), args.runs)
        print(table_line(cells(size, rows[size]), args.markdown), flush=True)
    print()
    missed = 0
    for goal in goals(rows):
        missed += not goal.met
        print(f"{'ok  ' if goal.met else 'MISS'} {goal.name}: {goal.value:.2f}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
