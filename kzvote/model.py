"""A results file as loaded: plain frozen data, every figure with its source text and place."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Union

from kzvote.arith import decimals_of
from kzvote.findings import PathPart, Position

if TYPE_CHECKING:
    from kzvote.attribution import Analysis
    from kzvote.tally import Tally

Path = tuple[PathPart, ...]


@dataclass(frozen=True, slots=True)  # slots: a 5,000-region file holds 250,000 of them
class Figure:
    """A number as written: value, the exact source text ("2.60"), and where it stands."""

    value: Union[int, Fraction]
    text: str
    position: Position | None = None

    @property
    def decimals(self) -> int:
        return decimals_of(self.text)

    @property
    def count(self) -> int:
        assert isinstance(self.value, int)
        return self.value


@dataclass(frozen=True)
class Election:
    title: str
    country: str
    date: dt.date
    stage: str
    percent_of: str
    majority_percent: Figure
    authority: str | None = None
    announced: dt.date | None = None
    correction: str | None = None
    round: int = 1  # 1: a first round, decided by majority_percent; 2 or more: a runoff, decided by most votes
    rounding: str = "nearest"  # nearest | truncate: how published percentages were shortened

    @property
    def truncates(self) -> bool:
        return self.rounding == "truncate"


@dataclass(frozen=True)
class Counts:
    """The figures a whole election and each region share."""

    registered: Figure | None = None
    ballots_cast: Figure | None = None
    invalid_ballots: Figure | None = None
    blank_ballots: Figure | None = None  # counted apart from invalid ones; not valid votes
    ballots_in_boxes: Figure | None = None  # found in the boxes: valid + blank + invalid
    turnout_percent: Figure | None = None
    polling_stations: Figure | None = None


@dataclass(frozen=True)
class Choice:
    """A line on the ballot: a candidate, or "against all"."""

    name: str
    path: Path
    votes: Figure
    percent: Figure | None = None
    nominated_by: str | None = None
    aliases: tuple[str, ...] = ()
    is_against_all: bool = False
    position: Position | None = None
    shares: dict[str, Figure] = field(default_factory=dict)  # base kind -> published share of it (percent_of_<kind>)


@dataclass(frozen=True)
class Region:
    name: str
    path: Path
    counts: Counts
    votes: dict[str, Figure] = field(default_factory=dict)  # choice name -> votes
    position: Position | None = None


AGAINST_ALL = "Against all"


@dataclass(frozen=True)
class ReportedChoice:
    """A choice's figures as one outlet printed them, under the spelling it used."""

    name: str  # the official name it resolved to
    spelling: str
    path: Path
    votes: Figure | None = None
    percent: Figure | None = None


@dataclass(frozen=True)
class Source:
    id: str
    publisher: str
    published: dt.datetime  # a date alone is taken as its midnight, for ordering
    published_text: str
    path: Path
    choices: dict[str, ReportedChoice] = field(default_factory=dict)  # official name -> figures
    turnout: Counts = Counts()
    regions: dict[str, Counts] = field(default_factory=dict)  # official region name -> figures
    title: str | None = None
    url: str | None = None
    stage: str | None = None
    position: Position | None = None


@dataclass(frozen=True)
class Results:
    file: str
    election: Election
    turnout: Counts
    candidates: tuple[Choice, ...]
    against_all: Choice | None = None
    regions: tuple[Region, ...] = ()
    sources: tuple[Source, ...] = ()
    stations: str | None = None  # as written: relative to the results file
    # where each key of the file stands, by path: lets a finding about a whole section point somewhere
    positions: dict[Path, Position] = field(default_factory=dict)

    @cached_property
    def spellings(self) -> dict[str, str]:
        """Every candidate's name and aliases, case-folded -> the name: how outlets' and CSV
        headers' spellings resolve (kzvote.build.resolve_name)."""
        return spelling_index(self.candidates)

    @cached_property
    def tally(self) -> Tally:
        """The derived figures and the outcome, computed once per file: the checks and the views
        both read this one, so a view can never drift from what the checks decided."""
        from kzvote.tally import Tally

        return Tally(self)

    @cached_property
    def analysis(self) -> Analysis:
        """The relations among the figures, which hold, and what explains those that do not:
        decided once, read by the checks and the views alike."""
        from kzvote.attribution import Analysis

        return Analysis(self)

    @property
    def choices(self) -> tuple[Choice, ...]:
        """Everything that counts as a valid vote, in ballot order, against all last."""
        return self.candidates + ((self.against_all,) if self.against_all else ())

    def where(self, path: Path) -> Position | None:
        """Where the value at path is written: a region's vote by its figure (the loader keeps no
        key position for each of a large file's 250,000), else the nearest key written."""
        if len(path) == 4 and path[0] == "regions" and path[2] == "votes" and isinstance(path[1], int) and path[1] < len(self.regions):
            figure = self.regions[path[1]].votes.get(str(path[3]))
            if figure is not None and figure.position is not None:
                return figure.position
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return None


def spelling_index(candidates: tuple[Choice, ...]) -> dict[str, str]:
    """Case-folded name or alias -> candidate name; the first candidate keeps a shared spelling."""
    index: dict[str, str] = {}
    for candidate in candidates:
        for spelling in (candidate.name, *candidate.aliases):
            index.setdefault(spelling.casefold(), candidate.name)
    return index
