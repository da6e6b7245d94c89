"""The end of the audit: duplicate station ids, regions the results file lacks, and the roll-up of
every region and the nation against the published totals."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from kzvote import fmt
from kzvote.audit import stations as stations_module
from kzvote.audit.parse import subject as station_subject
from kzvote.audit.result import NATION, Area, Audit
from kzvote.audit.rules import DUPLICATE_ID, REGION_MISSING, ROLLUP_MISMATCH, STATION_COUNT, UNCONFIRMED, UNKNOWN_REGION, UNPUBLISHED
from kzvote.audit.stations import Part
from kzvote.build import did_you_mean
from kzvote.findings import Finding, Position, Rule
from kzvote.model import Figure, Results
from kzvote.text import excerpt

SORT_IN_TWO = 200_000  # station ids from which their hashes are sorted in two halves at once
ROLLUP_FIGURES = ("registered", "ballots_cast", "invalid_ballots", "blank_ballots", "ballots_in_boxes")


def _discovered_regions(part: Part, results: Results) -> dict[str, int]:
    """Regions of the CSV the results file lacks: an error when the regions: list evidently covers
    the nation or the name is a near miss of a listed one; else a region a partial list leaves out
    (README allows that), returned with its first line."""
    complete = _regions_complete(results)
    known = {r.name for r in results.regions}
    unpublished: dict[str, int] = {}
    for name, (line, station) in part.discovered.items():
        if complete or _misspelt(name, known):
            message = f"region '{excerpt(name)}' is not a region of the results file{did_you_mean(name, known)}"
            part.add(UNKNOWN_REGION, message, line, part.layout.region + 1, station, "region")
        else:
            unpublished[name] = line
    return unpublished


def _misspelt(name: str, regions: set[str]) -> bool:
    """Close enough to a listed region to be a typo rather than a region the list leaves out."""
    import difflib

    return bool(difflib.get_close_matches(name.casefold(), [r.casefold() for r in regions], n=1, cutoff=0.85))


def _regions_complete(results: Results) -> bool:
    """Whether the regions: list evidently covers the nation: a region figure adds up to the national one."""
    for name in ("polling_stations", "registered", "ballots_cast"):
        national = getattr(results.turnout, name)
        figures = [getattr(region.counts, name) for region in results.regions]
        if results.regions and national is not None and None not in figures and sum(f.count for f in figures) == national.count:
            return True
    return False


def _sorted(hashes: Any) -> Any:
    """A sorted copy of the hashes, in two halves on two threads (numpy sorts without the
    interpreter lock), then merged: a stable sort merges two sorted runs in one pass."""
    ordered = hashes.copy()
    if len(ordered) < SORT_IN_TWO:
        ordered.sort()
        return ordered
    import threading

    half = len(ordered) // 2
    other = threading.Thread(target=ordered[:half].sort)
    other.start()
    ordered[half:].sort()
    other.join()
    ordered.sort(kind="stable")
    return ordered


def _duplicates(part: Part, ids_at: Callable[[set[int]], dict[int, bytes]]) -> Any:
    """Every row whose station id an earlier row already used. One sort of the hashes finds the
    rows that may repeat; only those are read again, and compared by their exact ids.
    Returns which rows (in reading order) repeat an id."""
    np = part.np
    hashes, lines = part.id_hashes.view(), part.id_lines.view()
    ordered = _sorted(hashes)
    shared = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])  # hash values two or more rows have
    del ordered
    repeated = np.zeros(len(hashes), dtype=bool)
    if not len(shared):
        return repeated
    rows = np.nonzero(np.isin(hashes, shared))[0]  # the rows that may repeat, in reading order
    exact = ids_at({int(lines[r]) for r in rows})
    first: dict[bytes, int] = {}
    for row in rows:
        line = int(lines[row])
        station = exact.get(line)
        if station is None:
            continue
        if station not in first:
            first[station] = line
            continue
        repeated[row] = True
        text = station_subject(station.decode("utf-8", "replace"))
        part.add(DUPLICATE_ID, f"station id {excerpt(text)} again (first at line {first[station]})", line, part.layout.station + 1, text, "station")
    return repeated


def finish(part: Part, audit: Audit, ids_at: Callable[[set[int]], dict[int, bytes]]) -> None:
    """The audit from the whole file's part: regions the results file lacks, duplicate ids (their
    lines read again by ids_at), and every area added up and compared with the published totals."""
    unpublished = _discovered_regions(part, audit.results)
    errors = part.error_rows.view() | _duplicates(part, ids_at)
    audit.findings, audit.counts, audit.truncated = part.findings, part.counts, part.truncated
    warnings = part.warning_rows.view()
    audit.stations_with_errors = int(errors.sum()) + part.bad_rows
    audit.stations_with_warnings = int((warnings & ~errors).sum())
    # duplicates are found after the reading; keep the station findings in reading order
    audit.findings.sort(key=Finding.sort_key)
    layout = part.layout
    national = Area("", sums=dict.fromkeys(layout.counted, 0))
    for code, name in enumerate(part.region_names):
        sums = dict(zip(layout.counted, (int(v) for v in part.sums[code])))
        area = Area(name, part.stations[code], part.unreadable[code], part.first_unreadable[code], sums, part.unplaced)
        audit.areas[name] = area
        national.stations += area.stations
        national.unreadable += area.unreadable
        if area.first_unreadable_line is not None and (national.first_unreadable_line is None or area.first_unreadable_line < national.first_unreadable_line):
            national.first_unreadable_line = area.first_unreadable_line
        for key, value in sums.items():
            national.sums[key] += value
    audit.unplaced, audit.first_unplaced_line = part.unplaced, part.first_unplaced
    national.stations += part.unplaced
    national.unreadable += part.unplaced
    lines = [line for line in (national.first_unreadable_line, part.first_unplaced) if line is not None]
    national.first_unreadable_line = min(lines) if lines else None
    audit.areas[""] = national
    results = audit.results
    audit.findings += _compare(audit, national, NATION, results.turnout, {c.name: c.votes for c in results.choices}, ("turnout",))
    for region in results.regions:
        found = audit.areas.get(region.name)
        if found is None:
            empty = Area(region.name, unplaced=part.unplaced)
            rule, message = (
                (UNCONFIRMED, f"{region.name}: no station of this region could be read: {_left_out(audit, empty)}")
                if part.unplaced
                else (REGION_MISSING, f"{region.name}: no station of this region in {audit.stations_file}")
            )
            audit.counts[rule.code] = audit.counts.get(rule.code, 0) + 1
            audit.findings.append(
                _results_finding(results, rule, message, region.path, region.name, {"area": region.name, "figure": "stations"} if part.unplaced else {})
            )
            continue
        audit.findings += _compare(audit, found, region.name, region.counts, region.votes, region.path)
    for name, line in unpublished.items():
        stations = audit.areas[name].stations
        audit.counts[UNPUBLISHED.code] = audit.counts.get(UNPUBLISHED.code, 0) + 1
        if audit.counts[UNPUBLISHED.code] > stations_module.KEEP_PER_CODE:  # one a region: capped like a station's
            audit.truncated[UNPUBLISHED.code] = audit.truncated.get(UNPUBLISHED.code, 0) + 1
            continue
        message = f"{excerpt(name)}: {fmt.count(stations)} station{'s' if stations != 1 else ''} of a region the results file's regions: list does not publish; added to the national roll-up only"
        audit.findings.append(
            UNPUBLISHED.finding(
                message,
                file=audit.stations_file,
                position=Position(line, part.layout.region + 1),
                path=("region",),
                subject=name,
                figures={"area": name, "stations": stations},
            )
        )


def _compare(audit: Audit, area: Area, where: str, counts: Any, votes: dict[str, Figure], path: tuple) -> Iterator[Finding]:
    results = audit.results
    published: list[tuple[str, Figure | None, tuple]] = [(name, getattr(counts, name), path + (name,)) for name in ROLLUP_FIGURES]
    for choice in results.choices:
        figure = votes.get(choice.name)
        published.append((choice.name, figure, choice.path + ("votes",) if path == ("turnout",) else path + ("votes", choice.name)))
    for name, figure, figure_path in published:
        if figure is None or name not in area.sums:
            continue
        added = area.sums[name]
        if added == figure.count:
            continue
        label = name.replace("_", " ") if name in ROLLUP_FIGURES else f"votes for {name}"
        figures = {
            "area": where,
            "figure": name,
            "stations_sum": added,
            "published": figure.count,
            "difference": figure.count - added,
            "unreadable_stations": area.unreadable + area.unplaced,
        }
        if area.unreadable or area.unplaced:
            rule, message = (
                UNCONFIRMED,
                f"{where}: {label} cannot be confirmed: {_left_out(audit, area)}; the others add up to {fmt.count(added)}, published {fmt.count(figure.count)}",
            )
        else:
            rule, message = (
                ROLLUP_MISMATCH,
                f"{where}: {label}: the stations add up to {fmt.count(added)}, but {fmt.count(figure.count)} is published ({figure.count - added:+,})",
            )
        audit.counts[rule.code] = audit.counts.get(rule.code, 0) + 1
        yield _results_finding(results, rule, message, figure_path, where, figures)
    stations_figure = counts.polling_stations
    if stations_figure is not None and stations_figure.count != area.stations:
        figures = {"area": where, "figure": "polling_stations", "stations": area.stations, "published": stations_figure.count}
        if area.unplaced:
            rule, message = (
                UNCONFIRMED,
                f"{where}: the number of stations cannot be confirmed: {_left_out(audit, area)}; {fmt.count(area.stations)} others are in this region, polling_stations is {fmt.count(stations_figure.count)}",
            )
        else:
            rule, message = (
                STATION_COUNT,
                f"{where}: {fmt.count(area.stations)} stations in {audit.stations_file}, but polling_stations is {fmt.count(stations_figure.count)}",
            )
            del figures["area"], figures["figure"]
        audit.counts[rule.code] = audit.counts.get(rule.code, 0) + 1
        yield _results_finding(results, rule, message, path + ("polling_stations",), where, figures)


def _left_out(audit: Audit, area: Area) -> str:
    """Why a total cannot be confirmed: the unreadable rows of the area, and rows of no known region."""
    parts = []
    if area.unreadable:
        parts.append(f"{area.unreadable} unreadable station(s) (first at {audit.stations_file}:{area.first_unreadable_line}) left out")
    if area.unplaced:
        parts.append(f"{audit.unplaced} unreadable row(s) of unknown region (first at {audit.stations_file}:{audit.first_unplaced_line}) may belong here")
    return "; ".join(parts)


def _results_finding(results: Results, rule: Rule, message: str, path: tuple, subject: str, figures: dict[str, Any]) -> Finding:
    """A roll-up finding points at the published figure in the results file."""
    return rule.finding(message, file=results.file, position=results.where(path), path=path, subject=subject, figures=figures)
