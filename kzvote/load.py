"""bytes -> YAML events -> node tree -> raw values with positions, checked against the declared
fields (kzvote.schema); kzvote.build makes the model from them. The only module that knows YAML.

Works from PyYAML's node tree rather than loaded Python objects because the nodes keep what the
objects lose: the written text of a number ("2.60" has two decimals; the float 2.6 does not know),
the line and column of every value, and every key of a mapping, duplicates included.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path as FilePath
from typing import Any

import yaml

from kzvote.build import Located, build, did_you_mean
from kzvote.errors import KzvoteError
from kzvote.findings import Finding, Position, Rule, Severity
from kzvote.model import Figure, Path, Results
from kzvote.readfile import NotRegularFile, open_regular
from kzvote.schema import MAX_COUNT_DIGITS, MAX_PERCENT_DECIMALS, RESULTS, Field
from kzvote.text import describe_char, excerpt, unsafe_char

MAX_BYTES = 16 * 1024 * 1024
USE_LIBYAML = yaml.__with_libyaml__  # tests turn it off to run the pure-Python parser too
# Values (keys, scalars, lists, mappings) in one file. A national result with 5,000 regions of 50
# candidates has about 600,000; each costs some 500 bytes loaded, so this bounds memory to ~0.5 GB
# whatever the 16 MiB hold (600,000 one-line flow mappings would take 1.3 GB).
MAX_NODES = 1_000_000
SAFE_TEXTS_KEPT = 10_000  # distinct safe texts remembered: the names of a file, not every value
MAX_DEPTH = 32  # a results file is 4 levels deep; anything far deeper is a mistake or an attack

# The problems that stop a file from loading (exit 2).
INPUT_RULES = {
    rule.code: rule
    for rule in (
        Rule("KZ001", "unreadable-file", Severity.ERROR, "the file is missing or cannot be read"),
        Rule("KZ002", "not-utf8", Severity.ERROR, "the file is not UTF-8 text"),
        Rule("KZ003", "yaml-syntax", Severity.ERROR, "the file is not valid YAML"),
        Rule("KZ004", "not-one-document", Severity.ERROR, "the file is empty or holds more than one YAML document"),
        Rule("KZ005", "wrong-shape", Severity.ERROR, "a value has the wrong shape (mapping, list or single value expected)"),
        Rule("KZ006", "unknown-key", Severity.ERROR, "a key that the kzvote/1 format does not have"),
        Rule("KZ007", "missing-key", Severity.ERROR, "a required key is missing or empty"),
        Rule("KZ008", "duplicate-key", Severity.ERROR, "the same key twice in one mapping"),
        Rule("KZ009", "duplicate-name", Severity.ERROR, "two candidates, regions or sources with the same name, alias or id"),
        Rule("KZ010", "bad-count", Severity.ERROR, "a count that is not a whole number >= 0 written in plain digits"),
        Rule("KZ011", "bad-percent", Severity.ERROR, "a percentage that is not a plain number from 0 to 100"),
        Rule("KZ012", "bad-value", Severity.ERROR, "a date, stage, base, id or format that is not allowed"),
        Rule("KZ013", "unsafe-yaml", Severity.ERROR, "anchors/aliases, absurd nesting or size, which results files never need"),
        Rule("KZ014", "unknown-name", Severity.ERROR, "a name that is no candidate's (or region's) name or alias"),
        Rule("KZ016", "unsafe-text", Severity.ERROR, "a control, line-break or bidirectional-override character in a text"),
    )
}
RULES = tuple(INPUT_RULES.values())

PLAIN_COUNT = re.compile(r"0|[1-9][0-9]*")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?")
PLAIN_PERCENT = re.compile(r"[0-9]+(\.[0-9]+)?")
GROUPED_COUNT = re.compile(r"[0-9]{1,3}(?:\s*[,.' \u00a0\u2009\u202f_]\s*[0-9]{3})+")


def load(path: str | FilePath, display_name: str | None = None) -> Results:
    """Read a results file. Raises KzvoteError with every problem found, each located."""
    name = display_name or str(path)
    return parse(read_bytes(path, name), name)


def read_bytes(path: str | FilePath, name: str) -> bytes:
    try:
        with open_regular(path) as stream:
            data = stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise _fail(name, "KZ001", "no such file (pass a results file, or set KZVOTE_FILE)") from None
    except IsADirectoryError:
        raise _fail(name, "KZ001", "is a directory, not a results file") from None
    except NotRegularFile as error:
        raise _fail(name, "KZ001", f"is {error.args[0]}, not a regular file; kzvote reads results files only") from None
    except OSError as error:
        raise _fail(name, "KZ001", f"cannot read: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise _fail(name, "KZ013", f"larger than {MAX_BYTES // (1024 * 1024)} MiB; not a results file")
    return data


def parse(data: bytes, name: str = "<data>") -> Results:
    # The node tree and the model are many small acyclic objects: the cyclic collector would walk
    # them again and again while they grow (half the load time of a large file) and find nothing.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(data, name)
    finally:
        if gc_was_enabled:
            gc.enable()


def _parse(data: bytes, name: str) -> Results:
    reader = _Reader(name)
    text = _decode(data, name)
    with _yaml_errors(name):  # a YAML error found while reading stops the file, as before reading
        raw = reader.read(_compose(text, name), RESULTS, ())
    results = build(raw, reader) if not reader.problems else None
    if reader.problems or results is None:
        raise KzvoteError(sorted(reader.problems, key=Finding.sort_key))
    return results


def _finding(file: str, code: str, message: str, path: Path = (), position: Position | None = None) -> Finding:
    return INPUT_RULES[code].finding(message, file=file, position=position, path=path)


def _fail(file: str, code: str, message: str, position: Position | None = None) -> KzvoteError:
    return KzvoteError([_finding(file, code, message, position=position)])


# What YAML refuses in a stream (PyYAML and libyaml say so without a line): C0 controls other than
# tab and line breaks, DEL, C1 controls other than NEXT LINE, surrogates and non-characters.
YAML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def _decode(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise _fail(
            name,
            "KZ002",
            f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8",
            Position(line, column),
        ) from None
    forbidden = YAML_FORBIDDEN.search(text)
    if forbidden:
        at = forbidden.start()
        line_start = text.rfind("\n", 0, at) + 1
        raise _fail(
            name,
            "KZ003",
            f"holds {describe_char(forbidden.group())}, a control character; a results file is plain text: remove it",
            Position(text.count("\n", 0, at) + 1, at - line_start + 1),
        )
    return text


def _mark(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


ALIAS_MESSAGE = "YAML aliases (*name) are not allowed in results files; write the value out"
INT_TAG, FLOAT_TAG, BOOL_TAG, NULL_TAG = (f"tag:yaml.org,2002:{kind}" for kind in ("int", "float", "bool", "null"))
_RESOLVE = yaml.resolver.Resolver().resolve


class _UnsafeYaml(Exception):
    def __init__(self, code: str, message: str, position: Position) -> None:
        super().__init__(message)
        self.code = code
        self.position = position


class _Node:
    """A composed YAML node, as small as the loader needs: PyYAML's nodes carry two marks each,
    about four times the memory, for a tree the loader walks once."""

    __slots__ = ("value", "at")

    def __init__(self, value: Any, at: Position) -> None:
        self.value = value
        self.at = at


class _Scalar(_Node):
    """A scalar; its implicit tag (int, float, bool, null, str) is resolved when first asked for:
    resolving means trying the resolver's patterns, and most values are only ever read as text or
    as plain digits."""

    __slots__ = ("explicit", "implicit", "style")
    value: str

    def __init__(self, value: str, at: Position, explicit: str | None, implicit: tuple[bool, bool], style: str | None) -> None:
        self.value, self.at = value, at  # not super().__init__: a frame less for each of 500,000 scalars
        self.explicit = explicit
        self.implicit = implicit
        self.style = style

    @property
    def tag(self) -> str:
        if self.explicit is not None:
            return self.explicit
        if self.implicit[0] and PLAIN_COUNT.fullmatch(self.value):
            return INT_TAG  # what YAML 1.1 resolves plain digits to, without trying every pattern (a plain scalar: implicit[0]; libyaml and PyYAML differ in its style)
        return _RESOLVE(yaml.ScalarNode, self.value, self.implicit)


class _Mapping(_Node):
    __slots__ = ()
    value: list[tuple[_Node, _Node]]


class _Sequence(_Node):
    __slots__ = ()
    value: list[_Node]


def _compose(text: str, name: str) -> _Node:
    """The document's root node, composed as the reader asks for it: a list at the top level
    (candidates, regions) hands out one item at a time, so a 5,000-region file never holds more
    than one region's nodes. The composing refuses, before they cost anything, what results files
    never need: aliases, nesting deeper than MAX_DEPTH, more than MAX_NODES values, a second
    document. Events come from libyaml when PyYAML has it, else from PyYAML's own parser: both
    are iterative, and the composer is iterative too, so no input reaches a recursion.
    YAML errors surface while the root is read: _yaml_errors turns them into findings."""
    loader = yaml.CSafeLoader if USE_LIBYAML else yaml.SafeLoader
    with _yaml_errors(name):
        stream = _EventStream(yaml.parse(text, Loader=loader))
        root = stream.root()
    if root is None:
        raise _fail(name, "KZ004", "the file is empty; see README for the kzvote/1 format", Position(1, 1))
    return root


@contextlib.contextmanager
def _yaml_errors(name: str) -> Iterator[None]:
    try:
        yield
    except _UnsafeYaml as error:
        raise _fail(name, error.code, str(error), error.position) from None
    except yaml.MarkedYAMLError as error:
        raise _yaml_error(error, name) from None
    except yaml.YAMLError as error:
        raise _fail(name, "KZ003", f"YAML error: {_one_line(str(error))}") from None


class _EventStream:
    """YAML events composed into nodes on demand, with the limits counted across the file."""

    def __init__(self, events: Iterator[yaml.Event]) -> None:
        self.events = events
        self.nodes = 0
        self.documents = 0
        self.pending: _LazySequence | None = None  # a top-level list not yet read to its end

    def next_event(self) -> Any:
        for event in self.events:
            kind = type(event)
            if kind is yaml.AliasEvent:
                raise _UnsafeYaml("KZ013", ALIAS_MESSAGE, _mark(event.start_mark))
            if kind is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    raise _UnsafeYaml("KZ004", "holds more than one YAML document (---); keep one", _mark(event.start_mark))
                continue
            if kind is yaml.StreamStartEvent or kind is yaml.DocumentEndEvent:
                continue
            return event
        return None  # the stream has ended

    def root(self) -> _Node | None:
        event = self.next_event()
        if event is None or type(event) is yaml.StreamEndEvent:
            return None
        if type(event) is yaml.MappingStartEvent:
            self.count(event)
            return _LazyMapping(self, _mark(event.start_mark))
        root = self.compose(event, 0)
        self.finish()
        return root

    def finish(self) -> None:
        """The rest of the stream: nothing but its end (a second document is refused)."""
        event = self.next_event()
        if event is not None and type(event) is not yaml.StreamEndEvent:
            raise _UnsafeYaml("KZ003", "unexpected content after the document", _mark(event.start_mark))

    def count(self, event: Any) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self._too_many(event)

    def compose(self, first: Any, depth: int) -> _Node:
        """The whole node that starts with event first, at depth (0: the document's root). The
        loop takes the events itself (inside a node there is no document event to skip): it runs
        once for each of a large file's 500,000 values."""
        # Names bound locally: each global or attribute lookup costs 30 ns, 500,000 times.
        new_tuple, events, nodes, limit, position, scalar_node = tuple.__new__, self.events, self.nodes, MAX_NODES, Position, _Scalar
        scalar_event = yaml.ScalarEvent
        open_nodes: list[_Node] = []
        event = first
        try:
            while True:
                kind = type(event)
                if kind is scalar_event:
                    nodes += 1
                    if nodes > limit:
                        self._too_many(event)
                    tag, mark = event.tag, event.start_mark
                    at = new_tuple(position, (mark.line + 1, mark.column + 1))  # Position(...) without its Python-level __new__
                    node: _Node = scalar_node(event.value, at, None if tag is None or tag == "!" else tag, event.implicit, event.style)
                elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                    nodes += 1
                    if nodes > MAX_NODES:
                        self._too_many(event)
                    if depth + len(open_nodes) >= MAX_DEPTH:
                        raise _UnsafeYaml("KZ013", f"nested more than {MAX_DEPTH} levels deep", _mark(event.start_mark))
                    open_nodes.append((_Mapping if kind is yaml.MappingStartEvent else _Sequence)([], _mark(event.start_mark)))
                    event = next(events)
                    continue
                elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                    node = open_nodes.pop()
                    if isinstance(node, _Mapping):
                        flat: list[Any] = node.value
                        node.value = list(zip(flat[0::2], flat[1::2]))
                elif kind is yaml.AliasEvent:
                    raise _UnsafeYaml("KZ013", ALIAS_MESSAGE, _mark(event.start_mark))
                else:
                    raise _UnsafeYaml("KZ003", "unexpected YAML event", _mark(event.start_mark))  # the parser never gives one here
                if not open_nodes:
                    return node
                open_nodes[-1].value.append(node)
                event = next(events)
        finally:
            self.nodes = nodes

    def _too_many(self, event: Any) -> None:
        raise _UnsafeYaml("KZ013", f"holds more than {MAX_NODES:,} values; no results file needs that many", _mark(event.start_mark))

    def pairs(self) -> Iterator[tuple[_Node, _Node]]:
        """The root mapping's keys and values; a list value is handed out lazily, and read to its
        end before the next key (whether or not the reader read it)."""
        while True:
            if self.pending is not None:
                self.pending.drain()
                self.pending = None
            event = self.next_event()
            if type(event) is yaml.MappingEndEvent:
                self.finish()
                return
            key = self.compose(event, 1)
            event = self.next_event()
            if type(event) is yaml.SequenceStartEvent:
                self.count(event)
                self.pending = _LazySequence(self, _mark(event.start_mark))
                yield key, self.pending
            else:
                yield key, self.compose(event, 1)


class _LazyMapping(_Mapping):
    """The root mapping, its pairs composed as they are read. Read once."""

    __slots__ = ()

    def __init__(self, stream: _EventStream, at: Position) -> None:
        super().__init__(stream.pairs(), at)


class _LazySequence(_Sequence):
    """A top-level list, its items composed one at a time as they are read. Read once."""

    __slots__ = ("stream", "done")

    def __init__(self, stream: _EventStream, at: Position) -> None:
        super().__init__(self._items(), at)
        self.stream, self.done = stream, False

    def _items(self) -> Iterator[_Node]:
        while True:
            event = self.stream.next_event()
            if type(event) is yaml.SequenceEndEvent:
                self.done = True
                return
            yield self.stream.compose(event, 2)

    def drain(self) -> None:
        for _ in self.value:
            pass


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _yaml_error(error: yaml.MarkedYAMLError, name: str) -> KzvoteError:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or "syntax error"
    if "nesting depth" in problem:
        # libyaml's scanner stops at 1,000 levels, sometimes before kzvote's own limit is reached:
        # the same refusal, whichever counter fired first.
        return _fail(name, "KZ013", f"nested more than {MAX_DEPTH} levels deep", _mark(mark) if mark else None)
    if error.context:
        problem = f"{problem} ({error.context}"
        if error.context_mark and mark and error.context_mark.line != mark.line:
            problem += f" at line {error.context_mark.line + 1}"
        problem += ")"
    return _fail(name, "KZ003", f"YAML syntax error: {problem}", _mark(mark) if mark else None)


@dataclass
class _Reader:
    """Walks nodes against the declared fields, collecting every problem instead of stopping."""

    file: str
    problems: list[Finding] = field(default_factory=list)
    key_positions: dict[Path, Position] = field(default_factory=dict)
    safe_texts: set[str] = field(default_factory=set)  # texts already found safe

    def problem(self, code: str, message: str, path: Path, position: Position | None) -> None:
        self.problems.append(_finding(self.file, code, message, path, position))

    def read(self, node: _Node, spec: Field, path: Path) -> Any:
        reader = getattr(self, f"_read_{spec.kind.name.lower()}")
        return reader(node, spec, path)

    def _expect(self, node: _Node, node_type: type, what: str, path: Path) -> bool:
        if isinstance(node, node_type):
            return True
        found = "a mapping" if isinstance(node, _Mapping) else "a list" if isinstance(node, _Sequence) else "a single value"
        self.problem("KZ005", f"expected {what}, found {found}", path, node.at)
        return False

    def _read_record(self, node: _Node, spec: Field, path: Path) -> dict[str, Any] | None:
        if not self._expect(node, _Mapping, "a mapping of keys", path):
            return None
        allowed = {f.name: f for f in spec.fields}
        seen: dict[str, Position] = {}
        values: dict[str, Any] = {"@": node.at}
        previous: tuple[_Node, _Node] | None = None
        for key_node, value_node in node.value:
            before, previous = previous, (key_node, value_node)
            key_at = key_node.at
            key = self._key(key_node, path)
            if key is None:
                continue
            if key in seen:
                first = seen[key]
                self.problem(
                    "KZ008", f"duplicate key '{excerpt(key)}' (first at line {first.line}); YAML would silently keep the last one", path + (key,), key_at
                )
                continue
            seen[key] = key_at
            if key not in allowed and before and (hint := _split_thousands(before, key_node, value_node)):
                self.problem("KZ010", hint, path + (key,), key_at)
                continue
            if key not in allowed:
                self.problem("KZ006", f"unknown key '{excerpt(key)}'{did_you_mean(key, allowed)}", path + (key,), key_at)
                continue
            self.key_positions[path + (key,)] = key_at
            if _is_null(value_node):
                # Not silently "absent": an empty value is usually a figure someone forgot.
                self.problem("KZ007", f"'{excerpt(key)}' has no value; give one or leave the key out", path + (key,), key_at)
                continue
            if isinstance(value_node, _Scalar):
                # A finding about a single value points at the value, as a compiler points at a token.
                self.key_positions[path + (key,)] = value_node.at
            values[key] = self.read(value_node, allowed[key], path + (key,))
        where = self.key_positions.get(path, node.at)
        for name, child in allowed.items():
            if child.required and name not in seen:
                self.problem("KZ007", f"missing required key '{name}'", path, where)
        return values

    def _read_record_list(self, node: _Node, spec: Field, path: Path) -> list[Any] | None:
        if not self._expect(node, _Sequence, "a list", path):
            return None
        items = []
        for i, item in enumerate(node.value):  # once: a top-level list is composed as it is read
            self.key_positions[path + (i,)] = item.at
            items.append(self._read_record(item, spec, path + (i,)))
        if len(items) < spec.min_items:
            self.problem("KZ007", f"needs at least {spec.min_items} item(s)", path, node.at)
        return items

    def _read_text_list(self, node: _Node, spec: Field, path: Path) -> list[Located | None] | None:
        if not self._expect(node, _Sequence, "a list", path):
            return None
        return [self._read_text(item, spec, path + (i,)) for i, item in enumerate(node.value)]

    def _read_count_map(self, node: _Node, spec: Field, path: Path) -> dict[str, tuple[Any, Position]] | None:
        """name -> votes: _read_map, with the common entry (a safe name, plain digits) taken in one
        step; 250,000 of them in a 5,000-region file. A finding about a vote points at its value
        (Results.where asks the figure), so no key position is kept for each."""
        if not self._expect(node, _Mapping, "a mapping of name: votes", path):
            return None
        result: dict[str, tuple[Any, Position]] = {}
        safe, scalar, plain, figure, digits, minimum = self.safe_texts, _Scalar, PLAIN_COUNT.fullmatch, Figure, MAX_COUNT_DIGITS, spec.minimum
        for key_node, value_node in node.value:
            name = key_node.value
            if type(key_node) is not scalar or name not in safe or name in result:
                self._read_map_entry(result, key_node, value_node, path, lambda value, at: self._read_count(value, spec, at))
                continue
            text = value_node.value
            if type(value_node) is scalar and value_node.implicit[0] and len(text) <= digits and plain(text):
                value = int(text)
                if value >= minimum:
                    result[name] = (figure(value, text, value_node.at), key_node.at)
                    continue
            result[name] = (self._read_count(value_node, spec, path + (name,)), key_node.at)
        return result

    def _read_record_map(self, node: _Node, spec: Field, path: Path) -> dict[str, tuple[Any, Position]] | None:
        return self._read_map(node, path, "a mapping of name: figures", lambda value, at: self._read_record(value, spec, at))

    def _read_map(self, node: _Node, path: Path, what: str, read_value: Any) -> dict[str, tuple[Any, Position]] | None:
        """name -> value, keeping where each name stands (names are data here, not keys of the format)."""
        if not self._expect(node, _Mapping, what, path):
            return None
        result: dict[str, tuple[Any, Position]] = {}
        for key_node, value_node in node.value:
            self._read_map_entry(result, key_node, value_node, path, read_value)
        return result

    def _read_map_entry(self, result: dict[str, tuple[Any, Position]], key_node: _Node, value_node: _Node, path: Path, read_value: Any) -> None:
        key_at = key_node.at
        name = self._key(key_node, path)
        if name is None:
            return
        if name in result:
            self.problem("KZ008", f"duplicate key '{excerpt(name)}' (first at line {result[name][1].line})", path + (name,), key_at)
            return
        self.key_positions[path + (name,)] = key_at
        result[name] = (read_value(value_node, path + (name,)), key_at)

    def _key(self, key_node: _Node, path: Path) -> str | None:
        """A key's text, or None when it is no plain, safe name (a problem said so)."""
        if not isinstance(key_node, _Scalar):
            self.problem("KZ005", "a key must be a plain name", path, key_node.at)
            return None
        return key_node.value if self._safe(key_node, path, key_node.value) else None

    def _scalar(self, node: _Node, path: Path, what: str) -> _Scalar | None:
        if self._expect(node, _Scalar, what, path) and self._safe(node, path):  # type: ignore[arg-type]
            return node  # type: ignore[return-value]
        return None

    def _safe(self, scalar: _Scalar, path: Path, key: str | None = None) -> bool:
        """Refuses text that could rewrite a terminal or forge a CI log line (kzvote.text).
        A key is named in the finding's path, escaped."""
        text = scalar.value
        if text in self.safe_texts:  # names repeat in every region
            return True
        if scalar.style in ("|", ">"):
            text = text.rstrip("\n")  # a block scalar's own final line break is not content
        found = unsafe_char(text)
        if found is None:
            if len(self.safe_texts) < SAFE_TEXTS_KEPT:
                self.safe_texts.add(scalar.value)
            return True
        self.problem(
            "KZ016",
            f"holds {describe_char(found.group())} at character {found.start() + 1}; control, line-break and "
            "bidi-override characters are refused (they can rewrite a terminal or a CI log)",
            path if key is None else path + (excerpt(key),),
            scalar.at,
        )
        return False

    def _read_text(self, node: _Node, spec: Field, path: Path) -> Located | None:
        scalar = self._scalar(node, path, "text")
        if scalar is None:
            return None
        # Any scalar's written text is taken as is: a name like "No" or "2022" stays that text.
        text = scalar.value.strip()
        if not text:  # an empty name, title or path is a figure someone forgot, as an empty count is
            self.problem("KZ007", f"{spec.name} is empty" if spec.required else "is empty; give the text or leave the key out", path, scalar.at)
            return None
        if spec.pattern and not re.fullmatch(spec.pattern, text):
            self.problem("KZ012", f"'{excerpt(text)}' does not match {spec.pattern} ({spec.doc})", path, scalar.at)
            return None
        return Located(text, scalar.at)

    def _read_choice(self, node: _Node, spec: Field, path: Path) -> Located | None:
        scalar = self._scalar(node, path, f"one of {', '.join(spec.choices)}")
        if scalar is None:
            return None
        if scalar.value not in spec.choices:
            options = " | ".join(spec.choices)
            self.problem("KZ012", f"'{excerpt(scalar.value)}' is not one of: {options}{did_you_mean(scalar.value, spec.choices)}", path, scalar.at)
            return None
        return Located(scalar.value, scalar.at)

    def _read_date(self, node: _Node, spec: Field, path: Path) -> Located | None:
        return self._read_iso(node, path, ISO_DATE, dt.date.fromisoformat, "an ISO date (YYYY-MM-DD)", "an ISO date (YYYY-MM-DD)")

    def _read_datetime(self, node: _Node, spec: Field, path: Path) -> Located | None:
        # (the time, as written): sources are ordered by it, and shown as written
        return self._read_iso(
            node,
            path,
            ISO_DATETIME,
            lambda text: (_datetime(text), text),
            "an ISO date or date-time",
            "an ISO date or date-time (2022-11-22 or 2022-11-22T12:07, optionally +06:00)",
        )

    def _read_iso(self, node: _Node, path: Path, form: re.Pattern[str], read: Any, expected: str, form_text: str) -> Located | None:
        """A date or date-time in the extended ISO form: `expected` names the kind of value, `form_text`
        the form a refused text should take."""
        scalar = self._scalar(node, path, expected)
        if scalar is None:
            return None
        text = scalar.value.strip()
        # The form is checked first: Python 3.11's fromisoformat also takes 20221120 and 2022-W47-7.
        if not form.fullmatch(text):
            self.problem("KZ012", f"'{excerpt(text)}' is not {form_text}", path, scalar.at)
            return None
        try:
            return Located(read(text), scalar.at)
        except ValueError:
            self.problem("KZ012", f"'{text}': {_no_such_day(text[:10]) or 'no such time of day'}", path, scalar.at)
            return None

    def _read_count(self, node: _Node, spec: Field, path: Path) -> Figure | None:
        if type(node) is _Scalar and node.implicit[0] and len(node.value) <= MAX_COUNT_DIGITS and PLAIN_COUNT.fullmatch(node.value):
            value = int(node.value)  # the common case, decided at once: plain digits hold no unsafe character
            if value >= spec.minimum:
                return Figure(value, node.value, node.at)
        scalar = self._scalar(node, path, f"a whole number of {spec.noun}")
        if scalar is None:
            return None
        text, position = scalar.value, scalar.at
        if len(text) > MAX_COUNT_DIGITS + 8:  # checked before any pattern or int() sees it
            self.problem("KZ010", _too_long(text, f"a count of {spec.noun}"), path, position)
            return None
        if scalar.tag == INT_TAG and PLAIN_COUNT.fullmatch(text):
            if len(text) > MAX_COUNT_DIGITS:
                self.problem("KZ010", _too_long(text, f"a count of {spec.noun}"), path, position)
                return None
            value = int(text)
            if value < spec.minimum:
                self.problem("KZ010", f"'{text}' is below {spec.minimum}: {spec.name} is counted from {spec.minimum}", path, position)
                return None
            return Figure(value, text, position)
        self.problem("KZ010", _count_complaint(scalar, spec.noun, spec.minimum), path, position)
        return None

    def _read_percent(self, node: _Node, spec: Field, path: Path) -> Figure | None:
        scalar = self._scalar(node, path, "a percentage")
        if scalar is None:
            return None
        text, position = scalar.value, scalar.at
        whole, _, decimals = text.partition(".")
        if len(whole) > 8 or len(decimals) > MAX_PERCENT_DECIMALS or len(text) > MAX_PERCENT_DECIMALS + 12:
            self.problem("KZ011", _too_long(text, "a percentage"), path, position)
            return None
        is_number = scalar.tag in (FLOAT_TAG, INT_TAG)
        if is_number and PLAIN_PERCENT.fullmatch(text):
            value = Fraction(text)
            if spec.below_100 and value >= 100:
                self.problem("KZ011", f"{text}: {spec.name} must be below 100 (elected needs MORE than this share)", path, position)
                return None
            if value <= 100:
                return Figure(value, text, position)
            self.problem("KZ011", f"{text} is not a percentage from 0 to 100", path, position)
            return None
        self.problem("KZ011", _percent_complaint(scalar), path, position)
        return None


def _is_null(node: _Node) -> bool:
    return isinstance(node, _Scalar) and node.tag == NULL_TAG


def _count_complaint(scalar: _Scalar, noun: str = "votes", minimum: int = 0) -> str:
    text = scalar.value.strip()
    shown = f"'{excerpt(scalar.value)}'"
    if scalar.tag == BOOL_TAG:
        return f"{shown} is a yes/no value, not a number of {noun}"
    if scalar.style in ('"', "'") and PLAIN_COUNT.fullmatch(text):
        return f"{shown} is quoted text; write {text} (no quotes)"
    if GROUPED_COUNT.fullmatch(text):
        digits = re.sub(r"\D", "", text)
        return f"{shown} is not a plain number; write {digits} (digits only, no separators)"
    if re.fullmatch(r"[-+]?[0-9]+(\.0+)?", text) and text.startswith("-"):
        return f"{shown} is negative; a count of {noun} is {minimum} or more"
    if re.fullmatch(r"\+?0[0-9]+", text):
        return f"{shown} has a leading zero (YAML may read it as octal); write {int(text.lstrip('+'))}"
    if re.fullmatch(r"[-+]?[0-9]*\.[0-9]+", text):
        return f"{shown} is not a whole number; a count of {noun} has no fraction"
    if scalar.tag == INT_TAG and text:
        try:  # what YAML would read it as: 0x10, 1_000, 0b101, 1:30 (base 60)
            return f"{shown} is not written in plain digits; write {int(yaml.safe_load(text))}"
        except (ValueError, TypeError, yaml.YAMLError):  # "0x_", or a tag that forces int on no number
            pass
    return f"{shown} is not a whole number of {noun}"


def _too_long(text: str, what: str) -> str:
    digits = sum(c.isdigit() for c in text)
    whole, dot, decimals = text.partition(".")
    if dot and decimals.isdigit() and whole.isdigit() and len(decimals) > MAX_PERCENT_DECIMALS:
        return f"'{excerpt(text, 24)}' has {len(decimals):,} decimals; {what} is written with at most {MAX_PERCENT_DECIMALS}"
    if text.isdigit():
        return f"'{excerpt(text, 24)}' has {digits:,} digits; {what} has at most {MAX_COUNT_DIGITS}"
    return f"'{excerpt(text, 24)}' is {len(text):,} characters long; not {what}"


def _split_thousands(before: tuple[_Node, _Node], key: _Scalar, value: _Node) -> str | None:
    """`{votes: 271,641}`: in a flow mapping the comma ends the value, and 641 becomes a key."""
    previous_key, previous_value = before
    if (
        isinstance(value, _Scalar)
        and value.tag == NULL_TAG
        and isinstance(previous_key, _Scalar)
        and isinstance(previous_value, _Scalar)
        and previous_value.tag == INT_TAG
        and re.fullmatch(r"[0-9]{3}", key.value)
        and previous_value.at.line == key.at.line
    ):
        digits = previous_value.value + key.value
        return (
            f"'{previous_key.value}: {previous_value.value},{key.value}' uses a comma as thousands separator, which ends the "
            f"value inside {{…}}; write {previous_key.value}: {digits} (digits only)"
        )
    return None


def _datetime(text: str) -> dt.datetime:
    # "Z" is read by fromisoformat only from Python 3.11 on.
    return dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)


def _no_such_day(text: str) -> str:
    """Why a YYYY-MM-DD is no date, or "" when it is one."""
    import calendar  # only on this error path: it costs 4 ms of start-up

    year, month, day = (int(part) for part in text.split("-"))
    if not 1 <= month <= 12:
        return f"no such month ({month}); write YYYY-MM-DD"
    if year < 1:
        return "no such year (years start at 0001)"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"no such day: {calendar.month_name[month]} {year} has {days} days"
    return ""


def _percent_complaint(scalar: _Scalar) -> str:
    text = scalar.value.strip()
    shown = f"'{excerpt(scalar.value)}'"
    if scalar.tag == BOOL_TAG:
        return f"{shown} is a yes/no value, not a percentage"
    candidate = text.replace("%", "").replace(",", ".").replace(" ", "")
    if PLAIN_PERCENT.fullmatch(candidate) and Fraction(candidate) <= 100:
        if scalar.style in ('"', "'") and candidate == text:
            return f"{shown} is quoted text; write it as a number: {candidate}"
        return f"{shown} is not a plain number; write {candidate} (decimal point, no % sign)"
    if re.fullmatch(r"-[0-9.]+", text):
        return f"{shown} is negative; a percentage is from 0 to 100"
    if re.fullmatch(r"[0-9.]+[eE][-+]?[0-9]+", text):
        return f"{shown}: write percentages as plain decimals, so their precision is visible"
    return f"{shown} is not a percentage from 0 to 100"
