"""The files a `check` run read, each with its findings counted: for programs (JSON), where one
string of joined names would have to be split again."""

from __future__ import annotations

from kzvote.findings import Finding
from kzvote.views import Column, Table, View


def files_table(files: list[str], findings: list[Finding]) -> Table:
    by_file: dict[str, list[Finding]] = {file: [] for file in files}
    for finding in findings:
        if finding.file in by_file:
            by_file[finding.file].append(finding)
    rows = [{"file": file, **View("check", file, findings=found).summary} for file, found in by_file.items()]
    columns = (
        Column("file", "File"),
        Column("errors", "Errors", "count"),
        Column("warnings", "Warnings", "count"),
        Column("notes", "Notes", "count"),
        Column("accepted", "Accepted", "count"),
    )
    return Table("files", "Files checked", columns, rows, human=False)
