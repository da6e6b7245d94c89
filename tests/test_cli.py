"""Every command x format through the CLI: exit codes, stdout is data, stderr is talk, no ANSI off a TTY."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from conftest import BUNDLED, edited, line_of

ANSI = re.compile(r"\x1b\[")
VIEW_COMMANDS = ("report", "candidates", "turnout", "reconcile")
Run = Callable[..., Result]
Write = Callable[..., Path]


@pytest.mark.parametrize("command", VIEW_COMMANDS)
@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_every_view_command_and_format_on_the_bundled_file(cli: Run, command: str, fmt: str) -> None:
    result = cli(command, BUNDLED, "--format", fmt)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.strip()
    assert not ANSI.search(result.stdout)
    if fmt == "json":
        doc = json.loads(result.stdout)
        assert doc["command"] == command and doc["summary"]["errors"] == 0
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert rows


@pytest.mark.parametrize("fmt", ["text", "json", "github", "csv", "markdown"])
def test_check_formats(cli: Run, fmt: str) -> None:
    result = cli("check", BUNDLED, "--format", fmt)
    assert (result.exit_code, result.stderr) == (0, "")


def test_report_says_what_a_newcomer_needs(cli: Run) -> None:
    out = cli("report", BUNDLED).stdout
    assert "Kassym-Jomart Tokayev elected in the first round" in out
    assert "7,940,478 valid" in out and "359,568 invalid (implied" in out
    assert "shares of valid votes (7,940,478)" in out
    assert "Against all" in out


def test_json_numbers_are_numbers_and_percentages_0_to_100(cli: Run) -> None:
    doc = json.loads(cli("candidates", BUNDLED, "-f", "json").stdout)
    abden = next(row for row in doc["candidates"] if row["name"] == "Karakat Abden")
    assert abden["votes"] == 206206
    assert abden["published"] == 2.6 and abden["published_decimals"] == 2
    assert 2.59 < abden["percent"] < 2.61
    against = next(row for row in doc["candidates"] if row["against_all"])
    assert against["rank"] is None and against["published_decimals"] == 1


def test_candidates_sort_orders(cli: Run) -> None:
    def names(sort: str) -> list[str]:
        rows = json.loads(cli("candidates", BUNDLED, "--sort", sort, "-f", "json").stdout)["candidates"]
        return [r["name"] for r in rows if not r["against_all"]]

    assert names("votes")[0] == "Kassym-Jomart Tokayev"
    assert names("name") == sorted(names("name"), key=str.casefold)
    assert names("ballot")[1] == "Zhiguli Dairabayev"
    assert cli("candidates", BUNDLED, "--sort", "age").exit_code == 2


@pytest.mark.parametrize(
    ("old", "new", "subject"),
    [("votes: 200907", "votes: 300907", "Meiram Kazhyken"), ("votes: 206206", "votes: 206000", "Karakat Abden")],
)
def test_check_names_the_right_candidate_and_line(cli: Run, write: Write, old: str, new: str, subject: str) -> None:
    text = edited((old, new))
    path = write(text)
    result = cli("check", path)
    assert result.exit_code == 1
    error_lines = [line for line in result.stdout.splitlines() if ": error " in line]
    assert len(error_lines) == 1
    assert error_lines[0].startswith(f"{path}:{line_of(text, new)}:")
    assert subject in error_lines[0] and "KZ101" in error_lines[0]


def test_check_json_has_the_documented_fields(cli: Run, write: Write) -> None:
    result = cli("check", write(edited(("votes: 200907", "votes: 300907"))), "--format", "json")
    assert result.exit_code == 1
    finding = json.loads(result.stdout)["findings"][0]
    assert {"code", "name", "severity", "path", "line", "column", "message", "figures"} <= finding.keys()
    assert (finding["code"], finding["severity"], finding["path"]) == ("KZ101", "error", "candidates[3].votes")
    assert finding["figures"]["suggestion"] == 200907


def test_check_github_annotations(cli: Run, write: Write) -> None:
    text = edited(("votes: 200907", "votes: 300907"))
    path = write(text)
    lines = cli("check", path, "--format", "github").stdout.splitlines()
    assert lines[0] == f"::group::kzvote: {path} (1 finding)"
    assert lines[1].startswith(f"::error file={path},line={line_of(text, 'votes: 300907')},col=12,title=KZ101 share-mismatch::")
    assert lines[2] == "::endgroup::"


def test_every_command_reports_inconsistency_with_exit_1(cli: Run, write: Write) -> None:
    path = write(edited(("votes: 200907", "votes: 300907")))
    for command in VIEW_COMMANDS:
        assert cli(command, path).exit_code == 1


def test_strict_makes_warnings_fail(cli: Run, write: Write) -> None:
    path = write(
        "format: kzvote/1\n"
        "election: {title: T, country: C, date: 2024-01-01, stage: final, percent_of: valid}\n"
        "turnout: {registered: 1000, ballots_cast: 900}\n"
        "candidates: [{name: A, votes: 300}, {name: B, votes: 300}, {name: C, votes: 300}]\n"
    )
    plain = cli("check", path)
    assert plain.exit_code == 0 and "warning KZ503" in plain.stdout
    assert cli("check", path, "--strict").exit_code == 1
    assert cli("report", path, "--strict").exit_code == 1


def test_bad_input_exit_2_located_on_stderr_no_traceback(cli: Run, write: Write) -> None:
    text = edited(("    votes: 271641", '    votes: "271, 641"'))
    result = cli("report", write(text))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f":{line_of(text, '271, 641')}:12: error KZ010 candidates[1].votes:" in result.stderr
    assert "write 271641" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_reports_bad_input_in_its_format(cli: Run, write: Write) -> None:
    bad = write("format: kzvote/1\n", "bad.yaml")
    result = cli("check", BUNDLED, bad, "--format", "json")
    assert result.exit_code == 2
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert codes == {"KZ007"}


def test_missing_file_is_exit_2(cli: Run, tmp_path: Path) -> None:
    result = cli("report", tmp_path / "none.yaml")
    assert result.exit_code == 2 and "KZ001" in result.stderr


def test_file_defaults_to_env_then_cwd(cli: Run, write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = write(edited(("votes: 200907", "votes: 300907")), "other.yaml")
    assert cli("check", env={"KZVOTE_FILE": str(other)}).exit_code == 1
    monkeypatch.chdir(tmp_path)
    write(edited(), "results.yaml")
    assert cli("check", env={"KZVOTE_FILE": ""}).exit_code == 0


def test_usage_errors_exit_2(cli: Run) -> None:
    assert cli("report", BUNDLED, "--format", "xml").exit_code == 2
    assert cli("nonsense").exit_code == 2


def test_version(cli: Run) -> None:
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout.startswith("kzvote ")


def test_user_text_is_never_read_as_markup(cli: Run, write: Write) -> None:
    path = write(edited(("name: Nurlan Auesbayev", "name: '[red]Nurlan[/red] Auesbayev'")))
    out = cli("candidates", path).stdout
    assert "[red]Nurlan[/red] Auesbayev" in out


def test_piped_table_is_not_squeezed(cli: Run) -> None:
    out = cli("candidates", BUNDLED, env={"COLUMNS": "40"}).stdout
    assert "National Alliance of Professional Social Workers" in out
    assert "…" not in out
    assert all(line == line.rstrip() for line in out.splitlines())


def test_a_bug_is_one_line_and_exit_3(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from kzvote import cli as cli_module

    def broken(**options: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli_module, "app", broken)
    monkeypatch.delenv("KZVOTE_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exited:
        cli_module.main()
    assert exited.value.code == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: boom" in err


def test_the_readme_worked_example_is_what_kzvote_prints(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (BUNDLED.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("```console\n$ kzvote check\n", 1)[1].split("\n$ echo", 1)[0]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results.yaml").write_text(BUNDLED.read_text(encoding="utf-8").replace("    votes: 200907\n", "    votes: 300907\n", 1))
    result = cli("check", env={"KZVOTE_FILE": ""})
    assert result.stdout.strip() == block.strip()
