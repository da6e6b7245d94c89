"""Slip benchmark (issue 10): every single-keystroke slip of every figure, and what the checks say.

For the bundled results.yaml, tests/data/slips/*.yaml and tests/data/conventions/*.yaml (truncated
percentages, shares of the ballots in the boxes, blank ballots, two published bases) or the files given, prints per file and
in total a table of figure kind x class (exact / ambiguous-named / missed / wrong), then up to 20
wrong slips with the reason, and the wrong ones grouped by reason. Classes: tests/slip_harness.py.

    python bench/slips.py [--file F ...] [--examples 20] [--tsv rows.tsv]

Exits 1 when any slip is wrong (the goal of issue 10 is 0 wrong).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from slip_harness import CLASSES, Row, run_file, table  # noqa: E402


def default_files() -> list[Path]:
    data = ROOT / "tests" / "data"
    return [ROOT / "results.yaml", *sorted((data / "slips").glob("*.yaml")), *sorted((data / "conventions").glob("*.yaml"))]


def print_table(title: str, rows: list[Row]) -> None:
    by_kind = table(rows)
    width = max([len("figure kind"), *map(len, by_kind)])
    print(f"\n{title}")
    print(f"  {'figure kind':<{width}}  " + "  ".join(f"{c:>15}" for c in CLASSES) + f"  {'slips':>6}")
    for kind, counts in [*by_kind.items(), ("total", sum(by_kind.values(), Counter()))]:
        print(f"  {kind:<{width}}  " + "  ".join(f"{counts[c]:>15}" for c in CLASSES) + f"  {sum(counts.values()):>6}")


def reason_group(reason: str) -> str:
    """A reason without its particular figures, so that like reasons group together."""
    reason = re.sub(r"\[\d+\]", "[i]", reason)
    reason = re.sub(r"(?<![A-Za-z\d])\d[\d.,]*", "N", reason)
    return reason


def examples(wrong: list[Row], limit: int) -> list[Row]:
    """Up to limit wrong rows, in file order: the first of each category, then the rest."""
    firsts: dict[str, int] = {}
    for index, row in enumerate(wrong):
        firsts.setdefault(category(row.reason), index)
    chosen = set(list(firsts.values())[:limit])
    chosen |= set([i for i in range(len(wrong)) if i not in chosen][: limit - len(chosen)])
    return [wrong[i] for i in sorted(chosen)]


def write_tsv(path: Path, rows: list[Row]) -> None:
    fields = ("file", "path", "kind", "original", "slipped", "how", "verdict", "reason")
    lines = ["\t".join(fields)] + ["\t".join(str(getattr(row, f)) for f in fields) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def category(reason: str) -> str:
    """The kind of wrong: silence, another figure blamed, several findings, a missing suggestion."""
    code = next((word for word in reason.split() if word.startswith("KZ")), "")
    if reason.startswith("silent"):
        return "silent, though the oracle finds " + ("a region unbalanced" if "regions[" in reason else "an inconsistency")
    if reason.startswith("blamed"):
        return f"another figure blamed ({code})"
    if "findings:" in reason:
        return "several findings"
    if "no suggestion" in reason:
        return f"on the figure, but no suggestion of the unique fit ({code})"
    return reason_group(reason)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", action="append", type=Path, help="a results file (repeatable); default: the bundled file and tests/data/slips")
    parser.add_argument("--examples", type=int, default=20, help="wrong slips to list")
    parser.add_argument("--tsv", type=Path, help="also write every slip, one a line, to this file")
    args = parser.parse_args()
    everything: list[Row] = []
    started = time.perf_counter()
    for file in args.file or default_files():
        rows = run_file(file)
        print_table(f"{file.name}: {len(rows)} slips", rows)
        everything += rows
    if len(args.file or default_files()) > 1:
        print_table(f"all files: {len(everything)} slips", everything)
    if args.tsv:
        write_tsv(args.tsv, everything)
    wrong = [row for row in everything if row.verdict == "wrong"]
    print(f"\nwrong: {len(wrong)} ({min(len(wrong), args.examples)} examples, one of each category first)")
    for row in examples(wrong, args.examples):
        print(f"  {row.file} {row.path}: {row.original} → {row.slipped} ({row.how}): {row.reason}")
    print("\nwrong, by category:")
    for group, count in Counter(category(row.reason) for row in wrong).most_common():
        print(f"  {count:>5}  {group}")
    print("\nwrong, by reason:")
    for group, count in Counter(reason_group(row.reason) for row in wrong).most_common():
        print(f"  {count:>5}  {group}")
    print(f"\n{time.perf_counter() - started:.1f} s")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
