"""Turnout: ballots cast / registered x 100 against the published turnout, at its precision.

KZ301 turnout-mismatch  the published turnout_percent does not round from ballots_cast / registered

Passes: 8300046 / 11953465 = 69.4363%, published 69.44 (±0.005).
Fails:  turnout_percent: 69.5 with the same counts.
"""

from __future__ import annotations

from collections.abc import Iterator

from kzvote import fmt
from kzvote.checks.rule import Context, Rule
from kzvote.findings import Finding, Severity
from kzvote.relations import Ratio

TURNOUT_MISMATCH = Rule("KZ301", "turnout-mismatch", Severity.ERROR, "published turnout does not match the counts")
RULES = (TURNOUT_MISMATCH,)


def check(ctx: Context) -> Iterator[Finding]:
    system = ctx.analysis.system
    for scope in ("national", "regions"):
        for ratio in TURNOUT_MISMATCH.failing(ctx, scope):
            assert isinstance(ratio, Ratio)
            fitting = system.fit(ratio, ratio.part).whole_numbers()
            fit_text = f"; {fmt.whole_range(*fitting)} ballots cast would fit" if fitting and fitting[1] is not None else ""
            yield TURNOUT_MISMATCH.broken(
                ctx,
                ratio,
                fit_text,
                {  # beside the relation's own figures (System.figures)
                    "fit_ballots_cast_min": fitting[0] if fitting else None,
                    "fit_ballots_cast_max": fitting[1] if fitting else None,
                },
            )
