"""One part of the station CSV read: the per-station relations, vectorised over each block, and
what the part keeps for the end (id hashes, line numbers, flags, per-region sums, findings).

A part is the whole file, or one byte range of it read by its own process; parts are merged in
file order, so the result does not depend on how the file was cut.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from kzvote import fmt
from kzvote.arith import share
from kzvote.audit.parse import MAX_COUNT, Parsed, subject, too_large
from kzvote.audit.rules import (
    BAD_CELL,
    CAST_OVER_REGISTERED,
    IN_BOXES_OVER_CAST,
    INVALID_SHARE_HIGH,
    RECEIVED_UNBALANCED,
    SWAPPED,
    UNBALANCED,
)
from kzvote.audit.source import SPACE, Layout
from kzvote.findings import Finding, Position, Rule

KEEP_PER_CODE = 10_000  # station findings kept per code; the count stays exact beyond
INVALID_SHARE_LIMIT = 10  # percent
EXACT_ROWS = 2**53 // (MAX_COUNT + 1)  # rows whose counts add up exactly in float64


class Column:
    """An append-only numpy column reserved at an upper bound of rows. The operating system gives
    a reserved page out only when it is first written, so the memory used is what the rows need,
    and the column is read at the end as one array, with no joining copy. It doubles if the
    bound was short (a gzip file's rows can only be guessed)."""

    def __init__(self, np: Any, dtype: Any, capacity: int, shared: tuple[Any, int] | None = None) -> None:
        self.np, self.size = np, 0
        # shared: (memory shared with the parent process, offset): the column is written where the
        # parent reads it, and only its size crosses the pipe
        self.shared = shared
        if shared is None:
            self.data = np.empty(max(capacity, 1024), dtype=dtype)
        else:
            self.data = np.frombuffer(shared[0], dtype=dtype, count=capacity, offset=shared[1])

    def extend(self, values: Any) -> None:
        end = self.size + len(values)
        if end > len(self.data):
            grown = self.np.empty(max(2 * len(self.data), end, 1024), dtype=self.data.dtype)
            grown[: self.size] = self.data[: self.size]
            self.data, self.shared = grown, None  # out of the shared memory: it crosses the pipe
        self.data[self.size : end] = values
        self.size = end

    def view(self) -> Any:
        return self.data[: self.size]


COLUMN_BYTES = (8, 4, 1, 1)  # per station: its id's hash, its line, its error and warning flags


def shared_bytes(rows: int) -> int:
    """The memory a part of rows stations writes its columns in, when it shares them."""
    return max(rows, 1024) * sum(COLUMN_BYTES)


def shared_offsets(rows: int) -> list[int]:
    rows, offsets, at = max(rows, 1024), [], 0
    for width in COLUMN_BYTES:
        offsets.append(at)
        at += width * rows
    return offsets


class Part:
    """What reading one part of the file carries from block to block, and keeps for the end."""

    def __init__(self, layout: Layout, known_regions: set[str], file_name: str, np: Any, rows_at_most: int = 0, shared: Any = None) -> None:
        self.layout = layout
        self.known_regions = known_regions
        self.file_name = file_name
        self.np = np
        # Per station: a 64-bit hash of its id and its line. Duplicates are found at the end by one
        # sort of the hashes; rows whose hashes meet are read again to compare the ids exactly (a
        # collision is re-checked, never assumed). 14 bytes a station with the flags, not the ids.
        at = dict(zip(self.COLUMNS, shared_offsets(rows_at_most)))

        def column(name: str, dtype: Any) -> Column:
            return Column(np, dtype, rows_at_most, (shared, at[name]) if shared is not None else None)

        self.id_hashes = column("id_hashes", np.uint64)
        self.id_lines = column("id_lines", np.uint32)  # widened if a file ever passes 2^32 lines
        self.error_rows = column("error_rows", bool)  # which rows already have an error or a warning
        self.warning_rows = column("warning_rows", bool)
        self.id_width, self.region_width = 16, 32  # widened when a cell fills one
        self.region_names: list[str] = []  # by region code, in the order first seen
        self.region_codes: dict[str, int] = {}
        self.regions = RegionIndex(np)  # the same codes, by the UTF-8 cells the blocks carry
        self.sums: list[Any] = []  # per region code: the counted figures added up, Python ints (exact)
        self.stations: list[int] = []
        self.unreadable: list[int] = []
        self.first_unreadable: list[int | None] = []
        self.discovered: dict[str, tuple[int, str]] = {}  # a region the results file lacks -> first line, station
        self.bad_rows = 0  # rows not read at all: errors, not in error_rows
        self.unplaced = 0  # ... and of those, the ones whose region is unknown
        self.first_unplaced: int | None = None
        self.findings: list[Finding] = []
        self.counts: dict[str, int] = {}  # every finding by code, kept or not
        self.truncated: dict[str, int] = {}  # findings counted but not kept, by code
        self.next_line = 1  # the number of the line after the part, once read
        # A list: rows whose every count is empty (a station listed without a protocol) are noted
        # here, not as bad cells. Forensics leaves them out and counts them; the audit does not.
        self.blank_protocols: list[int] | None = None
        self.kept: Any = None  # what a reading other than the audit keeps of each block: join(other, offset, codes)

    COLUMNS = ("id_hashes", "id_lines", "error_rows", "warning_rows")

    def __getstate__(self) -> dict[str, Any]:
        """A part crosses from a reading process to its parent without numpy's module object,
        and with only the used length of each column."""
        state = {name: value for name, value in self.__dict__.items() if name not in ("np", "regions")}
        for name in self.COLUMNS:
            column = getattr(self, name)
            # a column in memory shared with the parent crosses as its place; any other, whole
            state[name] = (column.shared[1], column.data.dtype.str, column.size) if column.shared else column.view()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        import numpy as np

        self.__dict__.update(state, np=np, regions=RegionIndex(np))

    def attach(self, shared: Any) -> None:
        """Columns that came as places in shared memory, read there (after __setstate__)."""
        for name in self.COLUMNS:
            value = getattr(self, name)
            if isinstance(value, tuple):
                offset, dtype, size = value
                column = Column(self.np, dtype, size, (shared, offset))
            else:
                column = Column(self.np, value.dtype, 0)
                column.data = value
            column.size = len(column.data)
            setattr(self, name, column)

    def add(
        self, rule: Rule, message: str, line: int | None, column: int | None, subject: str, column_name: str = "", figures: dict[str, Any] | None = None
    ) -> None:
        """A station finding, kept while its code has fewer than KEEP_PER_CODE, always counted: a
        file with a million bad rows does not need a million objects."""
        self.counts[rule.code] = self.counts.get(rule.code, 0) + 1
        if self.counts[rule.code] > KEEP_PER_CODE:
            self.truncated[rule.code] = self.truncated.get(rule.code, 0) + 1
            return
        position = Position(line, column) if line is not None and column is not None else None
        path: tuple[str, ...] = (column_name,) if column_name else ()
        self.findings.append(rule.finding(message, file=self.file_name, position=position, path=path, subject=subject, figures=figures))

    def unreadable_row(self, region: str | None, line: int) -> None:
        """A row that could not be read at all: a station with an error, counted but not summed,
        in its region when the region cell is one the results file has, else in no region."""
        self.bad_rows += 1
        if region is not None and region.strip(SPACE) in self.known_regions:
            code = self.code(region.strip(SPACE))
            self.stations[code] += 1
            self.unreadable[code] += 1
            self.first_unreadable[code] = _earliest(self.first_unreadable[code], line)  # rows are refused out of line order
            return
        self.unplaced += 1
        self.first_unplaced = _earliest(self.first_unplaced, line)

    def code(self, region: str) -> int:
        code = self.region_codes.get(region)
        if code is None:
            code = self.region_codes[region] = len(self.region_names)
            self.region_names.append(region)
            self.sums.append(self.np.zeros(len(self.layout.counted), dtype=object))
            self.stations.append(0)
            self.unreadable.append(0)
            self.first_unreadable.append(None)
        return code

    def region_codes_of(self, regions: Any, ids: Any, lines: Any) -> Any:
        """Each row's region code; a cell not seen before becomes a region (in file order), noted if
        the results file lacks it."""
        codes = self.regions.lookup(regions)
        if codes is not None:
            return codes
        first_row: dict[bytes, int] = {}
        for row, key in enumerate(regions.tolist()):
            if key not in self.regions:
                first_row.setdefault(key, row)
        for key, row in first_row.items():  # in file order: the same codes every run
            name = key.decode("utf-8").strip(SPACE)
            self.regions.add(key, self.code(name))
            if self.known_regions and name not in self.known_regions and name not in self.discovered:
                self.discovered[name] = (int(lines[row]), _text(ids[row]))
        codes = self.regions.lookup(regions)
        assert codes is not None  # every cell is a key now
        return codes


class RegionIndex:
    """Region cells (UTF-8 bytes, as written) to region codes, a whole block at once. Each cell is
    read as 64-bit words mixed into one number; a binary search among the known cells' numbers
    finds its code, and comparing the words confirms it. Cells that mix alike (never seen, but
    possible) fall back to a binary search among the cells' bytes."""

    MIX = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93)

    def __init__(self, np: Any) -> None:
        self.np = np
        self.codes: dict[bytes, int] = {}
        self.width = 0  # the cell width the word index is built for; 0: to build
        self.mixed = self.words = self.word_codes = self.keys = self.key_codes = np.zeros(0, dtype=np.uint64)

    def __contains__(self, key: bytes) -> bool:
        return key in self.codes

    def add(self, key: bytes, code: int) -> None:
        self.codes[key] = code
        self.width = 0

    def lookup(self, regions: Any) -> Any:
        """The codes of the cells, or None if some cell is not known."""
        np = self.np
        if not len(regions):
            return np.zeros(0, dtype=np.int64)
        if not self.codes:
            return None
        width = -(-regions.dtype.itemsize // 8) * 8
        if regions.dtype.itemsize != width:
            regions = regions.astype(f"S{width}")
        if self.width != width:
            self._index(width)
        if len(self.mixed):
            words = np.ascontiguousarray(regions).view(np.uint64).reshape(len(regions), width // 8)
            at = np.minimum(np.searchsorted(self.mixed, self._mix(words)), len(self.mixed) - 1)
            if (self.words[at] == words).all():
                return self.word_codes[at]
        at = np.minimum(np.searchsorted(self.keys, regions), len(self.keys) - 1)
        return self.key_codes[at] if (self.keys[at] == regions).all() else None

    def _index(self, width: int) -> None:
        np = self.np
        fitting = [key for key in self.codes if len(key) <= width]  # a longer key is no cell of this width
        words = np.array(fitting, dtype=f"S{width}").view(np.uint64).reshape(len(fitting), width // 8)
        mixed = self._mix(words)
        order = np.argsort(mixed, kind="stable")
        self.mixed, self.words = mixed[order], words[order]
        self.word_codes = np.array([self.codes[fitting[i]] for i in order], dtype=np.int64)
        ordered = sorted(self.codes)
        self.keys = np.array(ordered, dtype=bytes)
        self.key_codes = np.array([self.codes[key] for key in ordered], dtype=np.int64)
        self.width = width

    def _mix(self, words: Any) -> Any:
        np = self.np
        mix = np.resize(np.array(self.MIX, dtype=np.uint64), words.shape[1])
        return words @ mix  # wraps modulo 2**64 by design; numpy's integer matmul is one C loop


def check_rows(parsed: Parsed, part: Part) -> None:
    """One block's relations, vectorised; ids and regions are numpy arrays of UTF-8 bytes."""
    np = part.np
    counts, ids, regions, lines, readable = parsed
    layout = part.layout
    col = layout.at
    need = layout.index
    rows = len(ids)
    # Negative and enormous counts parse as numbers: they make a row unreadable like any other bad
    # cell. Seen unsigned, a negative count is enormous too: one comparison finds both.
    bad = counts.view(np.uint64) > MAX_COUNT
    if bad.any():
        for r, c in zip(*np.nonzero(bad)):
            name, value = layout.counted[c], int(counts[r, c])
            message = f"{name} is negative ({value})" if value < 0 else too_large(name, str(value))
            part.add(BAD_CELL, message, int(lines[r]), layout.columns[c] + 1, _text(ids[r]), name)
        readable = readable & ~bad.any(axis=1)
    errors = ~readable

    part.id_hashes.extend(hash_ids(ids, np))
    if len(lines) and int(lines[-1]) >= 2**32 and part.id_lines.data.dtype != np.int64:
        part.id_lines.data = part.id_lines.data.astype(np.int64)
    part.id_lines.extend(lines)
    codes = part.region_codes_of(regions, ids, lines)

    registered, cast, invalid = (counts[:, need(n)] for n in ("registered", "ballots_cast", "invalid_ballots"))
    valid = counts[:, [need(c) for c in layout.choices]].sum(axis=1)
    boxes_at = col("ballots_in_boxes")
    target = counts[:, boxes_at] if boxes_at is not None else cast
    received_at, cancelled_at = col("ballots_received"), col("ballots_cancelled")
    # The relation set follows the columns present: blank ballots join the balance (protocol
    # lines 7+8 = 9 + valid [+ blank]); lost and unaccounted ballots join the received relation.
    blank_at, lost_at, unaccounted_at = col("blank_ballots"), col("ballots_lost"), col("ballots_unaccounted")
    found = valid + invalid + (counts[:, blank_at] if blank_at is not None else 0)
    accounted = cast + (counts[:, lost_at] if lost_at is not None else 0) - (counts[:, unaccounted_at] if unaccounted_at is not None else 0)

    over = readable & (cast > registered)
    unbalanced = readable & (found != target)
    received_off = np.zeros(rows, dtype=bool)
    if received_at is not None and cancelled_at is not None:
        received_off = readable & (counts[:, received_at] != accounted + counts[:, cancelled_at])
    # A swap of the two columns breaks up to three relations; one finding names the cause.
    swapped = over.copy()
    if swapped.any():
        swapped &= ~(found != (counts[:, boxes_at] if boxes_at is not None else registered))
        if received_at is not None and cancelled_at is not None:
            swapped &= counts[:, received_at] == accounted - cast + registered + counts[:, cancelled_at]
    over &= ~swapped
    unbalanced &= ~swapped
    received_off &= ~swapped
    # a station with no ballots cast divides by nothing: its share of invalid ballots is not high
    high_invalid = readable & ~swapped & (cast > 0) & (invalid * 100 > cast * INVALID_SHARE_LIMIT)

    def report(rule: Rule, rows: Any, figure: str, message: Callable[[int], str], figures: Callable[[int], dict[str, Any]]) -> None:
        """A finding for each row of the mask, at the cell of the figure it stands on."""
        for i in _where(rows):
            part.add(rule, message(i), int(lines[i]), layout.columns[need(figure)] + 1, _text(ids[i]), figure, figures(i))

    report(
        SWAPPED,
        swapped,
        "ballots_cast",
        lambda i: (
            f"registered {fmt.count(int(registered[i]))} and ballots_cast {fmt.count(int(cast[i]))} look swapped: the protocol balances with them the other way round"
        ),
        lambda i: {"registered": int(registered[i]), "ballots_cast": int(cast[i])},
    )
    report(
        CAST_OVER_REGISTERED,
        over,
        "ballots_cast",
        lambda i: (
            f"{fmt.count(int(cast[i]))} ballots cast, {fmt.count(int(registered[i]))} registered: turnout {fmt.percent(share(int(cast[i]), int(registered[i])), 2)}%"
        ),
        lambda i: {"registered": int(registered[i]), "ballots_cast": int(cast[i])},
    )
    what = "ballots in boxes" if boxes_at is not None else "ballots cast"

    def unbalanced_message(i: int) -> str:
        total = int(found[i])
        blank = f" + {fmt.count(int(counts[i, blank_at]))} blank" if blank_at is not None else ""
        return f"{fmt.count(int(valid[i]))} valid{blank} + {fmt.count(int(invalid[i]))} invalid = {fmt.count(total)}, but {fmt.count(int(target[i]))} {what} ({total - int(target[i]):+,})"

    report(
        UNBALANCED, unbalanced, "invalid_ballots", unbalanced_message, lambda i: {"valid": int(valid[i]), "invalid": int(invalid[i]), "target": int(target[i])}
    )

    def received_message(i: int) -> str:
        assert received_at is not None and cancelled_at is not None  # received_off is all False otherwise
        lost = f" + {fmt.count(int(counts[i, lost_at]))} lost" if lost_at is not None else ""
        unaccounted = f" - {fmt.count(int(counts[i, unaccounted_at]))} unaccounted" if unaccounted_at is not None else ""
        received, cancelled = int(counts[i, received_at]), int(counts[i, cancelled_at])
        return f"{fmt.count(received)} ballots received, but {fmt.count(int(cast[i]))} cast + {fmt.count(cancelled)} cancelled{lost}{unaccounted} = {fmt.count(int(accounted[i]) + cancelled)}"

    report(
        RECEIVED_UNBALANCED,
        received_off,
        "ballots_received",
        received_message,
        lambda i: {"received": int(counts[i, received_at]), "cast": int(cast[i]), "cancelled": int(counts[i, cancelled_at])},
    )
    report(
        INVALID_SHARE_HIGH,
        high_invalid,
        "invalid_ballots",
        lambda i: (
            f"{fmt.count(int(invalid[i]))} of {fmt.count(int(cast[i]))} ballots invalid ({fmt.percent(share(int(invalid[i]), int(cast[i])), 1)}%, over {INVALID_SHARE_LIMIT}%)"
        ),
        lambda i: {"invalid": int(invalid[i]), "ballots_cast": int(cast[i])},
    )
    stuffed = np.zeros(rows, dtype=bool)
    if boxes_at is not None:  # more ballots in the boxes than were issued: the classic sign of stuffing
        stuffed = readable & ~swapped & (counts[:, boxes_at] > cast)
        report(
            IN_BOXES_OVER_CAST,
            stuffed,
            "ballots_in_boxes",
            lambda i: (
                f"{fmt.count(int(counts[i, boxes_at]))} ballots in the boxes, but only {fmt.count(int(cast[i]))} cast (issued): {fmt.count(int(counts[i, boxes_at] - cast[i]))} more than were given out"
            ),
            lambda i: {"ballots_in_boxes": int(counts[i, boxes_at]), "ballots_cast": int(cast[i])},
        )

    errors |= swapped | over | unbalanced
    warnings = received_off | high_invalid | stuffed
    part.error_rows.extend(errors)
    part.warning_rows.extend(warnings)
    _add_up(part, counts, codes, lines, readable)


def _add_up(part: Part, counts: Any, codes: Any, lines: Any, readable: Any) -> None:
    """The roll-up: unreadable rows stay out of the sums and are counted, so a total they affect
    is reported as unconfirmed instead of wrong."""
    np = part.np
    regions_seen = len(part.region_names)
    stations = np.bincount(codes, minlength=regions_seen)
    unreadable = np.bincount(codes[~readable], minlength=regions_seen)
    summed_codes, summed = (codes, counts) if readable.all() else (codes[readable], counts[readable])
    sums = np.zeros((regions_seen, counts.shape[1]), dtype=np.int64)
    # bincount adds in float64: exact while a sum stays below 2**53, so EXACT_ROWS rows at a time
    for start in range(0, len(summed_codes), EXACT_ROWS):
        chunk_codes, chunk = summed_codes[start : start + EXACT_ROWS], summed[start : start + EXACT_ROWS]
        for figure in range(counts.shape[1]):
            sums[:, figure] += np.rint(np.bincount(chunk_codes, weights=chunk[:, figure], minlength=regions_seen)).astype(np.int64)
    for code in np.nonzero(stations)[0]:
        part.stations[code] += int(stations[code])
        part.unreadable[code] += int(unreadable[code])
        if unreadable[code]:  # rows the parser refused are already counted, maybe from a later line
            part.first_unreadable[code] = _earliest(part.first_unreadable[code], int(lines[np.nonzero((codes == code) & ~readable)[0][0]]))
        part.sums[code] += sums[code].astype(object)  # Python ints: exact, however many blocks


def _earliest(known: int | None, line: int) -> int:
    return line if known is None else min(known, line)


def _where(mask: Any) -> Any:
    """The rows a mask holds, found only when it holds any: most masks of a clean block hold none."""
    return mask.nonzero()[0] if mask.any() else ()


def _text(cell: bytes) -> str:
    return subject(cell.decode("utf-8", "replace"))


FNV_OFFSET, FNV_PRIME = 0xCBF29CE484222325, 0x100000001B3


def hash_ids(ids: Any, np: Any) -> Any:
    """FNV-1a over each id's bytes, vectorised over the block: one pass per byte position, the
    padding of the fixed-width field left out (blocks may differ in width)."""
    hashes = np.full(len(ids), FNV_OFFSET, dtype=np.uint64)
    if not len(ids):
        return hashes
    width = ids.dtype.itemsize
    matrix = np.ascontiguousarray(ids).view(np.uint8).reshape(len(ids), width)
    lengths = np.char.str_len(ids)
    prime = np.uint64(FNV_PRIME)
    with np.errstate(over="ignore"):  # the multiplication wraps modulo 2^64 by design
        for column in range(int(lengths.max())):
            inside = lengths > column
            mixed = (hashes ^ matrix[:, column].astype(np.uint64)) * prime
            hashes = np.where(inside, mixed, hashes)
    return hashes


def merge(first: Part, second: Part, offset: int) -> int:
    """second's rows follow first's in the file, its lines numbered from 1 where offset + 1 is: first
    becomes the two read as one; the number of the line after second's. Findings keep file order
    and the per-code cap; a region either saw first is first seen there."""
    np = first.np

    def moved(line: int | None) -> int | None:
        return None if line is None else line + offset

    lines = second.id_lines.view().astype(np.int64) + offset
    second.id_lines.data, second.id_lines.size = lines if lines[-1:].max(initial=0) >= 2**32 else lines.astype(np.uint32), len(lines)
    second.first_unreadable = [moved(line) for line in second.first_unreadable]
    second.first_unplaced = moved(second.first_unplaced)
    second.discovered = {name: (line + offset, station) for name, (line, station) in second.discovered.items()}
    second.findings = [replace(f, position=Position(f.position.line + offset, f.position.column)) if f.position else f for f in second.findings]
    for column in Part.COLUMNS:
        mine, theirs = getattr(first, column), getattr(second, column)
        wider = np.promote_types(mine.data.dtype, theirs.data.dtype)
        if mine.data.dtype != wider:
            mine.data = mine.data.astype(wider)
        mine.extend(theirs.view())
    codes: list[int] = []  # second's region codes as first's
    for theirs, name in enumerate(second.region_names):
        into = first.code(name)
        codes.append(into)
        first.sums[into] += second.sums[theirs]
        first.stations[into] += second.stations[theirs]
        first.unreadable[into] += second.unreadable[theirs]
        if first.first_unreadable[into] is None:
            first.first_unreadable[into] = second.first_unreadable[theirs]
    for name, seen in second.discovered.items():
        first.discovered.setdefault(name, seen)
    if first.blank_protocols is not None and second.blank_protocols is not None:
        first.blank_protocols += [line + offset for line in second.blank_protocols]
    if first.kept is not None:
        first.kept.join(second.kept, offset, codes)
    first.bad_rows += second.bad_rows
    first.unplaced += second.unplaced
    first.first_unplaced = first.first_unplaced if first.first_unplaced is not None else second.first_unplaced
    first.id_width, first.region_width = max(first.id_width, second.id_width), max(first.region_width, second.region_width)
    kept: dict[str, int] = {}
    for finding in first.findings:
        kept[finding.code] = kept.get(finding.code, 0) + 1
    for finding in second.findings:  # the first KEEP_PER_CODE of a code, in file order, stay
        code = finding.code
        first.counts[code] = first.counts.get(code, 0) + 1
        if kept.get(code, 0) < KEEP_PER_CODE:
            first.findings.append(finding)
            kept[code] = kept.get(code, 0) + 1
        else:
            first.truncated[code] = first.truncated.get(code, 0) + 1
    for code, count in second.truncated.items():
        first.counts[code] = first.counts.get(code, 0) + count
        first.truncated[code] = first.truncated.get(code, 0) + count
    return offset + second.next_line
