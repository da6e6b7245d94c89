"""Regions: each region balances by itself, and regions never add up to more than the nation.

KZ201 ballots-unbalanced       (shared with balance) a region naming every choice and its invalid ballots
KZ204 cast-exceeds-registered  (shared with balance) in a region
KZ401 regions-exceed-nation    the regions' sum of a figure exceeds the national figure
KZ402 region-votes-exceed-cast a region's votes (and invalid ballots) exceed its ballots cast

Regions may be partial, so their sums may fall short of the nation but never exceed it.
"""

from __future__ import annotations

from collections.abc import Iterator

from kzvote.checks.balance import CAST_EXCEEDS_REGISTERED, IN_BOXES_EXCEED_CAST, UNBALANCED, not_in_boxes
from kzvote.checks.rule import Context, Rule
from kzvote.findings import Finding, Severity

REGIONS_EXCEED_NATION = Rule("KZ401", "regions-exceed-nation", Severity.ERROR, "regions add up to more than the national figure")
REGION_VOTES_EXCEED_CAST = Rule("KZ402", "region-votes-exceed-cast", Severity.ERROR, "a region's votes exceed its ballots cast")
RULES = (REGIONS_EXCEED_NATION, REGION_VOTES_EXCEED_CAST)


def check(ctx: Context) -> Iterator[Finding]:
    for rule in (UNBALANCED, CAST_EXCEEDS_REGISTERED, IN_BOXES_EXCEED_CAST, REGION_VOTES_EXCEED_CAST):
        for relation in rule.failing(ctx, "regions"):
            yield rule.broken(ctx, relation)
    for region in ctx.results.regions:
        yield from not_in_boxes(ctx, region.counts, region.path, f"{region.name}: ")
    for relation in REGIONS_EXCEED_NATION.failing(ctx, "national"):
        yield REGIONS_EXCEED_NATION.broken(ctx, relation)
