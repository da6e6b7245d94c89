"""A baseline for bench/audit.py: the audit of bench/pandas_audit.py, as SQL run by DuckDB.

    python bench/duckdb_audit.py results.yaml

Reads the results file (PyYAML), then one SQL query over read_csv with explicit column types (ids
and regions VARCHAR, every other column BIGINT) sums per region the counts, the stations and the
stations breaking each relation (national sums follow from the regions'); a second counts
duplicate ids. Prints the same dict as the pandas script.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
from baseline import TEXT_COLUMNS, report, task  # bench/baseline.py, beside this script

RELATIONS = ("unbalanced", "over_100", "received", "invalid_share")


def name(identifier: str) -> str:
    """A column name as SQL: the names come from the data files, so they are quoted, never pasted."""
    return '"' + identifier.replace('"', '""') + '"'


def text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def stations_table(path: Path, columns: list[str]) -> str:
    types = ", ".join(f"{text(column)}: {text('VARCHAR' if column in TEXT_COLUMNS else 'BIGINT')}" for column in columns)
    return f"read_csv({text(str(path))}, header = true, columns = {{{types}}})"


def per_region_query(table: str, columns: list[str], choices: list[str], figures: list[str]) -> str:
    valid = " + ".join(name(choice) for choice in choices)
    target = "ballots_in_boxes" if "ballots_in_boxes" in columns else "ballots_cast"
    received = "count(*) FILTER (WHERE ballots_received != ballots_cast + ballots_cancelled)" if "ballots_received" in columns else "0"
    negative = " + ".join(f"count(*) FILTER (WHERE {name(column)} < 0)" for column in columns if column not in TEXT_COLUMNS)
    sums = ", ".join(f"sum({name(figure)}) AS {name(figure)}" for figure in figures)
    return f"""
        SELECT region, count(*) AS stations, {sums},
            count(*) FILTER (WHERE {valid} + invalid_ballots != {target}) AS unbalanced,
            count(*) FILTER (WHERE ballots_cast > registered) AS over_100,
            {received} AS received,
            count(*) FILTER (WHERE invalid_ballots * 100 > ballots_cast * 10) AS invalid_share,
            {negative} AS negative
        FROM {table} GROUP BY region
    """


def duplicates_query(table: str) -> str:
    # count(DISTINCT) skips NULLs; pandas counts all but the first missing id as duplicates.
    return f"SELECT count(*) - count(DISTINCT station) - (count(station) < count(*))::BIGINT FROM {table}"


def main() -> int:
    results, csv_path, columns, choices, figures = task(Path(sys.argv[1]))
    table = stations_table(csv_path, columns)
    database = duckdb.connect()
    by_region = database.execute(per_region_query(table, columns, choices, figures))
    names = [column[0] for column in by_region.description]
    sums = {row[0]: dict(zip(names, row)) for row in by_region.fetchall()}
    (duplicates,) = database.execute(duplicates_query(table)).fetchall()[0]
    found = {relation: sum(int(row[relation]) for row in sums.values()) for relation in RELATIONS}
    found["duplicates"] = int(duplicates)
    found["negative"] = sum(int(row["negative"]) for row in sums.values())
    report(found, results, sums)
    return 0


if __name__ == "__main__":
    sys.exit(main())
