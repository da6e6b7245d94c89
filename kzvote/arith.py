"""Exact arithmetic of published percentages: no floats, no fixed epsilon.

A percentage written with d decimals stands for every share within half a unit of its last
digit, h = 0.5 x 10^-d, closed at both ends. "2.60" (d=2) and "2.6" (d=1) are different claims.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction


def decimals_of(text: str) -> int:
    """Decimals written in a number's source text: "2.60" -> 2, "5.8" -> 1, "50" -> 0."""
    _, dot, fraction = text.partition(".")
    return len(fraction) if dot else 0


def half_unit(decimals: int) -> Fraction:
    return Fraction(1, 2 * 10**decimals)


def share(part: int, whole: int) -> Fraction | None:
    """part / whole x 100, or None when whole is zero (a share of nothing is undefined, not 0)."""
    if whole == 0:
        return None
    return Fraction(part * 100, whole)


def agrees(computed: Fraction, published: Fraction, decimals: int, truncate: bool = False) -> bool:
    """Whether a share is what the published figure claims: within half a unit of its last digit
    (rounded to nearest), or from it up to, not including, one unit more (truncated)."""
    if truncate:
        return published <= computed < published + unit(decimals)
    return abs(computed - published) <= half_unit(decimals)


def unit(decimals: int) -> Fraction:
    return Fraction(1, 10**decimals)


def shorten(value: Fraction, decimals: int, truncate: bool = False) -> str:
    """A share written as the commission would: rounded to the nearest, or cut ("73.2296" -> "73.22")."""
    if not truncate:
        return format_fixed(value, decimals)
    cut = Fraction(math.floor(value * 10**decimals), 10**decimals)
    return format_fixed(cut, decimals)


def round_half_up(value: Fraction, decimals: int) -> Fraction:
    scale = 10**decimals
    return Fraction(math.floor(value * scale + Fraction(1, 2)), scale)


def format_fixed(value: Fraction, decimals: int) -> str:
    """Decimal text of value rounded to `decimals` places, exactly: 13/5 -> "2.60"."""
    rounded = round_half_up(value, decimals)
    scaled = rounded * 10**decimals
    digits = str(abs(scaled.numerator))
    sign = "-" if scaled < 0 else ""
    if decimals == 0:
        return sign + digits
    digits = digits.rjust(decimals + 1, "0")
    return f"{sign}{digits[:-decimals]}.{digits[-decimals:]}"


@dataclass(frozen=True)
class Interval:
    """A closed interval of rationals; hi None means unbounded above. lo > hi means empty."""

    lo: Fraction
    hi: Fraction | None

    @property
    def empty(self) -> bool:
        return self.hi is not None and self.lo > self.hi

    def __contains__(self, value: Fraction | int) -> bool:
        return self.lo <= value and (self.hi is None or value <= self.hi)

    def intersect(self, other: Interval) -> Interval:
        his = [h for h in (self.hi, other.hi) if h is not None]
        return Interval(max(self.lo, other.lo), min(his) if his else None)

    def whole_numbers(self) -> tuple[int, int | None] | None:
        """The smallest and largest integers inside, or None when there is none."""
        lo = math.ceil(self.lo)
        hi = None if self.hi is None else math.floor(self.hi)
        if hi is not None and lo > hi:
            return None
        return lo, hi


EMPTY = Interval(Fraction(1), Fraction(0))


def percent_window(published: Fraction, decimals: int) -> tuple[Fraction, Fraction]:
    h = half_unit(decimals)
    return published - h, published + h


def implied_base(votes: int, published: Fraction, decimals: int, truncate: bool = False) -> Interval:
    """Every base b > 0 at which votes / b x 100 rounds (or truncates) to the published figure.
    Truncated figures claim a half-open window; since a base is a whole number, the interval is
    returned tightened to whole numbers, closed."""
    if truncate:
        top = published + unit(decimals)
        if votes == 0:
            return Interval(Fraction(0), None) if published == 0 else EMPTY
        lo = Fraction(math.floor(Fraction(votes * 100) / top) + 1)
        hi = None if published <= 0 else Fraction(math.floor(Fraction(votes * 100) / published))
        return Interval(lo, hi)
    low, high = percent_window(published, decimals)
    if votes == 0:
        return Interval(Fraction(0), None) if low <= 0 else EMPTY
    if high <= 0:
        return EMPTY
    lo = Fraction(votes * 100) / high
    hi = None if low <= 0 else Fraction(votes * 100) / low
    return Interval(lo, hi)


def votes_fitting_fixed_base(base: int, published: Fraction, decimals: int, truncate: bool = False) -> Interval:
    """Votes v with v / base x 100 within the published window (the base does not move with v)."""
    if truncate:
        lo = math.ceil(published * base / 100)
        hi = math.ceil((published + unit(decimals)) * base / 100) - 1
        return Interval(Fraction(max(lo, 0)), Fraction(hi))
    low, high = percent_window(published, decimals)
    return Interval(max(Fraction(0), low * base / 100), high * base / 100)


def votes_fitting_in_sum(rest: int, published: Fraction, decimals: int, truncate: bool = False) -> Interval:
    """Votes v with v / (rest + v) x 100 within the window: the base is a sum that v is part of."""
    if truncate:
        top = published + unit(decimals)
        if published >= 100:
            return Interval(Fraction(0), None) if rest == 0 else EMPTY
        lo = Fraction(math.ceil(rest * published / (100 - published)))
        hi = None if top >= 100 else Fraction(math.ceil(rest * top / (100 - top)) - 1)
        return Interval(lo, hi)
    low, high = percent_window(published, decimals)
    lo = Fraction(0) if low <= 0 else rest * low / (100 - low)
    hi = None if high >= 100 else rest * high / (100 - high)
    return Interval(lo, hi)


def fits_text(computed: Fraction, text: str, truncate: bool = False) -> bool:
    """Whether a share is what a percent written as `text` claims, in integers only: attribution
    asks this for every keystroke correction of every suspect percent, so no Fraction is parsed."""
    whole, _, fraction = text.partition(".")
    digits, scale = int(whole + fraction), 10 ** len(fraction)
    top, bottom = computed.numerator, computed.denominator  # the share is top / bottom
    if truncate:  # digits / scale <= share < (digits + 1) / scale
        return digits * bottom <= scale * top < (digits + 1) * bottom
    return abs(2 * scale * top - 2 * digits * bottom) <= bottom  # |share - digits / scale| <= 1 / (2 scale)


@dataclass(frozen=True)
class Precision:
    """What a published percentage claims: its value, its written decimals and the commission's
    rule. Rounded to the nearest it claims the closed window [p - h, p + h]; truncated, the
    half-open [p, p + 10^-d). Every question about fitting goes through here, so no check can
    forget the rule."""

    value: Fraction
    decimals: int
    truncate: bool = False

    @classmethod
    def of(cls, text: str, truncate: bool = False) -> Precision:
        return cls(Fraction(text), decimals_of(text), truncate)

    def holds(self, computed: Fraction) -> bool:
        return agrees(computed, self.value, self.decimals, self.truncate)

    def bases(self, votes: int) -> Interval:
        """The bases b > 0 at which votes / b x 100 is this figure."""
        return implied_base(votes, self.value, self.decimals, self.truncate)

    def votes_at(self, base: int) -> Interval:
        """The votes that are this figure of a fixed base."""
        return votes_fitting_fixed_base(base, self.value, self.decimals, self.truncate) if base > 0 else EMPTY

    def votes_in_sum(self, rest: int) -> Interval:
        """The votes v that are this figure of rest + v."""
        return votes_fitting_in_sum(rest, self.value, self.decimals, self.truncate)

    def votes_within(self, bases: Interval) -> Interval:
        """The votes that are this figure of some base in `bases` (whole numbers, closed)."""
        if self.truncate:
            top = self.value + unit(self.decimals)
            lo = Fraction(math.ceil(self.value * bases.lo / 100))
            hi = None if bases.hi is None else Fraction(math.ceil(top * bases.hi / 100) - 1)
            return Interval(lo, hi)
        low, high = percent_window(self.value, self.decimals)
        return Interval(max(low * bases.lo / 100, Fraction(0)), None if bases.hi is None else high * bases.hi / 100)

    def meets(self, shares: Interval) -> bool:
        """Whether some share in `shares` is this figure."""
        low = self.value if self.truncate else self.value - half_unit(self.decimals)
        high = self.value + (unit(self.decimals) if self.truncate else half_unit(self.decimals))
        below_top = shares.lo < high if self.truncate else shares.lo <= high
        return below_top and (shares.hi is None or shares.hi >= low)


@dataclass(frozen=True)
class Consensus:
    """The largest group of intervals with a common point, and that common part."""

    members: tuple[int, ...]
    interval: Interval


def consensus(intervals: Sequence[Interval], prefer: Fraction | int | None = None) -> Consensus | None:
    """Fewest removals that leave a non-empty intersection (a maximum clique of intervals).

    One sweep over the sorted ends, O(n log n): the most-covered point of closed intervals is
    always some interval's lower end. Every maximum group's common part is a stretch where the
    coverage is at its maximum, and such stretches are disjoint, so two groups tie exactly when
    an interval closes between two maximal points. On a tie the group containing `prefer` wins;
    if none does, the answer is ambiguous and None is returned.
    """
    usable = [(i, iv) for i, iv in enumerate(intervals) if not iv.empty]
    if not usable:
        return None
    # (float, exact) keys order exactly, since rounding to float never reverses an order, and
    # compare as cheap floats except where two ends are within float precision of each other.
    opens = sorted((float(iv.lo), iv.lo) for _, iv in usable)
    closes = sorted((float(iv.hi), iv.hi) for _, iv in usable if iv.hi is not None)
    depth = best = groups = 0
    at = closed = 0  # next close to apply; closes applied so far
    closed_since_best = False
    point: Fraction = opens[0][1]
    k = 0
    while k < len(opens):
        x = opens[k]
        # Closed intervals: those ending before x no longer cover it; those ending at x still do.
        while at < len(closes) and closes[at] < x:
            at += 1
            closed += 1
            closed_since_best = True
        while k < len(opens) and opens[k] == x:
            k += 1
        depth = k - closed
        if depth > best:
            best, groups, point, closed_since_best = depth, 1, x[1], False
        elif depth == best and closed_since_best:
            groups, closed_since_best = groups + 1, False
    if groups > 1:
        if prefer is None or sum(1 for _, iv in usable if prefer in iv) != best:
            return None
        point = Fraction(prefer)
    members = tuple(i for i, iv in usable if point in iv)
    return Consensus(members, _intersection(intervals, members))


def _intersection(intervals: Sequence[Interval], members: tuple[int, ...]) -> Interval:
    result = Interval(Fraction(0), None)
    for i in members:
        result = result.intersect(intervals[i])
    return result


def one_digit_edits(number: int) -> Iterator[tuple[int, str]]:
    """Numbers one keystroke slip away: one digit replaced, or two neighbours swapped."""
    digits = str(number)
    seen = {number}
    for i, original in enumerate(digits):
        for replacement in "0123456789":
            if replacement == original or (i == 0 and replacement == "0" and len(digits) > 1):
                continue
            value = int(digits[:i] + replacement + digits[i + 1 :])
            if value not in seen:
                seen.add(value)
                yield value, "one digit changed"
    for i in range(len(digits) - 1):
        swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        if swapped[0] == "0" and len(swapped) > 1:
            continue
        value = int(swapped)
        if value not in seen:
            seen.add(value)
            yield value, "two neighbouring digits swapped"


def unique_slip(number: int, fits: Interval) -> tuple[int, str] | None:
    """The single one-keystroke variant of number that lands in `fits`, if exactly one does."""
    hits = [(value, how) for value, how in one_digit_edits(number) if value in fits]
    return hits[0] if len(hits) == 1 else None


def looks_rounded(number: int) -> int:
    """How many trailing zeros a count has (206000 -> 3): a sign it was rounded for print."""
    if number == 0:
        return 0
    zeros = 0
    while number % 10 == 0:
        number //= 10
        zeros += 1
    return zeros
