from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from kzvote.cli import app

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "results.yaml"
SHARED = ROOT.parent / "shared"


def full_text() -> str:
    return BUNDLED.read_text(encoding="utf-8")


def bundled_text() -> str:
    """The bundled file's official results, without the sources block: tests of the official
    figures edit these, and may append to the regions that end them."""
    text = full_text()
    return text[: text.index("\n# What each outlet printed")] + "\n"


def edited(*replacements: tuple[str, str]) -> str:
    """The official results with each (old, new) replaced exactly once — the way a person edits it."""
    text = bundled_text()
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} must occur once in results.yaml"
        text = text.replace(old, new)
    return text


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str], Path]:
    def _write(text: str, name: str = "results.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def cli() -> Callable[..., Result]:
    runner = CliRunner()

    def _run(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, [str(a) for a in args], env=env)

    return _run


@pytest.fixture(params=["libyaml", "pure-python"])
def yaml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with PyYAML's libyaml parser and with its pure-Python one: a machine may have
    either build, and they differ at the edges (limits, messages)."""
    import yaml

    from kzvote import load

    if request.param == "libyaml" and not yaml.__with_libyaml__:
        pytest.skip("this PyYAML build has no libyaml")
    monkeypatch.setattr(load, "USE_LIBYAML", request.param == "libyaml")
    return str(request.param)
