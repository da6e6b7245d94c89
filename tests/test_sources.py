"""kzvote sources: the bundled reports, flagged exactly where they differ, spellings resolved."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from conftest import BUNDLED, full_text, line_of
from kzvote.errors import KzvoteError
from kzvote.load import load, parse
from kzvote.sources import cross_check

Run = Callable[..., Result]


@pytest.fixture(scope="module")
def check():  # type: ignore[no-untyped-def]
    return cross_check(load(BUNDLED))


def test_flags_exactly_the_figures_that_differ(check) -> None:  # type: ignore[no-untyped-def]
    differing = {(f.figures["source"], f.figures["figure"], f.code) for f in check.findings if f.code in ("KZ601", "KZ604")}
    assert differing == {
        ("kt-final", "choices.Karakat Abden.votes", "KZ601"),  # 206,000: the official 206,206 rounded
        ("kt-final", "choices.Meiram Kazhyken.votes", "KZ601"),  # 300,907: one digit off
        ("kt-oath", "choices.Against all.percent", "KZ601"),  # 5% for 5.8%
        ("kt-preliminary", "choices.Kassym-Jomart Tokayev.votes", "KZ604"),  # 6,456,392, preliminary
        ("kt-exit-poll", "choices.Kassym-Jomart Tokayev.percent", "KZ604"),  # 82.02 in the exit poll
        ("kt-exit-poll", "turnout.turnout_percent", "KZ604"),  # 70.6
        ("kt-exit-poll", "turnout.polling_stations", "KZ604"),  # 10,033 in the country, 68 abroad aside
    }


def test_remarks_say_why_a_count_differs(check) -> None:  # type: ignore[no-untyped-def]
    remarks = {f.figures["figure"]: f.figures["remark"] for f in check.findings if f.code == "KZ601"}
    assert remarks["choices.Meiram Kazhyken.votes"] == "one digit off"
    assert "206,206 rounded" in remarks["choices.Karakat Abden.votes"]  # type: ignore[operator]
    assert "cut to 0 decimals" in remarks["choices.Against all.percent"]  # type: ignore[operator]


def test_sources_that_contradict_themselves(check) -> None:  # type: ignore[no-untyped-def]
    inconsistent = {(f.figures["source"], f.figures.get("choice")) for f in check.findings if f.code == "KZ602"}
    assert inconsistent == {("kt-final", "Meiram Kazhyken"), ("kt-oath", "Against all")}
    kazhyken = next(f for f in check.findings if f.code == "KZ602" and f.figures["source"] == "kt-final")
    assert kazhyken.figures["suggestion"] == 200907
    summaries = {s.source.id: s for s in check.summaries}
    assert summaries["kt-final"].consistent is False
    assert summaries["commonspace-preliminary"].consistent is True
    assert summaries["kt-exit-poll"].consistent is None  # no counts: cannot tell


def test_findings_point_at_the_reported_figure(check) -> None:  # type: ignore[no-untyped-def]
    text = full_text()
    finding = next(f for f in check.findings if f.code == "KZ601" and "Kazhyken" in f.figures["figure"])  # type: ignore[operator]
    assert finding.position.line == line_of(text, "Meiram Kazhyken: {votes: 300907")  # type: ignore[union-attr]


def test_variant_and_cyrillic_spellings_resolve(check) -> None:  # type: ignore[no-untyped-def]
    sources = {s.source.id: s.source for s in check.summaries}
    assert sources["kt-final"].choices["Saltanat Tursynbekova"].spelling == "Saltanat Turssynbekova"
    assert sources["kt-preliminary"].choices["Saltanat Tursynbekova"].spelling == "Салтанат Турсынбекова"


def test_sources_are_ordered_by_time(check) -> None:  # type: ignore[no-untyped-def]
    times = [s.source.published for s in check.summaries]
    assert times == sorted(times)


def test_unknown_name_in_a_source_is_an_error_with_a_suggestion() -> None:
    text = full_text().replace("        Салтанат Турсынбекова: {votes", "        Saltanat Tursynbekov: {votes")
    with pytest.raises(KzvoteError) as caught:
        parse(text.encode(), "results.yaml")
    (problem,) = caught.value.findings
    assert problem.code == "KZ014" and "did you mean 'Saltanat Tursynbekova'" in problem.message
    assert problem.position.line == line_of(text, "Saltanat Tursynbekov: {votes")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("  - id: kt-oath\n", "  - id: kt-final\n", "KZ009"),
        ("  - id: kt-oath\n", "  - id: KT Oath\n", "KZ012"),
        ("    published: 2022-11-22T12:19\n", "    published: 22.11.2022\n", "KZ012"),
        ("    stage: exit-poll\n", "    stage: exitpoll\n", "KZ012"),
    ],
)
def test_bad_source_entries(old: str, new: str, code: str) -> None:
    with pytest.raises(KzvoteError) as caught:
        parse(full_text().replace(old, new, 1).encode(), "results.yaml")
    assert [f.code for f in caught.value.findings] == [code]


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_sources_command_formats(cli: Run, fmt: str) -> None:
    result = cli("sources", BUNDLED, "--format", fmt)
    assert (result.exit_code, result.stderr) == (0, "")
    if fmt == "json":
        doc = json.loads(result.stdout)
        assert len(doc["sources"]) == 11
        assert {row["status"] for row in doc["comparisons"]} == {"agrees", "differs"}
        assert doc["summary"]["warnings"] == 5
    if fmt == "csv":
        assert result.stdout.startswith("figure,kind,source,published,stage,official,reported,")


def test_sources_strict_fails_on_the_misprints(cli: Run) -> None:
    assert cli("sources", BUNDLED, "--strict").exit_code == 1


def test_a_file_without_sources(cli: Run, write: Callable[..., Path]) -> None:
    from conftest import bundled_text

    result = cli("sources", write(bundled_text()))
    assert result.exit_code == 0 and "0 reports" in result.stdout


def test_a_source_whose_percentages_fit_no_base() -> None:
    """Consistent with each other, but shares of about 9.2 million: none of valid, cast, registered."""
    text = full_text().replace(
        "  - id: kt-oath\n",
        "  - id: made-up\n    publisher: Nowhere News\n    published: 2022-11-23\n    reported:\n      candidates:\n"
        "        Kassym-Jomart Tokayev: {votes: 6456393, percent: 70.00}\n        Zhiguli Dairabayev: {votes: 271641, percent: 2.95}\n"
        "  - id: kt-oath\n",
        1,
    )
    found = [f for f in cross_check(parse(text.encode(), "results.yaml")).findings if f.figures.get("source") == "made-up"]
    assert "KZ603" in {f.code for f in found}
    assert "KZ602" not in {f.code for f in found}
