"""Shares: each published percent against votes / base, and the base the percentages imply.

KZ101 share-mismatch       a choice's votes / base x 100 is not within half a unit of its published percent
KZ102 percent-base-mismatch the percentages fit another base than election.percent_of declares
KZ103 no-common-base       the percentages all agree on a base the declared one is not (and no one figure explains it)
KZ104 implied-base         (note) which base the published percentages pin down, in words

Passes: Karakat Abden, 206206 votes, 2.60 of 7940478 valid votes (2.5969 is within 0.005).
Fails:  206000 votes with 2.60 published (2.5944): 206050-206865 votes would fit.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from kzvote import fmt
from kzvote.arith import Interval, looks_rounded, shorten
from kzvote.checks.rule import Context, Rule
from kzvote.findings import FigureValue, Finding, Severity
from kzvote.implied import percent_sum_is_off
from kzvote.relations import Ratio
from kzvote.schema import BASE_NAMES

SHARE_MISMATCH = Rule("KZ101", "share-mismatch", Severity.ERROR, "votes do not give the published percentage")
BASE_MISMATCH = Rule("KZ102", "percent-base-mismatch", Severity.ERROR, "percentages are shares of another base")
NO_COMMON_BASE = Rule("KZ103", "no-common-base", Severity.ERROR, "percentages do not fit the declared base")
IMPLIED_BASE = Rule("KZ104", "implied-base", Severity.NOTE, "the base the published percentages imply")
RULES = (SHARE_MISMATCH, BASE_MISMATCH, NO_COMMON_BASE, IMPLIED_BASE)


def check(ctx: Context) -> Iterator[Finding]:
    analysis = ctx.base
    if not analysis.published or ctx.tally.base is None:
        return
    for relation in SHARE_MISMATCH.failing(ctx, "national"):
        assert isinstance(relation, Ratio)
        yield _mismatch(ctx, relation)
    yield from _base_findings(ctx)


def _mismatch(ctx: Context, ratio: Ratio) -> Finding:
    """A share that does not fit, in its own words, with the counts that would fit it."""
    system = ctx.analysis.system
    votes = system.value(ratio.part)
    published = system.percent(ratio.percent)
    decimals = published.decimals
    computed = system.share(ratio)
    fitting = system.fit(ratio, ratio.part).whole_numbers()
    if fitting is not None and fitting[0] <= votes and (fitting[1] is None or votes <= fitting[1]):
        fit_text = ""  # the count itself would do: nothing to suggest about it
    elif fitting is None:
        fit_text = "; no count fits"
    elif fitting[1] is None:
        fit_text = f"; {fmt.count(fitting[0])} votes or more would fit"
    else:
        fit_text = f"; {fmt.whole_range(*fitting)} votes would fit"
        if looks_rounded(votes) >= 3:
            fit_text += f" ({fmt.count(votes)} looks rounded)"
    return SHARE_MISMATCH.broken(
        ctx,
        ratio,
        fit_text,
        {  # beside the relation's own figures (System.figures)
            "base_kind": ctx.tally.base_kind,
            "fit_votes_min": None if fitting is None else fitting[0],
            "fit_votes_max": None if fitting is None else fitting[1],
            "fit_percent": fmt.as_number(Fraction(shorten(computed, decimals, system.truncate))) if computed is not None else None,
        },
    )


def _interval_text(ctx: Context) -> str:
    interval = ctx.base.support
    assert interval is not None
    return fmt.base_range(interval)


def _impossible_shares(ctx: Context) -> str:
    """ "C's 1 vote is 40.00% (±0.005) only of 2.4997–2.5003, …" for each published percent that
    fits no whole base."""
    analysis = ctx.base
    impossible = [(c, iv) for c, iv in zip(analysis.published, analysis.intervals) if not iv.empty and iv.whole_numbers() is None]
    return "; ".join(
        f"{c.name}'s {fmt.votes(c.votes.count)} {'is' if c.votes.count == 1 else 'are'} {c.percent.text}% ({fmt.tolerance(c.percent.decimals)}) only of {fmt.base_range(iv)}"  # type: ignore[union-attr]
        for c, iv in impossible
    )


def _base_findings(ctx: Context) -> Iterator[Finding]:
    analysis, tally = ctx.base, ctx.tally
    declared = tally.base_kind
    base = tally.base
    assert base is not None
    interval = analysis.support
    if interval is None:
        return  # no two percentages agree: the shares that fail say so one by one
    values = {k: tally.base_value(k) for k in tally.distinct_bases}
    figures: dict[str, FigureValue] = dict(values)
    lo, hi = interval.whole_numbers() or (None, None)
    figures |= {"implied_base_min": lo, "implied_base_max": hi, "matches": ",".join(analysis.matching_bases) or "none", "outliers": len(analysis.outliers)}
    if analysis.declared_fits:
        others = [k for k in tally.distinct_bases if k != declared and values[k] is not None]
        not_others = " or ".join(f"{BASE_NAMES[k]} ({fmt.count(values[k] or 0)})" for k in others if k not in analysis.matching_bases)
        message = f"the published percentages are shares of {fmt.count(base)} {BASE_NAMES[declared]}: together they pin the base to {_interval_text(ctx)}"
        if analysis.outliers:
            message += f" (all but {len(analysis.outliers)} of them)"
        if not_others:
            message += f"; they are not shares of {not_others}"
        yield IMPLIED_BASE(ctx, message, ("election", "percent_of"), figures=figures)
        return
    said = {e.shares for e in ctx.analysis.explanations}
    if "other-base" in said:
        other = next(k for k in analysis.matching_bases if k != declared)
        yield BASE_MISMATCH(
            ctx,
            f"percent_of is '{declared}', but the published percentages are shares of {BASE_NAMES[other]} "
            f"({fmt.count(values[other] or 0)}), not of {BASE_NAMES[declared]} ({fmt.count(base)}); set percent_of: {other}",
            ("election", "percent_of"),
            figures=figures,
            blames=(("election", "percent_of"),),
        )
    elif "base-off" in said and not percent_sum_is_off(ctx.results):  # else KZ105 names the gap, which says more
        at = ("candidates",) if declared == "valid" else ("election", "percent_of")
        yield NO_COMMON_BASE(ctx, _off_base_message(ctx, interval, base), at, figures=figures, blames=(at,))


def _off_base_message(ctx: Context, interval: Interval, base: int) -> str:
    """Where the published percentages put the base, against the declared one, and the likeliest fix."""
    tally = ctx.tally
    declared = tally.base_kind
    whole = interval.whole_numbers()
    misfits = ctx.base.misfits_at_declared
    fixes = " and ".join(f"{c.name}'s {c.percent.text}% should be {fmt.percent(tally.share(c), c.percent.decimals)}%" for c in misfits)  # type: ignore[union-attr]
    if whole is None:
        # no base at all fits, so no missing choice can explain it: a figure is wrong
        why = _impossible_shares(ctx) or f"together they allow only {fmt.base_range(interval)}"
        fix = fixes if 0 < len(misfits) <= 2 else "a count or a percent is wrong"
        return f"the published percentages fit no whole-number base — {why} — so they are not shares of the {fmt.count(base)} {BASE_NAMES[declared]}: {fix}"
    lo, hi = whole
    gap = f" ({fmt.count(lo - base)} short)" if base < lo else f" ({fmt.count(base - hi)} too many)" if hi is not None else ""
    if declared == "valid":
        hint = "a choice may be missing or a count is wrong"
        if 0 < len(misfits) <= 2:
            hint += f" — or, if the sum is right, {fixes}"
    else:
        hint = "check percent_of and the turnout figures"
    return f"the published percentages agree on a base of {fmt.base_range(interval)}, but {BASE_NAMES[declared]} are {fmt.count(base)}{gap}: {hint}"
