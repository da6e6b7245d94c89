"""Rounding: the rule the commission used to shorten its percentages.

KZ106 rounding-mismatch  the percentages fail under election.rounding but every one fits the other rule

A percentage p with d decimals claims [p - h, p + h] when rounded to the nearest (the default) and
[p, p + 10^-d) when truncated. Ukraine's CEC cut its shares: 13,541,528 / 18,491,840 = 73.2296%
was published as 73.22, which rounding to the nearest would have made 73.23. One finding names the
rule and the line to add, instead of blaming the base or each candidate.
"""

from __future__ import annotations

from collections.abc import Iterator

from kzvote import fmt
from kzvote.checks.rule import Context, Rule
from kzvote.findings import Finding, Severity
from kzvote.relations import Ratio

ROUNDING_MISMATCH = Rule("KZ106", "rounding-mismatch", Severity.ERROR, "the percentages follow the other rounding rule")
RULES = (ROUNDING_MISMATCH,)


def check(ctx: Context) -> Iterator[Finding]:
    analysis = ctx.analysis
    if not any(e.shares == "rounding" for e in analysis.explanations):
        return
    system = analysis.system
    failing = [r for r in system.violated if isinstance(r, Ratio)]
    worked = "; ".join(
        f"{fmt.count(system.value(r.part))} / {fmt.count(system.value(r.whole))} = {fmt.percent(system.share(r))}%, published {system.percent(r.percent).text}"
        for r in failing[:2]
    )
    written = ("election", "rounding") in ctx.results.positions
    if system.truncate:
        rule, fix = "rounded to the nearest, not truncated", "set rounding: nearest (or remove the line)"
    else:
        rule, fix = "truncated (cut), not rounded to the nearest", "set rounding: truncate" if written else "add rounding: truncate to election"
    yield ROUNDING_MISMATCH(
        ctx,
        f"the published percentages are {rule}: {worked} — every one of them fits that way; {fix}",
        ("election", "rounding"),
        figures={"declared": "truncate" if system.truncate else "nearest", "fits": "nearest" if system.truncate else "truncate", "failing": len(failing)},
        blames=(("election", "rounding"),),
    )
