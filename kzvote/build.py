"""Raw values with positions -> the model. Knows the kzvote/1 format, not YAML.

A reader (kzvote.load reads YAML) walks the declared fields and hands over plain dicts: each field by
name, a number as a Figure (value, written text, position), a text, date or choice as a Located, a
record's own position under "@". The builder checks what only the whole file can tell (names that
clash, region votes for unknown choices, a round below 1) and makes the frozen model. A second
reader (a CSV or JSON import) has only to produce the same raw values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

from kzvote.findings import Finding, Position
from kzvote.model import AGAINST_ALL, Choice, Counts, Election, Figure, Path, Region, ReportedChoice, Results, Source, spelling_index
from kzvote.schema import PERCENT_BASES


class Problems(Protocol):
    """Where the builder reports, beside the reader's own problems: one list, one report."""

    file: str
    problems: list[Finding]
    key_positions: dict[Path, Position]

    def problem(self, code: str, message: str, path: Path, position: Position | None) -> None: ...


@dataclass
class Located:
    """A value read from the tree, with the place of the node it came from."""

    value: Any
    position: Position


def did_you_mean(word: str, options: Any) -> str:
    import difflib  # only on the error path

    if len(word) > 64:  # difflib is quadratic; nothing that long is a near miss of a name
        return ""
    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""


def _figure(raw: dict[str, Any], key: str) -> Figure | None:
    value = raw.get(key)
    return value if isinstance(value, Figure) else None


def _text(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    return value.value if isinstance(value, Located) else None


def _date(raw: dict[str, Any], key: str) -> dt.date | None:
    value = raw.get(key)
    return value.value if isinstance(value, Located) else None


def _counts(raw: dict[str, Any]) -> Counts:
    return Counts(
        registered=_figure(raw, "registered"),
        ballots_cast=_figure(raw, "ballots_cast"),
        invalid_ballots=_figure(raw, "invalid_ballots"),
        blank_ballots=_figure(raw, "blank_ballots"),
        ballots_in_boxes=_figure(raw, "ballots_in_boxes"),
        turnout_percent=_figure(raw, "turnout_percent"),
        polling_stations=_figure(raw, "polling_stations"),
    )


def build(raw: dict[str, Any], reader: Problems) -> Results | None:
    election_raw = raw["election"]
    majority = _figure(election_raw, "majority_percent") or Figure(Fraction(50), "50")
    election = Election(
        title=_text(election_raw, "title") or "",
        country=_text(election_raw, "country") or "",
        date=_date(election_raw, "date") or dt.date.min,  # required: present whenever we get here
        stage=_text(election_raw, "stage") or "",
        percent_of=_text(election_raw, "percent_of") or "",
        majority_percent=majority,
        authority=_text(election_raw, "authority"),
        announced=_date(election_raw, "announced"),
        correction=_text(election_raw, "correction"),
        round=round_figure.count if (round_figure := _figure(election_raw, "round")) else 1,  # at least 1: the schema says so
        rounding=_text(election_raw, "rounding") or "nearest",
    )
    candidates = tuple(
        Choice(
            name=_text(item, "name") or "",
            path=("candidates", i),
            votes=item["votes"],
            percent=_figure(item, "percent"),
            shares=_shares(item),
            nominated_by=_text(item, "nominated_by"),
            aliases=tuple(a.value for a in item.get("aliases") or () if a is not None),
            position=item["@"],
        )
        for i, item in enumerate(raw["candidates"])
    )
    against_all = None
    if "against_all" in raw:
        item = raw["against_all"]
        against_all = Choice(
            AGAINST_ALL, ("against_all",), item["votes"], _figure(item, "percent"), is_against_all=True, position=item["@"], shares=_shares(item)
        )
    names = _name_index(candidates, reader)
    resolved: dict[str, str | None] = {}  # a region's names repeat in every region: resolved once

    def resolve(spelling: str) -> str | None:
        if spelling not in resolved:
            resolved[spelling] = resolve_name(spelling, names)
        return resolved[spelling]

    regions = tuple(_region(item, i, names, resolve, against_all is not None, reader) for i, item in enumerate(raw.get("regions") or ()))
    # Names are matched case-insensitively everywhere (region votes, sources, station CSVs).
    _check_unique(regions, "name", "region", reader, fold=True)
    region_names = {r.name.casefold(): r.name for r in regions}
    sources = tuple(_source(item, i, names, region_names, reader) for i, item in enumerate(raw.get("sources") or ()))
    _check_unique(sources, "id", "source id", reader)
    if reader.problems:
        return None
    return Results(
        file=reader.file,
        election=election,
        turnout=_counts(raw["turnout"]),
        candidates=candidates,
        against_all=against_all,
        regions=regions,
        sources=sources,
        stations=_text(raw, "stations"),
        positions=reader.key_positions,  # the reader is done with it: no copy of a large file's 500,000 entries
    )


def _shares(item: dict[str, Any]) -> dict[str, Figure]:
    return {kind: figure for kind in PERCENT_BASES if (figure := _figure(item, f"percent_of_{kind}")) is not None}


def _name_index(candidates: tuple[Choice, ...], reader: Problems) -> dict[str, str]:
    """The spelling index (model.spelling_index), after reporting names and aliases that clash."""
    owners: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for candidate in candidates:
        if candidate.name in first_line:
            reader.problem(
                "KZ009", f"duplicate candidate '{candidate.name}' (first at line {first_line[candidate.name]})", candidate.path + ("name",), candidate.position
            )
            continue
        first_line[candidate.name] = candidate.position.line if candidate.position else 0
        for spelling in (candidate.name, *candidate.aliases):
            owner = owners.setdefault(spelling.casefold(), candidate.name)
            if owner != candidate.name:
                reader.problem("KZ009", f"'{spelling}' already names {owner}", candidate.path + ("aliases",), candidate.position)
    return spelling_index(candidates)


def resolve_name(spelling: str, names: dict[str, str]) -> str | None:
    if spelling.replace(" ", "_").casefold() in ("against_all", "against-all"):
        return AGAINST_ALL
    return names.get(spelling.casefold())


def _region(raw: dict[str, Any], index: int, names: dict[str, str], resolve: Callable[[str], str | None], has_against_all: bool, reader: Problems) -> Region:
    path: Path = ("regions", index)
    votes: dict[str, Figure] = {}
    spelled: dict[str, tuple[str, Position]] = {}
    for spelling, (figure, key_at) in (raw.get("votes") or {}).items():
        name = resolve(spelling)
        if name is None:
            reader.problem("KZ014", f"'{spelling}' is not a candidate{did_you_mean(spelling, set(names.values()))}", path + ("votes", spelling), key_at)
        elif name == AGAINST_ALL and not has_against_all:
            message = f"'{spelling}': this file has no against_all; add its national figures or remove this line"
            reader.problem("KZ014", message, path + ("votes", spelling), key_at)
        elif name in spelled:
            # Two spellings of one choice: YAML would keep both keys and kzvote the last value.
            first, first_at = spelled[name]
            reader.problem("KZ009", f"'{spelling}' and '{first}' (line {first_at.line}) both name {name}; keep one", path + ("votes", spelling), key_at)
        else:
            spelled[name] = (spelling, key_at)
            if figure is not None:
                votes[name] = figure
    return Region(_text(raw, "name") or "", path, _counts(raw), votes, raw["@"])


def _source(raw: dict[str, Any], index: int, names: dict[str, str], region_names: dict[str, str], reader: Problems) -> Source:
    path: Path = ("sources", index)
    source_id = _text(raw, "id") or ""
    published, published_text = raw["published"].value
    reported = raw.get("reported") or {}
    choices: dict[str, ReportedChoice] = {}
    for spelling, (figures, key_at) in (reported.get("candidates") or {}).items():
        name = names.get(spelling.casefold())
        at = path + ("reported", "candidates", spelling)
        if name is None:
            reader.problem("KZ014", f"'{spelling}' is not a candidate's name or alias{did_you_mean(spelling, set(names.values()))}", at, key_at)
        elif name in choices:
            reader.problem("KZ009", f"'{spelling}' and '{choices[name].spelling}' both name {name}", at, key_at)
        elif figures is not None:
            choices[name] = ReportedChoice(name, spelling, at, _figure(figures, "votes"), _figure(figures, "percent"))
    if reported.get("against_all"):
        figures = reported["against_all"]
        choices[AGAINST_ALL] = ReportedChoice(
            AGAINST_ALL, "against_all", path + ("reported", "against_all"), _figure(figures, "votes"), _figure(figures, "percent")
        )
    regions: dict[str, Counts] = {}
    for spelling, (figures, key_at) in (reported.get("regions") or {}).items():
        region = region_names.get(spelling.casefold())
        if region is None:
            reader.problem(
                "KZ014",
                f"'{spelling}' is not a region of this file{did_you_mean(spelling, set(region_names.values()))}",
                path + ("reported", "regions", spelling),
                key_at,
            )
        elif figures is not None:
            regions[region] = _counts(figures)
    return Source(
        id=source_id,
        publisher=_text(raw, "publisher") or "",
        published=published,
        published_text=published_text,
        path=path,
        choices=choices,
        turnout=_counts(reported.get("turnout") or {}),
        regions=regions,
        title=_text(raw, "title"),
        url=_text(raw, "url"),
        stage=_text(raw, "stage"),
        position=raw["@"],
    )


def _check_unique(items: tuple[Any, ...], key: str, what: str, reader: Problems, fold: bool = False) -> None:
    """Regions by name, sources by id: the second of two is a problem naming the first's line."""
    seen: dict[str, Any] = {}
    for item in items:
        value = getattr(item, key)
        first = seen.setdefault(value.casefold() if fold else value, item)
        if first is not item:
            line = first.position.line if first.position else "?"
            path = item.path + (key,)
            spelled = "" if getattr(first, key) == value else f" as '{getattr(first, key)}'"
            reader.problem("KZ009", f"duplicate {what} '{value}' (first at line {line}{spelled})", path, reader.key_positions.get(path, item.position))
