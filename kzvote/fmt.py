"""How numbers read in messages: 6,456,393 and 81.3120%. Shared by findings and renderers."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from kzvote.arith import Interval, format_fixed, shorten


def count(value: int) -> str:
    return f"{value:,}"


def votes(value: int) -> str:
    return f"{value:,} vote" if value == 1 else f"{value:,} votes"


def percent(value: Fraction | None, decimals: int = 4) -> str:
    return "n/a" if value is None else format_fixed(value, decimals)


def share(value: Fraction | None, decimals: int, truncate: bool = False) -> str:
    """A computed share the way the commission writes its own: cut when it truncates."""
    return "n/a" if value is None else shorten(value, decimals, truncate)


def tolerance(decimals: int, truncate: bool = False) -> str:
    """The claim a published figure makes: "±0.005", or "cut to 2 decimals" when truncated."""
    if truncate:
        return f"cut to {decimals} decimal{'s' if decimals != 1 else ''}"
    return "±" + format_fixed(Fraction(1, 2 * 10**decimals), decimals + 1)


def as_number(value: Fraction | int | None, decimals: int = 6) -> float | None:
    """A Fraction for JSON: a float rounded so that 81.31 prints as 81.31, not 81.31000000000001."""
    return None if value is None else round(float(value), decimals)


def names(items: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return " and ".join(filter(None, (", ".join(items[:-1]), items[-1]))) if items else ""


def whole_range(lo: int, hi: int | None) -> str:
    """'5', '5–7' or '5 or more': never a degenerate '5–5'."""
    if hi is None:
        return f"{count(lo)} or more"
    return count(lo) if lo == hi else f"{count(lo)}–{count(hi)}"


def base_range(interval: Interval) -> str:
    """The bases an interval allows, never a degenerate "0–0": one base, a range, an open range,
    or the exact stretch and the fact that it holds no whole number (1 vote at 40.00% needs 2.5)."""
    whole = interval.whole_numbers()
    if whole is None:
        return f"{percent(interval.lo)}–{percent(interval.hi)}, which holds no whole number"
    return whole_range(*whole)
