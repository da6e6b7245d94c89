"""The output contract: stdout holds a document in the requested format whatever the exit code,
a failed write is a one-line message and exit 2, and JSON numbers are numbers."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import Result

from conftest import BUNDLED, SHARED, edited, full_text

Run = Callable[..., Result]
Write = Callable[..., Path]
STATIONS = (
    "station,region,registered,ballots_cast,invalid_ballots,Kassym-Jomart Tokayev,Zhiguli Dairabayev,Karakat Abden,"
    "Meiram Kazhyken,Nurlan Auesbayev,Saltanat Tursynbekova,Against all\n"
    'A-1,Abroad,"1 000",800,10,500,50,50,50,50,50,40\nA-2,Abroad,1000,800,10,500,50,50,50,50,50,41\n'
    "A-2,Nowhere,1000,1800,10,500,50,50,50,50,50,40\n"
)


def command_lines(missing: Path, tmp_path: Path) -> dict[str, list[str]]:
    """Every command that reads a results file, pointed at one that does not exist."""
    stations = tmp_path / "stations.csv"
    stations.write_text(STATIONS, encoding="utf-8")
    return {
        "report": ["report", str(missing)],
        "candidates": ["candidates", str(missing)],
        "turnout": ["turnout", str(missing)],
        "reconcile": ["reconcile", str(missing)],
        "sources": ["sources", str(missing)],
        "check": ["check", str(missing)],
        "audit": ["audit", str(missing), "--stations", str(stations)],
        "diff": ["diff", str(BUNDLED), str(missing)],
    }


COMMANDS = ("report", "candidates", "turnout", "reconcile", "sources", "check", "audit", "diff")


# -- bad input: a document in the requested format -----------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_unreadable_file_is_a_json_document(cli: Run, tmp_path: Path, command: str) -> None:
    result = cli(*command_lines(tmp_path / "none.yaml", tmp_path)[command], "--format", "json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["command"] == command and doc["file"].endswith("none.yaml")
    assert [f["code"] for f in doc["findings"]] == ["KZ001"]
    assert doc["summary"]["errors"] == 1 and doc["summary"]["exit_code"] == 2


@pytest.mark.parametrize("command", ["report", "audit"])
def test_unreadable_file_in_every_machine_format(cli: Run, tmp_path: Path, command: str) -> None:
    args = command_lines(tmp_path / "none.yaml", tmp_path)[command]
    sarif = json.loads(cli(*args, "--format", "sarif").stdout)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["KZ001"]
    schema = json.loads((SHARED / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert not list(jsonschema.Draft7Validator(schema).iter_errors(sarif))
    rows = list(csv.DictReader(io.StringIO(cli(*args, "--format", "csv").stdout)))
    assert [row["code"] for row in rows] == ["KZ001"]
    assert cli(*args, "--format", "github").stdout.splitlines()[1].startswith("::error file=")
    text = cli(*args, "--format", "text")
    assert text.exit_code == 2 and ": error KZ001" in text.stdout
    markdown = cli(*args, "--format", "markdown").stdout
    assert "KZ001" in markdown


def test_unreadable_file_without_format_talks_on_stderr_only(cli: Run, tmp_path: Path) -> None:
    result = cli("report", tmp_path / "none.yaml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert "error KZ001" in result.stderr and "nothing checked (exit 2)" in result.stderr


def test_json_run_says_why_on_stderr_too(cli: Run, tmp_path: Path) -> None:
    result = cli("report", tmp_path / "none.yaml", "--format", "json")
    assert result.stderr.strip().endswith("1 problem, nothing checked (exit 2)")


@pytest.mark.parametrize("command", ["report", "check", "sources"])
def test_broken_configuration_is_a_json_document(cli: Run, write: Write, tmp_path: Path, command: str) -> None:
    path = write(edited())
    (tmp_path / ".kzvote.toml").write_text("formt = 'json'\n")
    result = cli(command, path, "--format", "json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert [f["code"] for f in doc["findings"]] == ["KZ015"] and doc["file"].endswith(".kzvote.toml")


def test_every_json_summary_has_the_exit_code(cli: Run, write: Write) -> None:
    assert json.loads(cli("report", BUNDLED, "-f", "json").stdout)["summary"]["exit_code"] == 0
    bad = write(edited(("votes: 200907", "votes: 300907")))
    assert json.loads(cli("check", bad, "-f", "json").stdout)["summary"]["exit_code"] == 1


# -- a failed write ------------------------------------------------------------------------------


def kzvote(*args: str) -> list[str]:
    return [sys.executable, "-m", "kzvote", *args]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ("check", str(BUNDLED)),
        ("report", str(BUNDLED), "-f", "json"),
        ("sources", str(BUNDLED), "-f", "json"),
        ("schema",),
        ("report", "/no/such.yaml", "-f", "json"),
    ],
)
def test_a_full_disk_is_one_line_and_exit_2(args: tuple[str, ...]) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("KZVOTE_DEBUG", "KZVOTE_FILE")}
    with open("/dev/full", "w") as full:
        result = subprocess.run(kzvote(*args), stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=60)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "kzvote: cannot write output: No space left on device"
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


# -- JSON numbers are numbers --------------------------------------------------------------------

FORMATTED_NUMBER = re.compile(r"^[\d,.\s%+\-−]+$")
# Text by contract: the version, sentences for people (their numbers are formatted on purpose).
TEXT_FIELDS = {"kzvote", "message", "accepted", "remark"}


def strings_that_look_like_numbers(value: Any, where: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in TEXT_FIELDS:
                yield from strings_that_look_like_numbers(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings_that_look_like_numbers(item, f"{where}[{index}]")
    elif isinstance(value, str) and FORMATTED_NUMBER.match(value) and re.search(r"\d", value) and not re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        yield f"{where} = {value!r}"


def json_outputs(cli: Run, write: Write, tmp_path: Path) -> Iterator[tuple[str, dict]]:
    misprinted = write(full_text().replace("    votes: 200907\n", "    votes: 300907\n"), "misprinted.yaml")
    percent_slip = write(edited(("percent: 2.60", "percent: 2.06")), "slip.yaml")
    stations = tmp_path / "stations.csv"
    stations.write_text(STATIONS, encoding="utf-8")
    for file in (BUNDLED, misprinted, percent_slip):
        for command in ("report", "candidates", "turnout", "reconcile", "sources"):
            yield f"{command} {file.name}", json.loads(cli(command, file, "-f", "json").stdout)
        yield f"check {file.name}", json.loads(cli("check", file, "--notes", "-f", "json").stdout)
        yield f"diff {file.name}", json.loads(cli("diff", BUNDLED, file, "-f", "json").stdout)
    yield "audit", json.loads(cli("audit", BUNDLED, "--stations", stations, "-f", "json").stdout)


def test_no_json_number_is_written_as_a_string(cli: Run, write: Write, tmp_path: Path) -> None:
    offenders = [f"{name}: {found}" for name, doc in json_outputs(cli, write, tmp_path) for found in strings_that_look_like_numbers(doc)]
    assert offenders == []


def test_share_mismatch_figures_are_numbers(cli: Run, write: Write) -> None:
    votes = json.loads(cli("check", write(edited(("votes: 200907", "votes: 300907"))), "-f", "json").stdout)["findings"][0]["figures"]
    assert (votes["suggestion"], votes["share"], votes["blamed"]) == (200907, 3.742402, "candidates[3].votes")
    percent = json.loads(cli("check", write(edited(("percent: 2.60", "percent: 2.06"))), "-f", "json").stdout)["findings"][0]["figures"]
    assert (percent["suggestion"], percent["published_decimals"]) == (2.6, 2)


def test_facts_hold_numbers_as_numbers(cli: Run) -> None:
    facts = json.loads(cli("turnout", BUNDLED, "-f", "json").stdout)["facts"]
    assert facts["polling_stations"] == 10101
    assert "10,101" in cli("turnout", BUNDLED).stdout  # people still read it grouped


@pytest.mark.parametrize("output", ["json", "sarif", "text", "github", "csv", "markdown"])
def test_a_file_name_that_is_not_utf8_is_escaped_not_a_bug(tmp_path: Path, output: str) -> None:
    data = os.path.join(os.fsencode(tmp_path), b"f\xff.yaml")
    with open(data, "wb") as stream:
        stream.write(BUNDLED.read_bytes().replace(b"votes: 200907", b"votes: 300907"))
    run = subprocess.run([*kzvote("check", os.fsdecode(data), "--format", output)], capture_output=True, timeout=60)
    assert run.returncode == 1, run.stderr
    run.stdout.decode("utf-8")  # strict: no raw 0xff byte
    assert b"\xff" not in run.stdout
    if output == "sarif":
        assert b"f%FF.yaml" in run.stdout


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [("report", str(BUNDLED)), ("check", str(BUNDLED), "-f", "json")])
def test_stdout_and_stderr_both_unwritable_is_still_exit_2(args: tuple[str, ...]) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(kzvote(*args), stdout=full, stderr=full, env={**os.environ, "PYTHONUNBUFFERED": ""}, timeout=60)
    assert result.returncode == 2


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--bogus", "-f", "json"),
        ("audit", "--limit", "abc", "--format=json"),
        ("candidates", "--sort", "foo", "-fjson"),
        ("check", "a.yaml", "--strict=maybe", "-f", "sarif"),
    ],
)
def test_usage_errors_still_give_the_document_asked_for(args: tuple[str, ...]) -> None:
    result = subprocess.run(kzvote(*args), capture_output=True, text=True, timeout=60, cwd=BUNDLED.parent)
    assert result.returncode == 2
    document = json.loads(result.stdout)
    if "sarif" in args:
        assert document["version"] == "2.1.0"
    else:
        assert document["summary"]["exit_code"] == 2 and document["findings"] == [] and document["facts"]["usage_error"]
    assert result.stderr.startswith("kzvote: usage: ") and result.stderr.count("\n") == 1  # one line, no box


@pytest.mark.parametrize("args", [("report", "-f", "xml"), ("audit", "--limit", "abc"), ("bogus",)])
def test_usage_errors_are_one_line_with_where_to_look(args: tuple[str, ...]) -> None:
    result = subprocess.run(kzvote(*args), capture_output=True, text=True, timeout=60, cwd=BUNDLED.parent)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--help" in result.stderr and "╭" not in result.stderr


def test_a_narrow_terminal_says_which_columns_it_left_out() -> None:
    import io as _io

    from rich.console import Console

    from kzvote.checks import run_checks
    from kzvote.load import load
    from kzvote.render.table import _draw
    from kzvote.views import results as views

    results = load(BUNDLED)
    view = views.report(results, run_checks(results))
    for width, hidden in ((80, True), (240, False)):
        out = _io.StringIO()
        _draw(view, Console(file=out, width=width, no_color=True, markup=False, highlight=False))
        assert ("not shown at 80 columns:" in out.getvalue() and "Status" in out.getvalue()) is hidden, out.getvalue()
