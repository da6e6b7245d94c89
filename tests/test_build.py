"""The builder is format-independent (issue 11): raw values with positions in, the model out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from kzvote.build import Located, build
from kzvote.checks import run_checks
from kzvote.findings import Finding, Position
from kzvote.model import Figure, Path


@dataclass
class Collected:
    file: str = "import.csv"
    problems: list[Finding] = field(default_factory=list)
    key_positions: dict[Path, Position] = field(default_factory=dict)

    def problem(self, code: str, message: str, path: Path, position: Position | None) -> None:
        self.problems.append(Finding(code, code, 2, message, path, position=position, file=self.file))  # type: ignore[arg-type]


def at(line: int) -> Position:
    return Position(line, 1)


def count(value: int, line: int) -> Figure:
    return Figure(value, str(value), at(line))


def percent(text: str, line: int) -> Figure:
    return Figure(Fraction(text), text, at(line))


def raw(*names: str) -> dict:
    """What a CSV reader would hand over: no YAML anywhere."""
    election = {"title": Located("T", at(1)), "country": Located("C", at(1)), "date": Located(dt.date(2024, 1, 1), at(1))}
    election |= {"stage": Located("final", at(1)), "percent_of": Located("valid", at(1)), "@": at(1)}
    candidates = [
        {"name": Located(n, at(3 + i)), "votes": count(100 * (i + 1), 3 + i), "percent": percent(["33.3", "66.7"][i], 3 + i), "@": at(3 + i)}
        for i, n in enumerate(names)
    ]
    return {"election": election, "turnout": {"registered": count(1000, 2), "ballots_cast": count(300, 2), "@": at(2)}, "candidates": candidates, "@": at(1)}


def test_raw_values_from_any_reader_build_the_model_the_checks_read() -> None:
    collected = Collected()
    results = build(raw("A", "B"), collected)
    assert collected.problems == [] and results is not None
    assert [c.name for c in results.candidates] == ["A", "B"] and results.file == "import.csv"
    assert [f.code for f in run_checks(results) if f.severity > 0] == []


def test_the_builder_reports_what_only_the_whole_file_can_tell() -> None:
    collected = Collected()
    assert build(raw("A", "A"), collected) is None
    assert [(p.code, p.position) for p in collected.problems] == [("KZ009", at(4))]
