"""Forensic signals on station protocols: do the numbers look written rather than counted?

These are statistical patterns, not findings of fraud. Each test names its method and paper:

- integer percentages (Kobak, Shpilkin & Pshenichnikov 2016): `integers`;
- the turnout x winner-share fingerprint (Klimek, Yegorov, Hanel & Thurner 2012): `shapes`;
- last digits (Beber & Scacco 2012) and second digits (Mebane's 2BL): `digits`;
- stations at 100 % turnout, by size and region: `summary`.

KZ951 integer-percent-excess (note) SIGNAL: more stations at whole percents than the binomial null expects
KZ952 region-integer-excess  (note) a region with such an excess (listed, not a national signal)

The pipeline: `read` reads the station CSV as `kzvote audit` does; `summary` adds up every
figure the tests need, a chunk of stations at a time (as the file is read when the tested choice
is known from the header, else after); this module turns the sums into tests, peaks, regions and
signals, a `Forensics`: plain data the view renders. No printing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from kzvote.findings import FigureValue, Finding, Rule, Severity
from kzvote.forensics.digits import DigitTest
from kzvote.forensics.integers import QUANTITIES
from kzvote.forensics.read import Protocols

SIGNAL = Rule("KZ951", "integer-percent-excess", Severity.NOTE, "SIGNAL: more stations at whole percents than the binomial null expects")
REGION_SIGNAL = Rule("KZ952", "region-integer-excess", Severity.NOTE, "a region with more stations at whole percents than the binomial null expects")
RULES = (SIGNAL, REGION_SIGNAL)

SIGNAL_Z, SIGNAL_EXCESS = 4.0, 0.05  # a SIGNAL: z >= 4 and an excess of >= 5 % of the expected
REGION_Z, REGION_EXCESS, REGION_ELIGIBLE = 4.5, 0.10, 100
PEAKS = 5
NO_REGION = "(no region)"  # a station whose region cell is empty
# What else puts stations on whole percents, said with every signal: a pattern, not a verdict.
ALSO_PRODUCED_BY = {
    "turnout": "Small stations (a coarse lattice of percentages), voter lists rounded or capped, and whole communities turning out alike produce it too",
    "winner share": "Small stations (a coarse lattice of percentages), homogeneous communities voting alike, and counts rounded by a commission produce it too",
}


class Excess:
    """A mixin: observed against expected, in stations and in standard deviations (the dataclasses
    below declare the three fields)."""

    observed: int
    expected: float
    sd: float

    @property
    def excess(self) -> float:
        return self.observed - self.expected

    @property
    def z(self) -> float:
        return self.excess / self.sd if self.sd > 0 else 0.0


@dataclass(frozen=True)
class IntegerTest(Excess):
    quantity: str  # turnout | winner share | either
    lattice: int  # 1: whole percents; 5, 10: their multiples
    exact: bool  # False: within 0.05 pp
    eligible: int
    observed: int
    expected: float
    sd: float
    signal_eligible: bool  # only the whole-percent window tests of turnout and of share may SIGNAL
    stations: Any = field(repr=False, default=None)  # the lines of the stations at the lattice (the signal tests only)

    @property
    def key(self) -> str:
        where = "whole" if self.lattice == 1 else f"x{self.lattice}"
        return f"{self.quantity.replace(' ', '-')}:{where}:{'exact' if self.exact else 'within-0.05pp'}"

    @property
    def signal(self) -> bool:
        return self.signal_eligible and self.z >= SIGNAL_Z and self.excess >= SIGNAL_EXCESS * self.expected


@dataclass(frozen=True)
class Peak:
    quantity: str
    percent: int
    observed: int
    expected: float
    sd: float


@dataclass(frozen=True)
class RegionTest(Excess):
    region: str
    quantity: str
    eligible: int
    observed: int
    expected: float
    sd: float
    stations: Any = field(repr=False, default=None)  # the lines of its stations at a whole percent

    @property
    def listed(self) -> bool:
        return self.eligible >= REGION_ELIGIBLE and self.z >= REGION_Z and self.excess >= REGION_EXCESS * self.expected


@dataclass(frozen=True)
class FullTurnout:
    """Stations where every registered voter voted, by size band and by region."""

    total: int
    stations: int  # with registered voters at all
    by_size: list[tuple[str, int, int]]  # band, stations, full
    by_region: list[tuple[str, int, int]]  # region, stations, full; regions with any, most first


@dataclass(frozen=True)
class Forensics:
    protocols: Protocols
    winner: str
    winner_votes: int
    valid_votes: int
    eligible: int
    tests: list[IntegerTest]
    peaks: list[Peak]
    regions: list[RegionTest]
    digits: list[DigitTest]
    full_turnout: FullTurnout
    fingerprint: Any  # float64[101, 101]: registered voters by turnout % (rows) and winner share % (columns), 1 pp bins
    turnout_histogram: Any  # int64[1001]: stations by turnout, 0.1 pp bins centred on each tenth
    share_histogram: Any
    findings: list[Finding] = field(default_factory=list)

    @property
    def signalled(self) -> bool:
        """A test or a region signals (what --fail-on-signal fails on)."""
        return any(finding.code in (SIGNAL.code, REGION_SIGNAL.code) for finding in self.findings)


def analyse(protocols: Protocols, station_ids: Callable[[set[int]], dict[int, str]] | None = None) -> Forensics:
    """Every test on the stations, for protocols.winner. station_ids: the ids on the given lines,
    for the stations behind each signal (default: read again from the file)."""
    import numpy as np

    from kzvote.forensics import digits, integers, summary

    winner = protocols.winner
    total = protocols.summary if list(protocols.votes) == [winner] else None
    if total is None:  # the winner was known only once every station was read
        votes = protocols.votes[winner]
        columns = summary.Columns(
            protocols.registered, protocols.cast, protocols.in_boxes, votes, protocols.region, len(protocols.region_names), protocols.line
        )
        total = summary.summarise(columns)
    total.cover(len(protocols.region_names))
    at_whole = {name: np.concatenate(lines) if lines else np.zeros(0, dtype=np.int64) for name, lines in total.at_whole.items()}
    at_region = {name: np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64) for name, codes in total.at_whole_region.items()}
    tests: list[IntegerTest] = []
    for lattice in integers.LATTICES:
        for exact in (False, True):
            for name in QUANTITIES:
                mean, variance = total.expected[(name, lattice, exact)]
                signal_eligible = lattice == 1 and not exact and name != "either"
                stations = at_whole[name] if signal_eligible else None
                tests.append(
                    IntegerTest(
                        name, lattice, exact, total.eligible, total.observed[(name, lattice, exact)], mean, math.sqrt(variance), signal_eligible, stations
                    )
                )
    peaks = [peak for name in at_whole for peak in _peaks(name, total.percent_observed[name], total.percent_expected[name])]
    regions = _regions(protocols, total, at_whole, at_region, np)
    tested = [digits.digit_test(column, kind, total.digits[(column, kind)]) for column, kind in summary.DIGIT_COLUMNS]
    stations_with_voters, full = (int(count) for count in total.size_bands.sum(axis=0))
    by_region = sorted(
        (
            (name or NO_REGION, int(total.region_full[0, code]), int(total.region_full[1, code]))
            for code, name in enumerate(protocols.region_names)
            if total.region_full[1, code]
        ),
        key=lambda row: (-row[2], row[0]),
    )
    by_size = [(_band(low, high), int(stations), int(count)) for (low, high), (stations, count) in zip(summary.SIZE_BANDS, total.size_bands)]
    findings = _signals(protocols, tests, regions, station_ids or protocols.station_ids)
    return Forensics(
        protocols,
        protocols.layout.choices[winner],
        protocols.totals[winner],
        sum(protocols.totals),
        total.eligible,
        tests,
        peaks,
        regions,
        tested,
        FullTurnout(full, stations_with_voters, by_size, by_region),
        total.fingerprint,
        total.histograms["turnout"],
        total.histograms["winner share"],
        [*findings, *protocols.findings],  # the signals first: a few, each a test's verdict
    )


def _band(low: int, high: int | None) -> str:
    return f"{low:,}–{high:,}" if high is not None else f"{low:,} or more"


def _peaks(name: str, observed: Any, expected: Any) -> list[Peak]:
    """The whole percents with most stations over the expected. Their sd is Poisson's, sqrt of the
    expected: an upper bound of the exact one (Σ p(1 - p) <= Σ p), so a peak's z is never overstated."""
    excess = observed - expected
    order = sorted((percent for percent in range(1, 100) if expected[percent] >= 1), key=lambda percent: -excess[percent])[:PEAKS]
    # a percent expected less than once is no peak to compare: one station there is chance, not a spike
    return [
        Peak(name, percent, int(observed[percent]), float(expected[percent]), math.sqrt(expected[percent]))
        for percent in order
        if excess[percent] > 0 and expected[percent] >= 1
    ]


def _regions(protocols: Protocols, total: Any, at_whole: dict[str, Any], at_region: dict[str, Any], np: Any) -> list[RegionTest]:
    found: list[RegionTest] = []
    for name, lines in at_whole.items():
        observed = total.region_observed[name]
        mean, variance = total.region_expected[name]
        by_code = lines[np.argsort(at_region[name], kind="stable")]  # the stations at a whole percent, grouped by region
        ends = np.cumsum(observed)
        for code, region in enumerate(protocols.region_names):
            test = RegionTest(region or NO_REGION, name, int(total.region_eligible[code]), int(observed[code]), float(mean[code]), math.sqrt(variance[code]))
            if test.listed:
                found.append(replace(test, stations=by_code[ends[code] - observed[code] : ends[code]]))
    return sorted(found, key=lambda test: -test.z)


def _signals(protocols: Protocols, tests: list[IntegerTest], regions: list[RegionTest], station_ids: Callable[[set[int]], dict[int, str]]) -> list[Finding]:
    signalled = [test for test in tests if test.signal]
    wanted: set[int] = set()
    for test in signalled:
        wanted.update(test.stations.tolist())
    for region in regions:
        wanted.update(region.stations.tolist())
    ids = station_ids(wanted) if wanted else {}

    def listed(stations: Any) -> list[str]:
        return [ids.get(line, f"line {line}") for line in stations.tolist()]

    findings: list[Finding] = []
    for test in signalled:
        message = (
            f"{test.observed:,} of {test.eligible:,} stations have {test.quantity} within 0.05 pp of a whole percent; "
            f"{test.expected:,.1f} expected (z = {test.z:.1f}, excess {test.excess:+,.0f}). A statistical pattern, not a finding of fraud: "
            f"{ALSO_PRODUCED_BY[test.quantity][0].lower()}{ALSO_PRODUCED_BY[test.quantity][1:]}."
        )
        figures: dict[str, FigureValue] = {
            "test": test.key,
            "observed": test.observed,
            "expected": round(test.expected, 3),
            "z": round(test.z, 2),
            "stations": listed(test.stations),
        }
        findings.append(SIGNAL.finding(message, file=protocols.file, subject=test.quantity, figures=figures))
    for region in regions:
        message = (
            f"{region.region}: {region.observed:,} of {region.eligible:,} stations have {region.quantity} within 0.05 pp of a whole percent; "
            f"{region.expected:,.1f} expected (z = {region.z:.1f}); a pattern to look into, not proof of fraud"
        )
        figures = {
            "region": region.region,
            "quantity": region.quantity,
            "observed": region.observed,
            "expected": round(region.expected, 3),
            "z": round(region.z, 2),
            "stations": listed(region.stations),
        }
        findings.append(REGION_SIGNAL.finding(message, file=protocols.file, subject=region.region, figures=figures))
    return findings
