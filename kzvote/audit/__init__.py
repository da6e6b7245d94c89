"""Tabulation audit: polling-station protocols (CSV) checked one by one and rolled up against the
published regional and national totals.

KZ801 station-bad-cell            (error) a count cell that is empty, negative or not a whole number
KZ802 station-duplicate-id        (error) a station id used by an earlier row
KZ803 station-unbalanced          (error) valid + blank + invalid differ from ballots cast (ballots in boxes, when given)
KZ804 station-cast-exceeds-registered (error) more ballots cast than registered voters: turnout over 100%
KZ805 station-received-unbalanced (warning) ballots received differ from cast + cancelled (+ lost - unaccounted)
KZ806 station-invalid-share-high  (warning) more than 10% of the ballots cast are invalid
KZ807 station-unknown-region      (error) a region the results file does not have (once per name)
KZ808 station-bad-row             (error) a row with more or fewer cells than the header
KZ809 station-columns-swapped     (error) registered and ballots cast look swapped: swapping them back fits
KZ810 station-in-boxes-exceed-cast (warning) more ballots found in the boxes than were issued
KZ811 rollup-mismatch             (error) the stations of a region (or all) add up to another total than published
KZ812 rollup-station-count        (error) the number of stations differs from polling_stations
KZ813 rollup-region-missing       (error) a region of the results file has no stations in the CSV
KZ814 rollup-unconfirmed          (note) a total that unreadable stations keep from being confirmed
KZ815 rollup-region-unpublished   (note) stations of a region that a partial regions: list leaves out

The pipeline, one module each: `source` finds and opens the file and cuts it into blocks of whole
lines (and, for a large plain file, into byte ranges, one per process); `parse` turns a block into
arrays (numpy parses a plain block in one C call; any other is read line by line, to locate every
fault); `stations` checks every relation of a block as one vectorised expression and keeps, per
station, only a 64-bit hash of its id, its line and two flags; `rollup` finds duplicate ids (rows
whose hashes meet are read again and compared exactly) and compares the sums with the totals.
"""

from __future__ import annotations

import functools
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any

from kzvote.audit.result import NATION, Area, Audit
from kzvote.audit.rules import RULES
from kzvote.audit.source import COUNT_COLUMNS, Layout, Range, at_stations_key, read_layout, stations_path
from kzvote.audit.stations import Part
from kzvote.errors import KzvoteError
from kzvote.findings import Position
from kzvote.model import Results

__all__ = [
    "COUNT_COLUMNS",
    "NATION",
    "RULES",
    "Area",
    "Audit",
    "Layout",
    "at_stations_key",
    "audit_stations",
    "Reading",
    "read_layout",
    "read_stations",
    "stations_path",
]

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Reading:
    """What every process reading the file does with it: the audit checks each block; forensics
    keeps the columns its tests need (Part.kept)."""

    layout_of: Callable[[list[str]], Layout]  # the header's cells -> which column holds what (KzvoteError if none)
    known_regions: set[str]
    handle: Callable[[Any, Part], None]  # a block's rows (audit.parse.Parsed) into the part
    prepare: Callable[[Part, int], None] = lambda part, rows: None  # a new part, in the process that reads it, with room for about rows stations
    hashes: bool = True  # room for the per-station id hashes the audit's duplicate check needs


def audit_stations(results: Results, path: FilePath, display_name: str, on_progress: Progress | None = None, jobs: int = 0) -> Audit:
    """Audit the station CSV at path (plain or gzip). on_progress gets the bytes of the file read
    since its last call, compressed bytes for gzip, so a bar can run against the file's size.
    jobs: processes to read a plain file with; 0 is one per core the file is large enough for."""
    from kzvote.audit.rollup import finish
    from kzvote.audit.source import ids_at
    from kzvote.audit.stations import check_rows

    reading = Reading(lambda header: read_layout(header, results, display_name), {r.name for r in results.regions}, check_rows)
    whole, read = read_stations(path, display_name, reading, on_progress, jobs)
    audit = Audit(results, display_name)
    finish(whole, audit, functools.partial(ids_at, path, display_name, read, station_column=whole.layout.station))
    audit.rows = audit.national.stations  # every row but blank lines
    return audit


def read_stations(path: FilePath, display_name: str, reading: Reading, on_progress: Progress | None = None, jobs: int = 0) -> tuple[Part, Any]:
    """Every block of the station CSV at path handled as reading says, by one process per core when
    the file is large and plain: the parts merged into one, in file order; and the file's identity
    as read (source.FileIdentity), for reading lines of it again."""
    import numpy as np  # only the station commands need it; see README, Performance

    from kzvote.audit.source import identity, open_stations, plan, read_header, rows_to_reserve

    raw, stream = open_stations(path, display_name)
    read = identity(raw)
    with raw, stream:
        layout = reading.layout_of(read_header(stream, display_name))
        ranges = plan(stream, _parts(stream, jobs, read.size), read.size)
        children = [_start(path, display_name, piece, layout, reading, read.size) for piece in ranges[1:]]
        rows = rows_to_reserve(read.size, stream)
        whole = Part(layout, reading.known_regions, display_name, np, rows if reading.hashes else 0)
        reading.prepare(whole, rows)
        progress = _Progress(on_progress, [shared for _, _, shared in children]) if on_progress else None
        try:
            next_line = _read(stream, ranges[0], whole, reading.handle, raw, progress)
            for child in children:
                next_line = _merge_child(whole, child, display_name, next_line)
        finally:
            for process, _, _ in children:
                process.kill()
                process.join()
    if progress:
        progress.rest(read.size)
    return whole, read


class _Progress:
    """The bytes read so far, this process's and its children's, for one bar over the whole file:
    each child counts its own in the last 8 bytes of the memory it shares with the parent."""

    def __init__(self, report: Progress, shared: list[Any]) -> None:
        self.report, self.shared, self.told, self.seen = report, shared, 0, 0

    def __call__(self, read: int) -> None:
        """read: the bytes this process read since its last call."""
        children = sum(_counted(memory) for memory in self.shared if not memory.closed)
        more = read + max(children - self.seen, 0)
        self.seen = max(self.seen, children)
        self.report(more)
        self.told += more

    def rest(self, size: int) -> None:
        """The end: whatever of the file has not been told yet."""
        if size > self.told:
            self.report(size - self.told)


def _counted(memory: Any) -> int:
    import struct

    return int(struct.unpack_from("q", memory, len(memory) - 8)[0])


def _read(stream: Any, piece: Range, part: Part, handle: Callable[[Any, Part], None], raw: Any = None, on_progress: Progress | None = None) -> int:
    """Handle every row of one range of the file into part; the number of the line after it."""
    from kzvote.audit.parse import parse_block
    from kzvote.audit.source import blocks, reason, unreadable

    next_line, consumed = piece.first_line or 1, raw.tell() if raw is not None else 0
    try:
        for block in blocks(stream, None if piece.end is None else piece.end - piece.start):
            parsed, lines = parse_block(block, next_line, part, part.np)
            if parsed is not None:
                handle(parsed, part)
            next_line += lines
            if on_progress and raw is not None:
                position = raw.tell()
                on_progress(position - consumed)
                consumed = position
    except (OSError, EOFError, zlib.error) as error:  # a truncated or corrupt gzip stream, a failing disk
        where = f" after line {next_line - 1}" if next_line > 2 and piece.first_line else ""
        raise unreadable(part.file_name, f"cannot read stations file{where}: {reason(error)}", next_line) from None
    return next_line


def _parts(stream: Any, jobs: int, size: int) -> int:
    """How many processes read the file: one per core (or jobs), each with PART_BYTES at least;
    a gzip stream cannot be entered in the middle, so it is read by one."""
    from kzvote.audit import source

    if source.is_gzip(stream) or not hasattr(os, "fork"):
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(jobs or cores, size // source.PART_BYTES))


def _start(path: FilePath, display_name: str, piece: Range, layout: Layout, reading: Reading, size: int) -> tuple[Any, Any, Any]:
    """A forked process reading one range; it sends its part back whole, or the findings that
    stopped it. Fork, not spawn: the child starts with numpy and the results already loaded."""
    import mmap
    import multiprocessing

    from kzvote.audit.stations import shared_bytes

    rows = ((piece.end or size) - piece.start) // 32  # rows are longer: room to spare
    shared = mmap.mmap(-1, shared_bytes(rows if reading.hashes else 0) + 8)  # anonymous, shared with the child: its columns, then its bytes read
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, path, display_name, piece, layout, reading, rows, shared), daemon=True)
    process.start()
    sender.close()
    return process, receiver, shared


def _child(sender: Any, path: FilePath, display_name: str, piece: Range, layout: Layout, reading: Reading, rows: int, shared: Any) -> None:
    import traceback

    import numpy as np

    from kzvote.audit.source import open_stations

    try:
        part = Part(layout, reading.known_regions, display_name, np, rows if reading.hashes else 0, shared)
        reading.prepare(part, rows)
        raw, stream = open_stations(path, display_name)
        with raw:
            raw.seek(piece.start)
            part.next_line = _read(raw, piece, part, reading.handle, raw, _counter(shared))
        sender.send(("part", part))
    except KzvoteError as error:
        sender.send(("error", error.findings))
    except BaseException:  # a bug: the parent reports it (exit 3), with this trace
        sender.send(("bug", traceback.format_exc()))
    finally:
        sender.close()


def _counter(shared: Any) -> Progress:
    """A child's progress: the bytes it has read, written where the parent's bar reads them."""
    import struct

    read = 0

    def count(more: int) -> None:
        nonlocal read
        read += more
        struct.pack_into("q", shared, len(shared) - 8, read)

    return count


def _merge_child(whole: Part, child: tuple[Any, Any, Any], display_name: str, next_line: int) -> int:
    """The child's part added to whole, its lines (numbered from 1) moved to where they stand in
    the file, which the parts before it have just told; the number of the line after it."""
    from dataclasses import replace

    from kzvote.audit.source import unreadable
    from kzvote.audit.stations import merge

    process, receiver, shared = child
    try:
        kind, payload = receiver.recv()
    except EOFError:  # the child died before saying anything: killed, or out of memory
        raise unreadable(display_name, f"a process reading part of the file ended without a result (exit code {process.exitcode})") from None
    if kind == "error":
        raise KzvoteError([replace(f, position=Position(f.position.line + next_line - 1, f.position.column)) if f.position else f for f in payload])
    if kind == "bug":
        raise RuntimeError(f"a process reading part of the file failed:\n{payload}")
    payload.attach(shared)
    after = merge(whole, payload, next_line - 1)
    del payload  # its columns are copied into whole: the shared memory goes before the end needs room
    shared.close()
    return after
