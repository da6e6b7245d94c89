"""What an audit found: the stations added up per region and nationally, and the findings."""

from __future__ import annotations

from dataclasses import dataclass, field

from kzvote.findings import Finding
from kzvote.model import Results

NATION = "the nation"  # the subject of a national roll-up finding


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
