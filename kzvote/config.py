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

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

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
        pattern = re.escape(self.path).replace(r"\*", ".*")
        return finding.code == self.code and re.fullmatch(pattern, finding.path_text) is not None


@dataclass(frozen=True)
class Config:
    file: str | None = None  # where it was found; None: no configuration
    format: str | None = None
    strict: bool | None = None
    accept: tuple[Accept, ...] = ()


def find_config(data_file: str | Path) -> Config:
    """The nearest .kzvote.toml, or pyproject.toml with a [tool.kzvote] table, upward from the data."""
    folder = Path(data_file).resolve().parent
    for directory in (folder, *folder.parents):
        own = directory / ".kzvote.toml"
        if own.is_file():
            return _read(own, table=())
        project = directory / "pyproject.toml"
        if project.is_file() and "[tool.kzvote" in _text(project):
            return _read(project, table=("tool", "kzvote"))
    return Config()


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
        where = re.search(r"line (\d+), column (\d+)", str(error))
        raise _bad(name, f"TOML syntax error: {error}", Position(int(where[1]), int(where[2])) if where else None) from None
    for key in table:
        data = data.get(key, {})
    problems = []
    unknown = sorted(set(data) - KEYS)
    problems += [f"unknown key '{key}' (known: {', '.join(sorted(KEYS))})" for key in unknown]
    fmt = data.get("format")
    if fmt is not None and not isinstance(fmt, str):
        problems.append("format must be a string such as \"json\"")
    strict = data.get("strict")
    if strict is not None and not isinstance(strict, bool):
        problems.append("strict must be true or false")
    entries = data.get("accept", [])
    accepts = []
    header = re.compile(r"^\s*\[\[\s*(tool\.kzvote\.)?accept\s*\]\]", re.MULTILINE)
    lines = [text.count("\n", 0, m.start()) + 1 for m in header.finditer(text)]
    if not isinstance(entries, list):
        problems.append("accept must be an array of tables ([[accept]] entries)")
        entries = []
    for index, entry in enumerate(entries):
        position = Position(lines[index], 1) if index < len(lines) else None
        missing = [k for k in ("code", "path", "reason") if not isinstance(entry.get(k), str) or not entry.get(k).strip()]
        extra = sorted(set(entry) - ACCEPT_KEYS)
        if missing or extra:
            what = (f"needs {', '.join(missing)}" if missing else "") + ("; " if missing and extra else "") + (f"unknown key(s) {', '.join(extra)}" if extra else "")
            raise _bad(name, f"accept[{index}]: {what} (an accepted finding always says why)", position)
        accepts.append(Accept(entry["code"], entry["path"], entry["reason"].strip(), position))
    if problems:
        raise _bad(name, "; ".join(problems))
    return Config(name, fmt, strict, tuple(accepts))


def apply(config: Config, findings: Iterable[Finding], scope: set[str]) -> list[Finding]:
    """Mark accepted findings, and warn about accept entries (for codes this run could produce)
    that matched nothing."""
    out = []
    used = set()
    for finding in findings:
        for index, accept in enumerate(config.accept):
            if accept.matches(finding):
                finding = replace(finding, accepted=accept.reason)
                used.add(index)
                break
        out.append(finding)
    for index, accept in enumerate(config.accept):
        if index not in used and accept.code in scope:
            out.append(
                STALE_ACCEPT.finding(
                    f"accept[{index}] ({accept.code} at {accept.path}) matches no finding any more; remove it",
                    file=config.file or "",
                    position=accept.position,
                    path=("accept", index),
                    figures={"code": accept.code, "path": accept.path},
                )
            )
    return out
