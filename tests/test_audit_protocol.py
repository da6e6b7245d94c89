"""Issue 11: the station audit's relation set follows the protocol lines present."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from test_audit import write_csv
from typer.testing import Result

from conftest import ROOT, SHARED

Run = Callable[..., Result]
RUSSIA = ROOT / "tests" / "data" / "conventions" / "russia-2018.yaml"
RU2018 = SHARED / "data" / "ru2018-stations.csv.gz"
RU2018_CIS = SHARED / "data" / "ru2018-stations-cis.csv.gz"


def codes(cli: Run, *args: object) -> Counter[str]:
    done = cli("audit", *args, "--format", "json")
    assert done.exit_code in (0, 1), done.output
    return Counter(f["code"] for f in json.loads(done.stdout)["findings"])


@pytest.mark.skipif(not RU2018_CIS.exists(), reason="../shared/data is not beside the project")
def test_lost_and_unaccounted_ballots_explain_every_received_warning_of_russia_2018(cli: Run) -> None:
    simplified = codes(cli, RUSSIA, "--stations", RU2018)
    full = codes(cli, RUSSIA, "--stations", RU2018_CIS)
    assert simplified["KZ805"] == 348  # received = issued + cancelled differs at 348 stations
    assert full["KZ805"] == 0  # received = issued + cancelled + lost - unaccounted holds at every one
    assert full - Counter({"KZ805": 0}) == simplified - Counter({"KZ805": 348})  # nothing new appears


PROTOCOL = "station,region,registered,ballots_received,ballots_cast,ballots_cancelled,ballots_lost,ballots_unaccounted,invalid_ballots,Anna Berg,Boris Chen\n"


def test_received_counts_lost_and_unaccounted_ballots(cli: Run, tmp_path: Path) -> None:
    # North: 900 received = 800 issued + 95 cancelled + 7 lost - 2 unaccounted
    body = PROTOCOL + "N-1,North,1000,900,800,95,7,2,10,530,260\nS-1,South,1000,750,700,50,0,0,10,470,220\n"
    assert codes(cli, write_csv(tmp_path, body)) == Counter()
    wrong = body.replace("N-1,North,1000,900,800,95,7,2", "N-1,North,1000,900,800,95,7,0")
    assert codes(cli, write_csv(tmp_path, wrong)) == Counter({"KZ805": 1})


RESULTS_WITH_BLANK = """format: kzvote/1
election: {title: T, country: C, date: 2024-01-01, stage: final, percent_of: valid}
turnout: {registered: 2000, ballots_cast: 1500, invalid_ballots: 15, blank_ballots: 5, polling_stations: 2}
candidates:
  - {name: Anna Berg, votes: 1000}
  - {name: Boris Chen, votes: 480}
regions:
  - {name: North, registered: 1000, ballots_cast: 800, invalid_ballots: 5, polling_stations: 1}
  - {name: South, registered: 1000, ballots_cast: 700, invalid_ballots: 10, polling_stations: 1}
stations: stations.csv
"""


def test_blank_ballots_join_the_station_balance(cli: Run, tmp_path: Path) -> None:
    header = "station,region,registered,ballots_cast,invalid_ballots,blank_ballots,Anna Berg,Boris Chen\n"
    body = header + "N-1,North,1000,800,5,5,530,260\nS-1,South,1000,700,10,0,470,220\n"
    assert codes(cli, write_csv(tmp_path, body, RESULTS_WITH_BLANK)) == Counter()  # 530 + 260 + 5 blank + 5 invalid = 800
    without = body.replace(",blank_ballots", "").replace("5,5,530", "5,530").replace("10,0,470", "10,470")
    assert codes(cli, write_csv(tmp_path, without, RESULTS_WITH_BLANK))["KZ803"] == 1  # 795 is not 800 without them


def test_a_station_with_no_ballots_cast_raises_nothing_false(cli: Run, tmp_path: Path) -> None:
    header = "station,region,registered,ballots_cast,invalid_ballots,Anna Berg,Boris Chen\n"
    body = header + "N-1,North,1000,800,10,530,260\nN-2,North,0,0,0,0,0\nS-1,South,1000,700,10,470,220\n"
    found = codes(cli, write_csv(tmp_path, body))
    assert found == Counter({"KZ812": 2})  # North and the nation count one station more than published; nothing else


def test_more_in_the_boxes_than_issued_is_an_error_at_the_station(cli: Run, tmp_path: Path) -> None:
    header = "station,region,registered,ballots_cast,ballots_in_boxes,invalid_ballots,Anna Berg,Boris Chen\n"
    body = header + "N-1,North,1000,800,800,10,530,260\nS-1,South,1000,700,705,15,470,220\n"
    found = codes(cli, write_csv(tmp_path, body))
    assert found["KZ810"] == 1 and found["KZ803"] == 0  # balanced against the boxes, but 5 more than issued


def test_the_roll_up_adds_up_blank_ballots_and_the_ballots_in_the_boxes(cli: Run, tmp_path: Path) -> None:
    header = "station,region,registered,ballots_cast,invalid_ballots,blank_ballots,Anna Berg,Boris Chen\n"
    body = header + "N-1,North,1000,800,0,10,530,260\nS-1,South,1000,700,10,0,470,220\n"  # 10 blank, 10 invalid
    done = cli("audit", write_csv(tmp_path, body, RESULTS_WITH_BLANK), "--format", "json")
    mismatched = {(f["figures"]["area"], f["figures"]["figure"]) for f in json.loads(done.stdout)["findings"] if f["code"] == "KZ811"}
    assert ("the nation", "blank_ballots") in mismatched  # 10 in the stations, 5 published


def test_memory_per_station_stays_small_as_the_file_grows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12: the audit keeps 14 bytes a station (an id hash, a line, two flags), not the ids. Measured
    by tracemalloc (numpy reports its buffers to it), so this is a size, not a timing, test."""
    import subprocess
    import sys
    import tracemalloc

    from kzvote.audit import audit_stations
    from kzvote.audit import source as audit_source
    from kzvote.load import load

    monkeypatch.setattr(audit_source, "BLOCK_BYTES", 4096 * 64)  # many blocks at both sizes: the block itself is no part of the growth
    peaks = {}
    for n in (20_000, 80_000):
        folder = tmp_path / str(n)
        folder.mkdir()
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_stations.py"), str(n), "--seed", "3", "--out", str(folder)], check=True, capture_output=True)
        results = load(folder / "results.yaml")
        tracemalloc.start()
        audit_stations(results, folder / "stations.csv", "stations.csv")
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    per_station = (peaks[80_000] - peaks[20_000]) / 60_000
    assert per_station < 64, f"{per_station:.0f} bytes a station"  # keeping the ids took 93
