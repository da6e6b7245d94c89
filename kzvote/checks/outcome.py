"""Outcome: who leads, and whether they pass majority_percent of the base.

KZ501 elected-first-round  (note) the leader has MORE than majority_percent of the base
KZ502 runoff               (note) nobody does: a runoff between the top two
KZ503 tied-lead            (warning) a tie decides who wins or who enters the runoff
KZ504 against-all-ahead    (warning) against all outpolled every candidate; it never wins
"""

from __future__ import annotations

from collections.abc import Iterator

from kzvote import fmt
from kzvote.checks.rule import Context, Rule
from kzvote.findings import FigureValue, Finding, Severity
from kzvote.model import Path
from kzvote.schema import BASE_NAMES
from kzvote.tally import Outcome

ELECTED = Rule("KZ501", "elected-first-round", Severity.NOTE, "the leader is elected in the first round")
RUNOFF = Rule("KZ502", "runoff", Severity.NOTE, "no majority: a runoff between the top two")
TIED = Rule("KZ503", "tied-lead", Severity.WARNING, "a tie at the top")
AGAINST_ALL_AHEAD = Rule("KZ504", "against-all-ahead", Severity.WARNING, "against all outpolled every candidate")
WINS_ROUND = Rule("KZ505", "wins-round", Severity.NOTE, "in a later round, the most votes win")
RULES = (ELECTED, RUNOFF, TIED, AGAINST_ALL_AHEAD, WINS_ROUND)


def check(ctx: Context) -> Iterator[Finding]:
    tally = ctx.tally
    outcome = tally.outcome
    if tally.base is None:
        return
    leader, second = outcome.leader, outcome.runner_up
    majority = ctx.results.election.majority_percent.text
    share = f"{fmt.share(outcome.leader_share, 2, ctx.results.election.truncates)}% of {BASE_NAMES[tally.base_kind]}"
    figures: dict[str, FigureValue] = {
        "leader": leader.name,
        "leader_votes": leader.votes.count,
        "leader_share": fmt.as_number(outcome.leader_share),
        "majority_percent": float(ctx.results.election.majority_percent.value),
    }
    if outcome.tied:
        yield TIED(
            ctx,
            _tie_message(outcome),
            ("candidates",),
            figures=figures | {"tied": ", ".join(c.name for c in outcome.tied), "tied_place": outcome.tied_place},
            rests_on=_outcome_rests_on(ctx),
        )
    elif outcome.elected and outcome.round > 1:
        yield WINS_ROUND(
            ctx, f"{leader.name} wins {outcome.round_name} with {share} (the most votes)", leader.path, leader.name, figures | {"round": outcome.round}
        )
    elif outcome.elected:
        yield ELECTED(ctx, f"{leader.name} is elected in the first round with {share} (more than {majority}%)", leader.path, leader.name, figures)
    elif second is not None:
        yield RUNOFF(
            ctx,
            f"no candidate has more than {majority}%: runoff between {leader.name} ({share}) and {second.name}",
            leader.path,
            leader.name,
            figures | {"runner_up": second.name},
        )
    against = ctx.results.against_all
    if outcome.against_all_ahead and against is not None:
        yield AGAINST_ALL_AHEAD(
            ctx,
            f"against all ({fmt.count(against.votes.count)}) outpolled every candidate; it never wins, {leader.name} leads",
            against.path,
            against.name,
            {"against_all_votes": against.votes.count},
            rests_on=(against.path + ("votes",), ("candidates", "*", "votes")),
        )


def _outcome_rests_on(ctx: Context) -> tuple[Path, ...]:
    """Who leads, who ties and whether anyone is elected rest on every candidate's count, and on
    the base: a count believed wrong leaves the outcome unsettled, not a separate problem."""
    base: tuple[Path, ...] = {
        "valid": (("against_all", "votes"),),
        "cast": (("turnout", "ballots_cast"),),
        "registered": (("turnout", "registered"),),
        "in_boxes": (("turnout", "ballots_in_boxes"), ("turnout", "blank_ballots"), ("turnout", "invalid_ballots"), ("against_all", "votes")),
    }[ctx.tally.base_kind]
    return (("candidates", "*", "votes"),) + base


def _tie_message(outcome: Outcome) -> str:
    tied = outcome.tied
    at = f"at {fmt.votes(tied[0].votes.count)} each"
    names = fmt.names([c.name for c in tied])
    if outcome.tie_for_first:
        return f"a tie for first place between {names} {at}: the counts alone elect nobody"
    return f"a tie for second place between {names} {at}: the counts alone do not decide who meets {outcome.leader.name} in the runoff"
