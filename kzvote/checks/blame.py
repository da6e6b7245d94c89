"""Blame: one finding per group of failing relations, on the figure that explains the group.

Attribution (kzvote.attribution) decides; this module only words it. The finding takes the code
of the relation the figure breaks first (a share: KZ101, a turnout: KZ301, ...), stands on the
blamed figure, and says what would fit. When several figures explain the group equally well, one
finding stands on the first failing relation and names them all. Either way the finding *blames*
those figures, so every other warning or error resting on them is explained, and not repeated
(kzvote.checks.resolve).
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from kzvote import fmt
from kzvote.arith import looks_rounded
from kzvote.attribution import MAX_LISTED, MAX_NAMED, Explanation, Fix
from kzvote.checks import balance, regions, shares, turnout
from kzvote.checks.rule import Context, Rule
from kzvote.findings import FigureValue, Finding, format_path
from kzvote.relations import Relation, System

RULES: tuple[Rule, ...] = ()  # it speaks in the words of the relations' own rules
RELATION_RULES = {rule.code: rule for module in (shares, balance, turnout, regions) for rule in module.RULES}


def check(ctx: Context) -> Iterator[Finding]:
    for explanation in ctx.analysis.explanations:
        if explanation.joint:
            yield _joint(ctx, explanation)
        elif len(explanation.fixes) == 1:
            yield _exact(ctx, explanation, explanation.fixes[0])
        elif explanation.fixes:
            yield _ambiguous(ctx, explanation)


def _primary(system: System, explanation: Explanation, fix: Fix | None = None) -> Relation:
    """The relation to speak of: the first (in rule order) that reads the figure itself."""
    if fix is not None:
        for relation in explanation.relations:
            if fix.path in system.direct(relation):
                return relation
    return explanation.relations[0]


def _what_fails(system: System, explanation: Explanation, primary: Relation) -> str:
    """The primary relation in words; a second of another kind too (a wrong ballots cast breaks
    the balance and the turnout); the rest named by whom they are about."""
    others = [r for r in explanation.relations if r is not primary]
    text = system.describe(primary)
    if others and others[0].code != primary.code:
        text += "; and " + system.describe(others[0])
        others = others[1:]
    if others:
        whom = [system.short(r) for r in others]
        listed = fmt.names(whom) if len(whom) <= 4 else ", ".join(whom[:4]) + f" and {fmt.count(len(whom) - 4)} more"
        text += f" ({fmt.count(len(others))} more fail with it: {listed})"
    return text


def _shown(fix: Fix, text: str) -> str:
    return f"{text}%" if fix.quantity.is_percent else fmt.count(int(text))


def _alternatives(fix: Fix) -> str:
    """What would fit, in words: the single keystroke, several, or a range."""
    if fix.suggestion and fix.quantity.is_percent:
        text, how = fix.suggestion
        return f"did you mean {_shown(fix, text)} ({how})?"
    fits = f"{_fitting(fix)} would fit"
    if not fix.quantity.is_percent and _looks_rounded(fix.quantity.figure.count, fix.whole_fit):
        fits += f" ({fmt.count(fix.quantity.figure.count)} looks rounded)"
    if fix.suggestion:
        text, how = fix.suggestion
        return f"{fits} — did you mean {_shown(fix, text)} ({how})?"
    options = fix.distinct_keystrokes
    if not options:
        return fits
    listed = " or ".join(_shown(fix, t) for t, _ in options[:3])
    more = f" (and {len(options) - 3} more)" if len(options) > 3 else ""
    return f"{fits}; one keystroke away, {listed}{more}"


def _looks_rounded(written: int, fitting: tuple[int, int | None]) -> bool:
    """Trailing zeros, and what would fit lies within the rounding they suggest: 206,000 for
    206,052–206,682 looks rounded; 90,000 for 9,000 is a digit too many, not rounding."""
    zeros = looks_rounded(written)
    if zeros < 3:
        return False
    lo, hi = fitting
    nearest = lo if written < lo else hi if hi is not None and written > hi else written
    return abs(nearest - written) < 10**zeros


def _fix_figures(fix: Fix) -> dict[str, FigureValue]:
    """The blamed figure, what would fit it (fit_<field>_min/max for a count, fit_percent for a
    percent), and the suggestion as a number."""
    figures: dict[str, FigureValue] = {"blamed": format_path(fix.path)}
    suggestion = fix.suggestion
    if fix.quantity.is_percent:
        figures["fit_percent"] = fmt.as_number(Fraction(fix.fitting_percent)) if fix.fitting_percent else None
        figures["suggestion"] = fmt.as_number(Fraction(suggestion[0])) if suggestion else None
    else:
        field = "votes" if fix.path[-2:-1] == ("votes",) or fix.path[-1] == "votes" else str(fix.path[-1])
        figures[f"fit_{field}_min"], figures[f"fit_{field}_max"] = fix.whole_fit
        figures["suggestion"] = int(suggestion[0]) if suggestion else None
    return figures


def _exact(ctx: Context, explanation: Explanation, fix: Fix) -> Finding:
    system = ctx.analysis.system
    primary = _primary(system, explanation, fix)
    message = _what_fails(system, explanation, primary)
    window = system.sum_window(fix.path) if len(explanation.relations) > 1 else None
    if explanation.base_window is not None:
        message += f" — the other percentages agree on a base of {fmt.base_range(explanation.base_window)}"
    elif window is not None and not window[1].empty:
        message += f" — the other figures put {window[0].name} at {fmt.base_range(window[1])}"
    if fix.path != primary.where:
        message += f"; the one figure that fixes this alone is {fix.quantity.label}, {_shown(fix, fix.quantity.figure.text)}"
    message += f": {_alternatives(fix)}" if fix.path != primary.where else f"; {_alternatives(fix)}"
    message += _or_rounding(ctx, explanation)
    rule = RELATION_RULES[primary.code]
    own = fix.path in system.direct(primary)  # the relation's figures are about the blamed one
    figures = (
        system.figures(primary)
        if own
        else {"written": fix.quantity.figure.count if not fix.quantity.is_percent else fmt.as_number(Fraction(fix.quantity.figure.text))}
    ) | _fix_figures(fix)
    subject = fix.quantity.subject if fix.quantity.subject or not own else primary.subject
    return rule(ctx, message, fix.path, subject, figures, rests_on=system.rests_on(primary), blames=(fix.path,))


def _ambiguous(ctx: Context, explanation: Explanation) -> Finding:
    system = ctx.analysis.system
    primary = _primary(system, explanation)
    fixes = explanation.fixes
    how = "one slip in" if explanation.by_keystroke else "a new value of"
    listed = "; ".join(f"{f.quantity.label} ({format_path(f.path)}) {_shown(f, f.quantity.figure.text)} → {_would_fit(f)}" for f in fixes[:MAX_LISTED])
    named = ", ".join(format_path(f.path) for f in fixes[MAX_LISTED:MAX_NAMED])
    more = f"; or {named}" if named else ""
    if len(fixes) > MAX_NAMED:
        more += f" and {len(fixes) - MAX_NAMED} more (all in the finding's suspects)"
    message = f"{_what_fails(system, explanation, primary)}; {how} any one of {fmt.count(len(fixes))} figures would explain it, and the arithmetic cannot tell which: {listed}{more}"
    message += _or_rounding(ctx, explanation)
    figures: dict[str, FigureValue] = system.figures(primary) | {"suspects": [format_path(f.path) for f in fixes], "suggestion": None}
    rule = RELATION_RULES[primary.code]
    return rule(ctx, message, primary.where, primary.subject, figures, rests_on=system.rests_on(primary), blames=tuple(f.path for f in fixes))


def _or_rounding(ctx: Context, explanation: Explanation) -> str:
    """One failing percent that the other rounding rule would also explain: said, not picked."""
    if not explanation.or_rounding:
        return ""
    other = "rounded to the nearest" if ctx.analysis.system.truncate else "truncated (cut)"
    return f" — or the percentages are {other}: every one of them fits that way (election.rounding)"


def _joint(ctx: Context, explanation: Explanation) -> Finding:
    """A count and its own percent, both off: they agree with each other, not with the rest."""
    system = ctx.analysis.system
    count, percent = explanation.fixes
    subject = count.quantity.subject
    assert explanation.base_window is not None
    needed = count.whole_fit
    message = (
        f"{subject}: {fmt.votes(count.quantity.figure.count)} and {percent.quantity.figure.text}% agree with each other but not with "
        f"the other percentages, which agree on a base of {fmt.base_range(explanation.base_window)} ({_what_fails(system, explanation, explanation.relations[0])}); "
        f"that base needs {fmt.whole_range(*needed)} votes for {subject}"  # type: ignore[arg-type]
    )
    if count.suggestion:
        message += f" — did you mean {_shown(count, count.suggestion[0])} ({count.suggestion[1]})?"
    message += f" — and then the percent would be {percent.fitting_percent}%, not {percent.quantity.figure.text}%: both figures are wrong"
    figures = system.figures(system.ratio_of(percent.path)) | _fix_figures(count)
    figures |= {"blamed_too": format_path(percent.path), "fit_percent": fmt.as_number(Fraction(percent.fitting_percent or "0"))}
    rule = RELATION_RULES["KZ101"]
    return rule(ctx, message, count.path, subject, figures, rests_on=system.rests_on(explanation.relations[0]), blames=(count.path, percent.path))


def _would_fit(fix: Fix) -> str:
    """The one correction, or what would fit: "6,459,393", "81.31%", "167,925–168,230"."""
    if fix.suggestion:
        return _shown(fix, fix.suggestion[0])
    if 1 < len(fix.distinct_keystrokes) <= 3:
        return " or ".join(_shown(fix, t) for t, _ in fix.distinct_keystrokes)
    return _fitting(fix)


def _fitting(fix: Fix) -> str:
    """What would fit, as a value or a range: "81.31%", "167,925–168,230", "5 or more"."""
    if fix.quantity.is_percent:
        return f"{fix.fitting_percent}%"
    lo, hi = fix.whole_fit
    return fmt.whole_range(lo, hi) if hi is not None else f"{fmt.count(lo)} or more"
