"""The slip harness itself (tests/slip_harness.py, issue 10): its slips, its oracle, its classes.

These tests measure nothing about kzvote's attribution except the three marked cases; the table
of classes is printed by bench/slips.py. The goal "0 wrong" is not asserted here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from slip_harness import (
    CLASSES,
    Slip,
    Suspect,
    classify,
    counting,
    fits,
    neighbours,
    run_file,
    run_slip,
    slip_file,
    slips,
    substitute,
    suspects,
    table,
    value_of,
    violations,
)
from typer.testing import Result

from conftest import BUNDLED, ROOT
from kzvote.checks import run_checks
from kzvote.findings import Finding, Severity
from kzvote.load import parse
from kzvote.model import Results

SLIP_FILES = sorted((ROOT / "tests" / "data" / "slips").glob("*.yaml"))


def bundled() -> tuple[str, Results, dict[str, Suspect]]:
    text = BUNDLED.read_text(encoding="utf-8")
    results = parse(text.encode("utf-8"), "results.yaml")
    return text, results, {s.path_text: s for s in suspects(results, text)}


def verdict(path: str, slipped: str) -> tuple[str, str]:
    text, results, by_path = bundled()
    row = run_slip(text, "results.yaml", results, by_path[path], Slip(slipped, "by hand"))
    return row.verdict, row.reason


# --- slips ---------------------------------------------------------------------------------------


def test_slips_of_a_count_are_every_single_keystroke_and_valid() -> None:
    found = {s.text for s in slips("206206", is_percent=False)}
    swaps = {"260206", "202606", "206026", "206260"}  # "026206" would start with a zero
    drops = {"26206", "20206", "20606", "20626", "20620"}  # "06206" likewise
    doubles = {"2206206", "2006206", "2066206", "2062206", "2062006", "2062066"}
    changes = {"206206"[:i] + d + "206206"[i + 1 :] for i in range(6) for d in "0123456789"} - {"206206", "006206"}
    assert found == changes | swaps | drops | doubles
    assert len(found) == 53 + 4 + 5 + 6
    assert len(slips("206206", is_percent=False)) == len(found)  # each text once


def test_slips_of_a_percent_keep_the_point_and_stay_in_range() -> None:
    found = {s.text for s in slips("2.60", is_percent=True)}
    changes = {f"{d}.60" for d in "013456789"} | {f"2.{d}0" for d in "012345789"} | {f"2.6{d}" for d in "123456789"}
    assert found == changes | {"2.06"} | {"2.0", "2.6"} | {"22.60", "2.660", "2.600"}
    assert "26.0" not in found and ".60" not in found
    assert {s.text for s in slips("5.8", is_percent=True)} >= {"5.0", "0.8", "55.8", "5.88"}
    assert not {".8", "5.", "58"} & {s.text for s in slips("5.8", is_percent=True)}
    assert "100.0" not in {s.text for s in slips("99.0", is_percent=True)} and "990.0" not in {s.text for s in slips("99.0", is_percent=True)}


def test_slips_say_what_happened() -> None:
    by_text = {s.text: s.how for s in slips("206206", is_percent=False)}
    assert by_text["206906"] == "digit 4 changed 2→9"
    assert by_text["260206"] == "digits 2–3 swapped"
    assert by_text["20206"] == "digit 3 (6) dropped"


def test_neighbours_undo_every_slip() -> None:
    for slip in slips("206206", is_percent=False):
        assert "206206" in neighbours(slip.text, is_percent=False), slip


# --- the figures and the oracle ---------------------------------------------------------------------


def test_suspects_are_every_figure_at_its_written_text() -> None:
    text, _, by_path = bundled()
    assert len(by_path) == 7 + 7 + 3 + 1 + 4  # votes, percents, turnout counts, turnout %, the region's four
    assert by_path["candidates[2].percent"].text == "2.60"
    assert by_path["regions[0].turnout_percent"].kind == "region percent"
    for suspect in by_path.values():
        assert text[suspect.offset :].startswith(suspect.text)


def test_the_oracle_holds_on_every_file_and_breaks_on_a_slip() -> None:
    for file in [BUNDLED, *SLIP_FILES]:
        assert violations(parse(file.read_bytes(), file.name)) == [], file
    _, results, by_path = bundled()
    slipped = substitute(results, ("candidates", 3, "votes"), value_of("300907", is_percent=False))
    assert violations(slipped)[0] == "candidates[0]: 81.31% window of valid"
    assert violations(substitute(results, ("turnout", "ballots_cast"), value_of("7300046", False))) != []
    assert fits(results, by_path["candidates[3].votes"], "300907") == {"200907"}


# --- classes, with hand-made findings -------------------------------------------------------------


def slipped_kazhyken() -> tuple[Results, Results, Suspect]:
    _, results, by_path = bundled()
    return results, substitute(results, ("candidates", 3, "votes"), value_of("300907", False)), by_path["candidates[3].votes"]


def finding(path: tuple[str | int, ...], suggestion: int | None = None, message: str = "", severity: Severity = Severity.ERROR) -> Finding:
    return Finding("KZ101", "share-mismatch", severity, message, path, figures={"suggestion": suggestion})


KAZHYKEN = ("candidates", 3, "votes")


@pytest.mark.parametrize(
    "findings, expected",
    [
        ([finding(KAZHYKEN, 200907)], ("exact", "")),
        ([finding(KAZHYKEN, 200907), finding(("turnout", "ballots_cast"), severity=Severity.NOTE)], ("exact", "")),
        ([finding(KAZHYKEN, None, "did you mean 200,907 (one digit changed)?")], ("exact", "")),
        ([finding(KAZHYKEN)], ("wrong", "KZ101 on the figure but no suggestion of 200907")),
        ([finding(KAZHYKEN, 200917)], ("wrong", "KZ101 on the figure but suggests 200917, not 200907")),
        ([finding(("candidates", 2, "votes"))], ("wrong", "blamed KZ101 candidates[2].votes")),
        ([finding(("candidates",), message="candidates[3].votes or candidates[0].percent")], ("ambiguous-named", "")),
        ([finding(KAZHYKEN, 200907), finding(("candidates",))], ("wrong", "2 findings: KZ101 candidates[3].votes, KZ101 candidates")),
        ([], ("wrong", "silent: candidates[0]: 81.31% window of valid")),
        ([finding(KAZHYKEN, severity=Severity.NOTE)], ("wrong", "silent: candidates[0]: 81.31% window of valid")),
    ],
)
def test_classes_of_hand_made_findings(findings: list[Finding], expected: tuple[str, str]) -> None:
    results, slipped, suspect = slipped_kazhyken()
    assert classify(results, slipped, suspect, "300907", findings) == expected


def test_a_slip_the_precision_cannot_see_is_missed_and_a_finding_on_it_is_wrong() -> None:
    _, results, by_path = bundled()
    suspect = by_path["candidates[0].votes"]
    slipped = substitute(results, suspect.path, value_of("6456394", False))
    assert classify(results, slipped, suspect, "6456394", []) == ("missed", "")
    assert classify(results, slipped, suspect, "6456394", [finding(suspect.path)]) == ("wrong", "KZ101 candidates[0].votes on consistent figures")


def test_a_suggestion_among_several_fits_is_fine_and_a_false_one_is_wrong() -> None:
    _, results, by_path = bundled()
    suspect = by_path["candidates[2].votes"]
    slipped = substitute(results, suspect.path, value_of("20620", False))  # Abden's last digit dropped
    several = fits(results, suspect, "20620")
    assert {"206200", "206206", "206209"} <= several
    assert classify(results, slipped, suspect, "20620", [finding(suspect.path, 206209)]) == ("exact", "")
    assert classify(results, slipped, suspect, "20620", [finding(suspect.path)]) == ("exact", "")
    assert classify(results, slipped, suspect, "20620", [finding(suspect.path, 20621)]) == ("wrong", "KZ101 suggests 20621, which is no one-keystroke fit")


# --- classes of real runs of the checks --------------------------------------------------------------


def test_kazhyken_misprint_is_exact() -> None:
    assert verdict("candidates[3].votes", "300907") == ("exact", "")


def test_last_digit_of_a_count_is_missed() -> None:
    assert verdict("candidates[0].votes", "6456394") == ("missed", "")


@pytest.mark.parametrize(
    "path, slipped",
    [
        ("candidates[0].votes", "6465393"),  # was KZ103 "no two agree": a tied consensus
        ("candidates[1].percent", "0.42"),  # blamed Dairabayev's count, added KZ105
        ("against_all.percent", "5.6"),  # blamed against all's count, added KZ105
        ("turnout.ballots_cast", "7300046"),  # KZ203 and KZ301, no suggestion
        ("turnout.registered", "1953465"),  # located on ballots_cast
    ],
)
def test_issue_examples_are_exact(path: str, slipped: str) -> None:
    assert verdict(path, slipped) == ("exact", "")


@pytest.mark.parametrize(
    "path, slipped, equals",
    [
        # Abden's 206,906 was KZ103 "no two agree"; Tokayev's count one keystroke up fits as well.
        ("candidates[2].votes", "206906", {"candidates[0].votes"}),
        # 81.32 blamed Tokayev's count alone; his percent, and three other counts, fit as well.
        ("candidates[0].percent", "81.32", {"candidates[0].votes", "candidates[5].votes"}),
        # Tokayev's 6,454,393 blamed Tursynbekova's percent alone.
        ("candidates[0].votes", "6454393", {"candidates[5].percent", "candidates[5].votes"}),
    ],
)
def test_issue_examples_that_arithmetic_cannot_settle_name_every_equal(path: str, slipped: str, equals: set[str]) -> None:
    """Several figures fit with one keystroke each: one finding names them all, the slipped one too."""
    text, results, by_path = bundled()
    row = run_slip(text, "results.yaml", results, by_path[path], Slip(slipped, "by hand"))
    assert (row.verdict, row.reason) == ("ambiguous-named", "")
    slipped_results = parse(slip_file(text, by_path[path], slipped).encode("utf-8"), "results.yaml")
    (finding,) = counting(run_checks(slipped_results))
    named = set(finding.figures["suspects"])  # type: ignore[arg-type]
    assert path in named and equals <= named
    assert "cannot tell which" in finding.message


# --- the files and the whole harness -----------------------------------------------------------------


@pytest.mark.parametrize("file", SLIP_FILES, ids=lambda f: f.stem)
def test_slip_files_check_clean(cli: Callable[..., Result], file: Path) -> None:
    done = cli("check", file)
    assert done.exit_code == 0, done.output


def test_at_least_three_slip_files_with_different_bases() -> None:
    bases = {parse(f.read_bytes(), f.name).election.percent_of for f in SLIP_FILES}
    assert len(SLIP_FILES) >= 3 and bases == {"valid", "cast", "registered"}


def test_the_harness_classifies_every_slip_of_the_smallest_file() -> None:
    smallest = min(SLIP_FILES, key=lambda f: f.stat().st_size)
    rows = run_file(smallest)
    text = smallest.read_text(encoding="utf-8")
    expected = sum(len(slips(s.text, s.is_percent)) for s in suspects(parse(text.encode("utf-8"), smallest.name), text))
    assert len(rows) == expected > 200
    assert {row.verdict for row in rows} <= set(CLASSES)
    assert all(row.reason for row in rows if row.verdict == "wrong")
    assert sum(sum(counts.values()) for counts in table(rows).values()) == len(rows)
