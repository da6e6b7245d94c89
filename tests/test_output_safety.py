"""Output safety: whatever a data file holds, no format lets a string drive the terminal, the CI
log, a Markdown page or a spreadsheet. Control and bidi characters come out as visible escapes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile import BIDI, CLEAR_SCREEN, OSC8_LINK, RAW_UNSAFE, WORKFLOW_COMMAND, poisoned
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import Result

from conftest import full_text
from kzvote import load as load_module
from kzvote.render import FORMATS

Run = Callable[..., Result]
Write = Callable[..., Path]
COMMANDS = ("report", "candidates", "turnout", "reconcile", "check", "sources")
EVIL_NAME = f"Meiram{CLEAR_SCREEN}{OSC8_LINK}{BIDI}\u2028\t\x85\x7f{WORKFLOW_COMMAND} Kazhyken"


def misprinted() -> str:
    """The full bundled file with Kazhyken's count misprinted: findings that name him."""
    text = full_text()
    assert text.count("    votes: 200907\n") == 1
    return text.replace("    votes: 200907\n", "    votes: 300907\n")


@pytest.fixture
def hostile(monkeypatch: pytest.MonkeyPatch, write: Write) -> Path:
    """A results file whose loaded model names a candidate, the region and the election with
    escape sequences, bidi overrides and a newline that starts a workflow command."""
    real_load = load_module.load
    replacements = [("Meiram Kazhyken", EVIL_NAME), ("Abroad", "Abr\x9b2Joad\r"), ("Early presidential election", "Early\x1b[8m election [bold]x[/bold]")]

    def load(path: object, display_name: str | None = None) -> object:
        results = real_load(path, display_name)  # type: ignore[arg-type]
        for old, new in replacements:
            results = poisoned(results, old, new)
        return results

    monkeypatch.setattr(load_module, "load", load)
    return write(misprinted())


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("command", COMMANDS)
def test_control_characters_never_reach_the_output(cli: Run, hostile: Path, command: str, fmt: str) -> None:
    result = cli(command, hostile, "--format", fmt)
    assert result.exit_code in (0, 1), result.output
    found = RAW_UNSAFE.search(result.stdout)
    assert found is None, f"raw {found.group()!r} in {command} --format {fmt}"
    assert not any(line.startswith("::error file=evil.yaml") for line in result.stdout.splitlines())
    if fmt in ("json", "sarif"):
        json.loads(result.stdout)  # still a document; the strings survive as JSON escapes
    elif command in ("candidates", "check", "reconcile"):
        assert "x1b" in result.stdout and "u202e" in result.stdout, "an escape should be visible, not dropped"


def test_json_keeps_hostile_names_exactly_as_json_escapes(cli: Run, hostile: Path) -> None:
    out = cli("candidates", hostile, "--format", "json").stdout
    assert "\\u202e" in out and "\\u001b" in out and "\\u0085" in out
    names = [row["name"] for row in json.loads(out)["candidates"]]
    assert EVIL_NAME in names


def test_a_newline_in_a_name_starts_no_workflow_command(cli: Run, hostile: Path) -> None:
    for fmt in ("text", "github"):
        lines = cli("check", hostile, "--format", fmt).stdout.splitlines()
        assert all(
            not line.startswith("::") or line.split(" ", 1)[0] in ("::group::kzvote:", "::endgroup::", "::error", "::warning", "::notice") for line in lines
        )
        assert sum(1 for line in lines if line.startswith("::error")) == (1 if fmt == "github" else 0)


def test_rich_markup_in_a_name_is_text(cli: Run, hostile: Path) -> None:
    out = cli("report", hostile).stdout
    assert "[bold]x[/bold]" in out


def test_markdown_cells_cannot_add_columns_or_links(cli: Run, monkeypatch: pytest.MonkeyPatch, write: Write) -> None:
    real_load = load_module.load
    monkeypatch.setattr(
        load_module,
        "load",
        lambda path, name=None: poisoned(real_load(path, name), "Meiram Kazhyken", "Kazhyken | x | [click](http://evil) <img src=x> *bold*"),
    )
    out = cli("candidates", write(misprinted()), "--format", "markdown").stdout
    row = next(line for line in out.splitlines() if "Kazhyken" in line)
    header = next(line for line in out.splitlines() if line.startswith("| # |"))
    assert row.replace("\\|", "").count("|") == header.count("|")
    assert "\\[click\\](http" in row and "\\<img" in row and "\\*bold\\*" in row  # shown as written, not run


def test_csv_text_cells_cannot_start_a_formula(cli: Run, monkeypatch: pytest.MonkeyPatch, write: Write) -> None:
    real_load = load_module.load
    monkeypatch.setattr(load_module, "load", lambda path, name=None: poisoned(real_load(path, name), "Meiram Kazhyken", '=HYPERLINK("http://evil","x")'))
    path = write(misprinted())
    rows = list(csv.DictReader(io.StringIO(cli("candidates", path, "--format", "csv").stdout)))
    assert '\'=HYPERLINK("http://evil","x")' in [row["name"] for row in rows]
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())
    findings = list(csv.DictReader(io.StringIO(cli("check", path, "--format", "csv").stdout)))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in findings for cell in row.values())


def test_github_properties_are_percent_encoded(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "a,b:c%d.yaml"
    path.write_text(misprinted(), encoding="utf-8")
    line = next(line for line in cli("check", path, "--format", "github").stdout.splitlines() if line.startswith("::error"))
    assert "file=" + str(path).replace("%", "%25").replace(":", "%3A").replace(",", "%2C") + "," in line


def test_a_hostile_file_name_is_escaped_everywhere(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / f"r{CLEAR_SCREEN}{WORKFLOW_COMMAND}.yaml"
    path.write_text(misprinted(), encoding="utf-8")
    for fmt in FORMATS:
        result = cli("check", path, "--format", fmt)
        assert RAW_UNSAFE.search(result.stdout) is None, fmt
        assert not any(line.startswith("::error file=evil") for line in result.stdout.splitlines()), fmt
    broken = tmp_path / f"b{CLEAR_SCREEN}.yaml"
    broken.write_text("format: kzvote/1\n", encoding="utf-8")
    result = cli("report", broken)
    assert result.exit_code == 2 and RAW_UNSAFE.search(result.stderr) is None and "\\x1b[2J" in result.stderr


HOSTILE_CHARS = st.sampled_from([chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]])
HOSTILE_TEXT = st.lists(st.one_of(HOSTILE_CHARS, st.sampled_from(list("ab |*_[]<>`=+-@%:,"))), min_size=1, max_size=12).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    name=HOSTILE_TEXT, region=HOSTILE_TEXT, title=HOSTILE_TEXT, publisher=HOSTILE_TEXT, fmt=st.sampled_from(list(FORMATS)), command=st.sampled_from(COMMANDS)
)
def test_no_hostile_character_survives_any_format(
    cli: Run, write: Write, monkeypatch: pytest.MonkeyPatch, name: str, region: str, title: str, publisher: str, fmt: str, command: str
) -> None:
    real_load = load_module.load

    def load(path: object, display_name: str | None = None) -> object:
        results = real_load(path, display_name)  # type: ignore[arg-type]
        hostile = (("Meiram Kazhyken", "M " + name), ("Abroad", "A " + region), ("Early presidential election", title), ("Kazakhstan Today", publisher))
        for old, new in hostile:
            results = poisoned(results, old, new)
        return results

    with monkeypatch.context() as patch:
        patch.setattr(load_module, "load", load)
        result = cli(command, write(misprinted()), "--format", fmt)
    assert result.exit_code in (0, 1), result.output
    found = RAW_UNSAFE.search(result.stdout)
    assert found is None, f"raw {found.group()!r} in {command} --format {fmt}"
    if fmt in ("json", "sarif"):
        json.loads(result.stdout)


@pytest.mark.parametrize("fmt", ["table", "csv", "text", "markdown", "github"])
def test_a_cell_that_starts_a_line_cannot_be_a_workflow_command(cli: Run, monkeypatch: pytest.MonkeyPatch, write: Write, fmt: str) -> None:
    real_load = load_module.load
    monkeypatch.setattr(load_module, "load", lambda path, name=None: poisoned(real_load(path, name), "Abroad", "  ::error file=evil.yaml::pwned"))
    for command in ("turnout", "reconcile"):
        lines = cli(command, write(misprinted()), "--format", fmt).stdout.splitlines()
        assert not [line for line in lines if line.lstrip().startswith("::error file=evil")], (command, fmt)


def test_a_file_name_starting_with_two_colons_is_no_workflow_command(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "::error file=evil.yaml::pwned").write_text(misprinted(), encoding="utf-8")
    for fmt in ("text", "csv", "table"):
        lines = cli("check", "::error file=evil.yaml::pwned", "--format", fmt).stdout.splitlines()
        assert lines and not [line for line in lines if line.lstrip().startswith("::")], fmt


def test_the_escapes_are_visible_and_json_stays_exact() -> None:
    import io as _io

    from kzvote.render.safe import visible, write_json

    assert visible("a\x1b[2J\u202e\x85\x7f\t\n\u2028") == "a\\x1b[2J\\u202e\\x85\\x7f\\x09\\x0a\\u2028"
    assert visible("  ::error x") == "  \\x3a:error x" and visible("12:07 a::b") == "12:07 a::b"
    stream = _io.StringIO()
    write_json({"name": "a\x1b\u202e\x85\x7f\u2066", "many": ["\u202e" * 10] * 20_000}, stream)  # written in pieces
    text = stream.getvalue()
    assert RAW_UNSAFE.search(text) is None and json.loads(text)["name"] == "a\x1b\u202e\x85\x7f\u2066"
