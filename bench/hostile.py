"""Cost of hostile and oversized input (issue 9): time and peak memory of `kzvote check`, each case in
its own process, against the figures the issue measured before the fixes.

    python bench/hostile.py [--quick]

Cases: 4,000 and 8,000 candidates (the consensus search was quadratic), three percentages of 3,000
decimals, 4,300-digit counts, the largest file under the 1,000,000-value cap, files just under the
16 MiB cap, an alias bomb, 100,000 levels of nesting, a FIFO with no writer. Exits 1 when a case runs past its time limit or exits 3 (a bug).
Timings live here, never in tests: a test must not depend on the machine's speed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAD = """format: kzvote/1
election:
  title: Synthetic election
  country: Nowhere
  date: 2022-11-20
  stage: final
  percent_of: valid
"""


def candidates_file(count: int, seed: int = 1) -> str:
    """`count` candidates with 4-decimal shares of valid votes that all fit: the worst case for the
    consensus search is when nothing is wrong, since every interval takes part."""
    rng = random.Random(seed)
    votes = [rng.randint(1_000, 100_000) for _ in range(count)]
    total = sum(votes)
    lines = [HEAD, f"turnout:\n  registered: {total * 2}\n  ballots_cast: {total + 100}\ncandidates:\n"]
    lines += [f"  - name: Candidate {i}\n    votes: {v}\n    percent: {v * 100 / total:.4f}\n" for i, v in enumerate(votes)]
    return "".join(lines)


def regions_file(regions: int, candidates: int, seed: int = 1) -> str:
    """`regions` regions of `candidates` candidates each, every figure consistent: the regions add up
    to the nation, each region's votes, turnout and invalid ballots given (issue 12: 5,000 x 50)."""
    rng = random.Random(seed)
    names = [f"Candidate {i}" for i in range(candidates)]
    blocks, totals = [], [0] * candidates
    registered = cast = invalid = stations = 0
    for r in range(regions):
        votes = [rng.randint(100, 20_000) for _ in range(candidates)]
        spoilt = rng.randint(0, 500)
        region_cast = sum(votes) + spoilt
        region_registered = region_cast + rng.randint(0, region_cast)
        region_stations = rng.randint(10, 200)
        blocks.append(
            f"  - name: Region {r}\n    registered: {region_registered}\n    ballots_cast: {region_cast}\n    invalid_ballots: {spoilt}\n"
            f"    turnout_percent: {region_cast * 100 / region_registered:.2f}\n    polling_stations: {region_stations}\n    votes:\n"
            + "".join(f"      {name}: {v}\n" for name, v in zip(names, votes))
        )
        totals = [t + v for t, v in zip(totals, votes)]
        registered, cast, invalid, stations = registered + region_registered, cast + region_cast, invalid + spoilt, stations + region_stations
    valid = cast - invalid
    head = f"turnout:\n  registered: {registered}\n  ballots_cast: {cast}\n  invalid_ballots: {invalid}\n  polling_stations: {stations}\ncandidates:\n"
    head += "".join(f"  - name: {name}\n    votes: {v}\n    percent: {v * 100 / valid:.2f}\n" for name, v in zip(names, totals))
    return HEAD + head + "regions:\n" + "".join(blocks)


def slipped_file(count: int) -> str:
    """`count` candidates, the first one's count with a digit too many: every share fails, every
    count is a suspect, and attribution tries every keystroke correction of each (issue 10)."""
    text = candidates_file(count)
    start = text.index("votes: ") + len("votes: ")
    return text[:start] + "9" + text[start:]


def every_percent_wrong(count: int) -> str:
    """Every published percent off, shares of ballots cast: one failing group per candidate."""
    return candidates_file(count).replace("percent_of: valid", "percent_of: cast").replace("percent: ", "percent: 1")


def file_of_size(limit: int) -> str:
    """The largest candidates file below `limit` bytes."""
    per_candidate = len(candidates_file(1000)) / 1000
    count = int(limit / per_candidate)
    while True:
        text = candidates_file(count)
        if len(text.encode()) < limit:
            return text
        count = int(count * 0.995)


def flow_list(count: int) -> str:
    return "candidates: [" + ", ".join(f"{{name: c{i}, votes: 1}}" for i in range(count)) + "]\n"


def long_decimals(decimals: int) -> str:
    return HEAD + (
        "turnout:\n  registered: 1000\n  ballots_cast: 600\ncandidates:\n"
        + "".join(f"  - name: C{i}\n    votes: 200\n    percent: 33.{'3' * decimals}\n" for i in range(3))
    )


def long_count(digits: int) -> str:
    return HEAD + f"turnout:\n  registered: {'9' * digits}\n  ballots_cast: 600\ncandidates:\n  - name: A\n    votes: {'9' * digits}\n"


def alias_bomb() -> str:
    levels = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    levels += "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    return levels


def run(command: list[str], timeout: float) -> tuple[float, float, int | None]:
    """Wall seconds, peak resident MiB (of this child alone, via wait4) and exit code (None: killed)."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            child.kill()
            pid, status, usage = os.wait4(child.pid, 0)
            return time.perf_counter() - start, usage.ru_maxrss / 1024, None
        time.sleep(0.005)
    code = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the 16 MiB file")
    args = parser.parse_args()
    kzvote = shutil.which("kzvote", path=str(Path(sys.executable).parent)) or shutil.which("kzvote")
    if not kzvote:
        sys.exit("kzvote is not installed beside this Python: pip install .")
    work = Path(tempfile.mkdtemp(prefix="kzvote-hostile-"))
    # name, how the input is made, exit code expected, time limit (s), the "before" figure
    cases: list[tuple[str, Callable[[Path], None], int, float, str]] = [
        ("4,000 candidates", lambda p: p.write_text(candidates_file(4_000)), 0, 10, "17 s"),
        ("8,000 candidates", lambda p: p.write_text(candidates_file(8_000)), 0, 20, "80 s"),
        ("8,000 candidates, one count slipped", lambda p: p.write_text(slipped_file(8_000)), 1, 20, ""),
        ("8,000 candidates, every percent wrong", lambda p: p.write_text(every_percent_wrong(8_000)), 1, 20, ""),
        ("3 percents of 3,000 decimals", lambda p: p.write_text(long_decimals(3_000)), 2, 5, "30 s"),
        ("counts of 4,300 digits", lambda p: p.write_text(long_count(4_300)), 2, 5, "exit 3"),
        ("alias bomb", lambda p: p.write_text(alias_bomb()), 2, 5, ""),
        ("100,000 levels of nesting", lambda p: p.write_text("x: " + "[" * 100_000), 2, 5, ""),
        ("FIFO with no writer", lambda p: os.mkfifo(p), 2, 5, "blocks"),
        # issue 12's goal: under a third of the time before it (6.13 s here) and memory under 10x the file
        ("5,000 regions x 50 candidates", lambda p: p.write_text(regions_file(5_000, 50)), 0, 20, "6.13 s, 375 MiB"),
    ]
    if not args.quick:
        cases += [
            ("140,000 candidates (just under 1,000,000 values)", lambda p: p.write_text(candidates_file(140_000)), 0, 120, ""),
            ("140,000 candidates, one count slipped", lambda p: p.write_text(slipped_file(140_000)), 1, 120, ""),
            ("file just under 16 MiB", lambda p: p.write_text(file_of_size(16 * 1024 * 1024)), 2, 120, "43 s, 1.5 GB"),
            ("600,000 candidates in one flow list", lambda p: p.write_text(HEAD + flow_list(600_000)), 2, 120, "16 s, 1.27 GB"),
        ]
    failed = False
    print("| case | size | seconds | peak MiB | exit | before (issue 9) |\n|---|---:|---:|---:|---:|---|")
    for number, (name, make, expected, limit, before) in enumerate(cases):
        path = work / f"case{number}.yaml"
        make(path)
        size = path.stat().st_size if path.is_file() else 0
        seconds, peak, code = run([kzvote, "check", str(path), "--format", "json"], limit)
        ok = code == expected
        failed |= not ok
        shown = "killed" if code is None else str(code)
        print(f"| {name} | {size / 1024:,.0f} KiB | {seconds:.2f} | {peak:,.0f} | {shown}{'' if ok else ' (!)'} | {before} |")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
