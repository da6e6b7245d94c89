"""Digit tests: last digits (Beber & Scacco, Political Analysis 20(2), 2012) and second digits
against Benford's law (Mebane's 2BL). Weak tests with known false alarms: information, never a
verdict. Each runs on a control column too (registered voters), so the reader sees the test's
own noise on counts nobody has reason to write by hand."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

LAST_DIGIT_FROM = 10  # a count below 10 is its own last digit: small counts are not uniform in it
SECOND_DIGIT_FROM = 10  # a count needs two digits to have a second one


@dataclass(frozen=True)
class DigitTest:
    column: str
    digit: str  # "last" | "second"
    counts: list[int]  # how many counts end (or have their second digit) in 0..9
    expected_shares: list[float]  # under the null, 0..9
    chi_square: float | None  # None: no count to test
    p_value: float | None
    largest_deviation_pp: float | None  # the effect size: the largest |observed - expected| share, in pp
    at_digit: int | None  # where it is

    @property
    def total(self) -> int:
        return sum(self.counts)


def benford_second() -> list[float]:
    """P(second digit = d) under Benford's law: Σ over first digits f of log10(1 + 1/(10f + d))."""
    return [sum(math.log10(1 + 1 / (10 * first + d)) for first in range(1, 10)) for d in range(10)]


def last_digit_counts(values: Any, np: Any) -> Any:
    """How many counts (of LAST_DIGIT_FROM or more) end in 0..9."""
    return np.bincount(values[values >= LAST_DIGIT_FROM] % 10, minlength=10)


def second_digit_counts(values: Any, np: Any) -> Any:
    """How many counts (of two digits or more) have 0..9 as their second digit."""
    counted = values[values >= SECOND_DIGIT_FROM]
    scale = np.ones(len(counted), dtype=np.int64)  # 10^(digits - 2), by exact integer comparison
    while True:
        wide = counted // (scale * 10) >= 10
        if not wide.any():
            break
        scale[wide] *= 10
    return np.bincount(counted // scale % 10, minlength=10)


COUNTERS = {"last": last_digit_counts, "second": second_digit_counts}


def digit_test(column: str, digit: str, observed: Any) -> DigitTest:
    """The chi-square test of counts by digit against the null: uniform last digits, Benford's
    second digits."""
    shares = [0.1] * 10 if digit == "last" else benford_second()
    counts = [int(c) for c in observed]
    total = sum(counts)
    if not total:
        return DigitTest(column, digit, counts, shares, None, None, None, None)
    chi = sum((c - total * s) ** 2 / (total * s) for c, s in zip(counts, shares))
    deviations = [abs(c / total - s) * 100 for c, s in zip(counts, shares)]
    worst = max(range(10), key=deviations.__getitem__)
    return DigitTest(column, digit, counts, shares, chi, chi_square_survival(chi, 9), deviations[worst], worst)


def chi_square_survival(x: float, df: int) -> float:
    """P(X >= x) for a chi-square variable of integer df, in closed form (no SciPy): a finite sum
    for even df, and erfc plus a finite sum for odd df."""
    if x <= 0:
        return 1.0
    half = x / 2
    if df % 2 == 0:
        term, total = 1.0, 1.0
        for i in range(1, df // 2):
            term *= half / i
            total += term
        return min(1.0, math.exp(-half) * total)
    root = math.sqrt(x)
    total = math.erfc(root / math.sqrt(2))
    term = math.sqrt(2 / math.pi) * math.exp(-half) * root  # x^(1/2) φ-scaled; then x^(3/2)/3, x^(5/2)/15, ...
    for i in range(1, (df - 1) // 2 + 1):
        total += term
        term *= x / (2 * i + 1)
    return min(1.0, total)
