"""Ballot balance: valid + invalid = ballots cast <= registered, nationally.

KZ201 ballots-unbalanced   valid votes + invalid ballots differ from ballots cast (in a region too)
KZ202 implied-invalid      (note) invalid ballots not given: ballots cast - valid votes
KZ203 valid-exceeds-cast   more valid votes than ballots cast
KZ204 cast-exceeds-registered  more ballots cast than voters registered (in a region too)

Passes: 7940478 valid + 359568 invalid = 8300046 cast <= 11953465 registered.
Fails:  invalid_ballots: 359000 with the same counts (568 ballots unaccounted for).
"""

from __future__ import annotations

from collections.abc import Iterator

from kzvote import fmt
from kzvote.checks.rule import Context, Rule
from kzvote.findings import Finding, Severity

UNBALANCED = Rule("KZ201", "ballots-unbalanced", Severity.ERROR, "valid + invalid differ from ballots cast")
IMPLIED_INVALID = Rule("KZ202", "implied-invalid", Severity.NOTE, "invalid ballots derived from the other counts")
VALID_EXCEEDS_CAST = Rule("KZ203", "valid-exceeds-cast", Severity.ERROR, "more valid votes than ballots cast")
CAST_EXCEEDS_REGISTERED = Rule("KZ204", "cast-exceeds-registered", Severity.ERROR, "more ballots cast than registered voters")
RULES = (UNBALANCED, IMPLIED_INVALID, VALID_EXCEEDS_CAST, CAST_EXCEEDS_REGISTERED)


def check(ctx: Context) -> Iterator[Finding]:
    for rule in (UNBALANCED, VALID_EXCEEDS_CAST, CAST_EXCEEDS_REGISTERED):
        for relation in rule.failing(ctx, "national"):
            yield rule.broken(ctx, relation, figures=_figures(ctx))
    tally, cast = ctx.tally, ctx.results.turnout.ballots_cast
    if cast is not None and tally.invalid_given is None and tally.valid <= cast.count:
        yield IMPLIED_INVALID(
            ctx,
            f"invalid ballots are not given: {fmt.count(cast.count)} cast - {fmt.count(tally.valid)} valid = {fmt.count(cast.count - tally.valid)} implied invalid",
            ("turnout", "ballots_cast"),
            figures=_figures(ctx),
        )


def _figures(ctx: Context) -> dict[str, int | None]:
    turnout = ctx.results.turnout
    return {
        "valid": ctx.tally.valid,
        "invalid": ctx.tally.invalid,
        "ballots_cast": turnout.ballots_cast.count if turnout.ballots_cast else None,
        "registered": turnout.registered.count if turnout.registered else None,
    }
