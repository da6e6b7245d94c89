"""Views of the official results: report, candidates, turnout, reconcile, check."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from kzvote import fmt
from kzvote.findings import Finding, Severity
from kzvote.model import Choice, Counts, Figure, Results
from kzvote.schema import BASE_KINDS, BASE_NAMES
from kzvote.tally import turnout_share
from kzvote.views import Column, Percent, Table, View, header


def _published(figure: Figure | None) -> Percent | None:
    return Percent(figure.value, figure.decimals) if figure is not None else None  # type: ignore[arg-type]


def _difference(computed: Fraction | None, published: Figure | None) -> Percent | None:
    if computed is None or published is None:
        return None
    return Percent(computed - published.value, published.decimals + 2)


SORTS = ("votes", "name", "ballot")


def flags(index: dict[tuple, set[str]], path: tuple, fits: bool | None = None) -> str:
    """Codes of the errors and warnings about one choice or area: "ok" when there are none, and
    "explained" when its percent does not fit but a finding on another figure accounts for it."""
    codes = " ".join(sorted(index.get(path, ())))
    return codes or ("explained" if fits is False else "ok")


def codes_under(findings: Sequence[Finding]) -> dict[tuple, set[str]]:
    """Every path prefix -> the codes of errors and warnings at or below it: one pass, so a table
    of n rows costs n look-ups, not n scans of every finding."""
    index: dict[tuple, set[str]] = {}
    for finding in findings:
        if finding.severity > Severity.NOTE:
            # a finding flags where it stands and every figure it blames (each of several equals too)
            for path in {finding.path, *finding.blames}:
                for end in range(len(path) + 1):
                    index.setdefault(path[:end], set()).add(finding.code)
    return index


def candidates_table(results: Results, findings: list[Finding], sort: str = "votes") -> Table:
    tally = results.tally
    ranks = {id(c): i + 1 for i, c in enumerate(tally.ranked())}
    outcome = tally.outcome
    ordered: Sequence[Choice] = {
        "votes": tally.ranked(),
        "name": sorted(results.candidates, key=lambda c: c.name.casefold()),
        "ballot": results.candidates,
    }[sort]
    index = codes_under(findings)
    rows = [_choice_row(c, results, ranks.get(id(c)), outcome.status(c), index) | _other_shares(c, results) for c in ordered]
    sections: tuple[int, ...] = ()
    if results.against_all is not None:
        sections = (len(rows),)
        rows.append(_choice_row(results.against_all, results, None, "", index) | _other_shares(results.against_all, results))
    columns = (
        Column("rank", "#", "count"),
        Column("name", "Candidate"),
        Column("nominated_by", "Nominated by", priority=1),
        Column("votes", "Votes", "count"),
        Column("percent", "Computed %", "percent"),
        Column("published", "Published %", "percent"),
        Column("published_decimals", "Decimals", "count", human=False),
        Column("difference", "Difference", "signed", priority=3),
        Column("fits", "Fits", "bool", human=False),
        Column("check", "Check", priority=8),
        *_other_share_columns(results),
        Column("bar", "Share", "bar", machine=False, priority=2),
        Column("status", "Status", priority=6),
        Column("against_all", "Against all", "bool", human=False),
    )
    return Table("candidates", f"Candidates (percentages of {BASE_NAMES[tally.base_kind]})", columns, rows, sections)


def _other_kinds(results: Results) -> list[str]:
    """The bases beside percent_of that some choice publishes a share of, in a fixed order."""
    present = {kind for choice in results.choices for kind in choice.shares}
    return [kind for kind in BASE_KINDS if kind in present]


def _other_share_columns(results: Results) -> list[Column]:
    columns = []
    for kind in _other_kinds(results):
        of = {"valid": "valid", "cast": "cast", "registered": "registered", "in_boxes": "in boxes"}[kind]
        columns += [
            Column(f"computed_of_{kind}", f"% of {of}", "percent", priority=5),
            Column(f"published_of_{kind}", f"Published % of {of}", "percent", priority=5),
            Column(f"published_decimals_of_{kind}", f"Decimals of {of}", "count", human=False),
            Column(f"fits_of_{kind}", f"Fits {of}", "bool", human=False),
        ]
    return columns


def _other_shares(choice: Choice, results: Results) -> dict[str, Any]:
    """Each further published share: computed at its base, as published, and whether it fits."""
    row: dict[str, Any] = {}
    for kind in _other_kinds(results):
        computed = results.tally.share(choice, kind)
        row[f"computed_of_{kind}"] = Percent(computed, 2, results.election.truncates) if computed is not None else None
        row[f"published_of_{kind}"] = _published(choice.shares.get(kind))
        row[f"published_decimals_of_{kind}"] = choice.shares[kind].decimals if kind in choice.shares else None
        row[f"fits_of_{kind}"] = results.analysis.share_fits(choice, f"percent_of_{kind}")
    return row


def _choice_row(choice: Choice, results: Results, rank: int | None, status: str, index: dict[tuple, set[str]]) -> dict[str, Any]:
    share = results.tally.share(choice)
    return {
        "rank": rank,
        "name": choice.name,
        "nominated_by": choice.nominated_by,
        "votes": choice.votes.count,
        "percent": Percent(share, 2, results.election.truncates) if share is not None else None,
        "published": _published(choice.percent),
        "published_decimals": choice.percent.decimals if choice.percent else None,
        "difference": _difference(share, choice.percent),
        "fits": results.analysis.share_fits(choice),  # as the checks decided it
        "check": flags(index, choice.path, results.analysis.share_fits(choice)),
        "bar": share,
        "status": status,
        "against_all": choice.is_against_all,
    }


def turnout_table(results: Results, findings: list[Finding]) -> Table:
    tally = results.tally
    index = codes_under(findings)
    holds = results.analysis.holds_at
    rows = [
        _area_row("National", results.turnout, tally.valid, tally.invalid, tally.invalid_is_implied, results.election.truncates)
        | {"check": flags(index, ("turnout",), holds.get(("turnout", "turnout_percent"))), "fits": holds.get(("turnout", "turnout_percent"))}
    ]
    for region in results.regions:
        valid = sum(f.count for f in region.votes.values()) if region.votes else None
        invalid = region.counts.invalid_ballots.count if region.counts.invalid_ballots else None
        fits = holds.get(region.path + ("turnout_percent",))
        rows.append(
            _area_row(region.name, region.counts, valid, invalid, False, results.election.truncates) | {"check": flags(index, region.path, fits), "fits": fits}
        )
    columns = (
        Column("area", "Area"),
        Column("registered", "Registered", "count"),
        Column("ballots_cast", "Ballots cast", "count"),
        Column("turnout", "Turnout %", "percent"),
        Column("published", "Published %", "percent"),
        Column("published_decimals", "Decimals", "count", human=False),
        Column("fits", "Fits", "bool", human=False),
        Column("check", "Check", priority=8),
        Column("valid", "Valid", "count", priority=4),
        Column("invalid", "Invalid", "count", priority=3),
        Column("blank", "Blank", "count", priority=3),
        Column("in_boxes", "In boxes", "count", priority=2),
        Column("invalid_implied", "Implied", "bool", priority=1),
        Column("polling_stations", "Stations", "count", priority=2),
    )
    return Table("turnout", "Turnout", columns, rows, (1,) if results.regions else ())


def _area_row(area: str, counts: Counts, valid: int | None, invalid: int | None, implied: bool, truncate: bool = False) -> dict[str, Any]:
    computed = turnout_share(counts)
    return {
        "area": area,
        "registered": counts.registered.count if counts.registered else None,
        "ballots_cast": counts.ballots_cast.count if counts.ballots_cast else None,
        "turnout": Percent(computed, 2, truncate) if computed is not None else None,
        "published": _published(counts.turnout_percent),
        "published_decimals": counts.turnout_percent.decimals if counts.turnout_percent else None,
        "valid": valid,
        "invalid": invalid,
        "blank": counts.blank_ballots.count if counts.blank_ballots else None,
        "in_boxes": counts.ballots_in_boxes.count if counts.ballots_in_boxes else None,
        "invalid_implied": implied if invalid is not None else None,
        "polling_stations": counts.polling_stations.count if counts.polling_stations else None,
    }


def implied_base_table(results: Results) -> Table:
    """Per choice: the range of bases its (votes, published percent) allows."""
    tally = results.tally
    base = tally.base
    analysis = results.analysis.base  # the intervals the checks reasoned with
    rows = []
    for choice, interval in zip(analysis.published, analysis.intervals):
        assert choice.percent is not None
        bounds = interval.whole_numbers()
        rows.append(
            {
                "name": choice.name,
                "votes": choice.votes.count,
                "published": _published(choice.percent),
                "published_decimals": choice.percent.decimals,
                "base_min": bounds[0] if bounds else None,
                "base_max": bounds[1] if bounds else None,
                "fits_declared": base is not None and base in interval,
            }
        )
    columns = (
        Column("name", "Choice"),
        Column("votes", "Votes", "count"),
        Column("published", "Published %", "percent"),
        Column("published_decimals", "Decimals", "count", human=False),
        Column("base_min", "Base from", "count"),
        Column("base_max", "Base to", "count"),
        Column("fits_declared", f"Holds {tally.base_kind}", "bool"),
    )
    return Table("implied_base", f"Implied base: where each published percent puts the {BASE_NAMES[tally.base_kind]}", columns, rows)


def outcome_sentence(results: Results) -> str:
    tally = results.tally
    outcome = tally.outcome
    leader, second = outcome.leader, outcome.runner_up
    share = f"{fmt.share(outcome.leader_share, 2, results.election.truncates)}% of {BASE_NAMES[tally.base_kind]}"
    tied = fmt.names([c.name for c in outcome.tied])
    if outcome.tie_for_first:
        return f"Tie for first place between {tied} ({fmt.votes(leader.votes.count)} each): the counts alone elect nobody"
    if outcome.elected and outcome.round > 1:
        return f"{leader.name} wins {outcome.round_name} with {share}"
    if outcome.elected:
        return f"{leader.name} elected in the first round with {share}"
    if second is None:
        return f"{leader.name} leads with {share}, short of a majority"
    if outcome.tie_for_second:
        return f"No majority: {leader.name} ({share}) goes to the runoff; tie between {tied} for the second runoff place, so the runoff partner is undecided"
    return f"No majority: runoff between {leader.name} ({share}) and {second.name}"


def turnout_facts(results: Results) -> list[tuple[str, str | int]]:
    tally = results.tally
    turnout = results.turnout
    facts: list[tuple[str, str | int]] = []
    if turnout.registered and turnout.ballots_cast:
        computed = turnout_share(turnout)
        published = f" (published {turnout.turnout_percent.text}%)" if turnout.turnout_percent else ""
        facts.append(
            (
                "Turnout",
                f"{turnout.ballots_cast.count:,} of {turnout.registered.count:,} registered voters, {fmt.share(computed, 2, results.election.truncates)}%{published}",
            )
        )
    invalid = tally.invalid
    if invalid is not None and invalid < 0:
        facts.append(("Ballots", f"{tally.valid:,} valid, more than the {tally.valid + invalid:,} ballots cast: invalid ballots cannot be implied"))
    elif invalid is not None:
        how = ("implied: in the boxes - valid" if turnout.ballots_in_boxes else "implied: cast - valid") if tally.invalid_is_implied else "given"
        how += " - blank" if tally.invalid_is_implied and turnout.blank_ballots else ""
        blank = f"{tally.blank:,} blank, " if turnout.blank_ballots else ""
        facts.append(("Ballots", f"{tally.valid:,} valid, {blank}{invalid:,} invalid ({how})"))
    if turnout.ballots_in_boxes:
        facts.append(("In the boxes", f"{turnout.ballots_in_boxes.count:,} ballots found in the boxes"))
    if turnout.polling_stations:
        facts.append(("Polling stations", turnout.polling_stations.count))
    facts.append(("Percentages", f"shares of {BASE_NAMES[tally.base_kind]} ({tally.base or 0:,})"))
    return facts


def report(results: Results, findings: list[Finding]) -> View:
    facts = turnout_facts(results) + [("Outcome", outcome_sentence(results))]
    return View("report", results.file, header(results), facts, [candidates_table(results, findings)], findings, notes=False)


def candidates(results: Results, findings: list[Finding], sort: str) -> View:
    return View(
        "candidates",
        results.file,
        header(results),
        [("Outcome", outcome_sentence(results))],
        [candidates_table(results, findings, sort)],
        findings,
        notes=False,
    )


def turnout(results: Results, findings: list[Finding]) -> View:
    return View("turnout", results.file, header(results), turnout_facts(results), [turnout_table(results, findings)], findings, notes=False)


def reconcile(results: Results, findings: list[Finding]) -> View:
    return View("reconcile", results.file, header(results), [], [implied_base_table(results)], findings, csv_rows="findings")


def check(file: str, findings: list[Finding], notes: bool) -> View:
    shown = findings if notes else [f for f in findings if f.severity > Severity.NOTE or f.accepted]
    return View("check", file, findings=shown, notes=notes, csv_rows="findings")
