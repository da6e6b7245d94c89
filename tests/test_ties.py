"""Issue 10's tie examples: an outcome tie is named as a tie everywhere (report sentence, candidates'
status, JSON, markdown), and no base interval is ever printed as a degenerate range such as "0–0"."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

Run = Callable[..., Result]
Write = Callable[..., Path]

# "0–0", "5–5", "1,000–1,000": a range whose ends are the same number says nothing true
DEGENERATE_RANGE = re.compile(r"(?<![\d.,])(\d[\d,]*)–\1(?![\d]|[.,]\d)")


def _results(*candidates: str, majority: str = "50") -> str:
    rows = "".join(f"  - {{{c}}}\n" for c in candidates)
    return (
        "format: kzvote/1\n"
        f"election: {{title: T, country: C, date: 2024-01-01, stage: final, percent_of: valid, majority_percent: {majority}}}\n"
        "turnout: {registered: 1000, ballots_cast: 900}\n"
        f"candidates:\n{rows}"
    )


TIE_FOR_SECOND = _results("name: A, votes: 400", "name: B, votes: 200", "name: C, votes: 200")
TIE_FOR_FIRST = _results("name: A, votes: 400", "name: B, votes: 400", "name: C, votes: 100", majority="40")
THREE_WAY_TIE = _results("name: A, votes: 300", "name: B, votes: 300", "name: C, votes: 300")


def _json(cli: Run, *args: Any) -> dict[str, Any]:
    result = cli(*args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _statuses(doc: dict[str, Any]) -> dict[str, str]:
    return {row["name"]: row["status"] for row in doc["candidates"]}


def test_tie_for_second_is_not_announced_as_a_runoff_between_a_and_b(cli: Run, write: Write) -> None:
    path = write(TIE_FOR_SECOND)
    text = cli("report", path).stdout
    outcome = next(line for line in text.splitlines() if line.startswith("Outcome:"))
    assert "runoff between A" not in outcome and "and B" not in outcome.replace("B and C", "")
    assert "tie" in outcome.lower() and "B and C" in outcome and "undecided" in outcome
    for command in ("report", "candidates"):
        doc = _json(cli, command, path)
        assert doc["facts"]["outcome"] == outcome.removeprefix("Outcome: ")
        assert _statuses(doc) == {"A": "runoff", "B": "tied", "C": "tied"}
    markdown = cli("candidates", path, "--format", "markdown").stdout
    assert "runoff between A" not in markdown and markdown.count("| tied") == 2


def test_the_tie_warning_names_the_tied_candidates(cli: Run, write: Write) -> None:
    path = write(TIE_FOR_SECOND)
    finding = next(f for f in _json(cli, "check", path)["findings"] if f["code"] == "KZ503")
    assert "B and C" in finding["message"] and "A" in finding["message"]
    assert (finding["figures"]["tied"], finding["figures"]["tied_place"]) == ("B, C", 2)
    assert "KZ502" not in cli("check", path, "--notes").stdout


def test_tie_for_first_never_says_elected(cli: Run, write: Write) -> None:
    path = write(TIE_FOR_FIRST)
    for command in ("report", "candidates"):
        text = cli(command, path).stdout
        assert "elected in the first round" not in text and " elected " not in text
        doc = _json(cli, command, path)
        assert "Tie for first place between A and B" in doc["facts"]["outcome"]
        assert _statuses(doc) == {"A": "tied", "B": "tied", "C": ""}
    assert "KZ501" not in cli("check", path, "--notes").stdout


def test_three_way_tie_names_all_three(cli: Run, write: Write) -> None:
    path = write(THREE_WAY_TIE)
    doc = _json(cli, "report", path)
    assert "A, B and C" in doc["facts"]["outcome"]
    assert set(_statuses(doc).values()) == {"tied"}


ONE_VOTE_AT_40 = _results("name: A, votes: 400", "name: B, votes: 300", "name: C, votes: 1, percent: 40.00")
ONE_VOTE_EACH = _results("name: A, votes: 1, percent: 40.00", "name: B, votes: 1, percent: 40.00", "name: C, votes: 1, percent: 20.00")
SINGLE_BASE = _results("name: A, votes: 4, percent: 80.00", "name: B, votes: 1, percent: 20.00")


@pytest.mark.parametrize("text", [ONE_VOTE_AT_40, ONE_VOTE_EACH, SINGLE_BASE], ids=["one-vote-at-40", "one-vote-each", "single-base"])
def test_no_base_interval_is_printed_as_a_degenerate_range(cli: Run, write: Write, text: str) -> None:
    path = write(text)
    for command in ("check", "reconcile"):
        plain = cli(command, path, "--notes") if command == "check" else cli(command, path)
        assert not DEGENERATE_RANGE.search(plain.stdout), plain.stdout
        messages = " ".join(f["message"] for f in _json(cli, command, path, *(("--notes",) if command == "check" else ()))["findings"])
        assert not DEGENERATE_RANGE.search(messages), messages


def test_one_vote_at_40_percent_says_no_whole_base_fits(cli: Run, write: Write) -> None:
    finding = next(f for f in _json(cli, "check", write(ONE_VOTE_AT_40))["findings"] if f["code"] == "KZ103")
    assert "no whole number" in finding["message"] and "2.5" in finding["message"]


def test_a_single_base_is_named_once(cli: Run, write: Write) -> None:
    finding = next(f for f in _json(cli, "check", write(SINGLE_BASE), "--notes")["findings"] if f["code"] == "KZ104")
    assert "pin the base to 5" in finding["message"]


def test_the_outcome_is_computed_once_for_checks_and_views(monkeypatch: pytest.MonkeyPatch) -> None:
    from kzvote import tally
    from kzvote.checks import run_checks
    from kzvote.load import parse
    from kzvote.views import results as result_views

    results = parse(TIE_FOR_SECOND.encode(), "results.yaml")
    findings = run_checks(results)
    computed = results.tally.outcome
    monkeypatch.setattr(tally, "_tied_with", lambda *_: pytest.fail("the views recomputed the outcome"))
    view = result_views.report(results, findings)
    assert results.tally.outcome is computed
    assert ("Outcome", result_views.outcome_sentence(results)) in view.facts


def test_two_tied_for_first_without_a_majority_simply_meet_in_the_runoff(cli: Run, write: Write) -> None:
    doc = _json(cli, "report", write(_results("name: A, votes: 350", "name: B, votes: 350", "name: C, votes: 200")))
    assert "KZ503" not in {f["code"] for f in doc["findings"]}
    assert _statuses(doc) == {"A": "runoff", "B": "runoff", "C": ""}
