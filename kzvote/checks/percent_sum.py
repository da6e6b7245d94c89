"""Sum of published percentages: with shares of valid votes they must add up to 100.

KZ105 percent-sum  the published percentages of all choices add up to more than n x h away from 100

Runs when the base is valid votes and every choice has a percent. When the shares all fit their
counts this cannot fail, so it speaks when they do not: a sum of 97.78 says "a choice of about 2.22%
is missing" more plainly than the base does (KZ103 then stays quiet). A percent that attribution
finds wrong moved the sum too, and explains this finding.

Passes: 81.31 + 3.42 + 2.60 + 2.53 + 2.22 + 2.12 + 5.8 = 100.00, tolerance 6 x 0.005 + 0.05.
"""

from __future__ import annotations

from collections.abc import Iterator

from kzvote.arith import format_fixed
from kzvote.checks.rule import Context, Rule
from kzvote.findings import Finding, Severity
from kzvote.implied import percent_sum_is_off, published_sum

PERCENT_SUM = Rule("KZ105", "percent-sum", Severity.ERROR, "published percentages do not add up to 100")
RULES = (PERCENT_SUM,)


def check(ctx: Context) -> Iterator[Finding]:
    if not percent_sum_is_off(ctx.results):
        return
    # When every share agrees on a base beyond the declared one, the gap is the explanation; else a
    # wrong percent that attribution finds explains this finding, which rests on every percent.
    explains = any(e.shares == "base-off" for e in ctx.analysis.explanations)
    total, tolerance = published_sum(ctx.results)  # type: ignore[misc]
    decimals = max(c.percent.decimals for c in ctx.results.choices)  # type: ignore[union-attr]
    gap = 100 - total
    hint = f"; a choice of about {format_fixed(gap, decimals)}% may be missing" if gap > 0 else ""
    yield PERCENT_SUM(
        ctx,
        f"the published percentages add up to {format_fixed(total, decimals)}, not 100 (±{format_fixed(tolerance, decimals + 1)} for rounding){hint}",
        ("candidates",),
        figures={"sum": float(total), "tolerance": float(tolerance), "choices": len(ctx.results.choices)},
        rests_on=(("candidates", "*", "percent"), ("against_all", "percent"), ("election", "percent_of"), ("election", "rounding")),
        blames=(("candidates",),) if explains else (),
    )
