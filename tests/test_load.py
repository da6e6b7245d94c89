"""The loader: precision and places kept from the source text; every bad-input class located."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from conftest import BUNDLED, bundled_text, edited, line_of
from kzvote.errors import KzvoteError
from kzvote.load import load, parse

pytestmark = pytest.mark.usefixtures("yaml_parser")  # every test with libyaml and with PyYAML's parser


def problems(text: str | bytes) -> list[tuple[str, int | None]]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(KzvoteError) as caught:
        parse(data, "results.yaml")
    return [(f.code, f.position.line if f.position else None) for f in caught.value.findings]


def messages(text: str) -> str:
    with pytest.raises(KzvoteError) as caught:
        parse(text.encode(), "results.yaml")
    return "\n".join(f.message for f in caught.value.findings)


def test_bundled_file_loads_with_written_precision_and_places() -> None:
    results = load(BUNDLED)
    abden = results.candidates[2]
    assert abden.name == "Karakat Abden"
    assert abden.percent is not None
    assert (abden.percent.text, abden.percent.decimals, abden.percent.value) == ("2.60", 2, Fraction(13, 5))
    assert abden.votes.position.line == line_of(bundled_text(), "votes: 206206")  # type: ignore[union-attr]
    assert abden.votes.position.column == 12  # type: ignore[union-attr]
    assert results.against_all is not None and results.against_all.percent.decimals == 1  # type: ignore[union-attr]
    assert results.election.majority_percent.value == 50
    assert results.regions[0].name == "Abroad"


def test_loader_never_writes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "results.yaml"
    path.write_text(bundled_text())
    before = path.stat().st_mtime_ns, path.read_bytes()
    path.chmod(0o444)
    load(path)
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


@pytest.mark.parametrize(
    ("replacements", "code", "needle"),
    [
        ((("    votes: 271641", "    vots: 271641"),), "KZ006", "vots: 271641"),
        ((("    votes: 271641", '    votes: "271, 641"'),), "KZ010", '"271, 641"'),
        ((("    votes: 271641", "    votes: 206.5"),), "KZ010", "206.5"),
        ((("    votes: 271641", "    votes: -3"),), "KZ010", "votes: -3"),
        ((("    votes: 271641", "    votes: true"),), "KZ010", "votes: true"),
        ((("    votes: 271641", "    votes: 0271641"),), "KZ010", "0271641"),
        ((("    percent: 81.31", '    percent: "81,31"'),), "KZ011", '"81,31"'),
        ((("    percent: 81.31", "    percent: 181.31"),), "KZ011", "181.31"),
        ((("    percent: 81.31", "    percent: -1.5"),), "KZ011", "-1.5"),
        ((("  stage: final", "  stage: finale"),), "KZ012", "stage: finale"),
        ((("  date: 2022-11-20", "  date: 20.11.2022"),), "KZ012", "20.11.2022"),
        ((("format: kzvote/1", "format: kzvote/2"),), "KZ012", "format: kzvote/2"),
        ((("  percent_of: valid", "  percent_of: votes"),), "KZ012", "percent_of: votes"),
        ((("  - name: Karakat Abden", "  - name: Zhiguli Dairabayev"),), "KZ009", "National Alliance"),
        ((("  country: Kazakhstan\n", ""),), "KZ007", "election:"),
        ((("  votes: 460484", "  votes: [460484]"),), "KZ005", "votes: [460484]"),
        ((("  stage: final\n", "  stage: final\n  stage: preliminary\n"),), "KZ008", "stage: preliminary"),
    ],
)
def test_bad_input_is_located(replacements: tuple[tuple[str, str], ...], code: str, needle: str) -> None:
    text = edited(*replacements)
    line = line_of(text, needle) - (1 if code == "KZ009" else 0)  # a duplicate name: the later one
    assert (code, line) in problems(text)


def test_suggestions_where_the_intent_is_obvious() -> None:
    assert "write 271641" in messages(edited(("    votes: 271641", '    votes: "271, 641"')))
    assert "write 206206" in messages(edited(("    votes: 206206", "    votes: 206 ,206")))
    assert "write 81.31" in messages(edited(("    percent: 81.31", '    percent: "81,31"')))
    assert "did you mean 'votes'" in messages(edited(("    votes: 271641", "    vots: 271641")))
    assert "did you mean 'final'" in messages(edited(("  stage: final", "  stage: finale")))


def test_duplicate_key_names_both_lines() -> None:
    text = edited(("  stage: final\n", "  stage: final\n  stage: preliminary\n"))
    assert f"first at line {line_of(text, 'stage: final')}" in messages(text)


def test_all_problems_of_a_file_in_one_run() -> None:
    text = edited(
        ("    votes: 271641", "    vots: 271641"),
        ("    votes: 206206", "    votes: 206.5"),
        ("    percent: 2.53", '    percent: "2,53"'),
        ("  stage: final", "  stage: finale"),
    )
    codes = [code for code, _ in problems(text)]
    assert sorted(codes) == sorted(["KZ012", "KZ006", "KZ007", "KZ010", "KZ011"])  # vots -> votes missing too


def test_region_votes_name_a_candidate() -> None:
    text = bundled_text() + "    votes:\n      Kassym-Jomart Tokaev: 9000\n"
    assert ("KZ014", line_of(text, "Tokaev: 9000")) in problems(text)
    assert "did you mean 'Kassym-Jomart Tokayev'" in messages(text)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "KZ004"),
        (b"# only a comment\n", "KZ004"),
        (b"format: kzvote/1\n---\nformat: kzvote/1\n", "KZ004"),
        (b"format: [kzvote/1\n", "KZ003"),
        (b"election:\n  title: x\n bad: indent\n", "KZ003"),
        (b"- a list\n- not a mapping\n", "KZ005"),
        (b"format: kzvote/1\ntitle: \xff\xfe\n", "KZ002"),
    ],
)
def test_unreadable_documents(data: bytes, code: str) -> None:
    assert problems(data)[0][0] == code


def test_syntax_error_has_the_parsers_line() -> None:
    assert problems(b"format: kzvote/1\nelection: [a, b\n")[0] == ("KZ003", 3)


def test_not_utf8_is_located() -> None:
    assert problems("format: kzvote/1\nelection:\n  title: Выборы\n".encode("cp1251")) == [("KZ002", 3)]


def test_alias_bomb_fails_fast() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi")
    )
    # Refused from the event stream, before anything is expanded (its cost: bench/hostile.py).
    assert problems(bomb)[0][0] == "KZ013"


def test_absurd_nesting_is_unsafe_yaml_whichever_limit_fires_first() -> None:
    # libyaml's scanner stops at 1,000 levels, possibly before kzvote's event count reaches 32.
    for depth in (33, 999, 1001, 100_000):
        assert problems("x: " + "[" * depth)[0][0] == "KZ013", depth
    assert problems("x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 40)))[0][0] == "KZ013"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    for path in (tmp_path / "nope.yaml", tmp_path):
        with pytest.raises(KzvoteError) as caught:
            load(path)
        assert caught.value.findings[0].code == "KZ001"


# found by a hostile read of issue 12's loader


@pytest.mark.parametrize("written", ["[1]", "\n  - 1\n  - 2"])
def test_a_list_where_a_mapping_belongs_is_named_a_list(written: str) -> None:
    text = bundled_text()
    start = text.index("election:")
    end = text.index("\nturnout:")
    assert "expected a mapping of keys, found a list" in messages(text[:start] + "election: " + written + text[end:])


@pytest.mark.parametrize("written", ["0x_", "0b_", "!!int abc", "!!int ~"])
def test_a_count_yaml_calls_an_int_but_no_number_is_a_bad_count_not_a_bug(written: str) -> None:
    assert problems(edited(("votes: 206206", f"votes: {written}"))) == [("KZ010", line_of(bundled_text(), "votes: 206206"))]
