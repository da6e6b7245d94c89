"""Issue 12: a large station file read by several processes, or a gzip file inflated on a thread,
says exactly what one process reading it whole says: the same findings in file order, the same
per-code caps, the same first unreadable lines, the same roll-up."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from kzvote.audit import source as audit_source
from kzvote.audit import stations as audit_stations_module

ROOT = Path(__file__).resolve().parent.parent
Run = Callable[..., Result]

# Every kind of line a person or a converter gets wrong, each a function of a good row.
BAD_LINES: list[Callable[[bytes, random.Random, list[bytes]], bytes]] = [
    lambda row, rng, rows: b"",  # a blank line
    lambda row, rng, rows: b"   ",
    lambda row, rng, rows: row + b"\r",  # one CRLF row
    lambda row, rng, rows: row.replace(b",", b',"', 1),  # a quote left open
    lambda row, rng, rows: row.replace(b",", b',"x,y",', 1),  # a quoted comma: one cell too many
    lambda row, rng, rows: row[:5] + b"\x1b" + row[5:],  # a terminal escape
    lambda row, rng, rows: row[:5] + b"\r" + row[5:],  # a carriage return inside a row
    lambda row, rng, rows: row[:5] + "\u202e".encode() + row[5:],  # a bidi override
    lambda row, rng, rows: row + b",7",
    lambda row, rng, rows: row.rsplit(b",", 1)[0],
    lambda row, rng, rows: row.replace(b",", b",-", 3),
    lambda row, rng, rows: row.rsplit(b",", 1)[0] + b",1 234",
    lambda row, rng, rows: row.rsplit(b",", 1)[0] + b"," + b"9" * 40,
    lambda row, rng, rows: row.rsplit(b",", 1)[0] + b",abc",
    lambda row, rng, rows: b"x" * 70_000,  # longer than any row
    lambda row, rng, rows: row.replace(row.split(b",")[1], b"Atlantis", 1),  # a region the file lacks
    lambda row, rng, rows: row.replace(row.split(b",")[1], "Абай".encode(), 1),
    lambda row, rng, rows: rows[rng.randrange(len(rows))],  # a duplicate id, anywhere
    lambda row, rng, rows: row.replace(row.split(b",")[0], row.split(b",")[0] + b"   ", 1),
]


def mangled(tmp_path: Path, stations: int, seed: int, rate: float) -> Path:
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_stations.py"), str(stations), "--seed", str(seed), "--out", str(tmp_path), "--plant", "duplicate"],
        check=True,
        capture_output=True,
    )
    lines = (tmp_path / "stations.csv").read_bytes().split(b"\n")
    header, rows = lines[0], [line for line in lines[1:] if line]
    rng = random.Random(seed)
    out = [header] + [rng.choice(BAD_LINES)(row, rng, rows) if rng.random() < rate else row for row in rows]
    (tmp_path / "stations.csv").write_bytes(b"\n".join(out) + b"\n")
    return tmp_path / "results.yaml"


def audit_doc(cli: Run, results: Path, *args: str) -> tuple[int, dict]:
    done = cli("audit", results, "--format", "json", *args)
    assert done.stderr == "", done.stderr
    return done.exit_code, json.loads(done.stdout)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("jobs", ["2", "3", "7"])
def test_parts_read_by_several_processes_say_what_one_says(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, jobs: str) -> None:
    results = mangled(tmp_path, 4000, seed, 0.02)
    monkeypatch.setattr(audit_source, "BLOCK_BYTES", 16 * 1024)  # many blocks in every part
    whole = audit_doc(cli, results, "--jobs", "1")
    monkeypatch.setattr(audit_source, "PART_BYTES", 1024)  # parts of a small file, so that it is cut
    assert audit_doc(cli, results, "--jobs", jobs) == whole
    assert whole[1]["findings"], "the mangled file has faults to find"


def test_caps_per_code_hold_across_parts(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = mangled(tmp_path, 3000, 3, 0.05)
    monkeypatch.setattr(audit_stations_module, "KEEP_PER_CODE", 3)
    whole = audit_doc(cli, results, "--jobs", "1")
    monkeypatch.setattr(audit_source, "PART_BYTES", 1024)
    assert audit_doc(cli, results, "--jobs", "4") == whole
    assert "more were counted, not kept" in json.dumps(whole), "some code is over the cap"


@pytest.mark.parametrize("parts", [2, 7, 50])
def test_a_file_is_cut_in_parts_at_line_ends(tmp_path: Path, parts: int) -> None:
    rng = random.Random(parts)
    lines = [b"h"] + [b"x" * rng.choice([0, 5, 40, 3000]) for _ in range(400)]
    path = tmp_path / "lines.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    with path.open("rb") as stream:
        stream.readline()
        ranges = audit_source.plan(stream, parts, path.stat().st_size)
        assert stream.tell() == len(lines[0]) + 1  # left where the reading starts
    data = path.read_bytes()
    assert ranges[0].start == len(lines[0]) + 1 and ranges[0].first_line == 2 and ranges[-1].end is None
    assert 1 < len(ranges) <= parts
    for before, after in zip(ranges, ranges[1:]):
        assert before.end == after.start > before.start and data[after.start - 1 : after.start] == b"\n" and after.first_line is None


def test_gzip_inflated_ahead_says_what_the_plain_file_says(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = mangled(tmp_path, 3000, 4, 0.02)
    monkeypatch.setattr(audit_source, "BLOCK_BYTES", 8 * 1024)
    plain = audit_doc(cli, results)
    (tmp_path / "stations.csv.gz").write_bytes(gzip.compress((tmp_path / "stations.csv").read_bytes()))
    compressed = audit_doc(cli, results, "--stations", str(tmp_path / "stations.csv.gz"))
    assert json.dumps(compressed).replace(str(tmp_path / "stations.csv.gz"), "STATIONS") == json.dumps(plain).replace(
        str(tmp_path / "stations.csv"), "STATIONS"
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_rows_read_one_by_one_say_what_numpy_says(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """The careful path (every block line by line, every row on its own) and numpy's say the same
    of a file with every kind of bad line."""
    from kzvote.audit import parse

    results = mangled(tmp_path, 3000, seed, 0.03)
    fast = audit_doc(cli, results)
    monkeypatch.setattr(parse, "_plain_lines", lambda block, np: 0)
    monkeypatch.setattr(parse, "_fast", lambda data, rows, part, np: None)
    assert audit_doc(cli, results) == fast


@pytest.mark.parametrize("rows", [10, 5000])
def test_a_part_crosses_to_its_parent_through_shared_memory_or_whole(rows: int) -> None:
    """A child writes its columns where the parent reads them, and sends their places; a column
    that outgrew the shared room (short rows) crosses the pipe whole."""
    import mmap
    import pickle

    import numpy as np

    from kzvote.audit.source import Layout

    layout = Layout(["station", "region", "registered"], 0, 1, ["registered"], [2], [])
    shared = mmap.mmap(-1, audit_stations_module.shared_bytes(1024))
    part = audit_stations_module.Part(layout, set(), "s.csv", np, 1024, shared)
    hashes = np.arange(rows, dtype=np.uint64) * 7
    part.id_hashes.extend(hashes)
    part.id_lines.extend(np.arange(rows, dtype=np.uint32))
    part.error_rows.extend(np.arange(rows) % 3 == 0)
    part.warning_rows.extend(np.arange(rows) % 5 == 0)
    crossed = pickle.loads(pickle.dumps(part))
    crossed.attach(shared)
    assert (crossed.id_hashes.view() == hashes).all() and crossed.id_lines.view().tolist() == list(range(rows))
    assert crossed.error_rows.view().sum() == (np.arange(rows) % 3 == 0).sum() and crossed.warning_rows.size == rows
    assert (len(pickle.dumps(part)) < 10_000) == (rows <= 1024)  # places, not the columns, while they fit


def test_one_progress_bar_runs_over_every_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parent's bar counts what its children read (through the memory they share), and ends
    at the file's size exactly."""
    from kzvote.audit import audit_stations
    from kzvote.load import load

    results = mangled(tmp_path, 4000, 5, 0.0)
    monkeypatch.setattr(audit_source, "BLOCK_BYTES", 16 * 1024)
    monkeypatch.setattr(audit_source, "PART_BYTES", 1024)
    told: list[int] = []
    audit_stations(load(results), tmp_path / "stations.csv", "stations.csv", told.append, jobs=2)
    size = (tmp_path / "stations.csv").stat().st_size
    assert sum(told) == size and all(step >= 0 for step in told)
    assert len(told) > 5  # a step a block, not one jump at the end
