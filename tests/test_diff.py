"""kzvote diff: crafted pairs of versions, and git:REV against a temporary repository."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from conftest import bundled_text, edited, line_of

Run = Callable[..., Result]
Write = Callable[..., Path]


def diff_json(cli: Run, old: Path | str, new: Path) -> tuple[int, dict]:
    result = cli("diff", old, new, "--format", "json")
    assert result.stderr == ""
    return result.exit_code, json.loads(result.stdout)


def changed(doc: dict) -> dict[str, tuple]:
    return {row["figure"]: (row["old"], row["new"], row["difference"]) for row in doc["changes"]}


def test_identical_files(cli: Run, write: Write) -> None:
    code, doc = diff_json(cli, write(bundled_text(), "a.yaml"), write(bundled_text(), "b.yaml"))
    assert (code, doc["changes"], doc["findings"]) == (0, [], [])


def test_a_count_up_that_fixes_an_error(cli: Run, write: Write) -> None:
    old = write(edited(("votes: 206206", "votes: 206000")), "old.yaml")
    code, doc = diff_json(cli, old, write(bundled_text(), "new.yaml"))
    assert code == 0
    assert changed(doc) == {"choices.Karakat Abden.votes": (206000, 206206, 206)}
    assert [f["code"] for f in doc["resolved"]] == ["KZ101"]


def test_a_count_down_in_a_final_result_is_flagged(cli: Run, write: Write) -> None:
    new = write(edited(("votes: 176116", "votes: 176115")), "new.yaml")
    code, doc = diff_json(cli, write(bundled_text(), "old.yaml"), new)
    assert changed(doc) == {"choices.Nurlan Auesbayev.votes": (176116, 176115, -1)}
    assert [(f["code"], f["severity"], f["line"]) for f in doc["findings"]] == [("KZ701", "warning", line_of(bundled_text(), "votes: 176116"))]
    assert code == 0  # a warning: the edit brings no new error
    assert cli("diff", write(bundled_text(), "old.yaml"), new, "--strict").exit_code == 1


def test_a_count_down_with_a_noted_correction(cli: Run, write: Write) -> None:
    new = write(edited(("votes: 176116", "votes: 176115"), ("  stage: final\n", "  stage: final\n  correction: CEC corrected a protocol\n")), "new.yaml")
    code, doc = diff_json(cli, write(bundled_text(), "old.yaml"), new)
    assert code == 0
    assert [f["code"] for f in doc["findings"]] == ["KZ702"]
    assert "election.correction" in changed(doc)


def test_a_new_error_fails(cli: Run, write: Write) -> None:
    new = write(edited(("votes: 200907", "votes: 300907")), "new.yaml")
    code, doc = diff_json(cli, write(bundled_text(), "old.yaml"), new)
    assert code == 1
    assert [f["code"] for f in doc["findings"]] == ["KZ101"]


def test_candidate_added_and_stage_change(cli: Run, write: Write) -> None:
    old = write(edited(("  stage: final", "  stage: preliminary")), "old.yaml")
    new_text = bundled_text().replace("against_all:\n", "  - name: New Person\n    votes: 0\n    percent: 0.00\nagainst_all:\n")
    code, doc = diff_json(cli, old, write(new_text, "new.yaml"))
    facts = doc["facts"]
    assert facts["stage"] == "preliminary → final"
    assert facts["candidates_added"] == "New Person"
    assert changed(doc)["choices.New Person.votes"] == (None, 0, None)
    assert code == 0


def test_removed_candidate(cli: Run, write: Write) -> None:
    new_text = edited(("  - name: Nurlan Auesbayev\n    nominated_by: National Social Democratic Party\n    votes: 176116\n    percent: 2.22\n", ""))
    result = cli("diff", write(bundled_text(), "old.yaml"), write(new_text, "new.yaml"), "--format", "markdown")
    assert "- **Candidates removed:** Nurlan Auesbayev" in result.stdout
    assert result.exit_code == 1  # the percentages no longer add up: a new error


def test_markdown_is_ready_for_a_pull_request(cli: Run, write: Write) -> None:
    new = write(edited(("votes: 200907", "votes: 300907")), "new.yaml")
    out = cli("diff", write(bundled_text(), "old.yaml"), new, "--format", "markdown").stdout
    assert "| Meiram Kazhyken: votes | 35 | 200,907 | 300,907 | +100,000 | changed |" in out
    assert "- **error** KZ101" in out


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo, check=True, capture_output=True)


def test_git_revision_of_the_same_file(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "data"
    repo.mkdir()
    git(repo, "init", "-q")
    path = repo / "results.yaml"
    path.write_text(bundled_text())
    git(repo, "add", "results.yaml")
    git(repo, "commit", "-qm", "final results")
    path.write_text(edited(("votes: 200907", "votes: 300907")))
    before = path.read_text()
    monkeypatch.chdir(repo)
    result = cli("diff", "git:HEAD", "results.yaml", "--format", "json")
    assert result.exit_code == 1, result.stderr
    doc = json.loads(result.stdout)
    assert changed(doc) == {"choices.Meiram Kazhyken.votes": (200907, 300907, 100000)}
    assert path.read_text() == before  # the work tree is not touched
    # from elsewhere, and with an explicit path inside the revision
    monkeypatch.chdir(tmp_path)
    assert cli("diff", "git:HEAD", str(path)).exit_code == 1
    monkeypatch.chdir(repo)
    assert cli("diff", "git:HEAD:results.yaml", "results.yaml").exit_code == 1


def test_git_errors_are_bad_input(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "data"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "results.yaml").write_text(bundled_text())
    monkeypatch.chdir(repo)
    result = cli("diff", "git:no-such-rev", "results.yaml")
    assert result.exit_code == 2
    assert "KZ001" in result.stderr and "git show no-such-rev" in result.stderr
