"""The installed `kzvote` command and `python -m kzvote`, as a shell script or CI job runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUNDLED, edited


def installed_kzvote() -> str:
    found = shutil.which("kzvote", path=str(Path(sys.executable).parent)) or shutil.which("kzvote")
    assert found, "the kzvote console script is not installed (pip install .)"
    return found


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "KZVOTE_FILE", "FORCE_COLOR")}
    full_env.update(env or {})
    return subprocess.run(args, capture_output=True, text=True, env=full_env, cwd=cwd, timeout=60)


def test_console_script_checks_the_bundled_file() -> None:
    result = run(installed_kzvote(), "check", str(BUNDLED))
    assert (result.returncode, result.stderr) == (0, "")
    assert "0 error(s)" in result.stdout


def test_python_dash_m() -> None:
    result = run(sys.executable, "-m", "kzvote", "report", str(BUNDLED), "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["command"] == "report"


def test_default_file_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "results.yaml").write_text(edited(("votes: 206206", "votes: 206000")))
    result = run(installed_kzvote(), "check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("results.yaml:")


def test_piped_output_has_no_ansi_even_when_colour_is_forced_off_a_tty() -> None:
    result = run(installed_kzvote(), "report", str(BUNDLED), env={"TERM": "xterm-256color"})
    assert "\x1b[" not in result.stdout


def test_bad_input_exit_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"format: kzvote/1\nelection: [\n")
    result = run(installed_kzvote(), "report", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "KZ003" in result.stderr


@pytest.mark.parametrize("args", [("--help",), ("check", "--help"), ("report", "--help")])
def test_help(args: tuple[str, ...]) -> None:
    result = run(installed_kzvote(), *args)
    assert result.returncode == 0 and "Usage" in result.stdout


@pytest.mark.parametrize(
    ("args", "banned"),
    [
        (("check",), ("rich", "pydantic")),
        (("report", "--format", "json"), ("rich", "pydantic")),
        (("candidates", "--format", "csv"), ("rich", "pydantic")),
        (("report",), ("pydantic",)),
    ],
)
def test_start_up_imports_only_what_the_command_needs(args: tuple[str, ...], banned: tuple[str, ...]) -> None:
    """The deterministic half of bench/startup.py: Rich only for tables, pydantic never (typer < 0.29)."""
    result = run(sys.executable, "-X", "importtime", "-m", "kzvote", args[0], str(BUNDLED), *args[1:])
    assert result.returncode == 0
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert not imported & set(banned)
