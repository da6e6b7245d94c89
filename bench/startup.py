"""Start-up benchmark: `kzvote check results.yaml` against the import floor of its libraries.

Goal (issue #2): at most 1.3x the wall time of
    python -c "import typer, rich.console, rich.table, yaml"
median of 10 runs each, measured side by side (interleaved, so machine noise hits both alike).
Also guards the typer bound in pyproject.toml: typer 0.29 imports pydantic on every command.

    python bench/startup.py [--runs 10] [--goal 1.3]

Exits 1 when a goal is missed, so it can run in CI. Uses the kzvote installed beside this Python.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = [sys.executable, "-c", "import typer, rich.console, rich.table, yaml"]


def kzvote(*args: str) -> list[str]:
    script = shutil.which("kzvote", path=str(Path(sys.executable).parent)) or shutil.which("kzvote")
    if not script:
        sys.exit("kzvote is not installed beside this Python: pip install .")
    return [script, *args]


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--goal", type=float, default=1.3)
    args = parser.parse_args()
    data = str(ROOT / "results.yaml")
    commands = {
        "floor: import typer, rich.console, rich.table, yaml": FLOOR,
        "kzvote check results.yaml": kzvote("check", data),
        "kzvote report results.yaml --format json": kzvote("report", data, "--format", "json"),
        "kzvote report results.yaml (Rich table)": kzvote("report", data),
    }
    for command in commands.values():  # warm the page cache and .pyc files
        wall(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(wall(command))
    floor = statistics.median(times[next(iter(commands))])
    print(f"{'command':<48} {'median':>9} {'vs floor':>9}")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:<48} {median * 1000:7.1f}ms {median / floor:8.2f}x")
    ratio = statistics.median(times["kzvote check results.yaml"]) / floor
    pydantic = subprocess.run([sys.executable, "-X", "importtime", "-m", "kzvote", "check", data], capture_output=True, text=True).stderr
    loads_pydantic = "pydantic" in pydantic
    print(f"\ncheck / floor = {ratio:.2f}x (goal <= {args.goal}x); pydantic imported: {loads_pydantic}")
    return 0 if ratio <= args.goal and not loads_pydantic else 1


if __name__ == "__main__":
    sys.exit(main())
