"""Ballot balance: valid + invalid = ballots cast <= registered, nationally.

KZ201 ballots-unbalanced   valid votes + invalid ballots differ from ballots cast (in a region too)
KZ202 implied-invalid      (note) invalid ballots not given: ballots cast - valid votes
KZ203 valid-exceeds-cast   more valid votes than ballots cast
KZ204 cast-exceeds-registered  more ballots cast than voters registered (in a region too)
KZ205 in-boxes-exceed-cast more ballots found in the boxes than ballots cast (issued)
KZ206 ballots-not-in-boxes (note) fewer ballots in the boxes than issued: the difference

With blank ballots (counted apart, not valid) and ballots in the boxes the balance is
valid + blank + invalid = ballots in the boxes (or ballots cast when the boxes are not given).

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
IN_BOXES_EXCEED_CAST = Rule("KZ205", "in-boxes-exceed-cast", Severity.ERROR, "more ballots in the boxes than ballots cast")
NOT_IN_BOXES = Rule("KZ206", "ballots-not-in-boxes", Severity.NOTE, "ballots issued but not found in the boxes")
RULES = (UNBALANCED, IMPLIED_INVALID, VALID_EXCEEDS_CAST, CAST_EXCEEDS_REGISTERED, IN_BOXES_EXCEED_CAST, NOT_IN_BOXES)


def check(ctx: Context) -> Iterator[Finding]:
    for rule in (UNBALANCED, VALID_EXCEEDS_CAST, CAST_EXCEEDS_REGISTERED, IN_BOXES_EXCEED_CAST):
        for relation in rule.failing(ctx, "national"):
            yield rule.broken(ctx, relation, figures=_figures(ctx))
    tally, turnout = ctx.tally, ctx.results.turnout
    total = turnout.ballots_in_boxes or turnout.ballots_cast
    if total is not None and tally.invalid is not None and tally.invalid_given is None and tally.invalid >= 0:
        what = "in the boxes" if turnout.ballots_in_boxes else "cast"
        blank = f" - {fmt.count(tally.blank)} blank" if turnout.blank_ballots else ""
        yield IMPLIED_INVALID(
            ctx,
            f"invalid ballots are not given: {fmt.count(total.count)} {what} - {fmt.count(tally.valid)} valid{blank} = {fmt.count(tally.invalid)} implied invalid",
            ("turnout", "ballots_in_boxes" if turnout.ballots_in_boxes else "ballots_cast"),
            figures=_figures(ctx),
        )
    yield from not_in_boxes(ctx, turnout, ("turnout",), "")


def not_in_boxes(ctx: Context, counts: Counts, path: Path, where: str) -> Iterator[Finding]:
    """Fewer ballots in the boxes than issued is allowed (taken away, spoilt outside) and worth a note."""
    boxes, cast = counts.ballots_in_boxes, counts.ballots_cast
    if boxes is None or cast is None or boxes.count >= cast.count:
        return
    missing = cast.count - boxes.count
    yield NOT_IN_BOXES(
        ctx,
        f"{where}{fmt.count(cast.count)} ballots cast (issued), {fmt.count(boxes.count)} found in the boxes: {fmt.count(missing)} issued but not in the boxes",
        path + ("ballots_in_boxes",),
        where.rstrip(": "),
        {"ballots_cast": cast.count, "ballots_in_boxes": boxes.count, "difference": missing},
    )


def _figures(ctx: Context) -> dict[str, int | None]:
    turnout = ctx.results.turnout
    return {
        "valid": ctx.tally.valid,
        "invalid": ctx.tally.invalid,
        "ballots_cast": turnout.ballots_cast.count if turnout.ballots_cast else None,
        "registered": turnout.registered.count if turnout.registered else None,
    }
