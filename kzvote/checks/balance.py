"""Ballot balance: valid + invalid = ballots cast <= registered, nationally and in every region.

KZ201 ballots-unbalanced   valid votes + invalid ballots differ from ballots cast
KZ202 implied-invalid      (note) invalid ballots not given: ballots cast - valid votes
KZ203 valid-exceeds-cast   more valid votes than ballots cast
KZ204 cast-exceeds-registered  more ballots cast than voters registered

Passes: 7940478 valid + 359568 invalid = 8300046 cast <= 11953465 registered.
Fails:  invalid_ballots: 359000 with the same counts (568 ballots unaccounted for).
"""

from __future__ import annotations

from collections.abc import Iterator

from kzvote import fmt
from kzvote.checks.rule import Context, Rule
from kzvote.findings import Finding, Severity
from kzvote.model import Counts, Path

UNBALANCED = Rule("KZ201", "ballots-unbalanced", Severity.ERROR, "valid + invalid differ from ballots cast")
IMPLIED_INVALID = Rule("KZ202", "implied-invalid", Severity.NOTE, "invalid ballots derived from the other counts")
VALID_EXCEEDS_CAST = Rule("KZ203", "valid-exceeds-cast", Severity.ERROR, "more valid votes than ballots cast")
CAST_EXCEEDS_REGISTERED = Rule("KZ204", "cast-exceeds-registered", Severity.ERROR, "more ballots cast than registered voters")
RULES = (UNBALANCED, IMPLIED_INVALID, VALID_EXCEEDS_CAST, CAST_EXCEEDS_REGISTERED)


def check(ctx: Context) -> Iterator[Finding]:
    tally, turnout = ctx.tally, ctx.results.turnout
    cast = turnout.ballots_cast.count if turnout.ballots_cast else None
    yield from cast_within_registered(ctx, turnout, ("turnout",), "")
    if cast is None:
        return
    # A count already flagged with a one-keystroke fix explains the imbalance it causes.
    valid = tally.valid
    explained = ctx.base.corrected_valid
    figures = {"valid": valid, "invalid": tally.invalid, "ballots_cast": cast}
    if tally.invalid_given is not None:
        if valid + tally.invalid_given != cast and (explained is None or cast - tally.invalid_given not in explained):
            difference = valid + tally.invalid_given - cast
            yield UNBALANCED(
                ctx,
                f"{fmt.count(valid)} valid votes + {fmt.count(tally.invalid_given)} invalid ballots = "
                f"{fmt.count(valid + tally.invalid_given)}, but {fmt.count(cast)} ballots were cast ({difference:+,})",
                ("turnout", "invalid_ballots"),
                figures=figures | {"difference": difference},
            )
    elif valid > cast and (explained is None or explained.lo > cast):
        yield VALID_EXCEEDS_CAST(
            ctx,
            f"{fmt.count(valid)} valid votes (all choices) exceed the {fmt.count(cast)} ballots cast by {fmt.count(valid - cast)}",
            ("turnout", "ballots_cast"),
            figures=figures,
        )
    elif valid <= cast:
        yield IMPLIED_INVALID(
            ctx,
            f"invalid ballots are not given: {fmt.count(cast)} cast - {fmt.count(valid)} valid = {fmt.count(cast - valid)} implied invalid",
            ("turnout", "ballots_cast"),
            figures=figures,
        )


def cast_within_registered(ctx: Context, counts: Counts, path: Path, where: str) -> Iterator[Finding]:
    if counts.ballots_cast is None or counts.registered is None:
        return
    cast, registered = counts.ballots_cast.count, counts.registered.count
    if cast > registered:
        yield CAST_EXCEEDS_REGISTERED(
            ctx,
            f"{where}{fmt.count(cast)} ballots cast exceed the {fmt.count(registered)} registered voters by {fmt.count(cast - registered)}",
            path + ("ballots_cast",),
            subject=where.rstrip(": "),
            figures={"ballots_cast": cast, "registered": registered},
        )
