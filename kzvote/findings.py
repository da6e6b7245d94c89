"""The contract between the core and the edges: one located problem or remark about a results file."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple, Union

Number = Union[int, float]
FigureValue = Union[int, float, str, bool, None, list[str]]  # a list: the paths of equally likely suspects
PathPart = Union[str, int]


class Severity(enum.IntEnum):
    # Ordered so that max() over findings gives the worst one.
    NOTE = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()


class Position(NamedTuple):
    """1-based line and column in the source file."""

    line: int
    column: int


def format_path(path: tuple[PathPart, ...]) -> str:
    """("candidates", 3, "percent") -> "candidates[3].percent"."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


@dataclass(frozen=True)
class Finding:
    code: str  # stable: KZ0xx input, KZ1xx shares, KZ2xx balance, KZ3xx turnout, KZ4xx regions, KZ5xx outcome
    name: str  # kebab-case name of the rule, stable like the code
    severity: Severity
    message: str
    path: tuple[PathPart, ...] = ()
    subject: str = ""  # the human name of what the path points at, e.g. a candidate
    position: Position | None = None
    file: str = ""
    figures: Mapping[str, FigureValue] = field(default_factory=dict)
    accepted: str | None = None  # the reason, when the project's configuration accepts it
    # The explanation model (kzvote.checks.resolve): the figures a finding is computed from, a "*"
    # standing for any index or name; and the figures it says are wrong (one, or several equals).
    rests_on: tuple[tuple[PathPart, ...], ...] = ()
    blames: tuple[tuple[PathPart, ...], ...] = ()
    blamed_at: tuple[Position | None, ...] = ()  # where each blamed figure is written

    @property
    def path_text(self) -> str:
        return format_path(self.path)

    def sort_key(self) -> tuple[str, int, int, str]:
        line, column = self.position if self.position else (0, 0)
        return (self.file, line, column, self.code)


@dataclass(frozen=True)
class Rule:
    """A kind of finding: stable code, kebab-case name (reads after "allow"), default severity,
    and a one-line summary of the relation. Every producer of findings declares its rules."""

    code: str
    name: str
    severity: Severity
    summary: str

    def finding(
        self,
        message: str,
        *,
        file: str,
        position: Position | None = None,
        path: tuple[PathPart, ...] = (),
        subject: str = "",
        figures: Mapping[str, FigureValue] | None = None,
    ) -> Finding:
        return Finding(self.code, self.name, self.severity, message, path, subject, position, file, dict(figures or {}))


def worst(findings: Iterable[Finding]) -> Severity | None:
    """The worst severity among findings that count: accepted ones do not."""
    severities = [f.severity for f in findings if f.accepted is None]
    return max(severities) if severities else None


def count_by_severity(findings: Iterable[Finding]) -> dict[Severity, int]:
    counts = {severity: 0 for severity in Severity}
    for finding in findings:
        counts[finding.severity] += 1
    return counts
