"""Attribution (issue 10): one wrong figure gives one finding that blames it, or names it among
equals; never another figure, never a cascade. Judged by the slip harness's independent oracle."""

from __future__ import annotations

import math
import random
from fractions import Fraction
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from slip_harness import counting, run_file, run_slip, slips, suspects, violations

from conftest import BUNDLED, ROOT
from kzvote.arith import format_fixed
from kzvote.checks import resolve, run_checks
from kzvote.findings import Finding, Severity
from kzvote.keystroke import corrections
from kzvote.load import parse

SLIP_FILES = sorted((ROOT / "tests" / "data" / "slips").glob("*.yaml"))
CONVENTION_FILES = sorted((ROOT / "tests" / "data" / "conventions").glob("*.yaml"))


def test_every_slip_of_the_smallest_file_is_exact_named_or_provably_missed() -> None:
    smallest = min(SLIP_FILES, key=lambda f: f.stat().st_size)
    wrong = [row for row in run_file(smallest) if row.verdict == "wrong"]
    assert wrong == []


def test_a_sample_of_slips_of_every_file_is_never_wrong() -> None:
    rng = random.Random(10)
    for file in [BUNDLED, *SLIP_FILES, *CONVENTION_FILES]:
        text = file.read_text(encoding="utf-8")
        results = parse(text.encode("utf-8"), file.name)
        every = [(s, slip) for s in suspects(results, text) for slip in slips(s.text, s.is_percent)]
        for suspect, slip in rng.sample(every, 40):
            row = run_slip(text, file.name, results, suspect, slip)
            assert row.verdict != "wrong", row


# --- a generated election, consistent by construction, slipped once -------------------------------------


def format_truncated(value: Fraction, decimals: int) -> str:
    """value cut (not rounded) to `decimals` places, as a commission that truncates prints it."""
    scaled = math.floor(value * 10**decimals)
    text = str(scaled).rjust(decimals + 1, "0")
    return f"{text[:-decimals]}.{text[-decimals:]}" if decimals else text


@st.composite
def elections(draw: st.DrawFn) -> str:
    count = draw(st.integers(2, 5))
    votes = draw(st.lists(st.integers(0, 2_000_000), min_size=count, max_size=count).filter(lambda v: sum(v) > 0))
    invalid = draw(st.one_of(st.none(), st.integers(0, 50_000)))
    blank = draw(st.one_of(st.none(), st.integers(0, 20_000)))  # counted apart, not valid
    valid = sum(votes)
    in_boxes = valid + (blank or 0) + (invalid if invalid is not None else draw(st.integers(0, 5_000)))
    boxes_given = draw(st.booleans())
    cast = in_boxes + (draw(st.integers(0, 3_000)) if boxes_given else 0)  # issued, some not found in the boxes
    registered = cast + draw(st.integers(0, 3_000_000))
    kinds = ["valid", "cast", "registered"] + (["in_boxes"] if boxes_given or invalid is not None else [])
    base_kind = draw(st.sampled_from(kinds))
    bases = {"valid": valid, "cast": cast, "registered": registered, "in_boxes": in_boxes}
    base = bases[base_kind]
    second = draw(st.one_of(st.none(), st.sampled_from([k for k in kinds if k != base_kind])))  # a second published base
    truncate = draw(st.booleans())
    shorten = (lambda value, d: format_truncated(value, d)) if truncate else format_fixed
    decimals = draw(st.integers(0, 3))
    turnout_decimals = draw(st.integers(0, 2))
    rounding = ", rounding: truncate" if truncate else ""
    lines = [
        "format: kzvote/1",
        "election: {title: Generated, country: Testland, date: 2024-01-01, stage: final, percent_of: " + base_kind + rounding + "}",
        "turnout:",
        f"  registered: {registered}",
        f"  ballots_cast: {cast}",
        f"  turnout_percent: {shorten(Fraction(cast * 100, registered), turnout_decimals)}" if registered else "",
    ]
    if invalid is not None:
        lines.append(f"  invalid_ballots: {invalid}")
    if blank is not None:
        lines.append(f"  blank_ballots: {blank}")
    if boxes_given:
        lines.append(f"  ballots_in_boxes: {in_boxes}")
    stations = draw(st.one_of(st.none(), st.integers(1, 5_000)))
    if stations is not None:
        lines.append(f"  polling_stations: {stations}")
    against = draw(st.booleans())  # the last choice is "against all"
    unpublished = draw(st.sets(st.integers(0, count - 1), max_size=1))  # a count printed without its percent
    names = [f"C{i}" for i in range(count - 1)] + ["Against all" if against else f"C{count - 1}"]
    lines.append("candidates:")
    for i, v in enumerate(votes):
        indent = "    "
        if against and i == count - 1:
            lines.append("against_all:")
            indent = "  "
        else:
            lines.append(f"  - name: {names[i]}")
        lines.append(f"{indent}votes: {v}")
        if i not in unpublished:
            lines.append(f"{indent}percent: {shorten(Fraction(v * 100, base), decimals)}")
        if second is not None and bases[second]:
            lines.append(f"{indent}percent_of_{second}: {shorten(Fraction(v * 100, bases[second]), decimals)}")
    if draw(st.booleans()):  # a region holding a third of everything, with its invalid ballots
        region_votes = [v // 3 for v in votes]
        region_invalid = (invalid or 0) // 3
        region_cast = sum(region_votes) + region_invalid
        region_registered = registered // 3
        lines += ["regions:", "  - name: North", f"    registered: {region_registered}", f"    ballots_cast: {region_cast}"]
        lines.append(f"    invalid_ballots: {region_invalid}")
        if region_registered:
            lines.append(f"    turnout_percent: {shorten(Fraction(region_cast * 100, region_registered), turnout_decimals)}")
        if stations is not None:
            lines.append(f"    polling_stations: {stations // 3}")
        listed = draw(st.integers(1, count))  # a region may name only some of the choices
        lines += ["    votes:"] + [f"      {names[i]}: {v}" for i, v in enumerate(region_votes[:listed])]
    return "\n".join(line for line in lines if line) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(elections(), st.data())
def test_any_one_slip_of_a_consistent_election_is_never_blamed_on_the_wrong_figure(text: str, data: st.DataObject) -> None:
    results = parse(text.encode("utf-8"), "generated.yaml")
    assume(not violations(results) and not counting(run_checks(results)))  # ties warn; skip those
    figures = suspects(results, text)
    suspect = data.draw(st.sampled_from(figures))
    options = slips(suspect.text, suspect.is_percent)
    assume(options)
    slip = data.draw(st.sampled_from(options))
    row = run_slip(text, "generated.yaml", results, suspect, slip)
    assert row.verdict != "wrong", (row, text)


def test_one_counts_two_percents_off_are_its_slip_not_the_rounding_rule() -> None:
    """Found by the property above: C2's count slipped 4000 -> 5000 breaks its percent and its
    percent_of_cast, and truncating every percentage would fit too. Two percentages of one figure
    are that figure's slip (the rule named as the alternative), not the rounding rule alone."""
    text = (
        "format: kzvote/1\nelection: {title: Generated, country: Testland, date: 2024-01-01, stage: final, percent_of: valid}\n"
        "turnout:\n  registered: 801001\n  ballots_cast: 801001\n  turnout_percent: 100\ncandidates:\n"
        "  - name: C0\n    votes: 0\n    percent: 0\n    percent_of_cast: 0\n"
        "  - name: C1\n    votes: 1\n    percent: 0\n    percent_of_cast: 0\n"
        "  - name: C2\n    votes: 4000\n    percent: 0\n    percent_of_cast: 0\n"
        "  - name: C3\n    votes: 796000\n    percent: 99\n    percent_of_cast: 99\n"
    )
    results = parse(text.encode("utf-8"), "generated.yaml")
    suspect = next(s for s in suspects(results, text) if s.path == ("candidates", 2, "votes"))
    slip = next(s for s in slips(suspect.text, suspect.is_percent) if s.text == "5000")
    assert run_slip(text, "generated.yaml", results, suspect, slip).verdict in ("exact", "ambiguous-named")


def test_a_base_whose_slip_moves_every_share_as_the_other_rule_would_is_named_beside_the_rule() -> None:
    """Found by the property above: registered 18,700 -> 18,800 moves every share of registered
    voters and the turnout off their truncated percentages, and rounding them instead would fit
    every one. One keystroke of one figure explains all: it is named, the rule beside it."""
    text = (
        "format: kzvote/1\nelection: {title: Generated, country: Testland, date: 2024-01-01, stage: final, percent_of: registered, rounding: truncate}\n"
        "turnout:\n  registered: 18700\n  ballots_cast: 13838\n  turnout_percent: 74\n  invalid_ballots: 0\n  blank_ballots: 9628\ncandidates:\n"
        "  - name: C0\n    votes: 655\n    percent: 3.5\n  - name: C1\n    votes: 655\n    percent: 3.5\n"
        "  - name: C2\n    votes: 1347\n    percent: 7.2\n  - name: C3\n    votes: 1553\n    percent: 8.3\n"
    )
    results = parse(text.encode("utf-8"), "generated.yaml")
    suspect = next(s for s in suspects(results, text) if s.path == ("turnout", "registered"))
    slip = next(s for s in slips(suspect.text, suspect.is_percent) if s.text == "18800")
    assert run_slip(text, "generated.yaml", results, suspect, slip).verdict in ("exact", "ambiguous-named")


# --- keystroke corrections ----------------------------------------------------------------------------


@given(st.integers(0, 10**14))
def test_every_slip_of_a_count_is_undone_by_one_correction(number: int) -> None:
    text = str(number)
    for slip in slips(text, is_percent=False):
        assert text in {t for t, _ in corrections(slip.text, is_percent=False)}, slip


def test_corrections_name_the_slip_they_undo() -> None:
    found = dict(corrections("2066206", is_percent=False))
    assert found["206206"] == "a digit doubled"
    assert dict(corrections("20620", is_percent=False))["206206"] == "a digit dropped"
    assert dict(corrections("260206", is_percent=False))["206206"] == "two neighbouring digits swapped"
    assert dict(corrections("2.06", is_percent=True))["2.60"] == "two neighbouring digits swapped"
    assert "101" not in dict(corrections("10.1", is_percent=True))  # the point never moves
    assert all(Fraction(t) <= 100 for t, _ in corrections("99.9", is_percent=True))


# --- the explanation model ------------------------------------------------------------------------------


def _finding(code: str, severity: Severity, rests_on: tuple = (), blames: tuple = ()) -> Finding:
    return Finding(code, code.lower(), severity, code, ("x",), rests_on=rests_on, blames=blames)


def test_a_blaming_finding_explains_what_rests_on_the_figure_and_notes_stay() -> None:
    blame = _finding("KZ101", Severity.ERROR, blames=(("candidates", 3, "votes"),))
    share = _finding("KZ101", Severity.ERROR, rests_on=(("candidates", 0, "votes"), ("candidates", "*", "votes")))
    turnout = _finding("KZ301", Severity.ERROR, rests_on=(("turnout", "ballots_cast"),))
    note = _finding("KZ104", Severity.NOTE, rests_on=(("candidates", "*", "votes"),))
    assert resolve([blame, share, turnout, note]) == [blame, turnout, note]


def test_equals_explain_what_rests_on_any_of_them() -> None:
    """A tie that exists only if the count, not the percent, is right is no separate problem."""
    equals = _finding("KZ101", Severity.ERROR, blames=(("candidates", 0, "votes"), ("candidates", 0, "percent")))
    both = _finding("KZ101", Severity.ERROR, rests_on=(("candidates", 0, "percent"), ("candidates", "*", "votes")))
    one = _finding("KZ503", Severity.WARNING, rests_on=(("candidates", 0, "votes"),))
    other = _finding("KZ503", Severity.WARNING, rests_on=(("candidates", 1, "votes"),))
    assert resolve([equals, both, one, other]) == [equals, other]


def test_a_wrong_count_that_makes_a_tie_gives_one_error_not_a_tie_warning_too() -> None:
    text = """format: kzvote/1
election: {title: Tie, country: Testland, date: 2024-01-01, stage: final, percent_of: valid}
turnout: {registered: 2000, ballots_cast: 1100}
candidates:
  - {name: A, votes: 400, percent: 40.0}
  - {name: B, votes: 310, percent: 31.0}
  - {name: C, votes: 290, percent: 29.0}
"""
    assert [f.code for f in run_checks(parse(text.encode(), "t.yaml")) if f.severity > Severity.NOTE] == []
    slipped = text.replace("votes: 290", "votes: 310")  # C's count now ties B's for the runoff place
    findings = [f for f in run_checks(parse(slipped.encode(), "t.yaml")) if f.severity > Severity.NOTE]
    assert [(f.code, f.path_text) for f in findings] == [("KZ101", "candidates[2].votes")]
    assert findings[0].figures["fit_votes_min"] <= 290 <= findings[0].figures["fit_votes_max"]  # type: ignore[operator]


# --- two wrong figures: two findings, each on its own figure, no cascade ----------------------------------


def test_two_wrong_counts_are_two_findings_judged_against_the_base_the_others_agree_on() -> None:
    from conftest import edited

    text = edited(("votes: 206206", "votes: 206000"), ("votes: 200907", "votes: 300907"))
    findings = [f for f in run_checks(parse(text.encode(), "results.yaml")) if f.severity > Severity.NOTE]
    assert [(f.code, f.path_text) for f in findings] == [("KZ101", "candidates[2].votes"), ("KZ101", "candidates[3].votes")]
    kazhyken = findings[1]
    assert kazhyken.figures["suggestion"] == 200907
    assert "the other percentages agree on a base of 7,940,283–7,940,954" in kazhyken.message
    assert "206,051–206,861" in findings[0].message  # Abden's 206,000 looks rounded: a range, not a guess


def test_two_wrong_percents_of_ballots_cast_are_two_findings() -> None:
    text = (ROOT / "tests" / "data" / "slips" / "cast-5.yaml").read_text(encoding="utf-8")
    text = text.replace("percent: 44.14", "percent: 44.41").replace("percent: 12.48", "percent: 12.84")
    findings = [f for f in run_checks(parse(text.encode(), "cast-5.yaml")) if f.severity > Severity.NOTE]
    assert [f.path_text for f in findings] == ["candidates[0].percent", "candidates[2].percent"]
    assert "44.14%" in findings[0].message and "12.48%" in findings[1].message


def test_a_count_misprinted_with_its_percent_is_one_finding_blaming_both() -> None:
    from conftest import edited

    text = edited(("votes: 200907\n    percent: 2.53", "votes: 300907\n    percent: 3.74"))
    findings = [f for f in run_checks(parse(text.encode(), "results.yaml")) if f.severity > Severity.NOTE]
    assert [(f.code, f.path_text) for f in findings] == [("KZ101", "candidates[3].votes")]
    assert findings[0].figures["suggestion"] == 200907 and findings[0].figures["fit_percent"] == 2.53
    assert findings[0].blames == (("candidates", 3, "votes"), ("candidates", 3, "percent"))
    assert (findings[0].figures["blamed"], findings[0].figures["blamed_too"]) == ("candidates[3].votes", "candidates[3].percent")
    assert "both figures are wrong" in findings[0].message


def test_a_finding_stands_on_the_value_of_a_region_vote() -> None:
    from conftest import bundled_text

    text = bundled_text() + "    votes:\n      Kassym-Jomart Tokayev: 9000\n      against all: 8000\n"
    (finding,) = [f for f in run_checks(parse(text.encode(), "results.yaml")) if f.severity > Severity.NOTE]
    line = text.splitlines().index("      against all: 8000") + 1
    at = dict(zip(finding.blames, finding.blamed_at))[("regions", 0, "votes", "Against all")]
    assert at is not None and (at.line, at.column) == (line, 20)  # the value, not the key nor "votes:"
    assert "looks rounded" not in finding.message  # 8,000 for 800 is a digit too many, not rounding


def test_ambiguous_suspects_are_a_list_and_related_locations_in_sarif(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    from conftest import edited

    data = tmp_path / "r.yaml"
    data.write_text(edited(("percent: 81.31", "percent: 81.32")), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "kzvote", "check", str(data), "-f", "sarif"], capture_output=True, text=True, timeout=60)
    (result,) = json.loads(run.stdout)["runs"][0]["results"]
    related = [r["message"]["text"] for r in result["relatedLocations"]]
    assert result["properties"]["figures"]["suspects"] == related
    assert "candidates[0].percent" in related and all(r["physicalLocation"]["region"]["startLine"] > 0 for r in result["relatedLocations"])


def test_a_percent_off_that_the_other_rounding_rule_also_explains_says_so() -> None:
    text = """format: kzvote/1
election: {title: T, country: C, date: 2024-01-01, stage: final, percent_of: cast}
turnout: {registered: 5000, ballots_cast: 3000}
candidates:
  - {name: A, votes: 2000, percent: 66.66}
  - {name: B, votes: 1000, percent: 33.33}
"""
    (finding,) = [f for f in run_checks(parse(text.encode(), "t.yaml")) if f.severity > Severity.NOTE]
    assert finding.path_text == "candidates[0].percent" and "or the percentages are truncated" in finding.message
