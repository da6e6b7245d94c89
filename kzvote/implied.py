"""What base the published percentages are shares of, and which figures disagree with it.

Every (votes, published percent, decimals) pins the base to an interval. The largest group of
choices whose intervals overlap is the consensus; the rest are outliers. When they all agree on a
base that is not the declared one, the shares as a whole explain what failed (kzvote.attribution).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from kzvote.arith import Consensus, Interval, Precision, consensus, half_unit, unit
from kzvote.model import Choice, Results
from kzvote.tally import Tally


@dataclass(frozen=True)
class BaseAnalysis:
    tally: Tally

    @cached_property
    def published(self) -> tuple[Choice, ...]:
        return tuple(c for c in self.tally.results.choices if c.percent is not None)

    @cached_property
    def intervals(self) -> tuple[Interval, ...]:
        truncate = self.tally.results.election.truncates
        return tuple(Precision.of(c.percent.text, truncate).bases(c.votes.count) for c in self.published)  # type: ignore[union-attr]

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
        kinds = self.tally.distinct_bases
        return tuple(k for k in kinds if (v := self.tally.base_value(k)) is not None and v in self.consensus.interval)

    @cached_property
    def outliers(self) -> tuple[Choice, ...]:
        """The fewest choices whose removal leaves the rest agreeing on one base."""
        if self.consensus is None:
            return ()
        members = set(self.consensus.members)
        return tuple(c for i, c in enumerate(self.published) if i not in members)

    @cached_property
    def support(self) -> Interval | None:
        """The base interval the agreeing percentages pin down."""
        return None if self.consensus is None else self.consensus.interval

    @cached_property
    def misfits_at_declared(self) -> tuple[Choice, ...]:
        truncate = self.tally.results.election.truncates
        return tuple(c for c in self.published if not Precision.of(c.percent.text, truncate).holds(self.tally.share(c)))  # type: ignore[arg-type, union-attr]


def published_sum(results: Results) -> tuple[Fraction, Fraction] | None:
    """Sum of the published percentages and its rounding tolerance, when every choice has one."""
    choices = results.choices
    if any(c.percent is None for c in choices):
        return None
    total = sum((Fraction(c.percent.value) for c in choices), Fraction(0))  # type: ignore[union-attr]
    slack = unit if results.election.truncates else half_unit
    tolerance = sum((slack(c.percent.decimals) for c in choices), Fraction(0))  # type: ignore[union-attr]
    return total, tolerance


def percent_sum_is_off(results: Results) -> bool:
    """Shares of valid votes add up to 100: rounded ones to within the sum of their half-units,
    truncated ones to at most 100 and more than 100 less the sum of their units."""
    summed = published_sum(results)
    if summed is None or results.election.percent_of != "valid":
        return False
    total, tolerance = summed
    if results.election.truncates:
        return not (100 - tolerance < total <= 100)
    return abs(total - 100) > tolerance
