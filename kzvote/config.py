"""Project configuration: `[tool.kzvote]` in pyproject.toml, or `.kzvote.toml`, found upward from
the data file. It sets a default format, `strict`, and `accept` entries: known discrepancies,
each with a written reason, shown as accepted and not failing the run.

KZ015 bad-config    (input) the configuration cannot be used (exit 2)
KZ901 stale-accept  (warning) an accept entry that no longer matches any finding

    [tool.kzvote]
    format = "text"
    strict = true
    [[tool.kzvote.accept]]
    code = "KZ601"
    path = "sources[7].reported.candidates.Meiram Kazhyken.votes"   # * matches anything
    reason = "Kazakhstan Today misprint, 22 Nov 2022 12:07; official figure confirmed"
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Optional

from kzvote.errors import KzvoteError
from kzvote.findings import Finding, Position, Rule, Severity

BAD_CONFIG = Rule("KZ015", "bad-config", Severity.ERROR, "the kzvote configuration cannot be used")
STALE_ACCEPT = Rule("KZ901", "stale-accept", Severity.WARNING, "an accept entry that no longer matches any finding")
RULES = (BAD_CONFIG, STALE_ACCEPT)
KEYS = {"format", "strict", "accept"}
ACCEPT_KEYS = {"code", "path", "reason"}


@dataclass(frozen=True)
class Accept:
    code: str
    path: str
    reason: str
    position: Position | None

    def matches(self, finding: Finding) -> bool:
        return finding.code == self.code and self._pattern.fullmatch(finding.path_text) is not None

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        # Compiled once: re's own cache holds 512 patterns, and a longer accept list fell off it.
        return re.compile(re.escape(self.path).replace(r"\*", ".*"))


@dataclass(frozen=True)
class Config:
    file: str | None = None  # where it was found; None: no configuration
    format: str | None = None
    strict: bool | None = None
    accept: tuple[Accept, ...] = ()


def find_config(data_file: str | Path) -> Config:
    """The nearest .kzvote.toml, or pyproject.toml with a [tool.kzvote] table, upward from the data."""
    try:
        folder = Path(data_file).resolve().parent
    except (OSError, RuntimeError):  # a symlink loop: the loader reports the file itself (KZ001)
        folder = Path(os.path.abspath(data_file)).parent
    for directory in (folder, *folder.parents):
        own = directory / ".kzvote.toml"
        if _is_file(own):
            return _read(own, table=())
        project = directory / "pyproject.toml"
        if _is_file(project) and "[tool.kzvote" in _text(project):
            return _read(project, table=("tool", "kzvote"))
    return Config()


def _is_file(path: Path) -> bool:
    """A folder the user may not search (another user's home) holds no configuration of theirs."""
    try:
        return path.is_file()
    except OSError:
        return False


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _bad(str(path), f"cannot read: {error}") from None


def _bad(file: str, message: str, position: Position | None = None) -> KzvoteError:
    return KzvoteError([BAD_CONFIG.finding(message, file=file, position=position)])


def _read(path: Path, table: tuple[str, ...]) -> Config:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    text = _text(path)
    name = str(path)
    try:
        data: Any = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message, position = _syntax_error(str(error), text)
        raise _bad(name, f"TOML syntax error: {message}", position) from None
    for key in table:
        data = data.get(key, {}) if isinstance(data, dict) else {}
    where = _Where(_key_positions(text), table)
    if not isinstance(data, dict):
        raise _bad(name, f"[{'.'.join(table)}] must be a table", where.key(""))
    problems = _settings_problems(data, where)
    accepts, accept_problems = _accepts(data, where)
    problems += accept_problems
    if problems:
        problems.sort(key=lambda problem: problem[1] or Position(0, 0))
        raise KzvoteError([BAD_CONFIG.finding(message, file=name, position=position) for message, position in problems])
    return Config(name, data.get("format"), data.get("strict"), accepts)


Problem = tuple[str, Optional[Position]]

_TOML_WHERE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")


def _syntax_error(message: str, text: str) -> tuple[str, Position]:
    """tomllib puts the place in its message, "(at line 3, column 9)" or "(at end of document)":
    it becomes the finding's position, and leaves the message."""
    found = _TOML_WHERE.search(message)
    if found and found[1]:
        return message[: found.start()], Position(int(found[1]), int(found[2]))
    last = text.rstrip("\r\n").split("\n")  # the end of the last line, not the empty one after it
    return (message[: found.start()] if found else message), Position(len(last), len(last[-1]) + 1)


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]*?)\s*\]")
_KEY = re.compile(r"""^(\s*)("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")


def _key_positions(text: str) -> dict[tuple[tuple[str, ...], int, str], Position]:
    """Where each key is first set, by (table, index among [[array]] tables of that name, key); a
    table's header line under the key "". Read line by line, which is enough to point at a mistake."""
    where: dict[tuple[tuple[str, ...], int, str], Position] = {}
    table: tuple[str, ...] = ()
    index = 0
    arrays: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            table = tuple(part.strip().strip("\"'") for part in header[2].split("."))
            index = arrays[table] = arrays.get(table, -1) + 1 if header[1] == "[[" else 0
            where.setdefault((table, index, ""), Position(number, len(line) - len(line.lstrip()) + 1))
            continue
        key = _KEY.match(line)
        if key:
            where.setdefault((table, index, key[2].strip("\"'")), Position(number, len(key[1]) + 1))
    return where


@dataclass(frozen=True)
class _Where:
    positions: dict[tuple[tuple[str, ...], int, str], Position]
    table: tuple[str, ...]

    def key(self, key: str) -> Position | None:
        return self.positions.get((self.table, 0, key)) or self.positions.get((self.table, 0, ""))

    def accept(self, index: int, key: str = "") -> Position | None:
        array = (*self.table, "accept")
        return self.positions.get((array, index, key)) or self.positions.get((array, index, "")) or self.key("accept")


def _did_you_mean(value: str, choices: Iterable[str]) -> str:
    import difflib

    choices = list(choices)
    same = [c for c in choices if c.lower() == value.lower()]
    close = same or difflib.get_close_matches(value, choices, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _settings_problems(data: dict[str, Any], where: _Where) -> list[Problem]:
    problems: list[Problem] = []
    for key in sorted(set(data) - KEYS):
        if key == "tool" and isinstance(data[key], dict) and "kzvote" in data[key]:
            problems.append(
                ("[tool.kzvote] is pyproject.toml's table; in .kzvote.toml write its keys at the top level, without it", where.key(key) or Position(1, 1))
            )
            continue
        problems.append((f"unknown key {key!r}{_did_you_mean(key, KEYS)} (known: {', '.join(sorted(KEYS))})", where.key(key)))
    fmt = data.get("format")
    if fmt is not None:
        from kzvote.render import FORMATS

        if not isinstance(fmt, str):
            problems.append(('format must be a string such as "json"', where.key("format")))
        elif fmt not in FORMATS:
            problems.append((f"format {fmt!r} is not one of {', '.join(FORMATS)}{_did_you_mean(fmt, FORMATS)}", where.key("format")))
    strict = data.get("strict")
    if strict is not None and not isinstance(strict, bool):
        meant = {"true": "true", "yes": "true", "on": "true", "1": "true", "false": "false", "no": "false", "off": "false", "0": "false"}.get(
            str(strict).lower()
        )
        hint = f"; did you mean {meant} (unquoted)?" if meant else ""
        problems.append((f"strict must be true or false, not {strict!r}{hint}", where.key("strict")))
    return problems


def _accepts(data: dict[str, Any], where: _Where) -> tuple[tuple[Accept, ...], list[Problem]]:
    entries = data.get("accept", [])
    if not isinstance(entries, list):
        return (), [("accept must be an array of tables ([[accept]] entries)", where.key("accept"))]
    problems: list[Problem] = []
    accepts = []
    codes: set[str] = set()
    if entries:
        from kzvote.catalogue import all_rules

        codes = set(all_rules())
    for index, entry in enumerate(entries):
        position = where.accept(index)
        if not isinstance(entry, dict):
            problems.append((f"accept[{index}] must be a table with code, path and reason", position))
            continue
        missing = [k for k in ("code", "path", "reason") if not isinstance(entry.get(k), str) or not entry[k].strip()]
        extra = sorted(set(entry) - ACCEPT_KEYS)
        if missing or extra:
            what = (
                (f"needs {', '.join(missing)}" if missing else "")
                + ("; " if missing and extra else "")
                + (f"unknown key(s) {', '.join(extra)}" if extra else "")
            )
            problems.append((f"accept[{index}]: {what} (an accepted finding always says why)", position))
            continue
        code = entry["code"]
        if code not in codes:
            problems.append(
                (f"accept[{index}]: unknown code {code!r}{_did_you_mean(_code_like(code), codes)} (the codes are in the README)", where.accept(index, "code"))
            )
            continue
        accepts.append(Accept(code, entry["path"], entry["reason"].strip(), position))
    return tuple(accepts), problems


def _code_like(text: str) -> str:
    """A code as mistyped by hand: kz101, KZ1O1 (letter O) -> KZ101."""
    head, digits = text[:2].upper(), text[2:].upper()
    return head + digits.replace("O", "0").replace("I", "1").replace("L", "1")


def mark(config: Config, findings: Iterable[Finding]) -> tuple[list[Finding], set[int]]:
    """Findings with the accepted ones marked, and which accept entries (by index) matched."""
    out = []
    used = set()
    for finding in findings:
        for index, accept in enumerate(config.accept):
            if accept.matches(finding):
                finding = replace(finding, accepted=accept.reason)
                used.add(index)
                break
        out.append(finding)
    return out, used


def stale(config: Config, used: set[int], scope: set[str]) -> list[Finding]:
    """A warning for each accept entry (for a code this run could produce) that matched nothing.
    `used` covers every file the configuration applied to in the run, not one file."""
    return [
        STALE_ACCEPT.finding(
            f"accept[{index}] ({accept.code} at {accept.path}) matches no finding any more; remove it",
            file=config.file or "",
            position=accept.position,
            path=("accept", index),
            figures={"code": accept.code, "path": accept.path},
        )
        for index, accept in enumerate(config.accept)
        if index not in used and accept.code in scope
    ]


def apply(config: Config, findings: Iterable[Finding], scope: set[str]) -> list[Finding]:
    """Mark accepted findings, and warn about accept entries that matched nothing (one data file)."""
    return apply_each([(config, findings)], scope)


def apply_each(runs: Iterable[tuple[Config, Iterable[Finding]]], scope: set[str]) -> list[Finding]:
    """apply() over several data files, each with its configuration: an accept entry is stale only
    if it matched in none of the files its configuration covers."""
    out: list[Finding] = []
    used_by: dict[str | None, tuple[Config, set[int]]] = {}
    for config, findings in runs:
        marked, used = mark(config, findings)
        used_by.setdefault(config.file, (config, set()))[1].update(used)
        out += marked
    for config, used in used_by.values():
        out += stale(config, used, scope)
    return out
