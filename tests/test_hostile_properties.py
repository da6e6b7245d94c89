"""For every text and number field of the bundled file: a random control character, or an absurdly long
number, is bad input — exit 2, located at its line — and nothing unsafe reaches stdout in any format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import full_text
from kzvote.cli import app
from kzvote.text import UNSAFE

RUNNER = CliRunner()
FORMATS = ("text", "json", "csv", "markdown", "github", "sarif", "table")
TEXT_VALUE = re.compile(r"^(\s*(?:- )?(?:name|title|country|authority|nominated_by|publisher|url|id): )(\S.*)$", re.MULTILINE)
ALIAS_ITEM = re.compile(r"^(\s+- )([^\s:#][^:#]*)$", re.MULTILINE)
NAME_KEY = re.compile(r"^(\s+)([A-Z][^:{#\n]*)(: \{)", re.MULTILINE)
NUMBER = re.compile(r"\b(votes|registered|ballots_cast|invalid_ballots|polling_stations|turnout_percent|percent|majority_percent): ([0-9][0-9.]*)")


def _sites() -> list[tuple[str, int, int]]:
    """(kind, start, end) of every text value, alias, name key and number in the bundled file."""
    text = full_text()
    sites = [("text", m.start(2), m.end(2)) for m in TEXT_VALUE.finditer(text)]
    sites += [("text", m.start(2), m.end(2)) for m in ALIAS_ITEM.finditer(text)]
    sites += [("text", m.start(2), m.end(2)) for m in NAME_KEY.finditer(text)]
    sites += [("number", m.start(2), m.end(2)) for m in NUMBER.finditer(text)]
    return sites


SITES = _sites()
# Characters a YAML file can carry only as a double-quoted escape, or raw (bidi marks are printable).
UNSAFE_CHARS = [chr(c) for c in range(0x3000) if UNSAFE.fullmatch(chr(c))]


def test_the_sites_cover_every_kind_of_field() -> None:
    kinds = [kind for kind, _, _ in SITES]
    assert kinds.count("text") > 40 and kinds.count("number") > 60


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    site=st.sampled_from(SITES),
    char=st.sampled_from(UNSAFE_CHARS),
    before=st.text(alphabet="abc XYZ-", max_size=5),
    digits=st.integers(min_value=16, max_value=5_000),
    decimals=st.booleans(),
)
def test_hostile_field_is_refused_where_it_stands_and_never_echoed_raw(
    tmp_path: Path, site: tuple[str, int, int], char: str, before: str, digits: int, decimals: bool
) -> None:
    kind, start, end = site
    text = full_text()
    if kind == "text":
        payload = f'"{before}\\u{ord(char):04x}{before}"'
    else:
        payload = "1." + "3" * digits if decimals else "9" * digits
    data = text[:start] + payload + text[end:]
    line = text.count("\n", 0, start) + 1
    path = tmp_path / "results.yaml"
    path.write_text(data, encoding="utf-8")
    for output in FORMATS:
        result = RUNNER.invoke(app, ["check", str(path), "--format", output])
        assert result.exit_code == 2, (output, result.output)
        shown = result.stdout.replace("\n", "")
        assert UNSAFE.search(shown) is None, (output, repr(UNSAFE.search(shown)))
        if output == "text":
            located = re.findall(r":(\d+):\d+: error (KZ\d+)", result.stdout)
            assert (str(line), "KZ016" if kind == "text" else located[0][1]) in located, (line, result.stdout)
            assert len(result.stdout) < 2_000  # a short excerpt, never the whole number


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200f", "\u061c"])
def test_raw_bidi_characters_are_refused_as_written(tmp_path: Path, char: str) -> None:
    text = full_text().replace("- name: Kassym-Jomart Tokayev", f"- name: Kassym{char}-Jomart Tokayev", 1)
    path = tmp_path / "results.yaml"
    path.write_text(text, encoding="utf-8")
    result = RUNNER.invoke(app, ["check", str(path)])
    assert result.exit_code == 2 and "KZ016" in result.stdout and char not in result.stdout
