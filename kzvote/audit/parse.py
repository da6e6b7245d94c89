"""A block of station lines to arrays: counts, ids, regions, line numbers, and which rows are readable.

The common block is plain (no quote, no control character, no blank line, UTF-8): numpy parses it
in one C call, every cell of every row at once, as a record of fixed-width fields. Any other block
is read line by line, to say exactly which row or cell is wrong and to read the rest.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from kzvote.audit.rules import BAD_CELL, BAD_ROW
from kzvote.audit.source import LINE_LIMIT, SPACE, Layout, cells, check_utf8
from kzvote.load import GROUPED_COUNT
from kzvote.text import describe_char, excerpt

if TYPE_CHECKING:
    from kzvote.audit.stations import Part

# The largest count a cell may hold (no station counts more). Sums are added in float64 by bincount,
# exact below 2**53: EXACT_ROWS rows of counts this large at a time.
MAX_COUNT = 99_999_999_999
MAX_COUNT_DIGITS = len(str(MAX_COUNT))  # checked before int(), which refuses 4,300 digits and more
DIGITS = re.compile(r"[0-9]+")  # a cell trimmed of SPACE
SUBJECT_LIMIT = 80  # characters of a station id a finding carries as its subject
# Bytes in a station id or a region cell: real ones are a few dozen. Every row of a block is held
# at the width of its longest cell, so one 60,000-byte id would cost 4 GB a block.
TEXT_CELL_LIMIT = 256
# The characters kzvote.text refuses, as they stand in a row read as latin1: C0 (tab too), DEL and a
# carriage return that ends no line as themselves; C1, the line separators and the bidi marks as
# their UTF-8 bytes. numpy would also drop a trailing NUL from an id, merging "06-1\0" into "06-1".
ROW_CONTROL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]")
MULTIBYTE_CONTROL = re.compile(rb"\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]")


class Parsed(NamedTuple):
    counts: Any  # int64, one row per station, one column per counted figure (Layout.counted)
    ids: Any  # UTF-8 bytes, trimmed
    regions: Any  # UTF-8 bytes, as written
    lines: Any  # int64 line numbers
    readable: Any  # bool: every count cell of the row is a plain number


def parse_block(block: bytes, first_line: int, part: Part, np: Any) -> tuple[Parsed | None, int]:
    """The rows of a block of whole lines (None when it holds no row), and its number of lines.
    Findings about rows that cannot be read go to part; a block that is not UTF-8 stops the
    audit (KzvoteError)."""
    lines = _plain_lines(block, np)
    if lines:
        parsed = _fast(block, lines, part, np)
        if parsed is not None:
            return parsed._replace(lines=np.arange(first_line, first_line + lines, dtype=np.int64)), lines
    pieces = block.decode("latin1").split("\n")[:-1]
    return _careful(pieces, first_line, part, np), len(pieces)


def _plain_lines(block: bytes, np: Any) -> int:
    """The block's lines if numpy can take it as it is, else 0. numpy would skip an empty line
    unseen (and with it the line numbers), so a blank line is not plain, nor a line too long for
    a row (the careful path names it)."""
    if b'"' in block or b"\x7f" in block or b"+" in block:  # numpy would read "+5" as 5; a sign is no count
        return 0
    data = np.frombuffer(block, dtype=np.uint8)
    low = np.flatnonzero(data < 32)  # the line ends, and any other control character
    kinds = data[low]
    ends, returns = low[kinds == 10], low[kinds == 13]
    if len(ends) + len(returns) != len(low) or (len(returns) and not (data[returns + 1] == 10).all()):
        return 0
    lengths = np.diff(ends, prepend=-1)
    if lengths.min() <= 2 or lengths.max() > LINE_LIMIT:  # "\n" or "\r\n" alone; a line longer than any row
        return 0
    if not block.isascii():
        try:
            block.decode("utf-8")
        except UnicodeDecodeError:
            return 0
        if MULTIBYTE_CONTROL.search(block):
            return 0
    return len(ends)


def _careful(pieces: list[str], first_line: int, part: Part, np: Any) -> Parsed | None:
    """Line by line: blank lines skipped, overlong and control-character rows refused, then the
    rest parsed by numpy if it can, else row by row."""
    lines, numbers = _sift(pieces, first_line, part)
    if not lines:
        return None
    text = "".join(lines)
    check_utf8(text, lines, numbers, part.file_name)
    if ROW_CONTROL.search(text):
        lines, numbers = _refuse_control_rows(lines, numbers, part)
        if not lines:
            return None
        text = "".join(lines)
    # numpy cannot tell commas inside quotes from separators: quoted rows go the slow way
    parsed = _fast(text.encode("latin1"), len(lines), part, np) if '"' not in text and "+" not in text else None
    if parsed is None:
        return _slow(lines, numbers, part, np)
    return parsed._replace(lines=np.array(numbers, dtype=np.int64))


def _sift(pieces: list[str], first_line: int, part: Part) -> tuple[list[str], list[int]]:
    """The rows among the lines (each given back its "\\n"), with their numbers. A blank line is
    skipped; a line over LINE_LIMIT is a row error."""
    lines: list[str] = []
    numbers: list[int] = []
    for number, piece in enumerate(pieces, first_line):
        if len(piece) >= LINE_LIMIT:
            part.add(BAD_ROW, f"a line longer than {LINE_LIMIT:,} characters; no station row is that long", number, 1, "")
            part.unreadable_row(None, number)
        elif piece.strip(SPACE):
            lines.append(piece + "\n")
            numbers.append(number)
    return lines, numbers


def _refuse_control_rows(lines: list[str], numbers: list[int], part: Part) -> tuple[list[str], list[int]]:
    """Rows holding a control character are row errors (their stations unreadable), not data."""
    kept_lines: list[str] = []
    kept_numbers: list[int] = []
    for line, number in zip(lines, numbers):
        found = ROW_CONTROL.search(line.removesuffix("\n").removesuffix("\r"))
        if found is None:
            kept_lines.append(line)
            kept_numbers.append(number)
            continue
        char = found.group().encode("latin1").decode("utf-8")
        part.add(BAD_ROW, f"holds {describe_char(char)}, a control or bidi character; a station row is plain text", number, found.start() + 1, "")
        row = cells(line.encode("latin1").decode("utf-8", "replace"))  # its region cell may still be readable
        part.unreadable_row(row[part.layout.region] if isinstance(row, list) and len(row) > part.layout.region else None, number)
    return kept_lines, kept_numbers


def _fast(data: bytes, rows: int, part: Part, np: Any) -> Parsed | None:
    """One C pass of numpy over the lines, or None when some row is not plain counts in the
    header's number of cells (numpy refuses a row with more or fewer cells)."""
    layout = part.layout
    while True:
        # Fixed-width byte fields keep ids and regions out of Python objects; narrow ones sort
        # fast. A field that fills its width may have been cut: read the lines again, wider.
        record = _record(layout, part.id_width, part.region_width, np)
        try:
            table = np.loadtxt(io.BytesIO(data), delimiter=",", dtype=record, ndmin=1, comments=None, encoding="latin1")
        except ValueError:
            return None
        ids, regions = table[f"c{layout.station}"], table[f"c{layout.region}"]
        id_full = bool(len(ids)) and np.char.str_len(ids).max() >= part.id_width
        region_full = bool(len(ids)) and np.char.str_len(regions).max() >= part.region_width
        if not (id_full or region_full):
            break
        for full, column, width in ((id_full, layout.station, "id_width"), (region_full, layout.region, "region_width")):
            if full:
                longest = _longest_cell(data, column)
                if longest > TEXT_CELL_LIMIT:  # a cell that long is an error the careful path names
                    return None
                setattr(part, width, -(-(longest + 1) // 8) * 8)  # room for it, whole words for RegionIndex
    # the counts lead each record, in Layout.counted order: a strided view is the counts matrix
    counts = np.ndarray((len(table), len(layout.columns)), dtype=np.uint32, buffer=table, strides=(record.itemsize, 4)).astype(np.int64)
    ids = np.char.strip(ids)  # text cells are trimmed like counts (regions: by name)
    return Parsed(counts, ids, regions, None, np.ones(rows, dtype=bool))


def _longest_cell(data: bytes, column: int) -> int:
    """The longest cell of a column in the block, in bytes (only when a field must be widened)."""
    return max((len(line.split(b",", column + 1)[column]) for line in data.split(b"\n") if line), default=0)


def _record(layout: Layout, id_width: int, region_width: int, np: Any) -> Any:
    """One row as numpy reads it: a field per CSV column, in the header's order, laid out with the
    counted figures first (in Layout.counted order), then the id and the region. A count is read
    as uint32, a quarter faster to parse than int64: a sign, or a count of 2**32 or more (no
    station's), fails the block over to the careful path, which says what is wrong with it."""
    counted = 4 * len(layout.columns)
    offsets = {column: 4 * place for place, column in enumerate(layout.columns)}
    offsets[layout.station], offsets[layout.region] = counted, counted + id_width
    formats = {column: np.uint32 for column in layout.columns} | {layout.station: f"S{id_width}", layout.region: f"S{region_width}"}
    columns = range(len(layout.header))
    return np.dtype(
        {
            "names": [f"c{column}" for column in columns],
            "formats": [formats[column] for column in columns],
            "offsets": [offsets[column] for column in columns],
            "itemsize": counted + id_width + region_width,
        }
    )


def _slow(lines: list[str], numbers: list[int], part: Part, np: Any) -> Parsed:
    """Row by row, to name every cell that is not a plain count and every row that does not fit."""
    layout = part.layout
    width = len(layout.header)
    counts, ids, regions, readable, line_numbers = [], [], [], [], []
    for line, text in zip(numbers, (line.encode("latin1").decode("utf-8") for line in lines)):
        row = cells(text)
        if isinstance(row, int):
            part.add(BAD_ROW, "a quote opens here and is not closed on this line; one station is one line, so a cell cannot hold a line break", line, row, "")
            before = cells(text[: row - 1])  # the cells before the quote still say which region
            part.unreadable_row(before[layout.region] if isinstance(before, list) and len(before) > layout.region + 1 else None, line)
            continue
        row = [cell.strip(SPACE) for cell in row]
        if len(row) != width:
            station = row[layout.station] if len(row) > layout.station else ""
            part.add(BAD_ROW, f"{len(row)} cells, but the header has {width}", line, 1, subject(station))
            part.unreadable_row(row[layout.region] if len(row) > layout.region else None, line)
            continue
        too_long = next((column for column in (layout.station, layout.region) if len(row[column].encode("utf-8")) > TEXT_CELL_LIMIT), None)
        if too_long is not None:
            what = "station id" if too_long == layout.station else "region"
            message = f"a {what} of {len(row[too_long]):,} characters; no {what} is that long (at most {TEXT_CELL_LIMIT} bytes)"
            part.add(BAD_ROW, message, line, too_long + 1, subject(row[layout.station]))
            part.unreadable_row(None, line)
            continue
        if part.blank_protocols is not None and not any(row[column] for column in layout.columns):
            part.blank_protocols.append(line)
            continue
        values, ok = [], True
        for name, column in zip(layout.counted, layout.columns):
            cell = row[column]
            significant = cell.lstrip("0") or "0"  # leading zeros, as numpy reads them on the fast path
            if DIGITS.fullmatch(cell) and len(significant) <= MAX_COUNT_DIGITS and int(significant) <= MAX_COUNT:
                values.append(int(significant))
                continue
            ok = False
            values.append(0)
            part.add(BAD_CELL, _cell_complaint(name, cell), line, column + 1, subject(row[layout.station]), name)
        counts.append(values)
        ids.append(row[layout.station].encode("utf-8"))
        regions.append(row[layout.region].encode("utf-8"))
        readable.append(ok)
        line_numbers.append(line)
    array = np.array(counts, dtype=np.int64).reshape(len(counts), len(layout.counted))
    return Parsed(array, np.array(ids, dtype=bytes), np.array(regions, dtype=bytes), np.array(line_numbers, dtype=np.int64), np.array(readable, dtype=bool))


def _cell_complaint(name: str, cell: str) -> str:
    text = cell.strip(SPACE)
    if not text:
        return f"{name} is empty"
    if re.fullmatch(r"-[0-9]+", text):
        return f"{name} is negative ({excerpt(text)})"
    if re.fullmatch(r"\+[0-9]+", text):
        return f"{name} '{excerpt(cell)}' has a plus sign; write {excerpt(text[1:])}"
    if DIGITS.fullmatch(text):
        return too_large(name, text.lstrip("0"))
    if GROUPED_COUNT.fullmatch(text):
        return f"{name} '{excerpt(cell)}' is not a plain number; write {excerpt(re.sub(r'[^0-9]', '', text))}"
    return f"{name} '{excerpt(cell)}' is not a whole number"


def too_large(name: str, text: str) -> str:
    return f"{name} {excerpt(text)} is too large: no polling station counts more than {MAX_COUNT:,}"


def subject(text: str) -> str:
    """A station id as a finding's subject: the exact text (renderers escape it), cut short."""
    return text if len(text) <= SUBJECT_LIMIT else text[: SUBJECT_LIMIT - 1] + "…"
