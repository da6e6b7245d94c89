"""Turnout: ballots cast / registered x 100 against the published turnout, at its precision.

KZ301 turnout-mismatch  the published turnout_percent does not round from ballots_cast / registered

Passes: 8300046 / 11953465 = 69.4363%, published 69.44 (±0.005).
Fails:  turnout_percent: 69.5 with the same counts.
"""

from __future__ import annotations

from collections.abc import Iterator

from kzvote import fmt
from kzvote.arith import agrees, votes_fitting_fixed_base
from kzvote.checks.rule import Context, Rule
from kzvote.findings import Finding, Severity
from kzvote.model import Counts, Path
from kzvote.tally import turnout_share

TURNOUT_MISMATCH = Rule("KZ301", "turnout-mismatch", Severity.ERROR, "published turnout does not match the counts")
RULES = (TURNOUT_MISMATCH,)


def check(ctx: Context) -> Iterator[Finding]:
    yield from turnout_agrees(ctx, ctx.results.turnout, ("turnout",), "")
    for region in ctx.results.regions:
        yield from turnout_agrees(ctx, region.counts, region.path, f"{region.name}: ")


def turnout_agrees(ctx: Context, counts: Counts, path: Path, where: str) -> Iterator[Finding]:
    published = counts.turnout_percent
    computed = turnout_share(counts)
    if published is None or computed is None or counts.registered is None or counts.ballots_cast is None:
        return
    if agrees(computed, published.value, published.decimals):  # type: ignore[arg-type]
        return
    if counts.ballots_cast.count > counts.registered.count:
        return  # over 100%: KZ204 says so about the counts; the percent cannot fit either
    fitting = votes_fitting_fixed_base(counts.registered.count, published.value, published.decimals).whole_numbers()  # type: ignore[arg-type]
    fit_text = f"; {fmt.whole_range(*fitting)} ballots cast would fit" if fitting and fitting[1] is not None else ""
    yield TURNOUT_MISMATCH(
        ctx,
        f"{where}turnout is {fmt.count(counts.ballots_cast.count)} / {fmt.count(counts.registered.count)} = "
        f"{fmt.percent(computed)}%, not {published.text}% ({fmt.tolerance(published.decimals)}){fit_text}",
        path + ("turnout_percent",),
        subject=where.rstrip(": "),
        figures={
            "ballots_cast": counts.ballots_cast.count,
            "registered": counts.registered.count,
            "turnout": fmt.as_number(computed),
            "published": fmt.as_number(published.value),  # type: ignore[arg-type]
            "published_decimals": published.decimals,
            "fit_ballots_cast_min": fitting[0] if fitting else None,
            "fit_ballots_cast_max": fitting[1] if fitting else None,
        },
    )
