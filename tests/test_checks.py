"""Every check with passing and failing data; one wrong figure is one finding, never a cascade."""

from __future__ import annotations

import pytest

from conftest import bundled_text, edited, line_of
from kzvote.checks import all_rules, run_checks
from kzvote.findings import Finding, Severity
from kzvote.load import parse


def findings(text: str) -> list[Finding]:
    return run_checks(parse(text.encode(), "results.yaml"))


def problems(text: str) -> list[tuple[str, str, int]]:
    """(code, path, line) of every error and warning."""
    return [(f.code, f.path_text, f.position.line if f.position else 0) for f in findings(text) if f.severity > Severity.NOTE]


def by_code(text: str, code: str) -> Finding:
    return next(f for f in findings(text) if f.code == code)


def test_bundled_file_is_clean_and_explains_itself() -> None:
    result = findings(bundled_text())
    assert [f for f in result if f.severity > Severity.NOTE] == []
    assert {f.code for f in result} == {"KZ104", "KZ202", "KZ501"}
    implied = by_code(bundled_text(), "KZ104")
    assert implied.figures["valid"] == 7940478 and implied.figures["matches"] == "valid"
    assert by_code(bundled_text(), "KZ202").figures["invalid"] == 359568


def test_kazhyken_300907_is_one_error_on_his_count_with_the_slip() -> None:
    text = edited(("votes: 200907", "votes: 300907"))
    assert problems(text) == [("KZ101", "candidates[3].votes", line_of(text, "votes: 300907"))]
    finding = by_code(text, "KZ101")
    assert finding.subject == "Meiram Kazhyken"
    assert finding.figures["suggestion"] == 200907
    assert "did you mean 200,907 (one digit changed)" in finding.message


def test_abden_206000_is_one_error_on_her_count() -> None:
    text = edited(("votes: 206206", "votes: 206000"))
    assert problems(text) == [("KZ101", "candidates[2].votes", line_of(text, "votes: 206000"))]
    finding = by_code(text, "KZ101")
    assert finding.figures["fit_votes_min"] <= 206206 <= finding.figures["fit_votes_max"]  # type: ignore[operator]
    assert "looks rounded" in finding.message


def test_abden_206000_fits_2_6_but_still_moves_the_sum_out_of_tursynbekovas_window() -> None:
    text = edited(("votes: 206206", "votes: 206000"), ("percent: 2.60", "percent: 2.6"))
    # Abden's own share (2.5944) is 2.6 at one decimal; valid votes fall to 7,940,272 and
    # Tursynbekova's 2.12 needs at least 7,940,283: one keystroke in any of eight figures mends
    # that, so one finding, on her share, names them all.
    assert [(code, path) for code, path, _ in problems(text)] == [("KZ101", "candidates[5].votes")]
    finding = by_code(text, "KZ101")
    assert "Saltanat Tursynbekova" in finding.message and "cannot tell which" in finding.message
    assert {"candidates[2].votes", "candidates[5].percent"} <= set(finding.figures["suspects"])  # type: ignore[arg-type]


def test_a_percent_consistent_with_the_rest_but_not_the_sum_is_one_finding() -> None:
    text = edited(("percent: 81.31", "percent: 81.30"))
    assert [code for code, _, _ in problems(text)] == ["KZ101"]
    finding = by_code(text, "KZ101")
    assert "candidates[0].percent" in finding.figures["suspects"]  # type: ignore[operator]
    assert "(candidates[0].percent) 81.30% → 81.31%" in finding.message


def test_tokayev_off_by_one_vote_still_fits() -> None:
    assert problems(edited(("votes: 6456393", "votes: 6456392"))) == []


def test_against_all_5_percent_is_wrong_but_5_8_is_right() -> None:
    text = edited(("percent: 5.8", "percent: 5"))
    assert problems(text) == [("KZ101", "against_all.percent", line_of(text, "  percent: 5"))]


def test_a_mistyped_percent_is_blamed_not_the_count() -> None:
    text = edited(("percent: 2.60", "percent: 2.06"))
    assert problems(text) == [("KZ101", "candidates[2].percent", line_of(text, "percent: 2.06"))]
    assert by_code(text, "KZ101").figures["suggestion"] == 2.6


def test_percentages_of_another_base_are_one_error_on_percent_of() -> None:
    text = edited(("percent_of: valid", "percent_of: cast"))
    assert problems(text) == [("KZ102", "election.percent_of", line_of(text, "percent_of: cast"))]
    assert "set percent_of: valid" in by_code(text, "KZ102").message


def test_a_missing_candidate_is_one_finding_on_the_percentage_sum() -> None:
    text = edited(("  - name: Nurlan Auesbayev\n    nominated_by: National Social Democratic Party\n    votes: 176116\n    percent: 2.22\n", ""))
    assert [code for code, _, _ in problems(text)] == ["KZ105"]
    assert "about 2.22% may be missing" in by_code(text, "KZ105").message


def test_a_count_without_percent_that_breaks_the_base() -> None:
    text = edited(("    votes: 176116\n    percent: 2.22\n", "    votes: 276116\n"))
    assert [(code, path) for code, path, _ in problems(text)] == [("KZ101", "candidates[4].votes")]
    assert "did you mean 176,116 (one digit changed)" in by_code(text, "KZ101").message


@pytest.mark.parametrize(
    ("replacements", "expected"),
    [
        ((("  ballots_cast: 8300046\n", "  ballots_cast: 8300046\n  invalid_ballots: 359568\n"),), []),
        ((("  ballots_cast: 8300046\n", "  ballots_cast: 8300046\n  invalid_ballots: 359000\n"),), [("KZ201", "turnout.invalid_ballots")]),
        ((("  ballots_cast: 8300046\n  turnout_percent: 69.44", "  ballots_cast: 7000000\n  turnout_percent: 58.56"),), [("KZ203", "turnout.ballots_cast")]),
        # ballots cast cannot move (valid votes need 7,940,478), so registered is the one to blame
        ((("  registered: 11953465", "  registered: 8000000"),), [("KZ204", "turnout.registered")]),
        ((("turnout_percent: 69.44", "turnout_percent: 69.43"),), [("KZ301", "turnout.turnout_percent")]),
        ((("turnout_percent: 69.44", "turnout_percent: 69.4"),), []),
        ((("turnout_percent: 88.47", "turnout_percent: 88.4"),), [("KZ301", "regions[0].turnout_percent")]),
        ((("turnout_percent: 88.47", "turnout_percent: 88.5"),), []),
        ((("    registered: 12841", "    registered: 11000"),), [("KZ204", "regions[0].ballots_cast")]),
        ((("    polling_stations: 68", "    polling_stations: 10102"),), [("KZ401", "turnout.polling_stations")]),
    ],
)
def test_balance_turnout_and_regions(replacements: tuple[tuple[str, str], ...], expected: list[tuple[str, str]]) -> None:
    assert [(code, path) for code, path, _ in problems(edited(*replacements))] == expected


def test_a_flagged_count_explains_the_ballot_imbalance_it_causes() -> None:
    text = edited(("votes: 200907", "votes: 300907"), ("  ballots_cast: 8300046\n", "  ballots_cast: 8300046\n  invalid_ballots: 359568\n"))
    assert [code for code, _, _ in problems(text)] == ["KZ101"]


def test_region_votes() -> None:
    text = bundled_text() + "    votes:\n      Kassym-Jomart Tokayev: 9000\n      against_all: 3000\n"
    assert [code for code, _, _ in problems(text)] == ["KZ402"]
    ok = bundled_text() + "    votes:\n      Kassym-Jomart Tokayev: 9000\n      against all: 300\n"
    assert problems(ok) == []


def test_region_votes_cannot_exceed_the_nation() -> None:
    text = bundled_text() + "    votes:\n      Meiram Kazhyken: 10000\n  - name: Elsewhere\n    votes:\n      Meiram Kazhyken: 195000\n"
    assert [(c, p) for c, p, _ in problems(text)] == [("KZ401", "candidates[3].votes")]


def _two_candidates(a: int, b: int, majority: str = "50") -> str:
    return f"""format: kzvote/1
election: {{title: T, country: C, date: 2024-01-01, stage: final, percent_of: valid, majority_percent: {majority}}}
turnout: {{registered: 1000, ballots_cast: 900}}
candidates:
  - {{name: A, votes: {a}}}
  - {{name: B, votes: {b}}}
  - {{name: C, votes: 100}}
"""


@pytest.mark.parametrize(
    ("a", "b", "code"),
    [(401, 300, "KZ501"), (400, 400, "KZ502"), (400, 300, "KZ502"), (350, 350, "KZ502"), (100, 100, "KZ503")],
)
def test_outcome(a: int, b: int, code: str) -> None:
    codes = {f.code for f in findings(_two_candidates(a, b))}
    assert code in codes


def test_majority_is_strictly_more_than() -> None:
    # 400 of 800 valid is exactly 50%: not elected
    assert "KZ502" in {f.code for f in findings(_two_candidates(400, 300))}
    assert "KZ501" in {f.code for f in findings(_two_candidates(400, 300, "49.9"))}


def test_against_all_never_wins() -> None:
    text = _two_candidates(300, 200).replace("ballots_cast: 900", "ballots_cast: 990") + "against_all: {votes: 350}\n"
    result = findings(text)
    assert "KZ504" in {f.code for f in result}
    assert "KZ501" not in {f.code for f in result}


def test_an_outcome_resting_on_a_suspected_count_is_not_a_second_problem() -> None:
    # 950 valid votes, 900 cast: one of the counts is wrong, and who is ahead rests on them all
    text = _two_candidates(300, 200) + "against_all: {votes: 350}\n"
    codes = [f.code for f in findings(text) if f.severity > Severity.NOTE]
    assert codes == ["KZ203"]


def test_zero_votes_everywhere_does_not_crash() -> None:
    text = _two_candidates(0, 0).replace("votes: 100", "votes: 0")
    assert isinstance(findings(text), list)


def test_every_rule_has_a_unique_code_and_name() -> None:
    rules = all_rules()
    assert len({r.name for r in rules.values()}) == len(rules)
    assert all(code.startswith("KZ") and len(code) == 5 for code in rules)
