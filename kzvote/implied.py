"""What base the published percentages are shares of, and which figures disagree with it.

Every (votes, published percent, decimals) pins the base to an interval. The largest group of
choices whose intervals overlap is the consensus; the rest are outliers. Blaming only the outliers
is what keeps one wrong count from turning into an error on every share that moved with the sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from kzvote.arith import (
    Consensus,
    Interval,
    agrees,
    consensus,
    half_unit,
    implied_base,
    one_digit_edits,
    votes_fitting_fixed_base,
    votes_fitting_in_sum,
)
from kzvote.model import Choice, Figure, Results
from kzvote.tally import Tally


@dataclass(frozen=True)
class Slip:
    """A one-keystroke correction that would make a figure fit."""

    value: str
    how: str


@dataclass(frozen=True)
class Mismatch:
    choice: Choice
    percent: Figure
    share: Fraction | None  # at the declared base
    base: int
    fitting_votes: Interval
    votes_slip: Slip | None
    percent_slip: Slip | None

    @property
    def blames_percent(self) -> bool:
        """The published percent, not the count, looks like the typo."""
        return self.percent_slip is not None and self.votes_slip is None


@dataclass(frozen=True)
class BaseAnalysis:
    tally: Tally

    @cached_property
    def published(self) -> tuple[Choice, ...]:
        return tuple(c for c in self.tally.results.choices if c.percent is not None)

    @cached_property
    def intervals(self) -> tuple[Interval, ...]:
        return tuple(implied_base(c.votes.count, c.percent.value, c.percent.decimals) for c in self.published)  # type: ignore[union-attr, arg-type]

    @cached_property
    def consensus(self) -> Consensus | None:
        return consensus(self.intervals, prefer=self.tally.base)

    @property
    def declared_fits(self) -> bool:
        """The declared base is where the published percentages put it (outliers aside)."""
        base = self.tally.base
        return base is not None and self.consensus is not None and base in self.consensus.interval

    @cached_property
    def matching_bases(self) -> tuple[str, ...]:
        """Which of valid / cast / registered lie inside the consensus interval."""
        if self.consensus is None:
            return ()
        kinds = ("valid", "cast", "registered")
        return tuple(k for k in kinds if (v := self.tally.base_value(k)) is not None and v in self.consensus.interval)

    @cached_property
    def outliers(self) -> tuple[Choice, ...]:
        """The fewest choices whose removal leaves the rest agreeing on one base."""
        if self.consensus is None:
            return ()
        members = set(self.consensus.members)
        return tuple(c for i, c in enumerate(self.published) if i not in members)

    @cached_property
    def misfits_at_declared(self) -> tuple[Choice, ...]:
        return tuple(c for c in self.published if not agrees(self.tally.share(c), c.percent.value, c.percent.decimals))  # type: ignore[arg-type, union-attr]

    @cached_property
    def trusts_declared(self) -> bool:
        """Which story needs fewer wrong figures: "these shares are off at the declared base", or
        "these outliers are off, and (unless fixing them fixes it) the declared base is off too".
        On a tie, the published percentages, which agree among themselves, are believed over
        the sum: "valid votes are 11 short" is honest where "2.12 should be 2.13" would mislead."""
        if self.consensus is None or self.declared_fits:
            return True
        base_is_off = 0 if self._outliers_explain_sum() else 1
        return len(self.misfits_at_declared) < len(self.outliers) + base_is_off

    @cached_property
    def mismatches(self) -> tuple[Mismatch, ...]:
        base = self.tally.base
        if not base or self.consensus is None:
            return ()
        suspects = self.misfits_at_declared if self.trusts_declared else self.outliers
        return tuple(self._mismatch(c, base) for c in suspects)

    @cached_property
    def support(self) -> Interval | None:
        """The base interval that the choices not flagged agree on."""
        if self.consensus is None:
            return None
        flagged = {id(m.choice) for m in self.mismatches}
        result = Interval(Fraction(0), None)
        for choice, interval in zip(self.published, self.intervals):
            if id(choice) not in flagged:
                result = result.intersect(interval)
        return result

    def _outliers_explain_sum(self) -> bool:
        if self.tally.base_kind != "valid" or not self.outliers or self.tally.base is None:
            return False
        corrected = self._corrected_valid(self.outliers, narrow=True)
        return corrected is not None and not corrected.intersect(self.consensus.interval).empty  # type: ignore[union-attr]

    def _corrected_valid(self, choices: tuple[Choice, ...], narrow: bool) -> Interval | None:
        """The valid-vote totals reachable by moving each choice's count into its fitting range."""
        base = self.tally.base
        assert base is not None
        lo = hi = Fraction(self.tally.valid)
        for choice in choices:
            fitting = self.fitting_votes(choice, base, narrow)
            if fitting.empty or fitting.hi is None:
                return None
            lo += fitting.lo - choice.votes.count
            hi += fitting.hi - choice.votes.count
        return Interval(lo, hi)

    @cached_property
    def corrected_valid(self) -> Interval | None:
        """Valid votes as they would be with every flagged count fixed: lets the balance check
        stay quiet about an imbalance that a flagged count already explains."""
        counts = tuple(m.choice for m in self.mismatches if not m.blames_percent)
        if not counts or self.tally.base_kind != "valid":
            return None
        return self._corrected_valid(counts, narrow=not self.trusts_declared)

    def _mismatch(self, choice: Choice, base: int) -> Mismatch:
        percent = choice.percent
        assert percent is not None
        votes = choice.votes.count
        fitting = self.fitting_votes(choice, base, narrow=not self.trusts_declared)
        votes_slip = None
        candidates = [(v, how) for v, how in one_digit_edits(votes) if v in fitting]
        if len(candidates) == 1:
            votes_slip = Slip(str(candidates[0][0]), candidates[0][1])
        return Mismatch(choice, percent, self.tally.share(choice), base, fitting, votes_slip, self._percent_slip(choice))

    def fitting_votes(self, choice: Choice, base: int, narrow: bool) -> Interval:
        percent = choice.percent
        assert percent is not None
        if self.tally.base_kind != "valid":
            return votes_fitting_fixed_base(base, percent.value, percent.decimals)  # type: ignore[arg-type]
        rest = base - choice.votes.count
        fitting = votes_fitting_in_sum(rest, percent.value, percent.decimals)  # type: ignore[arg-type]
        if narrow and self.consensus is not None:
            # The sum must also land where the other choices put the base.
            keeps_others = Interval(self.consensus.interval.lo - rest, None if self.consensus.interval.hi is None else self.consensus.interval.hi - rest)
            narrowed = fitting.intersect(keeps_others)
            if narrowed.whole_numbers() is not None:
                return narrowed
        return fitting

    def _percent_slip(self, choice: Choice) -> Slip | None:
        """A one-digit edit of the written percent that the count fits, when the base is settled."""
        percent = choice.percent
        share = self.tally.share(choice)
        if percent is None or share is None or not self.trusts_declared:
            return None
        whole, _, fraction = percent.text.partition(".")
        digits = whole + fraction
        hits = []
        for value, how in one_digit_edits(int(digits)):
            text = str(value).rjust(len(digits), "0")
            if len(text) != len(digits):
                continue
            written = f"{text[: len(whole)]}.{text[len(whole):]}" if fraction else text
            if agrees(share, Fraction(written), percent.decimals):
                hits.append(Slip(written, how))
        return hits[0] if len(hits) == 1 else None


def published_sum(results: Results) -> tuple[Fraction, Fraction] | None:
    """Sum of the published percentages and its rounding tolerance, when every choice has one."""
    choices = results.choices
    if any(c.percent is None for c in choices):
        return None
    total = sum((Fraction(c.percent.value) for c in choices), Fraction(0))  # type: ignore[union-attr]
    tolerance = sum((half_unit(c.percent.decimals) for c in choices), Fraction(0))  # type: ignore[union-attr]
    return total, tolerance


def percent_sum_is_off(results: Results) -> bool:
    summed = published_sum(results)
    return summed is not None and results.election.percent_of == "valid" and abs(summed[0] - 100) > summed[1]
