"""Shares: each published percent against votes / base, and the base the percentages imply.

KZ101 share-mismatch       a choice's votes / base x 100 is not within half a unit of its published percent
KZ102 percent-base-mismatch the percentages fit another base than election.percent_of declares
KZ103 no-common-base       the percentages fit no base, or not the declared one, beyond what outliers explain
KZ104 implied-base         (note) which base the published percentages pin down, in words

Passes: Karakat Abden, 206206 votes, 2.60 of 7940478 valid votes (2.5969 is within 0.005).
Fails:  206000 votes with 2.60 published (2.5944): 206050-206865 votes would fit.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from kzvote import fmt
from kzvote.arith import Interval, looks_rounded, round_half_up
from kzvote.checks.rule import Context, Rule
from kzvote.findings import FigureValue, Finding, Severity
from kzvote.implied import Mismatch, percent_sum_is_off
from kzvote.tally import BASE_NAMES

SHARE_MISMATCH = Rule("KZ101", "share-mismatch", Severity.ERROR, "votes do not give the published percentage")
BASE_MISMATCH = Rule("KZ102", "percent-base-mismatch", Severity.ERROR, "percentages are shares of another base")
NO_COMMON_BASE = Rule("KZ103", "no-common-base", Severity.ERROR, "percentages do not fit the declared base")
IMPLIED_BASE = Rule("KZ104", "implied-base", Severity.NOTE, "the base the published percentages imply")
RULES = (SHARE_MISMATCH, BASE_MISMATCH, NO_COMMON_BASE, IMPLIED_BASE)


def check(ctx: Context) -> Iterator[Finding]:
    analysis = ctx.base
    if not analysis.published or ctx.tally.base is None:
        return
    yield from (_mismatch(ctx, m) for m in analysis.mismatches)
    yield from _base_findings(ctx)


def _mismatch(ctx: Context, m: Mismatch) -> Finding:
    tally = ctx.tally
    votes = m.choice.votes.count
    decimals = m.percent.decimals
    base_name = BASE_NAMES[tally.base_kind]
    fit = m.fitting_votes.whole_numbers()
    fit_text = "no count fits" if fit is None else f"{fmt.whole_range(*fit)} votes would fit" if fit[1] is not None else f"{fmt.count(fit[0])} votes or more would fit"
    share_text = fmt.percent(m.share, max(decimals + 2, 4))
    message = (
        f"{m.choice.name}: {fmt.votes(votes)} {'is' if votes == 1 else 'are'} {share_text}% of {fmt.count(m.base)} {base_name}, "
        f"not {m.percent.text}% ({fmt.tolerance(decimals)})"
    )
    if not ctx.base.trusts_declared:
        message += f" — the other percentages agree on a base of {_interval_text(ctx)}"
    if m.blames_percent:
        assert m.percent_slip is not None
        message += f"; did you mean {m.percent_slip.value}% ({m.percent_slip.how})? {fmt.percent(m.share, decimals)}% would fit these votes"
    else:
        message += f"; {fit_text}"
        if m.votes_slip:
            message += f" — did you mean {fmt.count(int(m.votes_slip.value))} ({m.votes_slip.how})?"
        elif looks_rounded(votes) >= 3:
            message += f"; {fmt.count(votes)} looks rounded"
    field = "percent" if m.blames_percent else "votes"
    slip = m.percent_slip if m.blames_percent else m.votes_slip
    return SHARE_MISMATCH(
        ctx,
        message,
        m.choice.path + (field,),
        m.choice.name,
        {
            "votes": votes,
            "base": m.base,
            "base_kind": tally.base_kind,
            "share": fmt.as_number(m.share),
            "published": fmt.as_number(m.percent.value),
            "published_decimals": decimals,
            "difference": fmt.as_number(None if m.share is None else m.share - m.percent.value),
            "fit_votes_min": None if fit is None else fit[0],
            "fit_votes_max": None if fit is None else fit[1],
            "fit_percent": fmt.as_number(round_half_up(m.share, decimals)) if m.share is not None else None,
            # a number, like every figure: a percent at published_decimals, or a count
            "suggestion": (fmt.as_number(Fraction(slip.value)) if m.blames_percent else int(slip.value)) if slip else None,
        },
    )


def _interval_text(ctx: Context) -> str:
    interval = ctx.base.support
    assert interval is not None
    return fmt.base_range(interval)


def _impossible_shares(ctx: Context) -> str:
    """"C's 1 vote is 40.00% (±0.005) only of 2.4997–2.5003, …" for each published percent that
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
    figures: dict[str, FigureValue] = {k: tally.base_value(k) for k in ("valid", "cast", "registered")}
    if analysis.consensus is None:
        yield NO_COMMON_BASE(
            ctx,
            "the published percentages fit no single base: no two of them agree on what they are shares of",
            ("election", "percent_of"),
            figures=figures,
        )
        return
    interval = analysis.support
    assert interval is not None
    lo, hi = interval.whole_numbers() or (None, None)
    figures |= {"implied_base_min": lo, "implied_base_max": hi, "matches": ",".join(analysis.matching_bases) or "none", "outliers": len(analysis.outliers)}
    others = [k for k in ("valid", "cast", "registered") if k != declared and figures[k] is not None]
    not_others = " or ".join(f"{BASE_NAMES[k]} ({fmt.count(int(figures[k] or 0))})" for k in others if k not in analysis.matching_bases)
    if analysis.trusts_declared:
        message = (
            f"the published percentages are shares of {fmt.count(base)} {BASE_NAMES[declared]}: "
            f"together they pin the base to {_interval_text(ctx)}"
        )
        if analysis.mismatches:
            message += f" (all but {len(analysis.mismatches)} of them)"
        if not_others:
            message += f"; they are not shares of {not_others}"
        yield IMPLIED_BASE(ctx, message, ("election", "percent_of"), figures=figures)
        return
    corrected = analysis.corrected_valid
    if corrected is not None and not corrected.intersect(interval).empty:
        return  # the outliers' own findings explain the sum; saying it again would be a cascade
    fitting = [k for k in analysis.matching_bases if k != declared]
    if fitting and not analysis.outliers:
        other = fitting[0]
        yield BASE_MISMATCH(
            ctx,
            f"percent_of is '{declared}', but the published percentages are shares of {BASE_NAMES[other]} "
            f"({fmt.count(int(figures[other] or 0))}), not of {BASE_NAMES[declared]} ({fmt.count(base)}); set percent_of: {other}",  # type: ignore[arg-type]
            ("election", "percent_of"),
            figures=figures,
        )
        return
    if percent_sum_is_off(ctx.results):
        return  # KZ105 names the gap in the percentages, which says more
    yield NO_COMMON_BASE(
        ctx,
        _off_base_message(ctx, interval, base),
        ("candidates",) if declared == "valid" else ("election", "percent_of"),
        figures=figures,
    )


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
