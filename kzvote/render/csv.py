"""CSV: the command's main table, one row per line, raw numbers (no separators, no % signs).

`check`, `reconcile` and `audit` write their findings, one row each; the other commands their table.
A text cell that starts with = + - or @ gets a leading ' so that a spreadsheet shows it, never runs it.
"""

from __future__ import annotations

import csv
import json
from typing import TextIO

from kzvote.render import Options
from kzvote.render.cells import FINDING_COLUMNS, finding_record, machine, machine_columns
from kzvote.views import View

FORMULA_STARTS = ("=", "+", "-", "@")  # what spreadsheets read as a formula (OWASP's CSV injection)


def render(view: View, stream: TextIO, options: Options) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    tables = [t for t in view.tables if t.machine]
    if view.csv_rows == "findings" or not tables:
        keys = [c.key for c in FINDING_COLUMNS] + ["figures"]
        writer.writerow(keys)
        for finding in view.findings:
            record = finding_record(finding)
            record["figures"] = json.dumps(record["figures"], ensure_ascii=False)
            writer.writerow([_cell(record[k]) for k in keys])
        return
    table = tables[0]
    columns = machine_columns(table)
    writer.writerow([c.key for c in columns])
    for row in table.rows:
        writer.writerow([_cell(machine(row.get(c.key), c)) for c in columns])


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"  # as JSON spells them, not Python's True
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
