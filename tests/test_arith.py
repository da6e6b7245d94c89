"""The arithmetic: written precision, closed rounding windows, implied bases, consensus, slips."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzvote.arith import (
    Interval,
    agrees,
    consensus,
    decimals_of,
    format_fixed,
    half_unit,
    implied_base,
    one_digit_edits,
    round_half_up,
    share,
    unique_slip,
    votes_fitting_fixed_base,
    votes_fitting_in_sum,
)


@pytest.mark.parametrize(("text", "decimals"), [("2.60", 2), ("2.6", 1), ("5", 0), ("81.31", 2), ("0.125", 3)])
def test_decimals_come_from_the_written_text(text: str, decimals: int) -> None:
    assert decimals_of(text) == decimals


def test_half_unit() -> None:
    assert half_unit(2) == Fraction(5, 1000)
    assert half_unit(0) == Fraction(1, 2)


@pytest.mark.parametrize(
    ("votes", "base", "published", "decimals", "expected"),
    [
        (2605, 100000, "2.60", 2, True),  # exactly +h: the window is closed
        (2595, 100000, "2.60", 2, True),  # exactly -h
        (2606, 100000, "2.60", 2, False),  # just above
        (2594, 100000, "2.60", 2, False),  # just below
        (206000, 7940272, "2.60", 2, False),  # Abden at 206,000: 2.5944 is not 2.60 ...
        (206000, 7940272, "2.6", 1, True),  # ... but it is 2.6
        (206206, 7940478, "2.60", 2, True),
        (460484, 7940478, "5.8", 1, True),
        (460484, 7940478, "5", 0, False),
    ],
)
def test_agreement_at_rounding_edges(votes: int, base: int, published: str, decimals: int, expected: bool) -> None:
    assert agrees(share(votes, base), Fraction(published), decimals) is expected  # type: ignore[arg-type]


def test_share_of_nothing_is_undefined() -> None:
    assert share(5, 0) is None


@pytest.mark.parametrize(
    ("value", "decimals", "text"), [(Fraction(13, 5), 2, "2.60"), (Fraction(1, 200), 2, "0.01"), (Fraction(-1, 3), 3, "-0.333"), (Fraction(5), 0, "5")]
)
def test_format_fixed(value: Fraction, decimals: int, text: str) -> None:
    assert format_fixed(value, decimals) == text


def test_implied_base_of_bundled_tokayev() -> None:
    interval = implied_base(6456393, Fraction("81.31"), 2)
    assert 7940478 in interval
    assert 8300046 not in interval
    assert interval.whole_numbers() == (7939978, 7940954)


def test_implied_base_edges() -> None:
    assert implied_base(0, Fraction(0), 2) == Interval(Fraction(0), None)
    assert implied_base(0, Fraction(3), 2).empty
    unbounded = implied_base(5, Fraction("0.00"), 2)
    assert unbounded.hi is None and unbounded.lo == Fraction(500) / Fraction(5, 1000)


def test_consensus_names_the_fewest_outliers() -> None:
    intervals = [
        Interval(Fraction(10), Fraction(20)),
        Interval(Fraction(15), Fraction(25)),
        Interval(Fraction(30), Fraction(40)),
        Interval(Fraction(18), Fraction(19)),
    ]
    result = consensus(intervals)
    assert result is not None
    assert result.members == (0, 1, 3)
    assert result.interval == Interval(Fraction(18), Fraction(19))


def test_consensus_tie_is_broken_by_the_declared_base_or_refused() -> None:
    intervals = [Interval(Fraction(1), Fraction(2)), Interval(Fraction(5), Fraction(6))]
    assert consensus(intervals) is None
    assert consensus(intervals, prefer=5).members == (1,)  # type: ignore[union-attr]


def test_one_digit_slip_finds_kazhyken() -> None:
    fits = Interval(Fraction(200712), Fraction(201301))
    assert unique_slip(300907, fits) == (200907, "one digit changed")
    assert (6456392, "one digit changed") in list(one_digit_edits(6456393))
    assert (12, "two neighbouring digits swapped") in list(one_digit_edits(21))
    assert all(len(str(v)) == 6 for v, _ in one_digit_edits(300907))  # no leading zeros


def test_fitting_votes_fixed_and_in_sum() -> None:
    assert votes_fitting_fixed_base(1000, Fraction(50), 0).whole_numbers() == (495, 505)
    # v / (1000 + v) within 50 +- 0.5  ->  v in [980.19..., 1020.20...]
    assert votes_fitting_in_sum(1000, Fraction(50), 0).whole_numbers() == (981, 1020)


@given(st.integers(0, 10**8), st.integers(1, 10**8), st.integers(0, 4))
def test_a_share_rounded_to_its_decimals_always_agrees(votes: int, base: int, decimals: int) -> None:
    computed = share(votes, base)
    assert computed is not None
    assert agrees(computed, round_half_up(computed, decimals), decimals)


@given(st.integers(1, 10**7), st.integers(1, 10**8), st.integers(0, 3))
def test_the_true_base_lies_in_the_implied_interval(votes: int, extra: int, decimals: int) -> None:
    base = votes + extra
    published = round_half_up(share(votes, base), decimals)  # type: ignore[arg-type]
    assert base in implied_base(votes, published, decimals)


@given(st.integers(0, 10**7), st.integers(1, 10**7), st.integers(0, 3))
def test_fitting_range_is_exactly_the_agreeing_counts(rest: int, votes: int, decimals: int) -> None:
    published = round_half_up(share(votes, rest + votes), decimals)  # type: ignore[arg-type]
    fits = votes_fitting_in_sum(rest, published, decimals)
    assert votes in fits
    bounds = fits.whole_numbers()
    assert bounds is not None
    lo, hi = bounds
    if lo > 0:
        assert not agrees(share(lo - 1, rest + lo - 1), published, decimals)  # type: ignore[arg-type]
    if hi is not None:
        assert not agrees(share(hi + 1, rest + hi + 1), published, decimals)  # type: ignore[arg-type]


def _consensus_by_brute_force(intervals: list[Interval], prefer: int | None) -> tuple[int, ...] | None:
    """The definition, quadratically: every lower end tried as the common point."""
    best: list[tuple[int, ...]] = []
    for candidate in intervals:
        if candidate.empty:
            continue
        members = tuple(i for i, iv in enumerate(intervals) if not iv.empty and candidate.lo in iv)
        if not best or len(members) > len(best[0]):
            best = [members]
        elif len(members) == len(best[0]) and members not in best:
            best.append(members)
    if not best:
        return None
    if len(best) == 1:
        return best[0]
    preferred = [m for m in best if prefer is not None and all(prefer in intervals[i] for i in m)]
    return preferred[0] if len(preferred) == 1 else None


_bounds = st.integers(min_value=0, max_value=30)


@given(
    st.lists(st.tuples(_bounds, st.one_of(st.none(), _bounds)), max_size=12),
    st.one_of(st.none(), _bounds),
)
def test_consensus_sweep_agrees_with_the_definition(ends: list[tuple[int, int | None]], prefer: int | None) -> None:
    intervals = [Interval(Fraction(lo), None if hi is None else Fraction(hi)) for lo, hi in ends]
    found = consensus(intervals, prefer=prefer)
    assert (found.members if found else None) == _consensus_by_brute_force(intervals, prefer)
