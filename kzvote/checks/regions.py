"""Regions: each region balances by itself, and regions never add up to more than the nation.

KZ204 cast-exceeds-registered  (shared with balance) in a region
KZ401 regions-exceed-nation    the regions' sum of a figure exceeds the national figure
KZ402 region-votes-exceed-cast a region's votes for all choices exceed its ballots cast

Regions may be partial, so their sums may fall short of the nation but never exceed it.
"""

from __future__ import annotations

from collections.abc import Iterator

from kzvote import fmt
from kzvote.checks.balance import cast_within_registered
from kzvote.checks.rule import Context, Rule
from kzvote.findings import Finding, Severity
from kzvote.model import Figure

REGIONS_EXCEED_NATION = Rule("KZ401", "regions-exceed-nation", Severity.ERROR, "regions add up to more than the national figure")
REGION_VOTES_EXCEED_CAST = Rule("KZ402", "region-votes-exceed-cast", Severity.ERROR, "a region's votes exceed its ballots cast")
RULES = (REGIONS_EXCEED_NATION, REGION_VOTES_EXCEED_CAST)

COUNT_FIELDS = ("registered", "ballots_cast", "invalid_ballots", "polling_stations")


def check(ctx: Context) -> Iterator[Finding]:
    regions = ctx.results.regions
    for region in regions:
        yield from cast_within_registered(ctx, region.counts, region.path, f"{region.name}: ")
        cast = region.counts.ballots_cast
        votes = sum(f.count for f in region.votes.values())
        if cast is not None and votes > cast.count:
            yield REGION_VOTES_EXCEED_CAST(
                ctx,
                f"{region.name}: votes for all choices add up to {fmt.count(votes)}, more than the {fmt.count(cast.count)} ballots cast",
                region.path + ("votes",),
                region.name,
                {"votes": votes, "ballots_cast": cast.count},
            )
    if not regions:
        return
    for name in COUNT_FIELDS:
        national: Figure | None = getattr(ctx.results.turnout, name)
        parts = [getattr(r.counts, name) for r in regions]
        yield from _not_above(ctx, name.replace("_", " "), national, [p.count for p in parts if p is not None], ("turnout", name))
    for choice in ctx.results.choices:
        parts = [r.votes[choice.name].count for r in regions if choice.name in r.votes]
        yield from _not_above(ctx, f"votes for {choice.name}", choice.votes, parts, choice.path + ("votes",))


def _not_above(ctx: Context, what: str, national: Figure | None, parts: list[int], path: tuple) -> Iterator[Finding]:
    if national is None or not parts or sum(parts) <= national.count:
        return
    total = sum(parts)
    yield REGIONS_EXCEED_NATION(
        ctx,
        f"{what}: the regions add up to {fmt.count(total)}, more than the national {fmt.count(national.count)} (by {fmt.count(total - national.count)})",
        path,
        figures={"regions_sum": total, "national": national.count, "regions": len(parts)},
    )
