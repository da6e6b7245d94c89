"""The station CSV as columns for forensics: the figures each test needs, one array per figure.

The file is read as `kzvote audit` reads it (same blocks, same parser, same faults located), but
only what the tests use is kept: per station its registered voters, ballots cast, ballots in the
boxes, each choice's votes, its region and its line. A row whose every figure is empty (a
station listed without a protocol) is left out and counted; a row that cannot be read is left
out, counted and located.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any

from kzvote.audit.rules import BAD_ROW
from kzvote.audit.source import COUNT_COLUMNS, Layout, read_layout
from kzvote.errors import KzvoteError
from kzvote.findings import Finding, Position
from kzvote.forensics.summary import CHUNK
from kzvote.model import AGAINST_ALL, Results
from kzvote.text import excerpt

if TYPE_CHECKING:
    from kzvote.audit.stations import Part
    from kzvote.forensics.summary import Summary

NEEDED = ("station", "region", "registered", "ballots_cast")


@dataclass(frozen=True)
class Protocols:
    """The stations read: counted, and summarised (summary) or kept column by column, in file order
    (numpy arrays: counts as uint32, codes as int32; empty when the summary was made as they were read)."""

    file: str
    layout: Layout
    winner: int  # the tested choice, by its index in layout.choices
    registered: Any
    cast: Any
    in_boxes: Any  # ballots_in_boxes when the file has it, else valid + blank + invalid
    votes: dict[int, Any]  # choice (its index in layout.choices) -> its votes station by station, for the choices kept
    totals: list[int]  # every choice's votes, added up
    summary: Summary | None  # every test's sums, when one choice was kept: made as the file was read
    region: Any  # code into region_names
    line: Any
    region_names: list[str]
    rows: int  # every row read (blank lines aside)
    stations: int  # the rows read as stations
    without_protocol: int
    first_without_protocol: list[int]  # lines, the first few
    unreadable: int
    findings: list[Finding]  # where the unreadable rows are (the audit's codes)
    truncated: dict[str, int]
    identity: Any  # the file as read (kzvote.audit.source.FileIdentity): ids are read again by line
    path: FilePath

    def station_ids(self, lines: set[int]) -> dict[int, str]:
        """The station ids on these lines, read again from the file (refused if it changed since)."""
        from kzvote.audit.source import ids_at

        found = ids_at(self.path, self.file, self.identity, lines, self.layout.station)
        return {line: cell.decode("utf-8", "replace") for line, cell in found.items()}


# Figures a CSV may carry that are made from the choices, not votes for one: read as a choice,
# "valid_ballots" would win every election.
DERIVED = ("valid", "valid_ballots", "valid_votes", "total", "total_votes", "votes", "turnout", "turnout_percent", "percent", "share")


def _not_a_choice(name: str) -> str:
    """Why a column name cannot be a choice's, or "" when it can."""
    folded = name.casefold().replace(" ", "_")
    protocol = next((column for column in ("station", "region", *COUNT_COLUMNS) if column == folded), None)
    if protocol is not None:
        return f"is not a choice; did you mean '{protocol}'?"
    if folded in DERIVED:
        return "is a figure made from the choices, not a choice; drop the column (forensics adds the choices up itself)"
    return ""


def free_layout(header: list[str], file: str) -> Layout:
    """A CSV read without a results file: the protocol columns by name, every other column a choice."""
    problems: list[Finding] = []
    roles: dict[str, int] = {}
    choices: list[str] = []

    def problem(message: str, column: int) -> None:
        problems.append(BAD_ROW.finding(message, file=file, position=Position(1, column + 1), path=("header",)))

    for index, cell in enumerate(header):
        name = cell.strip()
        if not name:
            problem("an empty column name; name every column (a choice's name, or a protocol figure)", index)
        elif name in roles:
            problem(f"column '{excerpt(name)}' again (first as column {roles[name] + 1})", index)
        elif name not in ("station", "region", *COUNT_COLUMNS) and (reason := _not_a_choice(name)):
            problem(f"column '{excerpt(name)}' {reason}", index)
        else:
            roles[name] = index
            if name not in ("station", "region", *COUNT_COLUMNS):
                choices.append(name)
    missing = [name for name in NEEDED if name not in roles]
    if "ballots_in_boxes" not in roles and "invalid_ballots" not in roles:
        missing.append("ballots_in_boxes or invalid_ballots")
    if missing:
        problem(f"missing column(s): {', '.join(missing)}", 0)
    if not choices and not problems:
        problem("no choice columns: every column but station, region and the protocol figures is a choice", 0)
    if problems:
        raise KzvoteError(problems)
    counted = [name for name in COUNT_COLUMNS if name in roles] + choices
    return Layout(header, roles["station"], roles["region"], counted, [roles[name] for name in counted], choices)


class Kept:
    """What forensics keeps of each block, in the process that reads it.

    With the tested choice known before the reading (one choice kept), the stations are
    summarised as they are read, a chunk at a time (smaller arrays cost more per row than they
    save in cache), and only the summary stays: the columns are a buffer for the next chunk.
    Otherwise the columns are kept whole, each reserved at an upper bound of rows (the pages a
    column never writes cost nothing) and filled in place, for the summaries once the stations
    tell the winner. A second process's part crosses as its summary, or as plain arrays (join)."""

    def __init__(self, layout: Layout, rows: int, choices: list[int]) -> None:
        import numpy as np

        from kzvote.audit.stations import Column

        self.at = at = {name: place for place, name in enumerate(layout.counted)}
        self.choices = [at[name] for name in layout.choices]
        self.kept_choices = choices  # whose votes are kept station by station; every choice is added up
        self.streaming = len(choices) == 1
        self.summary: Summary | None = None
        self.regions = 0  # region codes the part has given out
        self.totals = [0] * len(self.choices)
        self.rows = 0  # rows parsed, readable or not
        self.readable = 0
        names = ["registered", "cast", "in_boxes", "region", "line", *(f"votes {index}" for index in choices)]
        room = min(rows, 2 * CHUNK) if self.streaming else rows
        # counts as uint32 (every real station's fit): half the memory of int64; widened if one does not
        self.columns: dict[str, Any] = {name: Column(np, np.int32 if name == "region" else np.uint32, room) for name in names}

    def __getstate__(self) -> dict[str, Any]:
        """A part crossing to the parent process: summarised whole, its columns as plain arrays."""
        if self.streaming:
            self.summarise()
        return self.__dict__ | {"columns": {name: column.view() for name, column in self.columns.items()}}

    def add(self, parsed: Any, part: Part) -> None:
        at = self.at
        self.rows += len(parsed.lines)
        codes = part.region_codes_of(parsed.regions, parsed.ids, parsed.lines)
        good = parsed.readable
        counts = parsed.counts if good.all() else parsed.counts[good]
        self.readable += len(counts)
        votes = counts[:, self.choices]
        if "ballots_in_boxes" in at:
            in_boxes = counts[:, at["ballots_in_boxes"]]
        else:  # valid + blank + invalid: what the boxes held
            in_boxes = votes.sum(axis=1) + counts[:, at["invalid_ballots"]] + (counts[:, at["blank_ballots"]] if "blank_ballots" in at else 0)
        self._put("registered", counts[:, at["registered"]])
        self._put("cast", counts[:, at["ballots_cast"]])
        self._put("in_boxes", in_boxes)
        self._put("region", codes[good])
        self._put("line", parsed.lines[good])
        for index in self.kept_choices:
            self._put(f"votes {index}", votes[:, index])
        for index, total in enumerate(votes.sum(axis=0).tolist()):
            self.totals[index] += total
        self.regions = len(part.region_names)
        while self.streaming and self.columns["line"].size >= CHUNK:
            self.summarise(CHUNK)

    def summarise(self, rows: int | None = None) -> None:
        """The first rows stations of the buffer (all: None) summarised into self.summary, and
        taken out of it; whole chunks while reading, since a smaller one costs more a station."""
        from kzvote.forensics import summary

        size = self.columns["line"].size
        rows = size if rows is None else rows
        if not rows:
            return
        view = {name: column.view()[:rows] for name, column in self.columns.items()}
        winner = view[f"votes {self.kept_choices[0]}"]
        columns = summary.Columns(view["registered"], view["cast"], view["in_boxes"], winner, view["region"], self.regions, view["line"])
        block = summary.summarise(columns, False)
        if self.summary is None:
            self.summary = block
        else:
            self.summary.add(block)
        for column in self.columns.values():  # the rest (less than a chunk) to the front
            column.data[: size - rows] = column.data[rows:size]
            column.size = size - rows

    def _put(self, name: str, values: Any) -> None:
        column = self.columns[name]
        if column.data.dtype.itemsize < 8 and values.max(initial=0) >= 2**31:  # no longer fits: int64 from here on
            column.data, column.shared = column.data.astype(values.dtype), None
        column.extend(values)

    def join(self, other: Kept, offset: int, codes: list[int]) -> None:
        """other's stations after these: its lines (numbered from 1) moved by offset, its region
        codes made these's."""
        import numpy as np

        if self.streaming:
            self.summarise()  # these stations first: the sums are added in file order
            if other.summary is not None:
                moved = other.summary.moved(offset, codes)
                if self.summary is None:
                    self.summary = moved
                else:
                    self.summary.add(moved)
        remap = np.array(codes, dtype=np.int32)
        for name, values in other.columns.items():  # empty when other was summarised
            if name == "line":
                values = values.astype(np.int64) + offset
            elif name == "region":
                values = remap[values]
            self._put(name, values)
        self.rows += other.rows
        self.readable += other.readable
        self.totals = [mine + theirs for mine, theirs in zip(self.totals, other.totals)]
        self.regions = max(self.regions, max(codes, default=-1) + 1)

    def column(self, name: str) -> Any:
        return self.columns[name].view()


class UnknownChoice(LookupError):
    """--winner names no choice of the stations file (its message says so, with a suggestion)."""


def layout_for(header: list[str], results: Results | None, display_name: str) -> Layout:
    """With a results file, its choices and spellings; a CSV alone, by the column names."""
    return read_layout(header, results, display_name) if results is not None else free_layout(header, display_name)


def read_protocols(
    path: FilePath, display_name: str, results: Results | None, on_progress: Callable[[int], None] | None = None, jobs: int = 0, asked: str | None = None
) -> Protocols:
    """The station CSV read as the audit reads it (one process per core for a large plain file).
    Without results, every column that is not a protocol column is a choice. asked: --winner.

    The tested choice is settled from the header when it can be (--winner, or the results file's
    leader): then only its votes are read station by station, summarised as they come. A --winner
    that is no choice is an UnknownChoice raised there, before any station is read."""
    from kzvote.audit import Reading, read_stations

    tested: int | None = None

    def layout_of(header: list[str]) -> Layout:
        nonlocal tested  # in the parent, before any reading process is forked: they see it too
        layout = layout_for(header, results, display_name)
        tested = known_winner(layout, asked, results)
        return layout

    def prepare(part: Part, rows: int) -> None:
        part.blank_protocols = []
        part.kept = Kept(part.layout, rows, list(range(len(part.layout.choices))) if tested is None else [tested])

    def keep(parsed: Any, part: Part) -> None:
        part.kept.add(parsed, part)

    whole, read = read_stations(path, display_name, Reading(layout_of, set(), keep, prepare, hashes=False), on_progress, jobs)
    kept: Kept = whole.kept
    kept.regions = len(whole.region_names)
    if kept.streaming:
        kept.summarise()
    blank = whole.blank_protocols or []
    return Protocols(
        display_name,
        whole.layout,
        tested if tested is not None else _leader(whole.layout, kept.totals),
        kept.column("registered"),
        kept.column("cast"),
        kept.column("in_boxes"),
        {index: kept.column(f"votes {index}") for index in kept.kept_choices},
        kept.totals,
        kept.summary,
        kept.column("region"),
        kept.column("line"),
        list(whole.region_names),
        kept.rows + whole.bad_rows + len(blank),
        kept.readable,
        len(blank),
        sorted(blank)[:5],
        whole.bad_rows + kept.rows - kept.readable,
        whole.findings,
        dict(whole.truncated),
        read,
        path,
    )


def _leader(layout: Layout, totals: list[int]) -> int:
    """The choice with most votes in the stations (the first of equals); against all only when it is the only one."""
    choices = layout.choices
    candidates = [index for index, name in enumerate(choices) if name != AGAINST_ALL and name.casefold() != "against_all"] or list(range(len(choices)))
    return max(candidates, key=lambda index: (totals[index], -index))


def known_winner(layout: Layout, asked: str | None, results: Results | None) -> int | None:
    """The choice tested, when the header and the results file tell it before the stations are
    read: --winner (UnknownChoice if it is no choice), or the results file's leader. None: only the
    stations can tell."""
    if asked is not None:
        return asked_choice(layout, asked, results)
    if results is None or not results.candidates:
        return None
    leader = max(results.candidates, key=lambda choice: choice.votes.count)  # the first of equals
    return layout.choices.index(leader.name)


def asked_choice(layout: Layout, asked: str, results: Results | None) -> int:
    """The choice --winner names: its exact name, else an alias (results file) or other capitals."""
    choices = layout.choices
    wanted = asked.strip()
    if results is not None:
        from kzvote.build import resolve_name

        wanted = resolve_name(wanted, results.spellings) or wanted
    if wanted in choices:  # the exact name first: "Ann" and "ANN" may both be choices
        return choices.index(wanted)
    folded = [name.casefold() for name in choices]
    if wanted.casefold() in folded:
        return folded.index(wanted.casefold())
    from kzvote.build import did_you_mean

    raise UnknownChoice(f"'{excerpt(asked)}' is not a choice of the stations file{did_you_mean(asked, choices)}")
