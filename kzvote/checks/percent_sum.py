"""Sum of published percentages: with shares of valid votes they must add up to 100.

KZ105 percent-sum  the published percentages of all choices add up to more than n x h away from 100

Runs only when the base is valid votes, every choice has a percent, and no single share is already
flagged (a wrong percent moves the sum too; that is one problem, not two).

Passes: 81.31 + 3.42 + 2.60 + 2.53 + 2.22 + 2.12 + 5.8 = 100.00, tolerance 6 x 0.005 + 0.05.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from kzvote.arith import format_fixed, half_unit
from kzvote.checks.rule import Context, Rule
from kzvote.findings import Finding, Severity

PERCENT_SUM = Rule("KZ105", "percent-sum", Severity.ERROR, "published percentages do not add up to 100")
RULES = (PERCENT_SUM,)


def check(ctx: Context) -> Iterator[Finding]:
    choices = ctx.results.choices
    if ctx.tally.base_kind != "valid" or any(c.percent is None for c in choices) or ctx.base.mismatches:
        return
    total = sum((c.percent.value for c in choices), Fraction(0))  # type: ignore[union-attr]
    tolerance = sum((half_unit(c.percent.decimals) for c in choices), Fraction(0))  # type: ignore[union-attr]
    if abs(total - 100) <= tolerance:
        return
    decimals = max(c.percent.decimals for c in choices)  # type: ignore[union-attr]
    yield PERCENT_SUM(
        ctx,
        f"the published percentages add up to {format_fixed(total, decimals)}, not 100 (allowed ±{format_fixed(tolerance, decimals + 1)} for rounding)",
        ("candidates",),
        figures={"sum": float(total), "tolerance": float(tolerance), "choices": len(choices)},
    )
