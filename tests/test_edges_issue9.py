"""Issue 9, the edges: diff's git: argument, truthful diff counts, configuration errors located,
staleness over a whole run, check's JSON files, SARIF URIs, offset times and half-up rounding."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from conftest import bundled_text, edited, full_text
from kzvote import diff as diff_module
from kzvote.diff import knows_end_of_options
from kzvote.load import parse
from kzvote.sources import cross_check

Run = Callable[..., Result]
Write = Callable[..., Path]

ACCEPT_KAZHYKEN = '[[accept]]\ncode = "KZ101"\npath = "candidates[3].votes"\nreason = "known misprint"\n'


# -- 1. diff git:REV[:PATH] cannot pass options to git, nor leave the repository ----------------


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "data"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "results.yaml").write_text(bundled_text())
    git(repo, "add", "results.yaml")
    git(repo, "commit", "-qm", "final results")
    monkeypatch.chdir(repo)
    return repo


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("git:--output=o", "must not start with '-'"),
        ("git:-p", "must not start with '-'"),
        ("git:", "no revision named"),
        ("git::results.yaml", "no revision named"),
        ("git:HEAD~1..HEAD", "a range"),
        ("git:HEAD...main", "a range"),
        ("git:HEAD:/etc/passwd", "must be relative"),
        ("git:HEAD:../results.yaml", "must stay inside"),
        ("git:HEAD:sub/../../x.yaml", "must stay inside"),
    ],
)
def test_bad_git_versions_are_refused_before_git_runs(cli: Run, repo: Path, spec: str, message: str) -> None:
    before = sorted(p.name for p in repo.iterdir())
    result = cli("diff", spec, "results.yaml")
    assert result.exit_code == 2, result.stdout + result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{spec}: error KZ001") and message in first, first
    assert sorted(p.name for p in repo.iterdir()) == before  # nothing written into the work tree


def test_git_revisions_still_work_with_end_of_options(cli: Run, repo: Path) -> None:
    assert cli("diff", "git:HEAD", "results.yaml").exit_code == 0
    assert cli("diff", "git:HEAD:results.yaml", "results.yaml").exit_code == 0
    assert cli("diff", "git:HEAD:./results.yaml", "results.yaml").exit_code == 0


@pytest.mark.parametrize(
    ("version", "known"), [("git version 2.39.5\n", True), ("git version 2.24.0", True), ("git version 2.23.4", False), ("git version 1.9", False), ("", False)]
)
def test_end_of_options_only_where_git_knows_it(version: str, known: bool) -> None:
    assert knows_end_of_options(version) is known


def test_an_old_git_without_end_of_options_still_reads_a_revision(cli: Run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diff_module, "_end_of_options", lambda: ())
    assert cli("diff", "git:HEAD", "results.yaml").exit_code == 0
    assert cli("diff", "git:--output=o", "results.yaml").exit_code == 2


# -- 2. diff: counts say what they count ------------------------------------------------------------


def test_diff_counts_are_truthful_when_new_holds_an_old_error(cli: Run, write: Write) -> None:
    old = write(edited(("votes: 200907", "votes: 300907")), "old.yaml")
    new = write(edited(("votes: 200907", "votes: 300907"), ("votes: 176116", "votes: 176117")), "new.yaml")
    result = cli("diff", old, new, "--format", "markdown")
    assert result.exit_code == 0  # the error is not new
    assert "0 new finding(s)" in result.stdout
    assert "NEW holds 1 error(s), 0 warning(s)," in result.stdout
    assert "### New findings (not in OLD): 0 error(s)" in result.stdout and "### Findings:" not in result.stdout
    assert cli("diff", old, new).stdout.rstrip().endswith("New findings (not in OLD): none")
    doc = json.loads(cli("diff", old, new, "--format", "json").stdout)
    assert doc["summary"]["errors"] == 0
    assert {row["findings"]: row["errors"] for row in doc["counts"]} == {"new": 0, "in_new": 1, "resolved": 0}


# -- 3. configuration mistakes are KZ015, located, with a suggestion --------------------------------


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ('strict = false\nformat = "JSON"\n', ":2:1:", "did you mean 'json'"),
        ('format = "jsn"\n', ":1:1:", "did you mean 'json'"),
        ('# project settings\nstrict = "yes"\n', ":2:1:", "strict must be true or false"),
        ("\n" + ACCEPT_KAZHYKEN.replace("KZ101", "KZ1O1"), ":3:1:", "unknown code 'KZ1O1'; did you mean 'KZ101'"),
        ("strict = \n", ":1:10:", "TOML syntax error: Invalid value"),
        ('a = "b', ":1:7:", "TOML syntax error: Unterminated string"),
        ("[accept]\nx = [1,\n", ":2:8:", "TOML syntax error: Invalid value"),
        ("formt = 'json'\n", ":1:1:", "did you mean 'format'"),
    ],
)
def test_configuration_mistakes_are_located(cli: Run, write: Write, tmp_path: Path, text: str, where: str, message: str) -> None:
    path = write(bundled_text())
    (tmp_path / ".kzvote.toml").write_text(text)
    result = cli("check", path)
    assert result.exit_code == 2 and result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{tmp_path / '.kzvote.toml'}{where} error KZ015"), first
    assert message in first and "(at line" not in first


def test_configuration_mistakes_in_pyproject_are_located_and_all_reported(cli: Run, write: Write, tmp_path: Path) -> None:
    path = write(bundled_text())
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nformat = 1\n\n[tool.kzvote]\nstrict = "yes"\nformat = "JSON"\n\n[[tool.kzvote.accept]]\ncode = "KZ999"\npath = "x"\nreason = "r"\n'
    )
    result = cli("check", path)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert [re.search(r":(\d+):\d+: error KZ015", line)[1] for line in lines[:-1]] == ["6", "7", "10"]  # type: ignore[index]


# -- 4. an accept is stale only if it matches nothing in the whole run ----------------------------


def test_staleness_is_judged_over_all_files_of_a_run(cli: Run, write: Write, tmp_path: Path) -> None:
    a = write(edited(("votes: 200907", "votes: 300907")), "a.yaml")
    b = write(bundled_text(), "b.yaml")
    (tmp_path / ".kzvote.toml").write_text(ACCEPT_KAZHYKEN)
    result = cli("check", a, b, "--strict")
    assert "KZ901" not in result.stdout and result.exit_code == 0
    # matched nowhere: stale once, not once per file
    result = cli("check", b, write(bundled_text(), "c.yaml"))
    assert result.stdout.count("KZ901") == 1


# -- 5. check's JSON lists its files ----------------------------------------------------------------


def test_check_json_lists_the_files(cli: Run, write: Write) -> None:
    a = write(edited(("votes: 200907", "votes: 300907")), "a.yaml")
    b = write(bundled_text(), "b.yaml")
    doc = json.loads(cli("check", a, b, "--format", "json").stdout)
    assert [f["file"] for f in doc["files"]] == [str(a), str(b)]
    assert [f["errors"] for f in doc["files"]] == [1, 0]
    assert doc["file"] is None  # never "a.yaml, b.yaml": a path that does not exist
    assert json.loads(cli("check", a, "--format", "json").stdout)["file"] == str(a)
    assert cli("check", a, b).stdout.endswith(f"{a}, {b}: 1 error(s), 0 warning(s)\n")  # text unchanged


# -- 6. SARIF URIs are percent-encoded --------------------------------------------------------------


def test_sarif_uri_is_percent_encoded(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub dir").mkdir()
    (tmp_path / "sub dir" / "my results #1.yaml").write_text(edited(("votes: 200907", "votes: 300907")))
    doc = json.loads(cli("check", "sub dir/my results #1.yaml", "--format", "sarif").stdout)
    (result,) = doc["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "sub%20dir/my%20results%20%231.yaml"


# -- 7. published times with an offset -------------------------------------------------------------


def test_published_times_with_an_offset_are_ordered_without_a_crash(cli: Run, write: Write) -> None:
    text = full_text().replace("published: 2022-11-22T12:07\n", "published: 2022-11-22T12:07+06:00\n")
    assert text != full_text()
    check = cross_check(parse(text.encode(), "results.yaml"))
    order = [s.source.published_text for s in check.summaries]
    assert order.index("2022-11-22T12:07+06:00") == order.index("2022-11-22T11:05") + 1
    result = cli("sources", write(text))
    assert result.exit_code in (0, 1) and "internal error" not in result.stderr


# -- 8. counts rounded half up -----------------------------------------------------------------------


def test_a_count_rounded_half_up_is_seen_as_rounded() -> None:
    text = full_text().replace("polling_stations: 10101 #", "polling_stations: 10500 #").replace("polling_stations: 10033 #", "polling_stations: 11000 #")
    check = cross_check(parse(text.encode(), "results.yaml"))
    (row,) = [r for r in check.rows if r.key == "turnout.polling_stations"]
    remarks = {c.source.id: c.remark for c in row.comparisons if c.reported is not None}
    assert remarks["kt-exit-poll"] == "the official 10,500 rounded"


# -- JSON contract: numbers are numbers -------------------------------------------------------------

FORMATTED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?%?$|^[+-]?\d+(\.\d+)?%$")


def formatted_strings(value: object, where: str = "") -> list[str]:
    if isinstance(value, dict):
        return [hit for key, item in value.items() if key not in ("message", "facts") for hit in formatted_strings(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [hit for i, item in enumerate(value) for hit in formatted_strings(item, f"{where}[{i}]")]
    return [f"{where}={value}"] if isinstance(value, str) and FORMATTED.match(value) else []


def test_sources_and_diff_json_hold_numbers_not_formatted_text(cli: Run, write: Write) -> None:
    assert formatted_strings(json.loads(cli("sources", write(full_text()), "--format", "json").stdout)) == []
    old = write(full_text(), "old.yaml")
    new = write(full_text().replace("votes: 200907", "votes: 300907").replace("turnout_percent: 69.44", "turnout_percent: 69.45"), "new.yaml")
    assert formatted_strings(json.loads(cli("diff", old, new, "--format", "json").stdout)) == []


def test_pyproject_table_copied_into_kzvote_toml_says_where_it_belongs(cli: Run, write: Write, tmp_path: Path) -> None:
    path = write(bundled_text())
    (tmp_path / ".kzvote.toml").write_text('[tool.kzvote]\nformat = "json"\n')
    result = cli("check", path)
    assert result.exit_code == 2 and "at the top level" in result.stderr and ".kzvote.toml:1:1:" in result.stderr


def test_a_git_blob_is_read_only_as_far_as_the_size_cap(cli: Run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kzvote import diff as diff_module

    monkeypatch.setattr(diff_module, "MAX_BYTES", 1_000)  # the real cap is 16 MiB, as for files on disk
    result = cli("diff", "git:HEAD", repo / "results.yaml", "--format", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["findings"][0]["code"] == "KZ013"
