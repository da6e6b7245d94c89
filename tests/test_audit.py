"""kzvote audit: planted faults found and nothing else; every bad-input class; real protocols."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from conftest import ROOT, SHARED
from kzvote.audit import audit_stations
from kzvote.audit import source as audit_source
from kzvote.audit import stations as audit_stations_module
from kzvote.load import load

Run = Callable[..., Result]
RU2018 = SHARED / "data" / "ru2018-stations.csv.gz"
FAULTS = ["unbalanced", "duplicate", "region-digit", "swapped"]


def make(tmp_path: Path, n: int, seed: int, *plants: str) -> tuple[Path, list[dict]]:
    args = [sys.executable, str(ROOT / "bench" / "make_stations.py"), str(n), "--seed", str(seed), "--out", str(tmp_path)]
    for plant in plants:
        args += ["--plant", plant]
    subprocess.run(args, check=True, capture_output=True)
    return tmp_path / "results.yaml", json.loads((tmp_path / "planted.json").read_text())


def audit_json(cli: Run, results: Path, *args: str) -> tuple[int, dict]:
    result = cli("audit", results, "--format", "json", *args)
    assert result.stderr == "", result.stderr
    return result.exit_code, json.loads(result.stdout)


def found(doc: dict) -> set[tuple]:
    """Errors and warnings as (code, line) for stations, (code, area, figure) for the roll-up."""
    out = set()
    for f in doc["findings"]:
        if f["severity"] == "note":
            continue
        if f["code"] == "KZ811":
            out.add((f["code"], f["figures"]["area"], f["figures"]["figure"]))
        else:
            out.add((f["code"], f["line"]))
    return out


def expected(planted: list[dict]) -> set[tuple]:
    return {(p["code"], p["region"], p["figure"]) if p["code"] == "KZ811" else (p["code"], p["row"]) for p in planted}


def test_clean_synthetic_election(cli: Run, tmp_path: Path) -> None:
    results, planted = make(tmp_path, 500, 11)
    code, doc = audit_json(cli, results)
    assert (code, planted, doc["findings"]) == (0, [], [])
    assert doc["rollup"][0]["stations"] == 500
    # the generated results file is itself consistent
    assert cli("check", results).exit_code == 0


@pytest.mark.parametrize("fault", FAULTS)
def test_each_planted_fault_and_nothing_else(cli: Run, tmp_path: Path, fault: str) -> None:
    results, planted = make(tmp_path, 400, 5, fault)
    code, doc = audit_json(cli, results)
    assert len(planted) == 1
    assert found(doc) == expected(planted)
    assert code == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_all_planted_faults_together(cli: Run, tmp_path: Path, seed: int) -> None:
    results, planted = make(tmp_path, 1500, seed, *FAULTS)
    _, doc = audit_json(cli, results)
    assert found(doc) == expected(planted)


def test_chunk_boundaries_keep_lines_and_duplicates(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results, planted = make(tmp_path, 700, 9, *FAULTS)
    monkeypatch.setattr(audit_source, "BLOCK_BYTES", 64 * 64)
    _, doc = audit_json(cli, results)
    assert found(doc) == expected(planted)


def write_csv(tmp_path: Path, body: str, results_text: str | None = None) -> Path:
    """A two-candidate election with regions North and South, and the given station CSV."""
    (tmp_path / "stations.csv").write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
    (tmp_path / "results.yaml").write_text(
        results_text
        or """format: kzvote/1
election: {title: T, country: C, date: 2024-01-01, stage: final, percent_of: valid}
turnout: {registered: 2000, ballots_cast: 1500, invalid_ballots: 20, polling_stations: 2}
candidates:
  - {name: Anna Berg, votes: 1000, aliases: [A. Berg]}
  - {name: Boris Chen, votes: 480}
regions:
  - {name: North, registered: 1000, ballots_cast: 800, invalid_ballots: 10, polling_stations: 1}
  - {name: South, registered: 1000, ballots_cast: 700, invalid_ballots: 10, polling_stations: 1}
stations: stations.csv
"""
    )
    return tmp_path / "results.yaml"


HEADER = "station,region,registered,ballots_cast,invalid_ballots,Anna Berg,Boris Chen\n"
GOOD = HEADER + "N-1,North,1000,800,10,530,260\nS-1,South,1000,700,10,470,220\n"


def test_small_clean_file_and_alias_column(cli: Run, tmp_path: Path) -> None:
    assert audit_json(cli, write_csv(tmp_path, GOOD))[0] == 0
    aliased = GOOD.replace("Anna Berg,", "A. Berg,")
    assert audit_json(cli, write_csv(tmp_path, aliased))[0] == 0


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("station,region,registered,ballots_cast,invalid_ballots,Anna Berg,Boris Chen,Boris Chen\n", "again"),
        ("station,region,registered,ballots_cast,invalid_ballots,Anna Berg,Boris Chan\n", "did you mean 'Boris Chen'"),
        ("station,region,registered,ballots_cast,Anna Berg,Boris Chen\n", "missing column(s): invalid_ballots"),
        ("station,region,registered,ballots_cast,invalid_ballots,Anna Berg,Boris Chen,against_all\n", "no against_all"),
    ],
)
def test_bad_headers_are_exit_2(cli: Run, tmp_path: Path, header: str, message: str) -> None:
    result = cli("audit", write_csv(tmp_path, header + "N-1,North,1000,800,10,530,260\n"))
    assert result.exit_code == 2
    assert message in result.stderr and ":1:" in result.stderr


@pytest.mark.parametrize(
    ("row", "code", "column"),
    [
        ("N-1,North,1000,800,10,530.5,260", "KZ801", 6),
        ("N-1,North,1000,800,-10,530,260", "KZ801", 5),
        ("N-1,North,1000,,10,530,260", "KZ801", 4),
        ('N-1,North,"1,000",800,10,530,260', "KZ801", 3),
        ("N-1,North,1000,800,10,530", "KZ808", 1),
        ("N-1,North,1000,800,10,530,260,7", "KZ808", 1),
        ("N-1,Nort,1000,800,10,530,260", "KZ807", 2),
        ("N-1,North,1000,800,100,440,260", "KZ806", 5),
        ("N-1,North,1000,800,10,530,261", "KZ803", 5),
        ("N-1,North,700,800,10,530,260", "KZ804", 4),
    ],
)
def test_station_problems_are_located(cli: Run, tmp_path: Path, row: str, code: str, column: int) -> None:
    body = HEADER + row + "\nS-1,South,1000,700,10,470,220\n"
    _, doc = audit_json(cli, write_csv(tmp_path, body))
    station = [(f["code"], f["line"], f["column"]) for f in doc["findings"] if f["file"].endswith("stations.csv")]
    assert station == [(code, 2, column)]


def test_an_unreadable_station_leaves_its_totals_unconfirmed_not_wrong(cli: Run, tmp_path: Path) -> None:
    body = HEADER + "N-1,North,1000,800,10,53O,260\nS-1,South,1000,700,10,470,220\n"
    code, doc = audit_json(cli, write_csv(tmp_path, body))
    codes = [f["code"] for f in doc["findings"]]
    assert codes.count("KZ801") == 1 and "KZ811" not in codes and "KZ814" in codes
    assert code == 1


def test_suggestion_for_a_grouped_number(cli: Run, tmp_path: Path) -> None:
    body = HEADER + 'N-1,North,"1 000",800,10,530,260\nS-1,South,1000,700,10,470,220\n'
    _, doc = audit_json(cli, write_csv(tmp_path, body))
    assert "write 1000" in next(f["message"] for f in doc["findings"] if f["code"] == "KZ801")


def test_blank_lines_and_quotes_keep_line_numbers(cli: Run, tmp_path: Path) -> None:
    body = HEADER + '\n"N-1",North,1000,800,10,530,260\n\nS-1,"South",1000,700,10,470,221\n'
    _, doc = audit_json(cli, write_csv(tmp_path, body))
    assert [(f["code"], f["line"]) for f in doc["findings"] if f["file"].endswith(".csv")] == [("KZ803", 5)]


def test_rollup_differences_name_region_and_figure(cli: Run, tmp_path: Path) -> None:
    body = HEADER + "N-1,North,1000,800,10,530,260\nS-1,South,1000,700,10,470,220\nS-2,South,100,50,0,25,25\n"
    code, doc = audit_json(cli, write_csv(tmp_path, body))
    rollup = {(f["code"], f["subject"], f["figures"].get("figure")) for f in doc["findings"] if f["code"].startswith("KZ81")}
    assert ("KZ811", "South", "ballots_cast") in rollup
    assert ("KZ811", "the nation", "Anna Berg") in rollup
    assert ("KZ812", "South", None) in rollup and ("KZ812", "the nation", None) in rollup
    assert code == 1


def test_region_without_stations(cli: Run, tmp_path: Path) -> None:
    body = HEADER + "N-1,North,1000,800,10,530,260\n"
    _, doc = audit_json(cli, write_csv(tmp_path, body))
    assert "KZ813" in {f["code"] for f in doc["findings"]}


def test_not_utf8_is_located(cli: Run, tmp_path: Path) -> None:
    body = (HEADER + "N-1,Север,1000,800,10,530,260\n").encode("cp1251")
    (tmp_path / "stations.csv").write_bytes(body)
    write_csv(tmp_path, "")
    (tmp_path / "stations.csv").write_bytes(body)
    result = cli("audit", tmp_path / "results.yaml")
    assert result.exit_code == 2 and "stations.csv:2:5: error KZ002" in result.stderr  # byte 5: "N-1," then Cyrillic


def test_no_stations_file(cli: Run, tmp_path: Path) -> None:
    results = write_csv(tmp_path, GOOD)
    text = results.read_text().replace("stations: stations.csv\n", "")
    results.write_text(text)
    assert cli("audit", results).exit_code == 2
    assert cli("audit", results, "--stations", tmp_path / "stations.csv").exit_code == 0
    assert cli("audit", results, "--stations", tmp_path / "missing.csv").exit_code == 2


def test_findings_are_capped_per_code_but_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = "".join(f"N-{i},North,1000,800,100,440,260\n" for i in range(30))
    results = load(write_csv(tmp_path, HEADER + rows))
    monkeypatch.setattr(audit_stations_module, "KEEP_PER_CODE", 5)
    result = audit_stations(results, tmp_path / "stations.csv", "stations.csv")
    assert result.counts["KZ806"] == 30
    assert sum(1 for f in result.findings if f.code == "KZ806") == 5
    assert result.dropped == 25


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown"])
def test_formats_and_limit(cli: Run, tmp_path: Path, fmt: str) -> None:
    results, _ = make(tmp_path, 300, 4, *FAULTS)
    result = cli("audit", results, "--format", fmt, "--limit", "1")
    assert result.exit_code == 1 and result.stderr == ""
    if fmt == "table":
        assert "… and 2 more" in result.stdout and "\x1b[" not in result.stdout  # 3 station findings, 1 shown
        assert "KZ811" in result.stdout  # roll-up findings are never cut
    if fmt == "csv":
        assert len(result.stdout.splitlines()) == 1 + 4  # every finding, one row each


def ru2018_results(tmp_path: Path) -> Path:
    """The published totals for the real protocols: added up here independently of kzvote."""
    import csv

    with gzip.open(RU2018, "rt", encoding="utf-8") as source, open(tmp_path / "ru2018.csv", "w", encoding="utf-8") as out:
        shutil.copyfileobj(source, out)
    with open(tmp_path / "ru2018.csv", encoding="utf-8") as stream:
        rows = csv.DictReader(stream)
        names = rows.fieldnames[8:]  # type: ignore[index]
        totals = dict.fromkeys(["registered", "ballots_cast", "invalid_ballots", *names], 0)
        count = 0
        for row in rows:
            count += 1
            for key in totals:
                totals[key] += int(row[key])
    lines = [
        "format: kzvote/1",
        "election: {title: Presidential election, country: Russia, date: 2018-03-18, stage: final, percent_of: valid}",
        f"turnout: {{registered: {totals['registered']}, ballots_cast: {totals['ballots_cast']}, invalid_ballots: {totals['invalid_ballots']}, polling_stations: {count}}}",
        "candidates:",
        *(f"  - {{name: {name}, votes: {totals[name]}}}" for name in names),
        "stations: ru2018.csv",
    ]
    (tmp_path / "results.yaml").write_text("\n".join(lines) + "\n")
    return tmp_path / "results.yaml"


@pytest.mark.skipif(not RU2018.exists(), reason="../shared/data is not beside the project")
def test_real_protocols_russia_2018(cli: Run, tmp_path: Path) -> None:
    code, doc = audit_json(cli, ru2018_results(tmp_path))
    assert doc["rollup"][0]["stations"] == 97_699
    counts: dict[str, int] = {}
    for f in doc["findings"]:
        counts[f["code"]] = counts.get(f["code"], 0) + 1
    # No errors: every protocol balances and no station is over 100%. The warnings are the
    # relations the data README predicts: received vs issued + cancelled (lost ballots), and
    # stations with many invalid ballots; and six with 1-3 ballots more in the boxes than issued.
    assert set(counts) == {"KZ805", "KZ806", "KZ810"} and counts["KZ810"] == 6
    assert code == 0
    line_of_zero_cast = next(i for i, line in enumerate((tmp_path / "ru2018.csv").read_text().splitlines(), 1) if line.split(",")[4] == "0")
    assert all(f["line"] != line_of_zero_cast or f["code"] != "KZ804" for f in doc["findings"])
