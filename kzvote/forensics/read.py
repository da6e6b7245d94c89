"""The station CSV as columns for forensics: the figures each test needs, one array per figure.

The file is read as `kzvote audit` reads it (same blocks, same parser, same faults located), but
only what the tests use is kept: per station its registered voters, ballots cast, ballots in the
boxes, each choice's votes, its region and its line. A row whose every figure is empty (a
station listed without a protocol) is left out and counted; a row that cannot be read is left
out, counted and located.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

from kzvote.audit.rules import BAD_ROW
from kzvote.audit.source import COUNT_COLUMNS, Layout, read_layout
from kzvote.errors import KzvoteError
from kzvote.findings import Finding, Position
from kzvote.model import AGAINST_ALL, Results
from kzvote.text import excerpt

NEEDED = ("station", "region", "registered", "ballots_cast")


@dataclass(frozen=True)
class Protocols:
    """Readable stations, in file order. Arrays are numpy int64 (counts) and int32 (codes)."""

    file: str
    layout: Layout
    registered: Any
    cast: Any
    in_boxes: Any  # ballots_in_boxes when the file has it, else valid + blank + invalid
    votes: Any  # one column per choice, in layout.choices order
    region: Any  # code into region_names
    line: Any
    region_names: list[str]
    rows: int  # every row read (blank lines aside)
    without_protocol: int
    first_without_protocol: list[int]  # lines, the first few
    unreadable: int
    findings: list[Finding]  # where the unreadable rows are (the audit's codes)
    truncated: dict[str, int]
    identity: Any  # the file as read (kzvote.audit.source.FileIdentity): ids are read again by line
    path: FilePath

    @property
    def stations(self) -> int:
        return len(self.line)


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


def read_protocols(path: FilePath, display_name: str, results: Results | None, on_progress: Callable[[int], None] | None = None) -> Protocols:
    import numpy as np

    from kzvote.audit.parse import parse_block
    from kzvote.audit.source import blocks, identity, open_stations, read_header, reason, unreadable
    from kzvote.audit.stations import Part

    raw, stream = open_stations(path, display_name)
    read = identity(raw)
    with raw, stream:
        header = read_header(stream, display_name)
        layout = read_layout(header, results, display_name) if results is not None else free_layout(header, display_name)
        part = Part(layout, set(), display_name, np)
        part.blank_protocols = []
        at = {name: layout.counted.index(name) for name in layout.counted}
        choice_columns = [at[name] for name in layout.choices]
        kept: dict[str, list[Any]] = {"registered": [], "cast": [], "in_boxes": [], "votes": [], "region": [], "line": []}
        next_line, consumed, rows = 2, raw.tell(), 0
        try:
            for block in blocks(stream):
                parsed, lines = parse_block(block, next_line, part, np)
                next_line += lines
                if on_progress:
                    position = raw.tell()
                    on_progress(position - consumed)
                    consumed = position
                if parsed is None:
                    continue
                rows += len(parsed.lines)
                codes = part.region_codes_of(parsed.regions, parsed.ids, parsed.lines)
                good = parsed.readable
                counts = parsed.counts[good] if not good.all() else parsed.counts
                votes = counts[:, choice_columns]
                if "ballots_in_boxes" in at:
                    in_boxes = counts[:, at["ballots_in_boxes"]]
                else:
                    in_boxes = votes.sum(axis=1) + counts[:, at["invalid_ballots"]] + (counts[:, at["blank_ballots"]] if "blank_ballots" in at else 0)
                kept["registered"].append(counts[:, at["registered"]])
                kept["cast"].append(counts[:, at["ballots_cast"]])
                kept["in_boxes"].append(in_boxes)
                kept["votes"].append(votes)
                kept["region"].append(codes[good].astype(np.int32))
                kept["line"].append(parsed.lines[good])
        except (OSError, EOFError, zlib.error) as error:  # a truncated or corrupt gzip stream, a failing disk
            raise unreadable(display_name, f"cannot read stations file: {reason(error)}", next_line) from None
    if on_progress:
        on_progress(max(read.size - consumed, 0))
    width = len(choice_columns)
    joined = {name: np.concatenate(arrays) if arrays else np.zeros((0, width) if name == "votes" else 0, dtype=np.int64) for name, arrays in kept.items()}
    blank = part.blank_protocols
    return Protocols(
        display_name,
        layout,
        joined["registered"],
        joined["cast"],
        joined["in_boxes"],
        joined["votes"].reshape(-1, width),
        joined["region"],
        joined["line"],
        list(part.region_names),
        rows + part.bad_rows + len(blank),
        len(blank),
        blank[:5],
        part.bad_rows + int(rows - len(joined["line"])),
        part.findings,
        dict(part.truncated),
        read,
        path,
    )


def pick_winner(protocols: Protocols, asked: str | None, results: Results | None) -> int:
    """The choice whose share is tested: asked for by name, else the one with most votes (against
    all is never picked by default). LookupError, with a sentence, for a name that is no choice."""
    choices = protocols.layout.choices
    if asked is not None:
        wanted = asked.strip()
        if results is not None:
            from kzvote.build import resolve_name

            wanted = resolve_name(wanted, results.spellings) or wanted
        folded = [name.casefold() for name in choices]
        if wanted.casefold() in folded:
            return folded.index(wanted.casefold())
        from kzvote.build import did_you_mean

        raise LookupError(f"'{excerpt(asked)}' is not a choice of {excerpt(protocols.file)}{did_you_mean(asked, choices)}")
    totals = [int(total) for total in protocols.votes.sum(axis=0)] if protocols.stations else [0] * len(choices)
    candidates = [index for index, name in enumerate(choices) if name != AGAINST_ALL and name.casefold() != "against_all"] or list(range(len(choices)))
    return max(candidates, key=lambda index: (totals[index], -index))
