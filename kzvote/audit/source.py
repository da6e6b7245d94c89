"""Where the station CSV is, how it is opened (plain or gzip), its header, and its lines in blocks.

The file is read as bytes: whole lines in blocks of about BLOCK_BYTES, each with the number of its
first line. A plain file large enough is cut into byte ranges at line ends, one per process.
"""

from __future__ import annotations

import csv
import os
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any, BinaryIO, NamedTuple

from kzvote.audit.rules import BAD_ROW
from kzvote.build import did_you_mean, resolve_name
from kzvote.errors import KzvoteError
from kzvote.findings import Finding, Position, Rule
from kzvote.load import INPUT_RULES
from kzvote.model import AGAINST_ALL, Results
from kzvote.readfile import NotRegularFile, open_regular
from kzvote.text import excerpt

BLOCK_BYTES = 2 << 20  # read at a time; its whole lines are parsed in one numpy call (2 MiB: as fast as 4, two thirds of the memory)
INFLATE_BYTES = 256 << 10  # a gzip stream is inflated this much at a time
LINE_LIMIT = 65_536  # characters in a header or a row: real rows are a few hundred
# A range of a plain file a process reads by itself: about 190,000 stations. Below it, starting a
# second process costs more than it saves.
PART_BYTES = 12 << 20
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
# What a station or region cell is trimmed of, on every path: ASCII whitespace, as numpy trims a
# bytes field. A no-break space is part of the id, whichever way its block is read.
SPACE = " \t\n\r\x0b\x0c"


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
        raise KzvoteError([_stations_key_finding(results, f"cannot read stations file {excerpt(results.stations)}: {reason(error)}")]) from None
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


def reason(error: BaseException) -> str:
    return excerpt(str(error.strerror if isinstance(error, OSError) and error.strerror else error), 80)


def unreadable(display_name: str, message: str, line: int | None = None) -> KzvoteError:
    position = Position(line, 1) if line is not None else None
    return KzvoteError([INPUT_RULES["KZ001"].finding(message, file=display_name, position=position)])


def open_stations(path: FilePath, display_name: str) -> tuple[BinaryIO, Any]:
    """The station file as bytes, decompressed when it starts with gzip's magic bytes. Only a
    regular file: a device or a FIFO would never end, or never begin (O_NONBLOCK: opening a FIFO
    without writer does not wait)."""
    try:
        raw: Any = open_regular(path)
    except (NotRegularFile, IsADirectoryError) as error:
        raise unreadable(display_name, f"cannot read stations file: {error.args[-1]}, not a regular file; give a CSV file") from None
    except OSError as error:
        raise unreadable(display_name, f"cannot read stations file: {reason(error)}") from None
    try:
        if raw.peek(2)[:2] == GZIP_MAGIC:
            import gzip

            return raw, gzip.GzipFile(fileobj=raw, mode="rb")
        return raw, raw
    except OSError as error:
        raw.close()
        raise unreadable(display_name, f"cannot read stations file: {reason(error)}") from None


def is_gzip(stream: Any) -> bool:
    return type(stream).__name__ == "GzipFile"


def read_header(stream: Any, display_name: str) -> list[str]:
    """The header line's cells, or a located error (exit 2)."""
    try:
        line = stream.readline(LINE_LIMIT)
    except (OSError, EOFError, zlib.error) as error:  # a truncated or corrupt gzip stream, a failing disk
        raise unreadable(display_name, f"cannot read stations file: {reason(error)}", 1) from None
    return _header(line.decode("latin1"), display_name)


def blocks(stream: Any, length: int | None = None) -> Iterator[bytes]:
    """Whole lines of the stream (or of its next length bytes), about BLOCK_BYTES at a time; every
    line ends in b"\\n". A line too long to be a row is cut to LINE_LIMIT + 1 characters (so the
    parser still sees it and says so), its rest skipped unbuffered."""
    if not is_gzip(stream):
        yield from _whole_lines(stream.read, length)
        return
    read, stop = _read_ahead(stream)
    try:
        yield from _whole_lines(read, length)
    finally:
        stop()


def _whole_lines(read: Callable[[int], bytes], length: int | None) -> Iterator[bytes]:
    pending, left, skipping = b"", length, False
    while left is None or left > 0:
        data = read(BLOCK_BYTES if left is None else min(BLOCK_BYTES, left))
        if not data:
            break
        if left is not None:
            left -= len(data)
        if skipping:  # the rest of a line already cut
            at = data.find(b"\n")
            if at < 0:
                continue
            data, skipping = data[at:], False
        data = pending + data
        end = data.rfind(b"\n") + 1
        block, pending = data[:end], data[end:]
        if len(pending) > LINE_LIMIT:
            pending, skipping = pending[: LINE_LIMIT + 1], True
        if block:
            yield block
    if pending:
        yield pending + b"\n"


def _read_ahead(stream: Any) -> tuple[Callable[[int], bytes], Callable[[], None]]:
    """stream.read, decompressing the next block on a thread while this one is parsed: zlib lets
    go of the interpreter while it inflates, so a gzip file costs the second core, not the time.
    The second function stops the thread when the reading ends early."""
    import queue
    import threading

    ahead: queue.Queue[bytes | BaseException] = queue.Queue(maxsize=2)
    stopped = threading.Event()

    def put(item: bytes | BaseException) -> bool:
        while not stopped.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def fill() -> None:
        try:
            # Inflated in small pieces: a corrupt end of the stream loses at most one piece, and
            # the error is located after the last line that could be read.
            while (data := stream.read(INFLATE_BYTES)) and put(data):
                pass
            put(b"")
        except BaseException as error:  # an error of the stream is the reader's, raised where it reads
            put(error)

    threading.Thread(target=fill, daemon=True, name="kzvote-gunzip").start()
    pieces: list[bytes] = []
    held, ended = 0, False

    def read(size: int) -> bytes:
        nonlocal held, ended
        while held < size and not ended:
            got = ahead.get()
            if isinstance(got, BaseException):
                if held:  # what was inflated before the error is read first; the error comes next
                    ahead.put(got)
                    break
                raise got
            ended = not got
            pieces.append(got)
            held += len(got)
        data = b"".join(pieces)
        pieces[:] = [data[size:]] if len(data) > size else []
        held = len(pieces[0]) if pieces else 0
        return data[:size]

    return read, stopped.set


@dataclass(frozen=True)
class Range:
    """Lines of a plain file one process reads: from byte start (a line's first byte) to end."""

    start: int
    end: int | None  # None: to the end of the file
    first_line: int | None  # None: known only when the ranges before it are read; its lines count from 1


def plan(stream: Any, parts: int, size: int) -> list[Range]:
    """The file (of size bytes) after the header cut into parts ranges at line ends, found by
    reading a little at each cut: no pass over the whole file comes before the reading."""
    start = stream.tell()
    if parts <= 1:
        return [Range(start, None, 2)]
    cuts: list[int] = []
    for k in range(1, parts):
        at = max(start + (size - start) * k // parts, cuts[-1] if cuts else start)
        stream.seek(at)
        while (piece := stream.read(LINE_LIMIT)) and b"\n" not in piece:
            at += len(piece)
        if not piece:
            break
        cuts.append(at + piece.index(b"\n") + 1)
    stream.seek(start)
    edges = [start, *sorted(set(cuts) - {size})]
    return [Range(a, b, 2 if a == start else None) for a, b in zip(edges, [*edges[1:], None])]


def rows_to_reserve(size: int, stream: Any) -> int:
    """Room for the rows of a file of size bytes, generous: a plain file's size over 32 bytes a row
    (real rows are 60 or more; a file of shorter ones grows its columns), a gzip file's guessed."""
    return size // 8 if is_gzip(stream) else size // 32


def _header(text: str, name: str) -> list[str]:
    def refuse(rule: Rule, message: str, column: int = 1) -> KzvoteError:
        return KzvoteError([rule.finding(message, file=name, position=Position(1, column), path=("header",))])

    if not text.strip():
        raise refuse(BAD_ROW, "no header line: the file is empty or starts with a blank line")
    if len(text) >= LINE_LIMIT and not text.endswith("\n"):
        raise refuse(BAD_ROW, f"the header line is longer than {LINE_LIMIT:,} characters; is this a station CSV?")
    if "\r" in text.rstrip("\r\n"):
        raise refuse(BAD_ROW, "lines end in a lone carriage return (old Mac style); save the file with \\n or \\r\\n line ends", text.index("\r") + 1)
    if "\x00" in text:
        raise refuse(INPUT_RULES["KZ002"], "binary data (a NUL byte), not CSV text", text.index("\x00") + 1)
    check_utf8(text, [text], [1], name)
    found = cells(text.encode("latin1").decode("utf-8").removeprefix("\ufeff"))
    if isinstance(found, int):
        raise refuse(BAD_ROW, "a quote opens here and is not closed on the header line", found)
    if len(found) == 1:
        for mark, kind in ((";", "semicolon"), ("\t", "tab")):
            if mark in found[0]:
                raise refuse(BAD_ROW, f"looks {kind}-separated; kzvote reads comma-separated CSV — re-export with commas")
    return found


def cells(line: str) -> list[str] | int:
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


def check_utf8(text: str, lines: list[str], numbers: list[int], name: str) -> None:
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


class FileIdentity(NamedTuple):
    """What says a file is still the one read; its size is the reading's too."""

    device: int
    inode: int
    size: int
    modified: int  # ns


def identity(stream: Any) -> FileIdentity:
    status = os.fstat(stream.fileno())
    return FileIdentity(status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def ids_at(path: FilePath, display_name: str, read: FileIdentity, wanted: set[int], station_column: int) -> dict[int, bytes]:
    """The exact station ids on the wanted lines, read again from the file as the parser read
    them: UTF-8 text, the cell trimmed, kept as bytes. read: the identity of the file as it was
    read; a file changed since would give other lines, so it is refused instead."""
    found: dict[int, bytes] = {}
    raw, stream = open_stations(path, display_name)
    if identity(raw) != read:
        raw.close()
        raise unreadable(display_name, "the stations file changed while it was read (duplicate ids are confirmed by reading it again); run again")
    try:
        with raw, stream:
            stream.readline(LINE_LIMIT)
            first = 2  # the number of the block's first line
            for block in blocks(stream):
                count = block.count(b"\n")
                if any(first <= line < first + count for line in wanted - found.keys()):
                    for number, line in enumerate(block.split(b"\n")[:-1], first):
                        row = cells(line.decode("utf-8", "replace")) if number in wanted else None
                        if isinstance(row, list) and len(row) > station_column:
                            found[number] = row[station_column].strip(SPACE).encode("utf-8")
                    if len(found) == len(wanted):
                        break
                first += count
    except (OSError, EOFError, zlib.error) as error:
        raise unreadable(display_name, f"cannot read stations file again: {reason(error)}") from None
    return found
