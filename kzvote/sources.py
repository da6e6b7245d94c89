"""Cross-check what outlets reported against the official figures, and against themselves.

KZ601 source-differs        (warning) a reported figure differs from the official one
KZ602 source-inconsistent   (warning) a source's own counts and percentages contradict each other
KZ603 source-no-base        (warning) a source's percentages agree with each other but fit no base
KZ604 earlier-stage-differs (note) an exit-poll or preliminary figure differs from the final one

Outlets misprint; the official file is not wrong because of it, so none of these is an error. A
count that differs by one keystroke (300,907 for 200,907) or that is the official one rounded
(206,000 for 206,206) is said to be so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from kzvote import fmt
from kzvote.arith import Interval, Precision, consensus, format_fixed, one_digit_edits, round_half_up, unique_slip
from kzvote.checks.rule import Context, Rule
from kzvote.findings import Finding, Severity
from kzvote.model import Counts, Figure, Path, Results, Source
from kzvote.schema import BASE_NAMES
from kzvote.tally import Tally, turnout_share

DIFFERS = Rule("KZ601", "source-differs", Severity.WARNING, "a reported figure differs from the official one")
INCONSISTENT = Rule("KZ602", "source-inconsistent", Severity.WARNING, "a source contradicts itself")
NO_BASE = Rule("KZ603", "source-no-base", Severity.WARNING, "a source's percentages fit no base")
EARLIER_STAGE = Rule("KZ604", "earlier-stage-differs", Severity.NOTE, "an earlier-stage figure differs from the final one")
RULES = (DIFFERS, INCONSISTENT, NO_BASE, EARLIER_STAGE)

COUNT_FIELDS = ("registered", "ballots_cast", "invalid_ballots", "polling_stations")
AGREES, DIFFERS_STATUS, NOT_REPORTED = "agrees", "differs", "not reported"


@dataclass(frozen=True)
class Comparison:
    """One figure as one source reported it, against the official value."""

    source: Source
    reported: Figure | None
    status: str  # agrees | differs | not reported
    path: Path  # where the reported figure stands: sources[7].reported.candidates.<spelling>.votes
    difference: Fraction | int | None = None
    remark: str = ""


@dataclass(frozen=True)
class FigureRow:
    key: str  # stable: "choices.Meiram Kazhyken.votes"
    label: str  # "Meiram Kazhyken: votes"
    phrase: str  # "Meiram Kazhyken's votes", for sentences
    kind: str  # count | percent
    official: Figure | None  # as published in the official file
    official_exact: Fraction | int | None  # what a reported figure is compared with
    comparisons: tuple[Comparison, ...]


@dataclass
class SourceSummary:
    source: Source
    reported: int = 0
    differing: int = 0
    consistent: bool | None = None  # None: too few figures to tell


@dataclass(frozen=True)
class CrossCheck:
    results: Results
    rows: tuple[FigureRow, ...]
    summaries: tuple[SourceSummary, ...]
    findings: list[Finding] = field(default_factory=list)


def ordered_sources(results: Results) -> tuple[Source, ...]:
    # By the wall-clock time as written, any UTC offset set aside: a time without an offset has no
    # zone to convert from, and the outlets of one election print local time (an offset, when
    # given, is that zone's), so the written times share one footing. Mixing naive and aware
    # datetimes would not compare at all.
    return tuple(sorted(results.sources, key=lambda s: s.published.replace(tzinfo=None)))


def cross_check(results: Results) -> CrossCheck:
    ctx = Context(results)
    sources = ordered_sources(results)
    rows = tuple(_rows(ctx, sources))
    summaries = {s.id: SourceSummary(s) for s in sources}
    findings: list[Finding] = []
    for row in rows:
        for comparison in row.comparisons:
            if comparison.status == NOT_REPORTED:
                continue
            summary = summaries[comparison.source.id]
            summary.reported += 1
            if comparison.status == DIFFERS_STATUS:
                summary.differing += 1
                findings.append(_differs(ctx, row, comparison))
    for source in sources:
        own = list(_self_consistency(ctx, source))
        pairs = sum(1 for c in source.choices.values() if c.votes and c.percent)
        turnouts = [c for c in (source.turnout, *source.regions.values()) if c.ballots_cast and c.registered and c.turnout_percent]
        if pairs or turnouts:
            summaries[source.id].consistent = not own
        findings += own
    return CrossCheck(results, rows, tuple(summaries.values()), sorted(findings, key=Finding.sort_key))


# Where a source's figure for one row is: the figure (if reported) and its path in the file.
Pick = Callable[[Source], tuple[Figure | None, Path]]


def _rows(ctx: Context, sources: tuple[Source, ...]) -> Iterator[FigureRow]:
    tally = ctx.tally
    truncate = ctx.results.election.truncates  # outlets print the commission's figures: its rule
    for choice in ctx.results.choices:
        for field_name, phrase in (("votes", "votes"), ("percent", "percentage")):
            official = choice.votes if field_name == "votes" else choice.percent
            exact = choice.votes.count if field_name == "votes" else tally.share(choice)
            label = f"{choice.name}: {'votes' if field_name == 'votes' else '%'}"
            yield _row(
                f"choices.{choice.name}.{field_name}",
                label,
                f"{choice.name}'s {phrase}",
                official,
                exact,
                sources,
                _choice_pick(choice.name, field_name),
                truncate,
            )
    yield from _counts_rows("turnout", "", ctx.results.turnout, sources, lambda s: (s.turnout, s.path + ("reported", "turnout")), truncate)
    for region in ctx.results.regions:
        yield from _counts_rows(f"regions.{region.name}", f"{region.name}: ", region.counts, sources, _region_pick(region.name), truncate)


def _choice_pick(name: str, field_name: str) -> Pick:
    def pick(source: Source) -> tuple[Figure | None, Path]:
        reported = source.choices.get(name)
        if reported is None:
            return None, ()
        return getattr(reported, field_name), reported.path + (field_name,)

    return pick


def _region_pick(name: str) -> Callable[[Source], tuple[Counts, Path]]:
    return lambda s: (s.regions.get(name, Counts()), s.path + ("reported", "regions", name))


def _counts_rows(
    key: str, prefix: str, official: Counts, sources: tuple[Source, ...], area: Callable[[Source], tuple[Counts, Path]], truncate: bool
) -> Iterator[FigureRow]:
    def field_pick(name: str) -> Pick:
        def pick(source: Source) -> tuple[Figure | None, Path]:
            counts, path = area(source)
            return getattr(counts, name), path + (name,)

        return pick

    phrase = prefix.replace(":", "")
    for name in COUNT_FIELDS:
        figure: Figure | None = getattr(official, name)
        what = name.replace("_", " ")
        yield _row(f"{key}.{name}", prefix + what, phrase + what, figure, figure.count if figure else None, sources, field_pick(name), truncate)
    yield _row(
        f"{key}.turnout_percent",
        prefix + "turnout %",
        phrase + "turnout",
        official.turnout_percent,
        turnout_share(official),
        sources,
        field_pick("turnout_percent"),
        truncate,
    )


def _row(
    key: str, label: str, phrase: str, official: Figure | None, exact: Fraction | int | None, sources: tuple[Source, ...], pick: Pick, truncate: bool
) -> FigureRow:
    kind = "percent" if key.endswith("percent") else "count"
    comparisons = tuple(_compare(kind, exact, source, *pick(source), truncate) for source in sources)
    return FigureRow(key, label, phrase, kind, official, exact, comparisons)


def _compare(kind: str, exact: Fraction | int | None, source: Source, reported: Figure | None, path: Path, truncate: bool) -> Comparison:
    if reported is None:
        return Comparison(source, None, NOT_REPORTED, path)
    if exact is None:  # nothing official to hold it against: it can only be shown
        return Comparison(source, reported, AGREES, path, remark="no official figure")
    if kind == "count":
        if reported.value == exact:
            return Comparison(source, reported, AGREES, path)
        return Comparison(source, reported, DIFFERS_STATUS, path, reported.count - exact, _count_remark(reported.count, int(exact)))
    if Precision.of(reported.text, truncate).holds(Fraction(exact)):
        return Comparison(source, reported, AGREES, path)
    return Comparison(source, reported, DIFFERS_STATUS, path, reported.value - exact, _percent_remark(reported, Fraction(exact), truncate))


def _count_remark(reported: int, official: int) -> str:
    for variant, how in one_digit_edits(reported):
        if variant == official:
            return "one digit off" if how == "one digit changed" else "two digits swapped"
    digits = len(str(reported)) - len(str(reported).rstrip("0"))
    for k in range(digits, 0, -1):
        if _round_half_up(official, 10**k) == reported:  # as printed: 2,500 -> 3,000, not Python's half-even 2,000
            return f"the official {fmt.count(official)} rounded"
    return ""


def _round_half_up(count: int, unit: int) -> int:
    return (count + unit // 2) // unit * unit


def _percent_remark(reported: Figure, official: Fraction, truncate: bool) -> str:
    d = reported.decimals
    if truncate:
        rounded = round_half_up(official, d)
        return f"the official {format_fixed(official, max(d + 2, 4))}% rounded to {d} decimals instead of cut" if rounded == reported.value else ""
    truncated = Fraction(int(official * 10**d), 10**d)
    if truncated == reported.value:
        return f"the official {format_fixed(official, max(d + 2, 4))}% cut to {d} decimals instead of rounded"
    return ""


def _differs(ctx: Context, row: FigureRow, c: Comparison) -> Finding:
    source, official_stage = c.source, ctx.results.election.stage
    earlier = source.stage is not None and source.stage != official_stage and source.stage != "final"
    rule = EARLIER_STAGE if earlier else DIFFERS
    assert c.reported is not None and row.official_exact is not None
    if row.kind == "count":
        official_text = fmt.count(int(row.official_exact))
        shown = f"{fmt.count(c.reported.count)} ({int(c.difference or 0):+,})"  # type: ignore[arg-type]
    else:
        official_text = (
            f"{row.official.text if row.official else fmt.percent(Fraction(row.official_exact), 2)}% ({fmt.percent(Fraction(row.official_exact))}% computed)"
        )
        shown = f"{c.reported.text}%"
    remark = f": {c.remark}" if c.remark else ""
    stage = f" ({source.stage} figures against the {official_stage} result)" if earlier else ""
    return rule(
        ctx,
        f"{source.id} ({source.publisher}, {source.published_text}) reported {row.phrase} as {shown}, officially {official_text}{remark}{stage}",
        c.path,
        source.id,
        {
            "source": source.id,
            "figure": row.key,
            "reported": fmt.as_number(Fraction(c.reported.value)) if row.kind == "percent" else c.reported.count,
            "reported_decimals": c.reported.decimals if row.kind == "percent" else None,
            "official": fmt.as_number(Fraction(row.official_exact)) if row.kind == "percent" else int(row.official_exact),
            "difference": fmt.as_number(c.difference) if row.kind == "percent" else int(c.difference or 0),
            "remark": c.remark or None,
        },
    )


def _self_consistency(ctx: Context, source: Source) -> Iterator[Finding]:
    pairs = [c for c in source.choices.values() if c.votes is not None and c.percent is not None]
    if pairs:
        yield from _pairs_consistency(ctx, source, pairs)
    areas = [("turnout", source.turnout, source.path + ("reported", "turnout"))]
    areas += [(name, counts, source.path + ("reported", "regions", name)) for name, counts in source.regions.items()]
    for name, counts, path in areas:
        computed = turnout_share(counts)
        if computed is None or counts.turnout_percent is None:
            continue
        if not Precision.of(counts.turnout_percent.text, ctx.results.election.truncates).holds(computed):
            yield INCONSISTENT(
                ctx,
                f"{source.id}: its own {name} figures disagree: {fmt.count(counts.ballots_cast.count)} / {fmt.count(counts.registered.count)} = {fmt.percent(computed)}%, not {counts.turnout_percent.text}%",  # type: ignore[union-attr]
                path + ("turnout_percent",),
                source.id,
                {"source": source.id, "turnout": fmt.as_number(computed), "published": fmt.as_number(Fraction(counts.turnout_percent.value))},
            )


def _pairs_consistency(ctx: Context, source: Source, pairs: list) -> Iterator[Finding]:
    truncate = ctx.results.election.truncates
    intervals = [Precision.of(c.percent.text, truncate).bases(c.votes.count) for c in pairs]
    tally = ctx.tally
    group = consensus(intervals, prefer=tally.base)
    if group is None:
        yield INCONSISTENT(
            ctx,
            f"{source.id}: none of its vote counts agree with each other's percentages on a base",
            source.path + ("reported",),
            source.id,
            {"source": source.id},
        )
        return
    members = set(group.members)
    for i, choice in enumerate(pairs):
        if i in members:
            continue
        own = intervals[i].whole_numbers()
        # the counts that fit this percent at some base the other figures agree on
        fitting = Precision.of(choice.percent.text, truncate).votes_within(group.interval)
        slip = unique_slip(choice.votes.count, fitting)
        hint = f"; {fmt.count(slip[0])} would fit ({slip[1]})" if slip else ""
        implied = "no base" if own is None else f"a base of {_range(own)}"
        yield INCONSISTENT(
            ctx,
            f"{source.id}: {choice.name} {fmt.votes(choice.votes.count)} at {choice.percent.text}% imply {implied}, but its other figures agree on {_range(group.interval.whole_numbers())}{hint}",
            choice.path + ("votes",),
            source.id,
            {
                "source": source.id,
                "choice": choice.name,
                "votes": choice.votes.count,
                "published": fmt.as_number(Fraction(choice.percent.value)),
                "suggestion": slip[0] if slip else None,
            },
        )
    if len(members) >= 1:
        yield from _base_fits(ctx, source, group.interval, tally)


def _range(bounds: tuple[int, int | None] | None) -> str:
    if bounds is None:
        return "nothing"
    return fmt.whole_range(*bounds)


def _base_fits(ctx: Context, source: Source, interval: Interval, tally: Tally) -> Iterator[Finding]:
    candidates = {k: tally.base_value(k) for k in tally.distinct_bases}
    own = {"its own ballots cast": source.turnout.ballots_cast, "its own registered voters": source.turnout.registered}
    if any(v is not None and v in interval for v in candidates.values()) or any(f is not None and f.count in interval for f in own.values()):
        return
    listed = ", ".join(f"{BASE_NAMES[k]} ({fmt.count(v)})" for k, v in candidates.items() if v is not None)
    yield NO_BASE(
        ctx,
        f"{source.id}: its percentages agree on a base of {_range(interval.whole_numbers())}, which is none of {listed}",
        source.path + ("reported",),
        source.id,
        {"source": source.id},
    )
