"""A baseline for bench/audit.py: the audit of bench/pandas_audit.py, as a polars script.

    python bench/polars_audit.py results.yaml

Reads the results file (PyYAML) and scans the stations CSV lazily with explicit types (ids and
regions as strings, every other column a 64-bit count), then runs two streaming queries: one pass
sums per region the counts, the stations and the stations breaking each relation (national sums
follow from the regions'), a second counts duplicate ids. Prints the same dict as the pandas script.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
from baseline import TEXT_COLUMNS, report, task  # bench/baseline.py, beside this script


def scan(path: Path, columns: list[str]) -> pl.LazyFrame:
    schema = {name: pl.String if name in TEXT_COLUMNS else pl.Int64 for name in columns}
    if path.suffix == ".gz":  # scan_csv reads plain text only; read_csv decompresses
        return pl.read_csv(path, schema=schema).lazy()
    return pl.scan_csv(path, schema=schema)


def relation_counts(columns: list[str], choices: list[str]) -> list[pl.Expr]:
    """How many stations break each relation, and how many count cells are negative."""
    valid = pl.sum_horizontal(choices)
    target = pl.col("ballots_in_boxes" if "ballots_in_boxes" in columns else "ballots_cast")
    received = (
        (pl.col("ballots_received") != pl.col("ballots_cast") + pl.col("ballots_cancelled")).sum() if "ballots_received" in columns else pl.lit(0, pl.UInt32)
    )
    counts = [pl.col(name) for name in columns if name not in TEXT_COLUMNS]
    return [
        (valid + pl.col("invalid_ballots") != target).sum().alias("unbalanced"),
        (pl.col("ballots_cast") > pl.col("registered")).sum().alias("over_100"),
        received.alias("received"),
        (pl.col("invalid_ballots") * 100 > pl.col("ballots_cast") * 10).sum().alias("invalid_share"),
        pl.sum_horizontal((count < 0).sum() for count in counts).alias("negative"),
    ]


def main() -> int:
    results, csv_path, columns, choices, figures = task(Path(sys.argv[1]))
    stations = scan(csv_path, columns)
    # One streaming pass sums everything per region (relations included); ids need a pass of their own.
    per_region = stations.group_by("region").agg(pl.len().alias("stations"), *(pl.col(f).sum() for f in figures), *relation_counts(columns, choices))
    by_region = per_region.collect(engine="streaming")
    duplicates = stations.select(pl.len() - pl.col("station").n_unique()).collect(engine="streaming").item()
    found = {name: int(by_region[name].sum()) for name in ("unbalanced", "over_100", "received", "invalid_share")}
    found["duplicates"] = int(duplicates)
    found["negative"] = int(by_region["negative"].sum())
    report(found, results, {row["region"]: row for row in by_region.iter_rows(named=True)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
