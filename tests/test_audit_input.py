"""kzvote audit on hostile or awkward station files (issue 9): what it reads, how it says no."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from test_audit import GOOD, HEADER, write_csv
from typer.testing import Result

from conftest import ROOT, SHARED
from kzvote.audit import source as audit_source
from kzvote.audit import stations as audit_stations_module

Run = Callable[..., Result]
RU2018 = SHARED / "data" / "ru2018-stations.csv.gz"
SOUTH = "S-1,South,1000,700,10,470,220\n"


def run(cli: Run, *args: object) -> Result:
    result = cli("audit", *args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def audit_doc(cli: Run, results: Path, *args: object) -> tuple[int, dict]:
    result = run(cli, results, "--format", "json", *args)
    assert result.stderr == "", result.stderr
    return result.exit_code, json.loads(result.stdout)


def station_findings(doc: dict) -> list[tuple[str, int, int]]:
    return [(f["code"], f["line"], f["column"]) for f in doc["findings"] if f["file"].endswith((".csv", ".gz"))]


def assert_short_lines(text: str) -> None:
    assert all(len(line) < 240 for line in text.splitlines()), text[:2000]


# 1. what a stations path may be


def test_stations_outside_the_results_tree_need_the_flag(cli: Run, tmp_path: Path) -> None:
    results = write_csv(tmp_path, GOOD)
    results.write_text(results.read_text().replace("stations: stations.csv", "stations: /proc/self/environ"))
    result = run(cli, results)
    assert result.exit_code == 2
    assert "--stations" in result.stderr and "results.yaml:10:" in result.stderr
    assert "PATH=" not in result.stderr
    results.write_text(results.read_text().replace("/proc/self/environ", "../outside.csv"))
    (tmp_path.parent / "outside.csv").write_text(GOOD)
    assert run(cli, results).exit_code == 2
    assert run(cli, results, "--stations", tmp_path.parent / "outside.csv").exit_code == 0


def test_a_symlink_out_of_the_tree_needs_the_flag_too(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "elsewhere.csv").write_text(GOOD)
    results = write_csv(tmp_path / "data", GOOD)
    (tmp_path / "data" / "stations.csv").unlink()
    (tmp_path / "data" / "stations.csv").symlink_to(tmp_path / "elsewhere.csv")
    assert run(cli, results).exit_code == 2


def test_stations_in_a_subfolder_are_fine(cli: Run, tmp_path: Path) -> None:
    results = write_csv(tmp_path, GOOD)
    (tmp_path / "sub").mkdir()
    (tmp_path / "stations.csv").rename(tmp_path / "sub" / "stations.csv")
    results.write_text(results.read_text().replace("stations: stations.csv", "stations: sub/stations.csv"))
    assert run(cli, results).exit_code == 0


def test_environ_is_not_echoed(cli: Run, tmp_path: Path) -> None:
    result = run(cli, write_csv(tmp_path, GOOD), "--stations", "/proc/self/environ")
    assert result.exit_code == 2
    assert_short_lines(result.stderr)
    assert "PATH=/" not in result.stderr


def test_a_device_is_refused(cli: Run, tmp_path: Path) -> None:
    result = run(cli, write_csv(tmp_path, GOOD), "--stations", "/dev/zero")
    assert result.exit_code == 2 and "KZ001" in result.stderr and "not a regular file" in result.stderr


def test_a_fifo_without_writer_does_not_block(tmp_path: Path) -> None:
    results = write_csv(tmp_path, GOOD)
    os.mkfifo(tmp_path / "fifo.csv")
    done = subprocess.run(
        [sys.executable, "-m", "kzvote", "audit", str(results), "--stations", str(tmp_path / "fifo.csv")], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 2 and "not a regular file" in done.stderr


def test_a_symlink_loop_is_a_located_error(cli: Run, tmp_path: Path) -> None:
    results = write_csv(tmp_path, GOOD)
    (tmp_path / "stations.csv").unlink()
    (tmp_path / "a.csv").symlink_to(tmp_path / "stations.csv")
    (tmp_path / "stations.csv").symlink_to(tmp_path / "a.csv")
    result = run(cli, results, "--stations", tmp_path / "stations.csv")
    assert result.exit_code == 2 and "KZ001" in result.stderr and "Traceback" not in result.stderr


def test_unknown_column_is_echoed_short_and_escaped(cli: Run, tmp_path: Path) -> None:
    header = HEADER.rstrip("\n") + ",\x1b[31m" + "x" * 500 + "\n"
    result = run(cli, write_csv(tmp_path, header + "N-1,North,1000,800,10,530,260,1\n" + SOUTH))
    assert result.exit_code == 2 and "unknown column" in result.stderr
    assert "\x1b" not in result.stderr and "\\x1b" in result.stderr
    assert_short_lines(result.stderr)


def test_a_huge_header_line_is_refused(cli: Run, tmp_path: Path) -> None:
    result = run(cli, write_csv(tmp_path, "s" * 200_000 + "\n" + GOOD))
    assert result.exit_code == 2 and ":1:" in result.stderr
    assert_short_lines(result.stderr)


# 2. numbers too big, lines too long


@pytest.mark.parametrize("cell", ["12345678901234567890123", "9223372036854775807", "4611686018427387904"])
def test_an_enormous_count_is_a_bad_cell(cli: Run, tmp_path: Path, cell: str) -> None:
    body = HEADER + f"N-1,North,1000,800,10,{cell},260\nN-2,North,1000,800,10,{cell},260\n" + SOUTH
    code, doc = audit_doc(cli, write_csv(tmp_path, body))
    assert station_findings(doc) == [("KZ801", 2, 6), ("KZ801", 3, 6)]
    assert code == 1
    assert all(isinstance(v, int) and v >= 0 for row in doc["rollup"] for k, v in row.items() if k in ("registered", "valid") and v is not None)


def test_a_20mb_field_is_a_located_row_error(cli: Run, tmp_path: Path) -> None:
    body = HEADER + "N-1," + "N" * 20_000_000 + ",1000,800,10,530,260\n" + "S-1,South,1000,700,10,470,221\n"
    code, doc = audit_doc(cli, write_csv(tmp_path, body))
    found = station_findings(doc)
    assert found[0][:2] == ("KZ808", 2) and ("KZ803", 3, 5) in found
    assert code == 1
    assert all(len(f["message"]) < 300 for f in doc["findings"])


# 3. a short row


def test_a_short_row_leaves_totals_unconfirmed(cli: Run, tmp_path: Path) -> None:
    code, doc = audit_doc(cli, write_csv(tmp_path, HEADER + "N-1,North,1000,800,10,530\n" + SOUTH))
    codes = [f["code"] for f in doc["findings"]]
    assert codes.count("KZ808") == 1 and "KZ811" not in codes and "KZ812" not in codes and "KZ814" in codes
    assert "1 with errors" in doc["facts"]["stations"]
    assert code == 1


# 4, 5. quotes


def test_an_unclosed_quote_is_named_where_it_opened(cli: Run, tmp_path: Path) -> None:
    body = HEADER + 'N-1,"North,1000,800,10,530,260\n' + "S-1,South,1000,700,10,470,221\n"
    _, doc = audit_doc(cli, write_csv(tmp_path, body))
    finding = next(f for f in doc["findings"] if f["code"] == "KZ808")
    assert (finding["line"], finding["column"]) == (2, 5) and "quote" in finding["message"]
    assert ("KZ803", 3, 5) in station_findings(doc)
    # the row's region is unknown: North's totals (and its station count) are unconfirmed, not wrong
    codes = {f["code"] for f in doc["findings"]}
    assert "KZ813" not in codes and "KZ814" in codes


def test_an_unclosed_quote_after_the_region_keeps_the_region(cli: Run, tmp_path: Path) -> None:
    body = HEADER + 'N-1,North,"1000,800,10,530,260\n' + SOUTH
    code, doc = audit_doc(cli, write_csv(tmp_path, body))
    unconfirmed = {f["subject"] for f in doc["findings"] if f["code"] == "KZ814"}
    assert unconfirmed == {"North", "the nation"} and [f["code"] for f in doc["findings"] if f["code"] in ("KZ811", "KZ812", "KZ813")] == []
    assert code == 1


def test_a_line_break_in_quotes_keeps_later_lines_right(cli: Run, tmp_path: Path) -> None:
    body = HEADER + 'N-1,"Nor\nth",1000,800,10,530,260\n' + "S-1,South,1000,700,10,470,221\n"
    _, doc = audit_doc(cli, write_csv(tmp_path, body))
    found = station_findings(doc)
    assert ("KZ803", 4, 5) in found and ("KZ808", 2, 5) in found


# 6. trimming


@pytest.mark.parametrize("chunk", [1, 65_536])
def test_text_cells_are_trimmed_like_counts(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(audit_source, "BLOCK_BYTES", chunk)
    assert audit_doc(cli, write_csv(tmp_path, HEADER + "N-1 ,North ,1000, 800,10,530,260\n" + SOUTH))[0] == 0
    _, doc = audit_doc(cli, write_csv(tmp_path, HEADER + "N-1,North,1000,800,10,530,260\n N-1 ,South,1000,700,10,470,220\n"))
    assert station_findings(doc) == [("KZ802", 3, 1)]


# 7. blank lines, at any chunk boundary


@pytest.mark.parametrize("chunk", [1, 2, 3, 65_536])
def test_blank_and_whitespace_lines_are_skipped_everywhere(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(audit_source, "BLOCK_BYTES", chunk)
    body = HEADER + "   \nN-1,North,1000,800,10,530,260\n\n \t\n" + " " * 30 + "\nS-1,South,1000,700,10,470,221\n  \n"
    code, doc = audit_doc(cli, write_csv(tmp_path, body))
    assert station_findings(doc) == [("KZ803", 7, 5)]


# 8. other separators


@pytest.mark.parametrize("separator", [";", "\t"])
def test_semicolon_or_tab_separated_gets_a_hint(cli: Run, tmp_path: Path, separator: str) -> None:
    result = run(cli, write_csv(tmp_path, GOOD.replace(",", separator)))
    assert result.exit_code == 2
    assert "stations.csv:1:1:" in result.stderr and "re-export with commas" in result.stderr


# 9. gzip


def test_gzip_is_read_by_its_magic_bytes(cli: Run, tmp_path: Path) -> None:
    results = write_csv(tmp_path, GOOD)
    (tmp_path / "stations.csv.gz").write_bytes(gzip.compress(GOOD.encode()))
    assert run(cli, results, "--stations", tmp_path / "stations.csv.gz").exit_code == 0
    (tmp_path / "stations.csv").write_bytes(gzip.compress(GOOD.encode()))
    assert run(cli, results).exit_code == 0


def test_a_broken_gzip_is_a_located_error(cli: Run, tmp_path: Path) -> None:
    results = write_csv(tmp_path, GOOD)
    whole = gzip.compress((GOOD * 50).encode())
    (tmp_path / "stations.csv").write_bytes(whole[: len(whole) // 2])
    result = run(cli, results)
    assert result.exit_code == 2 and "KZ001" in result.stderr


@pytest.mark.skipif(not RU2018.exists(), reason="../shared/data is not beside the project")
def test_real_gzip_subset(cli: Run, tmp_path: Path) -> None:
    import csv

    with gzip.open(RU2018, "rt", encoding="utf-8") as source:
        lines = [next(source) for _ in range(301)]
    (tmp_path / "part.csv.gz").write_bytes(gzip.compress("".join(lines).encode()))
    rows = list(csv.DictReader(lines))
    names = list(rows[0])[8:]
    totals = {key: sum(int(row[key]) for row in rows) for key in ["registered", "ballots_cast", "invalid_ballots", *names]}
    (tmp_path / "results.yaml").write_text(
        "format: kzvote/1\n"
        "election: {title: T, country: Russia, date: 2018-03-18, stage: final, percent_of: valid}\n"
        f"turnout: {{registered: {totals['registered']}, ballots_cast: {totals['ballots_cast']}, invalid_ballots: {totals['invalid_ballots']}, polling_stations: 300}}\n"
        "candidates:\n" + "".join(f"  - {{name: {name}, votes: {totals[name]}}}\n" for name in names) + "stations: part.csv.gz\n"
    )
    code, doc = audit_doc(cli, tmp_path / "results.yaml")
    assert doc["rollup"][0]["stations"] == 300
    assert code == 0 and not [f for f in doc["findings"] if f["severity"] == "error"]


# 10. a partial regions list


PARTIAL = """format: kzvote/1
election: {title: T, country: C, date: 2024-01-01, stage: final, percent_of: valid}
turnout: {registered: 2000, ballots_cast: 1500, invalid_ballots: 20, polling_stations: 2}
candidates:
  - {name: Anna Berg, votes: 1000}
  - {name: Boris Chen, votes: 480}
regions:
  - {name: North, registered: 1000, ballots_cast: 800, invalid_ballots: 10, polling_stations: 1}
stations: stations.csv
"""


def test_stations_of_an_unlisted_region_are_not_published(cli: Run, tmp_path: Path) -> None:
    code, doc = audit_doc(cli, write_csv(tmp_path, GOOD, PARTIAL))
    notes = [f for f in doc["findings"] if f["code"] == "KZ815"]
    assert code == 0 and len(notes) == 1 and notes[0]["subject"] == "South" and "1 station" in notes[0]["message"]
    assert [f["code"] for f in doc["findings"]] == ["KZ815"]
    assert doc["rollup"][0]["stations"] == 2


# 11. the cap on findings per code


def test_capped_findings_are_counted_truthfully(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_stations_module, "KEEP_PER_CODE", 5)
    rows = "".join(f"N-{i},North,1000,800,100,440,260\n" for i in range(30))
    results = write_csv(tmp_path, HEADER + rows)
    _, doc = audit_doc(cli, results)
    assert doc["summary"]["truncated"] == {"KZ806": 25}
    assert doc["summary"]["warnings"] == 30
    table = run(cli, results, "--limit", "2").stdout
    assert "… and 28 more" in table and "10,000" not in table and "first 5 of each code" in table


# 12. the roll-up check as a list


def test_rollup_check_is_a_list(cli: Run, tmp_path: Path) -> None:
    body = HEADER + "N-1,North,1000,800,10,530,260\nS-1,South,1000,701,10,470,221\n"
    _, doc = audit_doc(cli, write_csv(tmp_path, body))
    rows = {row["area"]: row for row in doc["rollup"]}
    assert rows["All stations"]["check"] == ["Boris Chen", "ballots_cast"] and rows["South"]["check"] == ["ballots_cast"]
    assert (rows["North"]["check"], rows["North"]["status"], rows["South"]["status"]) == ([], "ok", "differs")


def test_an_empty_file_says_so(cli: Run, tmp_path: Path) -> None:
    result = run(cli, write_csv(tmp_path, ""))
    assert result.exit_code == 2 and "no header line" in result.stderr


def test_a_csv_region_name_is_shown_short_in_the_rollup(cli: Run, tmp_path: Path) -> None:
    results = write_csv(tmp_path, GOOD + "X-1,\x1b]0;" + "y" * 300 + ",10,8,0,4,4\n", PARTIAL)
    _, doc = audit_doc(cli, results)
    assert all(len(row["area"]) < 60 and "\x1b" not in row["area"] for row in doc["rollup"])
    assert doc["facts"]["stations"].startswith("3 rows read")


def test_planted_faults_are_found_in_a_gzip_file_across_chunks(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_audit import FAULTS, expected, found

    args = [sys.executable, str(ROOT / "bench" / "make_stations.py"), "700", "--seed", "9", "--out", str(tmp_path), "--gzip"]
    subprocess.run(args + [arg for fault in FAULTS for arg in ("--plant", fault)], check=True, capture_output=True)
    assert (tmp_path / "stations.csv.gz").read_bytes()[:2] == b"\x1f\x8b"
    monkeypatch.setattr(audit_source, "BLOCK_BYTES", 64 * 64)
    _, doc = audit_doc(cli, tmp_path / "results.yaml")
    assert found(doc) == expected(json.loads((tmp_path / "planted.json").read_text()))


# found by a hostile read of the first fixes


def test_a_count_cell_of_thousands_of_digits_is_a_bad_cell_not_a_bug(cli: Run, tmp_path: Path) -> None:
    code, doc = audit_doc(cli, write_csv(tmp_path, GOOD.replace("N-1,North,1000,", f"N-1,North,{'9' * 5000},")))
    assert code == 1
    found = [f for f in doc["findings"] if f["code"] == "KZ801"]
    assert len(found) == 1 and found[0]["line"] == 2 and len(found[0]["message"]) < 200


@pytest.mark.parametrize("cell", ["N-1\0", "N-\0X", "N-1\x1b[2J", "N-1\t", "N-\u202e1", "N-1\u2028", "N-1\x85"])
def test_a_control_character_in_a_row_is_a_located_row_error(cli: Run, tmp_path: Path, cell: str) -> None:
    code, doc = audit_doc(cli, write_csv(tmp_path, GOOD.replace("N-1,", f"{cell},") + "N-1,North,1,1,0,1,0\n"))
    assert code == 1
    rows = [(f["code"], f["line"]) for f in doc["findings"] if f["code"] in ("KZ808", "KZ802")]
    assert rows == [("KZ808", 2)], doc["findings"]  # and no duplicate id merged from "N-1\0"


def test_a_station_id_is_carried_exactly_in_json(cli: Run, tmp_path: Path) -> None:
    odd = 'N-"\\1'  # quote and backslash: escaped once by JSON, not twice
    code, doc = audit_doc(cli, write_csv(tmp_path, GOOD.replace("N-1,North,1000,800,10,530,260", f"{odd},North,1000,800,10,530,261")))
    assert code == 1
    assert odd in [f["subject"] for f in doc["findings"]]


def test_many_unknown_regions_are_reported_in_file_order(cli: Run, tmp_path: Path) -> None:
    rows = "".join(f"X-{i},R{i},10,5,0,3,2\n" for i in range(300))
    results = write_csv(tmp_path, GOOD + rows)
    results.write_text(results.read_text().replace("polling_stations: 2", "polling_stations: 302"))
    first = [f["subject"] for f in audit_doc(cli, results)[1]["findings"] if f["code"] in ("KZ807", "KZ815")]
    again = [f["subject"] for f in audit_doc(cli, results)[1]["findings"] if f["code"] in ("KZ807", "KZ815")]
    assert first == again and len(first) == 300


def test_markdown_says_how_many_findings_the_limit_left_out(cli: Run, tmp_path: Path) -> None:
    rows = "".join(f"X-{i},North,10,5,0,3,1\n" for i in range(30))  # each short of one vote
    results = write_csv(tmp_path, GOOD + rows)
    result = run(cli, results, "--limit", "5", "--format", "markdown")
    shown = [line for line in result.stdout.splitlines() if "KZ803" in line]
    assert len(shown) == 5
    assert "more (--limit N" in result.stdout, result.stdout[-600:]


def test_a_stations_file_that_cannot_be_opened_is_located_at_the_stations_key(cli: Run, tmp_path: Path) -> None:
    results = write_csv(tmp_path, GOOD)
    results.write_text(results.read_text().replace("stations: stations.csv", "stations: missing.csv"))
    result = run(cli, results)
    assert result.exit_code == 2 and "results.yaml:10:" in result.stderr and "missing.csv" in result.stderr


@pytest.mark.parametrize("block", [1, 65_536])
def test_a_signed_count_is_a_bad_cell_whichever_way_the_block_is_read(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    """numpy would read "+530" as 530: a plain block with a sign goes the careful way (issue 12)."""
    monkeypatch.setattr(audit_source, "BLOCK_BYTES", block)
    _, doc = audit_doc(cli, write_csv(tmp_path, HEADER + "N-1,North,1000,800,10,+530,260\n" + SOUTH))
    assert [(f["code"], f["line"], f["message"]) for f in doc["findings"] if f["code"] == "KZ801"] == [
        ("KZ801", 2, "Anna Berg '+530' has a plus sign; write 530")
    ]


# found by a hostile read of issue 12's rewrite: a block read by numpy at once and one read line by
# line must say the same; each case is run both ways and the documents compared


def either_way(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str | bytes) -> dict:
    from kzvote.audit import parse

    results = write_csv(tmp_path, body)
    _, plain = audit_doc(cli, results)
    with monkeypatch.context() as patch:
        patch.setattr(parse, "_plain_lines", lambda block, np: 0)  # every block the careful way,
        patch.setattr(parse, "_fast", lambda data, rows, part, np: None)  # and every row on its own
        _, careful = audit_doc(cli, results)
    assert plain == careful
    return plain


def test_an_id_with_a_no_break_space_is_another_id_either_way(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = either_way(cli, tmp_path, monkeypatch, HEADER + "N-1,North,1000,800,10,530,260\nN-1\u00a0,South,1000,700,10,470,220\n")
    assert not [f for f in doc["findings"] if f["code"] == "KZ802"]  # trimmed of ASCII spaces only, as numpy trims


def test_a_region_with_a_no_break_space_is_not_the_region_either_way(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = either_way(cli, tmp_path, monkeypatch, HEADER + "N-1,North\u00a0,1000,800,10,530,260\n" + SOUTH)
    assert [f["code"] for f in doc["findings"] if f["code"] == "KZ807"] == ["KZ807"]


@pytest.mark.parametrize("padding", ["registered", "station"])
def test_a_row_longer_than_any_row_is_refused_either_way(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, padding: str) -> None:
    row = "N-1,North," + " " * 70_000 + "1000,800,10,530,260\n" if padding == "registered" else "N-1" + "x" * 70_000 + ",North,1000,800,10,530,260\n"
    doc = either_way(cli, tmp_path, monkeypatch, HEADER + row + SOUTH)
    assert station_findings(doc) == [("KZ808", 2, 1)]


def test_a_long_station_id_is_refused_either_way_and_costs_no_width(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One 60,000-byte id would have widened every row of its block to 60 KB (4 GB a block)."""
    doc = either_way(cli, tmp_path, monkeypatch, HEADER + "N-" + "1" * 300 + ",North,1000,800,10,530,260\n" + SOUTH)
    assert station_findings(doc) == [("KZ808", 2, 1)]
    assert "a station id of 302 characters" in json.dumps(doc)


def test_leading_zeros_read_alike_either_way(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = either_way(cli, tmp_path, monkeypatch, HEADER + "N-1,North,1000,800,10,000000000530,260\n" + SOUTH)
    assert station_findings(doc) == []


def test_unpublished_region_notes_are_capped_like_station_findings(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = "".join(f"X-{i},Far {i},1000,800,10,530,260\n" for i in range(12))
    results_text = """format: kzvote/1
election: {title: T, country: C, date: 2024-01-01, stage: final, percent_of: valid}
turnout: {registered: 13000, ballots_cast: 10400, invalid_ballots: 130}
candidates:
  - {name: Anna Berg, votes: 6890}
  - {name: Boris Chen, votes: 3380}
regions:
  - {name: North, registered: 1000, ballots_cast: 800, invalid_ballots: 10}
stations: stations.csv
"""
    monkeypatch.setattr(audit_stations_module, "KEEP_PER_CODE", 5)
    _, doc = audit_doc(cli, write_csv(tmp_path, HEADER + "N-1,North,1000,800,10,530,260\n" + rows, results_text))
    assert sum(f["code"] == "KZ815" for f in doc["findings"]) == 5 and doc["summary"]["truncated"]["KZ815"] == 7


def test_a_file_changed_before_its_duplicates_are_read_again_is_refused(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = audit_source.identity
    calls = iter(range(100))
    monkeypatch.setattr(audit_source, "identity", lambda stream: real(stream)._replace(modified=next(calls)))  # changed after the first look
    result = run(cli, write_csv(tmp_path, HEADER + "N-1,North,1000,800,10,530,260\nN-1,South,1000,700,10,470,220\n"))
    assert result.exit_code == 2 and "changed while it was read" in result.stderr


def test_a_row_refused_for_a_carriage_return_keeps_its_region(cli: Run, tmp_path: Path) -> None:
    _, doc = audit_doc(cli, write_csv(tmp_path, HEADER + "N-\r1,North,1000,800,10,530,260\n" + SOUTH))
    assert station_findings(doc) == [("KZ808", 2, 3)]
    assert "unknown region" not in json.dumps(doc)  # North's totals are unconfirmed by its own row
