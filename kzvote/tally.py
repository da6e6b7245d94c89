"""Figures derived from the raw counts: valid votes, invalid ballots, the base, shares, outcome."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from kzvote.arith import share
from kzvote.model import Choice, Counts, Results

BASE_NAMES = {"valid": "valid votes", "cast": "ballots cast", "registered": "registered voters"}


@dataclass(frozen=True)
class Tally:
    results: Results

    @cached_property
    def valid(self) -> int:
        return sum(choice.votes.count for choice in self.results.choices)

    @property
    def invalid_given(self) -> int | None:
        figure = self.results.turnout.invalid_ballots
        return figure.count if figure else None

    @cached_property
    def invalid(self) -> int | None:
        """Invalid ballots as given, else implied (cast - valid); None when cast is unknown."""
        if self.invalid_given is not None:
            return self.invalid_given
        cast = self.results.turnout.ballots_cast
        return cast.count - self.valid if cast else None

    @property
    def invalid_is_implied(self) -> bool:
        return self.invalid_given is None and self.invalid is not None

    def base_value(self, kind: str) -> int | None:
        turnout = self.results.turnout
        if kind == "valid":
            return self.valid
        figure = turnout.ballots_cast if kind == "cast" else turnout.registered
        return figure.count if figure else None

    @property
    def base_kind(self) -> str:
        return self.results.election.percent_of

    @cached_property
    def base(self) -> int | None:
        return self.base_value(self.base_kind)

    def share(self, choice: Choice) -> Fraction | None:
        return share(choice.votes.count, self.base) if self.base is not None else None

    def ranked(self) -> list[Choice]:
        """Candidates by votes, most first; ties keep ballot order. Against all is not a candidate."""
        return sorted(self.results.candidates, key=lambda c: -c.votes.count)

    @cached_property
    def outcome(self) -> Outcome:
        ranked = self.ranked()
        leader = ranked[0]
        runner_up = ranked[1] if len(ranked) > 1 else None
        base = self.base or 0
        majority = self.results.election.majority_percent.value
        elected = base > 0 and leader.votes.count * 100 > majority * base
        tie_for_first = runner_up is not None and runner_up.votes.count == leader.votes.count
        third = ranked[2] if len(ranked) > 2 else None
        tie_for_second = (
            not elected and runner_up is not None and third is not None and third.votes.count == runner_up.votes.count
        )
        against = self.results.against_all
        return Outcome(
            leader=leader,
            runner_up=runner_up,
            leader_share=share(leader.votes.count, base),
            elected=elected and not tie_for_first,
            tie_for_first=tie_for_first,
            tie_for_second=tie_for_second,
            against_all_ahead=against is not None and against.votes.count > leader.votes.count,
        )


@dataclass(frozen=True)
class Outcome:
    leader: Choice
    runner_up: Choice | None
    leader_share: Fraction | None
    elected: bool  # elected in the first round
    tie_for_first: bool
    tie_for_second: bool
    against_all_ahead: bool


def turnout_share(counts: Counts) -> Fraction | None:
    if counts.ballots_cast is None or counts.registered is None:
        return None
    return share(counts.ballots_cast.count, counts.registered.count)
