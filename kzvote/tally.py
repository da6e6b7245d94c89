"""Figures derived from the raw counts: valid votes, invalid ballots, the base, shares, outcome."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from kzvote.arith import share
from kzvote.model import Choice, Counts, Results
from kzvote.schema import BASE_KINDS


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

    @property
    def blank(self) -> int:
        figure = self.results.turnout.blank_ballots
        return figure.count if figure else 0

    @cached_property
    def invalid(self) -> int | None:
        """Invalid ballots as given, else implied (ballots in the boxes, or cast, - valid - blank);
        None when neither total is known."""
        if self.invalid_given is not None:
            return self.invalid_given
        turnout = self.results.turnout
        total = turnout.ballots_in_boxes or turnout.ballots_cast
        return total.count - self.valid - self.blank if total else None

    @property
    def in_boxes(self) -> int | None:
        """Ballots found in the boxes: as given, else valid + blank + invalid when invalid is given."""
        turnout = self.results.turnout
        if turnout.ballots_in_boxes is not None:
            return turnout.ballots_in_boxes.count
        if self.invalid_given is not None:
            return self.valid + self.blank + self.invalid_given
        return turnout.ballots_cast.count if turnout.ballots_cast else None  # invalid implied: all cast are in the boxes

    @property
    def invalid_is_implied(self) -> bool:
        return self.invalid_given is None and self.invalid is not None

    def base_value(self, kind: str) -> int | None:
        turnout = self.results.turnout
        if kind == "valid":
            return self.valid
        if kind == "in_boxes":
            return self.in_boxes
        figure = turnout.ballots_cast if kind == "cast" else turnout.registered
        return figure.count if figure else None

    @property
    def distinct_bases(self) -> tuple[str, ...]:
        """The bases worth naming: the ballots in the boxes only when they are declared, or more
        than another name for the ballots cast."""
        return tuple(k for k in BASE_KINDS if k != "in_boxes" or self.base_kind == "in_boxes" or self.in_boxes != self.base_value("cast"))

    @property
    def base_kind(self) -> str:
        return self.results.election.percent_of

    @cached_property
    def base(self) -> int | None:
        return self.base_value(self.base_kind)

    def share(self, choice: Choice, kind: str | None = None) -> Fraction | None:
        """The choice's votes as a share of the declared base, or of another base `kind`."""
        base = self.base if kind is None else self.base_value(kind)
        return share(choice.votes.count, base) if base is not None else None

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
        later_round = self.results.election.round > 1
        # a later round is won by the most votes; a first round needs more than majority_percent
        passes = later_round or (base > 0 and leader.votes.count * 100 > majority * base)
        tied_first = _tied_with(ranked, 0)
        if len(tied_first) == 2 and not passes:
            tied_first = ()  # both go to the runoff: the tie decides nothing
        # second place only matters when nobody is elected: it picks the runoff partner
        second_contested = len(ranked) > 2 and ranked[1].votes.count == ranked[2].votes.count
        tied_second = _tied_with(ranked, 1) if not passes and not tied_first and second_contested else ()
        against = self.results.against_all
        return Outcome(
            leader=leader,
            runner_up=runner_up,
            leader_share=share(leader.votes.count, base),
            elected=passes and not tied_first,
            tied=tied_first or tied_second,
            tied_place=1 if tied_first else 2 if tied_second else None,
            against_all_ahead=against is not None and against.votes.count > leader.votes.count,
            round=self.results.election.round,
        )


def _tied_with(ranked: list[Choice], place: int) -> tuple[Choice, ...]:
    """The candidates sharing the votes of ranked[place] when there are two or more, else ()."""
    if place >= len(ranked):
        return ()
    votes = ranked[place].votes.count
    tied = tuple(c for c in ranked if c.votes.count == votes)
    return tied if len(tied) > 1 else ()


@dataclass(frozen=True)
class Outcome:
    """What the counts decide, computed once: the checks (KZ501-503) and the views read it."""

    leader: Choice
    runner_up: Choice | None
    leader_share: Fraction | None
    elected: bool  # the leader is elected in the first round (never on a tie for first)
    tied: tuple[Choice, ...]  # the candidates tied for tied_place, in ballot order; () when no tie decides
    tied_place: int | None  # 1: the winner or both runoff places are undecided; 2: the runoff partner is
    against_all_ahead: bool
    round: int = 1

    @property
    def round_name(self) -> str:
        """ "the first round", "the second round", ... "round 11"."""
        ordinals = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
        return f"the {ordinals[self.round - 1]} round" if self.round <= len(ordinals) else f"round {self.round}"

    @property
    def tie_for_first(self) -> bool:
        return self.tied_place == 1

    @property
    def tie_for_second(self) -> bool:
        return self.tied_place == 2

    @property
    def runoff(self) -> tuple[Choice, ...]:
        """Who is certain to be in the runoff: the top two, the leader alone on a tie for second,
        nobody on a tie for first (or when the leader is elected)."""
        if self.elected or self.tie_for_first or self.runner_up is None:
            return ()
        return (self.leader,) if self.tie_for_second else (self.leader, self.runner_up)

    def status(self, choice: Choice) -> str:
        """elected | runoff | tied | "" — the candidates table's status column."""
        if self.elected and choice is self.leader:
            return "elected"
        if any(choice is c for c in self.tied):
            return "tied"
        if any(choice is c for c in self.runoff):
            return "runoff"
        return ""


def turnout_share(counts: Counts) -> Fraction | None:
    if counts.ballots_cast is None or counts.registered is None:
        return None
    return share(counts.ballots_cast.count, counts.registered.count)
