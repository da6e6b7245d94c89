"""The pre-commit hook, used as another repository would: repo: this repository, rev: its HEAD."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, bundled_text, edited


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs kzvote as a git repository")
def test_hook_checks_results_files_in_another_repository(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    assert pre_commit, "pre-commit is a test dependency: pip install '.[test]'"
    rev = git(ROOT, "rev-parse", "HEAD")
    data = tmp_path / "data"
    data.mkdir()
    git(data, "init", "-q")
    (data / ".pre-commit-config.yaml").write_text(f"repos:\n  - repo: {ROOT}\n    rev: {rev}\n    hooks:\n      - id: kzvote-check\n")
    (data / "results.yaml").write_text(edited(("votes: 200907", "votes: 300907")))
    (data / "notes.yaml").write_text("not: a results file\n")  # not matched by the hook's files
    git(data, "add", ".")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRE_COMMIT")} | {"PRE_COMMIT_HOME": str(tmp_path / "cache")}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([pre_commit, "run", "--all-files", "--color", "never"], cwd=data, capture_output=True, text=True, env=env, timeout=600)

    failed = run()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "kzvote check" in failed.stdout and "Failed" in failed.stdout
    assert "results.yaml:" in failed.stdout and "KZ101" in failed.stdout and "notes.yaml" not in failed.stdout
    (data / "results.yaml").write_text(bundled_text())
    git(data, "add", ".")
    passed = run()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
