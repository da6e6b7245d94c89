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

Reading streams in chunks of rows; numpy parses each chunk's counts in C (`numpy.loadtxt`), and every
relation is one vectorised expression over the chunk. A chunk that numpy cannot parse is read again,
row by row, to say exactly which cell is wrong. Memory holds one chunk and, for every station,
a 64-bit hash of its id, its line and two flags (duplicates are confirmed by reading their lines again).
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from kzvote import fmt
from kzvote.build import did_you_mean, resolve_name
from kzvote.errors import KzvoteError
from kzvote.findings import Finding, Position, Rule, Severity
from kzvote.load import GROUPED_COUNT, INPUT_RULES
from kzvote.model import AGAINST_ALL, Figure, Results
from kzvote.readfile import NotRegularFile, open_regular
from kzvote.text import describe_char, excerpt

CHUNK_ROWS = 65_536
KEEP_PER_CODE = 10_000  # station findings kept per code; the count stays exact beyond
LINE_LIMIT = 65_536  # characters in a header or a row: real rows are a few hundred
# The largest count a cell may hold: a chunk's sums are added in float64, exact below 2**53.
MAX_COUNT = 99_999_999_999
SUBJECT_LIMIT = 80  # characters of a station id a finding carries as its subject
# The characters kzvote.text refuses, as they stand in a row read as latin1: C0 (tab too) and DEL
# as themselves; C1, the line separators and the bidi marks as their UTF-8 bytes. numpy would also
# drop a trailing NUL from an id, merging "06-1\0" into "06-1".
ROW_CONTROL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]")
MAX_COUNT_DIGITS = len(str(MAX_COUNT))  # checked before int(), which refuses 4,300 digits and more
GZIP_MAGIC = b"\x1f\x8b"
COUNT_COLUMNS = (
    "registered",
    "ballots_received",
    "ballots_cast",
    "ballots_cancelled",
    "ballots_lost",
    "ballots_unaccounted",
    "ballots_in_boxes",
    "invalid_ballots",
    "blank_ballots",
)
REQUIRED = ("station", "region", "registered", "ballots_cast", "invalid_ballots")
ROLLUP_FIGURES = ("registered", "ballots_cast", "invalid_ballots", "blank_ballots", "ballots_in_boxes")
DIGITS = re.compile(r"\s*[0-9]+\s*")


BAD_CELL = Rule("KZ801", "station-bad-cell", Severity.ERROR, "a count cell that is empty, negative or not a whole number")
DUPLICATE_ID = Rule("KZ802", "station-duplicate-id", Severity.ERROR, "a station id an earlier row already used")
UNBALANCED = Rule("KZ803", "station-unbalanced", Severity.ERROR, "valid + blank + invalid differ from ballots cast (ballots in boxes, when given)")
CAST_OVER_REGISTERED = Rule("KZ804", "station-cast-exceeds-registered", Severity.ERROR, "more ballots cast than registered voters")
RECEIVED_UNBALANCED = Rule("KZ805", "station-received-unbalanced", Severity.WARNING, "ballots received differ from cast + cancelled (+ lost - unaccounted)")
INVALID_SHARE_HIGH = Rule("KZ806", "station-invalid-share-high", Severity.WARNING, "more than 10% of the ballots cast are invalid")
UNKNOWN_REGION = Rule("KZ807", "station-unknown-region", Severity.ERROR, "a region the results file does not have")
BAD_ROW = Rule("KZ808", "station-bad-row", Severity.ERROR, "a row (or header) that does not fit the station CSV layout")
SWAPPED = Rule("KZ809", "station-columns-swapped", Severity.ERROR, "registered and ballots cast look swapped")
# A warning, not an error: real protocols show it by one to three ballots (6 of Russia's 97,699 in
# 2018), and the protocol alone cannot say whether a ballot was stuffed or a count slipped.
IN_BOXES_OVER_CAST = Rule("KZ810", "station-in-boxes-exceed-cast", Severity.WARNING, "more ballots in the boxes than ballots cast (issued)")
ROLLUP_MISMATCH = Rule("KZ811", "rollup-mismatch", Severity.ERROR, "stations add up to another total than published")
STATION_COUNT = Rule("KZ812", "rollup-station-count", Severity.ERROR, "the number of stations differs from polling_stations")
REGION_MISSING = Rule("KZ813", "rollup-region-missing", Severity.ERROR, "a region of the results file has no stations")
UNCONFIRMED = Rule("KZ814", "rollup-unconfirmed", Severity.NOTE, "a total that unreadable stations keep from being confirmed")
UNPUBLISHED = Rule("KZ815", "rollup-region-unpublished", Severity.NOTE, "stations of a region a partial regions list does not publish")
RULES = (
    BAD_CELL,
    DUPLICATE_ID,
    UNBALANCED,
    CAST_OVER_REGISTERED,
    RECEIVED_UNBALANCED,
    INVALID_SHARE_HIGH,
    UNKNOWN_REGION,
    BAD_ROW,
    SWAPPED,
    IN_BOXES_OVER_CAST,
    ROLLUP_MISMATCH,
    STATION_COUNT,
    REGION_MISSING,
    UNCONFIRMED,
    UNPUBLISHED,
)
INVALID_SHARE_LIMIT = 10  # percent
NATION = "the nation"  # the subject of a national roll-up finding


@dataclass(frozen=True)
class Layout:
    """Which CSV column holds what. Counts are parsed into one array, in `counted` order."""

    header: list[str]
    station: int
    region: int
    counted: list[str]  # "registered", ..., or a choice's official name
    columns: list[int]  # CSV column index of each counted figure
    choices: list[str]

    def at(self, name: str) -> int | None:
        """Where an optional figure is in the counts array, if the CSV has it."""
        return self.counted.index(name) if name in self.counted else None

    def index(self, name: str) -> int:
        """Where a required figure is in the counts array."""
        return self.counted.index(name)


@dataclass
class Area:
    """The stations of one region (or of all), added up."""

    name: str
    stations: int = 0
    unreadable: int = 0  # stations left out of the sums: their counts could not be read
    first_unreadable_line: int | None = None
    sums: dict[str, int] = field(default_factory=dict)
    unplaced: int = 0  # unreadable rows of no known region: they may belong to this area


@dataclass
class Audit:
    results: Results
    stations_file: str
    rows: int = 0
    stations_with_errors: int = 0
    stations_with_warnings: int = 0
    areas: dict[str, Area] = field(default_factory=dict)  # by region name; "" is the nation
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # every finding by code, kept or not
    unplaced: int = 0  # unreadable rows whose region could not be read: no regional total is sure
    first_unplaced_line: int | None = None
    truncated: dict[str, int] = field(default_factory=dict)  # findings counted but not kept, by code

    @property
    def national(self) -> Area:
        return self.areas[""]

    @property
    def dropped(self) -> int:
        return sum(self.counts.values()) - len(self.findings)


def stations_path(results: Results, results_path: str | FilePath, override: str | FilePath | None) -> FilePath:
    """The station CSV to read. A path written in the results file must stay inside the results
    file's folder: a shared results file must not make kzvote read, say, /proc/self/environ."""
    if override is not None:
        return FilePath(override)
    if results.stations is None:
        raise KzvoteError(
            [
                INPUT_RULES["KZ007"].finding(
                    "no stations file; pass --stations CSV or add 'stations: FILE' to the results file", file=results.file, path=("stations",)
                )
            ]
        )
    folder = FilePath(results_path).absolute().parent
    path = folder / results.stations
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop, before Python 3.13
        raise KzvoteError([_stations_key_finding(results, f"cannot read stations file {excerpt(results.stations)}: {_reason(error)}")]) from None
    if not inside:
        raise KzvoteError(
            [
                _stations_key_finding(
                    results,
                    f"{excerpt(results.stations)} is outside the results file's folder; to read it, name it on the command line: --stations {excerpt(results.stations)}",
                )
            ]
        )
    return path


def at_stations_key(error: KzvoteError, results: Results) -> KzvoteError:
    """Problems opening the file that `stations:` names, which have no line of their own, are
    reported where the results file names it."""
    written = excerpt(results.stations or "")
    moved = [
        _stations_key_finding(results, f"{written}: {finding.message}") if finding.position is None and finding.code == "KZ001" else finding
        for finding in error.findings
    ]
    return KzvoteError(moved)


def _stations_key_finding(results: Results, message: str) -> Finding:
    return INPUT_RULES["KZ001"].finding(message, file=results.file, position=results.where(("stations",)), path=("stations",))


def _reason(error: BaseException) -> str:
    return excerpt(str(error.strerror if isinstance(error, OSError) and error.strerror else error), 80)


def read_layout(header: list[str], results: Results, file: str) -> Layout:
    """Resolve every header cell, reporting all problems at once (exit 2)."""
    known = [*COUNT_COLUMNS, "station", "region", "against_all", *(c.name for c in results.candidates)]
    problems: list[Finding] = []
    roles: dict[str, int] = {}

    def problem(message: str, column: int) -> None:
        problems.append(BAD_ROW.finding(message, file=file, position=Position(1, column + 1), path=("header",)))

    for index, cell in enumerate(header):
        text = cell.strip()
        if text in ("station", "region", *COUNT_COLUMNS):
            role = text
        else:
            resolved = resolve_name(text, results.spellings)
            if resolved is None:
                problem(f"unknown column '{excerpt(text)}'{did_you_mean(text, known) if len(text) <= 40 else ''}", index)
                continue
            if resolved == AGAINST_ALL and results.against_all is None:
                problem("column 'against_all', but the results file has no against_all", index)
                continue
            role = resolved
        if role in roles:
            problem(f"column '{excerpt(text)}' again (first as column {roles[role] + 1})", index)
            continue
        roles[role] = index
    wanted = list(REQUIRED) + [c.name for c in results.candidates] + ([AGAINST_ALL] if results.against_all else [])
    missing = [name for name in wanted if name not in roles]
    if missing:
        problem(f"missing column(s): {', '.join('against_all' if m == AGAINST_ALL else m for m in missing)}", 0)
    if problems:
        raise KzvoteError(problems)
    counted = [name for name in COUNT_COLUMNS if name in roles] + [c.name for c in results.choices]
    return Layout(header, roles["station"], roles["region"], counted, [roles[name] for name in counted], [c.name for c in results.choices])


class _Collector:
    """Findings with a cap per code, so a file with a million bad rows does not need a million objects."""

    def __init__(self, audit: Audit) -> None:
        self.audit = audit

    def add(
        self, rule: Rule, message: str, line: int | None, column: int | None, subject: str, column_name: str = "", figures: dict[str, Any] | None = None
    ) -> None:
        counts = self.audit.counts
        counts[rule.code] = counts.get(rule.code, 0) + 1
        if counts[rule.code] > KEEP_PER_CODE:
            self.audit.truncated[rule.code] = self.audit.truncated.get(rule.code, 0) + 1
            return
        position = Position(line, column) if line is not None and column is not None else None
        path: tuple[str, ...] = (column_name,) if column_name else ()
        self.audit.findings.append(rule.finding(message, file=self.audit.stations_file, position=position, path=path, subject=subject, figures=figures))


def audit_stations(results: Results, path: FilePath, display_name: str, on_progress: Callable[[int], None] | None = None) -> Audit:
    """Audit the station CSV at path (plain or gzip). on_progress gets the bytes of the file read
    since its last call, compressed bytes for gzip, so a bar can run against the file's size."""
    import numpy as np  # only the audit needs it; see README, Performance

    audit = Audit(results, display_name)
    collect = _Collector(audit)
    raw, stream = _open_stations(path, display_name)
    line = 1
    try:
        with raw, stream:
            layout = read_layout(_header(stream.readline(LINE_LIMIT), display_name), results, display_name)
            state = _State(layout, results, np, _rows_at_most(path, stream))
            state.reopen, state.file_name = functools.partial(_open_stations, path, display_name), display_name
            read = functools.partial(stream.readline, LINE_LIMIT)
            line, consumed = 2, 0
            while True:
                lines = list(itertools.islice(iter(read, ""), CHUNK_ROWS))
                if not lines:
                    break
                line = _chunk(lines, line, read, state, audit, collect, np)
                if on_progress:
                    position = raw.tell()
                    on_progress(position - consumed)
                    consumed = position
    except (OSError, EOFError, zlib.error) as error:  # a truncated or corrupt gzip stream, a failing disk
        where = f" after line {line - 1}" if line > 1 else ""
        raise KzvoteError(
            [INPUT_RULES["KZ001"].finding(f"cannot read stations file{where}: {_reason(error)}", file=display_name, position=Position(line, 1))]
        ) from None
    _finish(state, audit, collect)
    audit.rows = audit.national.stations  # every row but blank lines
    return audit


def _rows_at_most(path: FilePath, stream: io.TextIOWrapper) -> int:
    """The rows to reserve the columns for: a plain file's line count (counting newlines in 4 MiB
    blocks costs a few ms a hundred MB), a gzip file's guess from its size (the columns then grow)."""
    if type(stream.buffer).__name__ == "GzipFile":
        return path.stat().st_size // 8
    lines = 1
    with open_regular(path) as raw:
        for block in iter(functools.partial(raw.read, 4 << 20), b""):
            lines += block.count(b"\n")
    return lines


def _open_stations(path: FilePath, display_name: str) -> tuple[io.BufferedReader, io.TextIOWrapper]:
    """The station file, decompressed when it starts with gzip's magic bytes, as latin1 text: latin1
    maps each byte to one character, so numpy can keep the raw UTF-8 of ids and regions as bytes (its
    fast path); every chunk is still checked to be UTF-8. Only a regular file: a device or a FIFO
    would never end, or never begin (O_NONBLOCK: opening a FIFO without writer does not wait)."""

    def unreadable(reason: str) -> KzvoteError:
        return KzvoteError([INPUT_RULES["KZ001"].finding(f"cannot read stations file: {reason}", file=display_name)])

    try:
        raw: Any = open_regular(path)
    except (NotRegularFile, IsADirectoryError) as error:
        raise unreadable(f"{error.args[-1]}, not a regular file; give a CSV file") from None
    except OSError as error:
        raise unreadable(_reason(error)) from None
    try:
        binary: Any = raw
        if raw.peek(2)[:2] == GZIP_MAGIC:
            import gzip

            binary = gzip.GzipFile(fileobj=raw, mode="rb")
        return raw, io.TextIOWrapper(binary, encoding="latin1")
    except OSError as error:
        raw.close()
        raise unreadable(_reason(error)) from None


def _header(text: str, name: str) -> list[str]:
    def refuse(rule: Rule, message: str, column: int = 1) -> KzvoteError:
        return KzvoteError([rule.finding(message, file=name, position=Position(1, column), path=("header",))])

    if not text.strip():
        raise refuse(BAD_ROW, "no header line: the file is empty or starts with a blank line")
    if len(text) >= LINE_LIMIT and not text.endswith("\n"):
        raise refuse(BAD_ROW, f"the header line is longer than {LINE_LIMIT:,} characters; is this a station CSV?")
    if "\x00" in text:
        raise refuse(INPUT_RULES["KZ002"], "binary data (a NUL byte), not CSV text", text.index("\x00") + 1)
    _check_utf8(text, [text], [1], name)
    cells = _cells(text.encode("latin1").decode("utf-8").removeprefix("\ufeff"))
    if isinstance(cells, int):
        raise refuse(BAD_ROW, "a quote opens here and is not closed on the header line", cells)
    if len(cells) == 1:
        for mark, kind in ((";", "semicolon"), ("\t", "tab")):
            if mark in cells[0]:
                raise refuse(BAD_ROW, f"looks {kind}-separated; kzvote reads comma-separated CSV — re-export with commas")
    return cells


def _cells(line: str) -> list[str] | int:
    """The cells of one physical line, or the column where a quote opens that the line does not
    close: one station is one line, so a quoted line break would shift every later line number."""
    if '"' not in line:
        return line.rstrip("\r\n").split(",")
    opened = _unclosed_quote(line)
    if opened is not None:
        return opened
    return next(csv.reader([line]), [])


def _unclosed_quote(line: str) -> int | None:
    quoted, field_start, opened_at = False, True, 0
    for index, char in enumerate(line):
        if quoted:
            quoted = char != '"'  # a doubled "" closes and reopens: the same in the end
        elif char == '"' and field_start:
            quoted, opened_at = True, index + 1
        field_start = not quoted and char == ","
    return opened_at if quoted else None


def _needs_sifting(lines: list[str], width: int) -> bool:
    """Whether some line may be blank or too long. numpy would skip an empty line unseen (and with
    it the line numbers); a longer blank line has no comma, so numpy refuses the chunk and the
    slow path skips it."""
    return min(map(len, lines)) < width - 1 or max(map(len, lines)) >= LINE_LIMIT


def _sift(lines: list[str], first: int, read: Callable[[], str], state: _State, collect: _Collector) -> tuple[list[str], list[int], int]:
    """The rows among the lines, each with its number, and the next line's number. Blank lines are
    dropped wherever a chunk splits them; a line over LINE_LIMIT is a row error, the rest of it skipped."""
    kept_lines: list[str] = []
    kept_numbers: list[int] = []
    number, pieces = first, iter(lines)
    for piece in pieces:
        if len(piece) >= LINE_LIMIT and not piece.endswith("\n"):
            rest = next((p for p in pieces if p.endswith("\n")), None)
            while rest is None:  # the line goes on past this chunk
                more = read()
                rest = more if more.endswith("\n") or not more else None
            collect.add(BAD_ROW, f"a line longer than {LINE_LIMIT:,} characters; no station row is that long", number, 1, "")
            state.unreadable_row(None, number)
        elif piece.strip():
            kept_lines.append(piece)
            kept_numbers.append(number)
        number += 1
    return kept_lines, kept_numbers, number


def _check_utf8(text: str, lines: list[str], numbers: list[int], name: str) -> None:
    """Lines read as latin1 must be the UTF-8 they claim; a located KZ002 if they are not."""
    try:
        text.encode("latin1").decode("utf-8")
    except UnicodeDecodeError as error:
        at, index = error.start, 0
        while at >= len(lines[index]):
            at -= len(lines[index])
            index += 1
        byte = text[error.start].encode("latin1")[0]
        raise KzvoteError(
            [INPUT_RULES["KZ002"].finding(f"not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8", file=name, position=Position(numbers[index], at + 1))]
        ) from None


class _Column:
    """An append-only numpy column reserved at an upper bound of rows. The operating system gives
    a reserved page out only when it is first written, so the memory used is what the rows need,
    and the column is read at the end as one array, with no joining copy. It doubles if the
    bound was short (a gzip file's rows can only be guessed)."""

    def __init__(self, np: Any, dtype: Any, capacity: int) -> None:
        self.np, self.data, self.size = np, np.empty(max(capacity, 1024), dtype=dtype), 0

    def extend(self, values: Any) -> None:
        end = self.size + len(values)
        if end > len(self.data):
            grown = self.np.empty(max(2 * len(self.data), end), dtype=self.data.dtype)
            grown[: self.size] = self.data[: self.size]
            self.data = grown
        self.data[self.size : end] = values
        self.size = end

    def view(self) -> Any:
        return self.data[: self.size]


class _State:
    """What the reading carries from chunk to chunk."""

    def __init__(self, layout: Layout, results: Results, np: Any, rows_at_most: int = 0) -> None:
        self.layout = layout
        # Per chunk: a 64-bit hash of each station id and its line. Duplicates are found at the end
        # by one sort of the hashes; rows whose hashes meet are read again to compare the ids
        # exactly (a collision is re-checked, never assumed). 12 bytes a station, not the ids.
        self.id_hashes = _Column(np, np.uint64, rows_at_most)
        self.id_lines = _Column(np, np.uint32, rows_at_most)  # widened if a file ever passes 2^32 lines
        self.reopen: Callable[[], tuple[Any, Any]] | None = None
        self.file_name = ""
        self.error_rows = _Column(np, bool, rows_at_most)  # which rows already have an error or a warning
        self.warning_rows = _Column(np, bool, rows_at_most)
        self.region_codes: dict[str, int] = {}
        self.region_bytes: dict[bytes, int] = {}  # the same codes, by the UTF-8 the chunks carry
        self.id_width, self.region_width = 24, 48
        self.region_names: list[str] = []
        self.known_regions = {r.name for r in results.regions}
        self.sums: list[Any] = []  # per region code: the counted figures added up, Python ints (exact)
        self.stations: list[int] = []
        self.unreadable: list[int] = []
        self.first_unreadable: list[int | None] = []
        self.width = len(layout.counted)
        self.np = np
        self.bad_rows = 0  # rows not read at all: errors, not in error_rows
        self.unplaced = 0  # ... and of those, the ones whose region is unknown
        self.first_unplaced: int | None = None
        self.unpublished: dict[str, int] = {}  # a region that a partial regions: list lacks -> first line
        self.regions_complete = _regions_complete(results)

    def unreadable_row(self, region: str | None, line: int) -> None:
        """A row that could not be read at all: a station with an error, counted but not summed,
        in its region when the region cell is one the results file has, else in no region."""
        self.bad_rows += 1
        if region is not None and region.strip() in self.known_regions:
            code = self.code(region.strip())
            self.stations[code] += 1
            self.unreadable[code] += 1
            if self.first_unreadable[code] is None:
                self.first_unreadable[code] = line
            return
        self.unplaced += 1
        if self.first_unplaced is None:
            self.first_unplaced = line

    def code(self, region: str) -> int:
        code = self.region_codes.get(region)
        if code is None:
            code = self.region_codes[region] = len(self.region_names)
            self.region_names.append(region)
            self.sums.append(self.np.zeros(self.width, dtype=object))
            self.stations.append(0)
            self.unreadable.append(0)
            self.first_unreadable.append(None)
        return code


def _chunk(lines: list[str], first_line: int, read: Callable[[], str], state: _State, audit: Audit, collect: _Collector, np: Any) -> int:
    """Check one chunk of lines; returns the number of the line after it."""
    layout = state.layout
    text = "".join(lines)
    numbers = list(range(first_line, first_line + len(lines)))
    next_line = first_line + len(lines)
    if _needs_sifting(lines, len(layout.header)):
        lines, numbers, next_line = _sift(lines, first_line, read, state, collect)
        if not lines:
            return next_line
        text = "".join(lines)
    _check_utf8(text, lines, numbers, audit.stations_file)
    if ROW_CONTROL.search(text):
        lines, numbers = _refuse_control_rows(lines, numbers, state, collect)
        if not lines:
            return next_line
        text = "".join(lines)
    # numpy cannot tell a row with extra cells, nor commas inside quotes: both go the slow way.
    fast = '"' not in text and text.count(",") == len(lines) * (len(layout.header) - 1)
    parsed = _fast_chunk(lines, state, np) if fast else None
    if parsed is None:
        parsed = _slow_chunk(lines, numbers, state, collect, np)
        line_numbers = parsed[3]
    else:
        line_numbers = np.array(numbers, dtype=np.int64)
    counts, ids, regions, _, readable = parsed
    _rows(counts, ids, regions, line_numbers, readable, state, audit, collect, np)
    return next_line


def _refuse_control_rows(lines: list[str], numbers: list[int], state: _State, collect: _Collector) -> tuple[list[str], list[int]]:
    """Rows holding a control character are row errors (their stations unreadable), not data."""
    kept_lines: list[str] = []
    kept_numbers: list[int] = []
    for line, number in zip(lines, numbers):
        found = ROW_CONTROL.search(line.rstrip("\r\n"))
        if found is None:
            kept_lines.append(line)
            kept_numbers.append(number)
            continue
        char = found.group().encode("latin1").decode("utf-8")
        collect.add(BAD_ROW, f"holds {describe_char(char)}, a control or bidi character; a station row is plain text", number, found.start() + 1, "")
        state.unreadable_row(None, number)
    return kept_lines, kept_numbers


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


def _fast_chunk(lines: list[str], state: _State, np: Any) -> tuple[Any, Any, Any, None, Any] | None:
    """One C pass of numpy over the chunk, or None when some cell is not a plain integer."""
    layout = state.layout
    while True:
        # Fixed-width byte fields keep ids and regions out of Python objects; narrow ones sort
        # fast. A field that fills its width may have been cut: read the chunk again, wider.
        fields = [("station", f"S{state.id_width}"), ("region", f"S{state.region_width}")]
        fields += [(f"n{i}", np.int64) for i in range(len(layout.columns))]
        try:
            table = np.loadtxt(
                lines,
                delimiter=",",
                usecols=[layout.station, layout.region, *layout.columns],
                dtype=np.dtype(fields),
                ndmin=1,
                comments=None,
                encoding="latin1",
            )
        except ValueError:
            return None
        id_full = np.char.str_len(table["station"]).max() >= state.id_width
        region_full = np.char.str_len(table["region"]).max() >= state.region_width
        if not (id_full or region_full):
            break
        longest = max(map(len, lines))
        state.id_width = longest if id_full else state.id_width
        state.region_width = longest if region_full else state.region_width
    counts = np.stack([table[f"n{i}"] for i in range(len(layout.columns))], axis=1)
    ids = np.char.strip(table["station"])  # text cells are trimmed like counts (regions: by name)
    return counts, ids, table["region"], None, np.ones(len(lines), dtype=bool)


def _slow_chunk(lines: list[str], numbers: list[int], state: _State, collect: _Collector, np: Any) -> tuple[Any, Any, Any, Any, Any]:
    """Row by row, to name every cell that is not a plain count and every row that does not fit."""
    layout = state.layout
    width = len(layout.header)
    counts, ids, regions, readable, line_numbers = [], [], [], [], []
    for line, text in zip(numbers, (line.encode("latin1").decode("utf-8") for line in lines)):
        if not text.strip():
            continue
        row = _cells(text)
        if isinstance(row, int):
            collect.add(
                BAD_ROW, "a quote opens here and is not closed on this line; one station is one line, so a cell cannot hold a line break", line, row, ""
            )
            before = _cells(text[: row - 1])  # the cells before the quote still say which region
            state.unreadable_row(before[layout.region] if isinstance(before, list) and len(before) > layout.region + 1 else None, line)
            continue
        row = [cell.strip() for cell in row]
        if len(row) != width:
            station = row[layout.station] if len(row) > layout.station else ""
            collect.add(BAD_ROW, f"{len(row)} cells, but the header has {width}", line, 1, _subject(station))
            state.unreadable_row(row[layout.region] if len(row) > layout.region else None, line)
            continue
        values, ok = [], True
        for name, column in zip(layout.counted, layout.columns):
            cell = row[column]
            if len(cell) <= MAX_COUNT_DIGITS and DIGITS.fullmatch(cell) and int(cell) <= MAX_COUNT:
                values.append(int(cell))
                continue
            ok = False
            values.append(0)
            collect.add(BAD_CELL, _cell_complaint(name, cell), line, column + 1, _subject(row[layout.station]), name)
        counts.append(values)
        ids.append(row[layout.station].encode("utf-8"))
        regions.append(row[layout.region].encode("utf-8"))
        readable.append(ok)
        line_numbers.append(line)
    array = np.array(counts, dtype=np.int64).reshape(len(counts), len(layout.counted))
    return array, np.array(ids, dtype=bytes), np.array(regions, dtype=bytes), np.array(line_numbers, dtype=np.int64), np.array(readable, dtype=bool)


def _cell_complaint(name: str, cell: str) -> str:
    text = cell.strip()
    if not text:
        return f"{name} is empty"
    if re.fullmatch(r"-[0-9]+", text):
        return f"{name} is negative ({excerpt(text)})"
    if DIGITS.fullmatch(text):
        return _too_large(name, text)
    if GROUPED_COUNT.fullmatch(text):
        return f"{name} '{excerpt(cell)}' is not a plain number; write {excerpt(re.sub(r'[^0-9]', '', text))}"
    return f"{name} '{excerpt(cell)}' is not a whole number"


def _too_large(name: str, text: str) -> str:
    return f"{name} {excerpt(text)} is too large: no polling station counts more than {MAX_COUNT:,}"


def _rows(counts: Any, ids: Any, regions: Any, lines: Any, readable: Any, state: _State, audit: Audit, collect: _Collector, np: Any) -> None:
    """One chunk's relations, vectorised; ids and regions are numpy arrays of UTF-8 bytes."""
    layout = state.layout
    col = layout.at
    need = layout.index
    # Negative and enormous counts parse as numbers: they make a row unreadable like any other bad
    # cell. Seen unsigned, a negative count is enormous too: one comparison finds both.
    bad = counts.view(np.uint64) > MAX_COUNT
    if bad.any():
        for r, c in zip(*np.nonzero(bad)):
            name, value = layout.counted[c], int(counts[r, c])
            message = f"{name} is negative ({value})" if value < 0 else _too_large(name, str(value))
            collect.add(BAD_CELL, message, int(lines[r]), layout.columns[c] + 1, _text(ids[r]), name)
        readable = readable & ~bad.any(axis=1)
    errors = np.zeros(len(ids), dtype=bool)
    warnings = np.zeros(len(ids), dtype=bool)
    errors |= ~readable

    state.id_hashes.extend(_hash_ids(ids, np))
    if len(lines) and int(lines[-1]) >= 2**32 and state.id_lines.data.dtype != np.int64:
        state.id_lines.data = state.id_lines.data.astype(np.int64)
    state.id_lines.extend(lines)

    keys = regions.tolist()
    new_keys = set(keys) - state.region_bytes.keys()
    first_row: dict[bytes, int] = {}
    if new_keys:  # one pass, not a search of the chunk per new region
        for row_index, key in enumerate(keys):
            first_row.setdefault(key, row_index)
    for key in sorted(new_keys, key=first_row.__getitem__):  # file order: the same output every run
        name = key.decode("utf-8").strip()
        state.region_bytes[key] = state.code(name)
        if state.known_regions and name not in state.known_regions and name not in state.unpublished:
            row = first_row[key]
            if state.regions_complete or _misspelt(name, state.known_regions):
                collect.add(
                    UNKNOWN_REGION,
                    f"region '{excerpt(name)}' is not a region of the results file{did_you_mean(name, state.known_regions)}",
                    int(lines[row]),
                    layout.region + 1,
                    _text(ids[row]),
                    "region",
                )
            else:  # README allows a partial regions: list; this one is simply not published
                state.unpublished[name] = int(lines[row])
    codes = np.fromiter(map(state.region_bytes.__getitem__, keys), dtype=np.int64, count=len(keys))

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
    received_off = np.zeros(len(ids), dtype=bool)
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

    for i in np.nonzero(swapped)[0]:
        collect.add(
            SWAPPED,
            f"registered {fmt.count(int(registered[i]))} and ballots_cast {fmt.count(int(cast[i]))} look swapped: the protocol balances with them the other way round",
            int(lines[i]),
            layout.columns[need("ballots_cast")] + 1,
            _text(ids[i]),
            "ballots_cast",
            {"registered": int(registered[i]), "ballots_cast": int(cast[i])},
        )
    for i in np.nonzero(over)[0]:
        collect.add(
            CAST_OVER_REGISTERED,
            f"{fmt.count(int(cast[i]))} ballots cast, {fmt.count(int(registered[i]))} registered: turnout {fmt.percent(_share(cast[i], registered[i]), 2)}%",
            int(lines[i]),
            layout.columns[need("ballots_cast")] + 1,
            _text(ids[i]),
            "ballots_cast",
            {"registered": int(registered[i]), "ballots_cast": int(cast[i])},
        )
    what = "ballots in boxes" if boxes_at is not None else "ballots cast"
    for i in np.nonzero(unbalanced)[0]:
        total = int(found[i])
        blank = f" + {fmt.count(int(counts[i, blank_at]))} blank" if blank_at is not None else ""
        collect.add(
            UNBALANCED,
            f"{fmt.count(int(valid[i]))} valid{blank} + {fmt.count(int(invalid[i]))} invalid = {fmt.count(total)}, but {fmt.count(int(target[i]))} {what} ({total - int(target[i]):+,})",
            int(lines[i]),
            layout.columns[need("invalid_ballots")] + 1,
            _text(ids[i]),
            "invalid_ballots",
            {"valid": int(valid[i]), "invalid": int(invalid[i]), "target": int(target[i])},
        )
    for i in np.nonzero(received_off)[0]:
        assert received_at is not None and cancelled_at is not None  # received_off is all False otherwise
        received, cancelled = int(counts[i, received_at]), int(counts[i, cancelled_at])
        lost = f" + {fmt.count(int(counts[i, lost_at]))} lost" if lost_at is not None else ""
        unaccounted = f" - {fmt.count(int(counts[i, unaccounted_at]))} unaccounted" if unaccounted_at is not None else ""
        collect.add(
            RECEIVED_UNBALANCED,
            f"{fmt.count(received)} ballots received, but {fmt.count(int(cast[i]))} cast + {fmt.count(cancelled)} cancelled{lost}{unaccounted} = {fmt.count(int(accounted[i]) + cancelled)}",
            int(lines[i]),
            layout.columns[received_at] + 1,
            _text(ids[i]),
            "ballots_received",
            {"received": received, "cast": int(cast[i]), "cancelled": cancelled},
        )
    for i in np.nonzero(high_invalid)[0]:
        collect.add(
            INVALID_SHARE_HIGH,
            f"{fmt.count(int(invalid[i]))} of {fmt.count(int(cast[i]))} ballots invalid ({fmt.percent(_share(invalid[i], cast[i]), 1)}%, over {INVALID_SHARE_LIMIT}%)",
            int(lines[i]),
            layout.columns[need("invalid_ballots")] + 1,
            _text(ids[i]),
            "invalid_ballots",
            {"invalid": int(invalid[i]), "ballots_cast": int(cast[i])},
        )

    stuffed = np.zeros(len(ids), dtype=bool)
    if boxes_at is not None:
        # more ballots in the boxes than were issued: the classic sign of stuffing
        stuffed = readable & ~swapped & (counts[:, boxes_at] > cast)
        for i in np.nonzero(stuffed)[0]:
            collect.add(
                IN_BOXES_OVER_CAST,
                f"{fmt.count(int(counts[i, boxes_at]))} ballots in the boxes, but only {fmt.count(int(cast[i]))} cast (issued): {fmt.count(int(counts[i, boxes_at] - cast[i]))} more than were given out",
                int(lines[i]),
                layout.columns[boxes_at] + 1,
                _text(ids[i]),
                "ballots_in_boxes",
                {"ballots_in_boxes": int(counts[i, boxes_at]), "ballots_cast": int(cast[i])},
            )

    errors |= swapped | over | unbalanced
    warnings |= received_off | high_invalid | stuffed
    state.error_rows.extend(errors)
    state.warning_rows.extend(warnings)

    # Roll-up: unreadable rows stay out of the sums and are counted, so a total they affect is
    # reported as unconfirmed instead of wrong.
    regions_seen = len(state.region_names)
    stations = np.bincount(codes, minlength=regions_seen)
    unreadable = np.bincount(codes[~readable], minlength=regions_seen)
    # Each chunk's sums stay below CHUNK_ROWS * MAX_COUNT < 2**53, so float64 bincount is exact here.
    sums = (
        np.stack([np.bincount(codes[readable], weights=counts[readable, j], minlength=regions_seen) for j in range(counts.shape[1])], axis=1)
        if counts.shape[0]
        else np.zeros((regions_seen, counts.shape[1]))
    )
    for code in np.nonzero(stations)[0]:
        state.stations[code] += int(stations[code])
        state.unreadable[code] += int(unreadable[code])
        if unreadable[code] and state.first_unreadable[code] is None:
            state.first_unreadable[code] = int(lines[np.nonzero((codes == code) & ~readable)[0][0]])
        state.sums[code] += np.rint(sums[code]).astype(np.int64).astype(object)  # Python ints: exact, however many chunks


def _text(cell: bytes) -> str:
    """A station id as a finding's subject: the exact text (renderers escape it for their format),
    cut short."""
    return _subject(cell.decode("utf-8", "replace"))


def _subject(text: str) -> str:
    return text if len(text) <= SUBJECT_LIMIT else text[: SUBJECT_LIMIT - 1] + "…"


def _share(part: Any, whole: Any) -> Any:
    from fractions import Fraction

    return Fraction(int(part) * 100, int(whole)) if int(whole) else None


FNV_OFFSET, FNV_PRIME = 0xCBF29CE484222325, 0x100000001B3


def _hash_ids(ids: Any, np: Any) -> Any:
    """FNV-1a over each id's bytes, vectorised over the chunk: one pass per byte position, the
    padding of the fixed-width field left out (chunks may differ in width)."""
    hashes = np.full(len(ids), FNV_OFFSET, dtype=np.uint64)
    if not len(ids):
        return hashes
    width = ids.dtype.itemsize
    matrix = np.ascontiguousarray(ids).view(np.uint8).reshape(len(ids), width)
    lengths = np.char.str_len(ids)
    prime = np.uint64(FNV_PRIME)
    with np.errstate(over="ignore"):  # the multiplication wraps modulo 2^64 by design
        for column in range(int(lengths.max()) if len(lengths) else 0):
            inside = lengths > column
            mixed = (hashes ^ matrix[:, column].astype(np.uint64)) * prime
            hashes = np.where(inside, mixed, hashes)
    return hashes


def _duplicates(state: _State, collect: _Collector) -> Any:
    """Every row whose station id an earlier row already used. One sort of the hashes finds the
    rows that may repeat; only those are read again, and compared by their exact ids.
    Returns which rows (in reading order) repeat an id."""
    np = state.np
    hashes, lines = state.id_hashes.view(), state.id_lines.view()
    ordered = np.sort(hashes)
    shared = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])  # hash values two or more rows have
    del ordered
    repeated = np.zeros(len(hashes), dtype=bool)
    if not len(shared):
        return repeated
    rows = np.nonzero(np.isin(hashes, shared))[0]  # the rows that may repeat, in reading order
    exact = _ids_at(state, {int(lines[r]) for r in rows})
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
        text = _text(station)
        collect.add(DUPLICATE_ID, f"station id {excerpt(text)} again (first at line {first[station]})", line, state.layout.station + 1, text, "station")
    return repeated


def _ids_at(state: _State, wanted: set[int]) -> dict[int, bytes]:
    """The exact station ids on the wanted lines, read again from the file."""
    assert state.reopen is not None
    found: dict[int, bytes] = {}
    raw, stream = state.reopen()
    try:
        with raw, stream:
            for number, line in enumerate(iter(functools.partial(stream.readline, LINE_LIMIT), ""), 1):
                if number in wanted:  # as the chunks read it: UTF-8 text, cells trimmed, bytes kept
                    cells = _cells(line.encode("latin1").decode("utf-8", "replace"))
                    if isinstance(cells, list) and len(cells) > state.layout.station:
                        found[number] = cells[state.layout.station].strip().encode("utf-8")
                    if len(found) == len(wanted):
                        break
    except (OSError, EOFError, zlib.error) as error:
        raise KzvoteError([INPUT_RULES["KZ001"].finding(f"cannot read stations file again: {_reason(error)}", file=state.file_name)]) from None
    return found


def _finish(state: _State, audit: Audit, collect: _Collector) -> None:
    errors = state.error_rows.view() | _duplicates(state, collect)
    warnings = state.warning_rows.view()
    audit.stations_with_errors = int(errors.sum()) + state.bad_rows
    audit.stations_with_warnings = int((warnings & ~errors).sum())
    # duplicates are found after the reading; keep the station findings in reading order
    audit.findings.sort(key=Finding.sort_key)
    layout = state.layout
    national = Area("", sums=dict.fromkeys(layout.counted, 0))
    for code, name in enumerate(state.region_names):
        sums = dict(zip(layout.counted, (int(v) for v in state.sums[code])))
        area = Area(name, state.stations[code], state.unreadable[code], state.first_unreadable[code], sums, state.unplaced)
        audit.areas[name] = area
        national.stations += area.stations
        national.unreadable += area.unreadable
        if area.first_unreadable_line is not None and (national.first_unreadable_line is None or area.first_unreadable_line < national.first_unreadable_line):
            national.first_unreadable_line = area.first_unreadable_line
        for key, value in sums.items():
            national.sums[key] += value
    audit.unplaced, audit.first_unplaced_line = state.unplaced, state.first_unplaced
    national.stations += state.unplaced
    national.unreadable += state.unplaced
    lines = [line for line in (national.first_unreadable_line, state.first_unplaced) if line is not None]
    national.first_unreadable_line = min(lines) if lines else None
    audit.areas[""] = national
    results = audit.results
    audit.findings += _compare(audit, national, NATION, results.turnout, {c.name: c.votes for c in results.choices}, ("turnout",))
    for region in results.regions:
        found = audit.areas.get(region.name)
        if found is None:
            empty = Area(region.name, unplaced=state.unplaced)
            rule, message = (
                (UNCONFIRMED, f"{region.name}: no station of this region could be read: {_left_out(audit, empty)}")
                if state.unplaced
                else (REGION_MISSING, f"{region.name}: no station of this region in {audit.stations_file}")
            )
            audit.counts[rule.code] = audit.counts.get(rule.code, 0) + 1
            audit.findings.append(
                _results_finding(results, rule, message, region.path, region.name, {"area": region.name, "figure": "stations"} if state.unplaced else {})
            )
            continue
        audit.findings += _compare(audit, found, region.name, region.counts, region.votes, region.path)
    for name, line in state.unpublished.items():
        stations = audit.areas[name].stations
        audit.counts[UNPUBLISHED.code] = audit.counts.get(UNPUBLISHED.code, 0) + 1
        message = f"{excerpt(name)}: {fmt.count(stations)} station{'s' if stations != 1 else ''} of a region the results file's regions: list does not publish; added to the national roll-up only"
        audit.findings.append(
            UNPUBLISHED.finding(
                message,
                file=audit.stations_file,
                position=Position(line, state.layout.region + 1),
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
