"""The forensics view: every test with its figures, the peaks, the regions, the pictures."""

from __future__ import annotations

from typing import Any

from kzvote.audit.stations import KEEP_PER_CODE
from kzvote.forensics import REGION_ELIGIBLE, REGION_EXCESS, REGION_Z, SIGNAL_EXCESS, SIGNAL_Z, Forensics
from kzvote.model import Results
from kzvote.text import excerpt
from kzvote.views import Column, Picture, Table, View, header

CAUTION = (
    "These are statistical patterns, not findings of fraud. Small stations, rounded or capped counts, whole communities "
    "voting alike and the rules of a commission produce them too; each test says how it was run, and the README how to read it."
)
INTEGER_METHOD = "integer percentages, exact binomial null (Kobak, Shpilkin & Pshenichnikov 2016)"
DIGIT_METHODS = {
    "last": "last digit uniform, counts >= 10, chi-square 9 df (Beber & Scacco 2012)",
    "second": "second digit Benford, counts >= 10, chi-square 9 df (Mebane 2BL)",
}
ROWS_SHOWN = 20  # unreadable rows listed in table and markdown, after every signal; the other formats list them all
REGIONS_SHOWN = 10  # full-turnout regions in table and markdown; JSON keeps them all


def forensics(f: Forensics, results: Results | None, stations_file: str) -> View:
    p = f.protocols
    facts: list[tuple[str, str | int]] = [
        ("Caution", CAUTION),
        (
            "Stations",
            f"{p.rows:,} row{'' if p.rows == 1 else 's'} in {stations_file}: {p.stations:,} read, {p.without_protocol:,} without a protocol (left out"
            + (f"; {_first_lines(p.first_without_protocol[:3])})" if p.first_without_protocol else ")")
            + f", {p.unreadable:,} unreadable (left out, each located below)",
        ),
        ("Eligible", f"{_stations(f.eligible)}: >= 100 registered, ballots in the boxes, turnout and winner share <= 99 %"),
        ("Winner", f"{f.winner} ({f.winner_votes:,} of {f.valid_votes:,} votes in the stations read; --winner NAME tests another){_other_leader(f)}"),
        (
            "Definitions",
            "turnout = ballots_cast / registered; winner share = the winner's votes / ballots in the boxes (ballots_in_boxes, else valid + blank + invalid); "
            "at a whole percent: within 0.05 pp of one, edges included, by integer arithmetic on the counts",
        ),
        (
            "Thresholds",
            f"SIGNAL: a whole-percent test (turnout or winner share, ±0.05 pp) with z >= {SIGNAL_Z:g} and an excess >= {SIGNAL_EXCESS:.0%} of the expected; every other figure is info",
        ),
        ("Methods", "README, section Forensics"),
    ]
    tables = [_tests_table(f), _integer_table(f), _peaks_table(f), _regions_table(f), _digits_table(f), *_full_turnout_tables(f)]
    return View(
        "forensics",
        results.file if results is not None else stations_file,
        header(results) if results is not None else {},
        facts,
        tables,
        f.findings,
        findings_title="Signals" if not p.findings else "Findings",  # rows that cannot be read are findings too
        limit=len(f.findings) - len(p.findings) + ROWS_SHOWN,
        pictures=_pictures(f),
        truncated=dict(sorted(p.truncated.items())),
        kept_per_code=KEEP_PER_CODE,
    )


def _rounded(value: float | None, digits: int) -> float | None:
    return round(value, digits) if value is not None else None


def _first_lines(lines: list[int]) -> str:
    return ("line " if len(lines) == 1 else "the first on lines ") + ", ".join(f"{line:,}" for line in lines)


def _other_leader(f: Forensics) -> str:
    """When the tested choice is not the stations' own leader (a results file's leader, --winner), who is."""
    totals = f.protocols.totals
    leader = max(range(len(totals)), key=lambda index: (totals[index], -index)) if totals else None
    if leader is None or f.protocols.layout.choices[leader] == f.winner:
        return ""
    return f"; most votes in the stations: {f.protocols.layout.choices[leader]} ({totals[leader]:,})"


def _stations(count: int) -> str:
    return f"{count:,} station" + ("" if count == 1 else "s")


def _tests_table(f: Forensics) -> Table:
    """One row per test, for machines (CSV writes this table)."""
    rows: list[dict[str, Any]] = []
    for test in f.tests:
        rows.append(
            {
                "test": test.key,
                "method": INTEGER_METHOD,
                "quantity": test.quantity,
                "lattice_percent": test.lattice,
                "tolerance_pp": 0 if test.exact else 0.05,
                "eligible": test.eligible,
                "observed": test.observed,
                "expected": round(test.expected, 3),
                "sd": round(test.sd, 3),
                "excess": round(test.excess, 3),
                "excess_percent": round(100 * test.excess / test.expected, 2) if test.expected else None,
                "z": round(test.z, 3),
                "verdict": "SIGNAL" if test.signal else "info",
            }
        )
    for digit in f.digits:
        rows.append(
            {
                "test": f"{digit.digit}-digit:{digit.column.split(' ')[0]}",
                "method": DIGIT_METHODS[digit.digit],
                "quantity": digit.column,
                "eligible": digit.total,
                "chi_square": _rounded(digit.chi_square, 3),
                "df": 9,
                "p_value": float(f"{digit.p_value:.4g}") if digit.p_value is not None else None,
                "largest_deviation_pp": _rounded(digit.largest_deviation_pp, 3),
                "at_digit": digit.at_digit,
                "verdict": "info",
            }
        )
    keys = [
        ("test", "text"),
        ("method", "text"),
        ("quantity", "text"),
        ("lattice_percent", "count"),
        ("tolerance_pp", "text"),
        ("eligible", "count"),
        ("observed", "count"),
        ("expected", "decimal"),
        ("sd", "decimal"),
        ("excess", "score"),
        ("excess_percent", "score"),
        ("z", "score"),
        ("chi_square", "decimal"),
        ("df", "count"),
        ("p_value", "text"),
        ("largest_deviation_pp", "decimal"),
        ("at_digit", "count"),
        ("verdict", "text"),
    ]
    return Table("tests", "Tests", tuple(Column(key, key, kind) for key, kind in keys), rows, human=False)


def _integer_table(f: Forensics) -> Table:
    rows = [
        {
            "quantity": test.quantity,
            "at": "whole %" if test.lattice == 1 else f"×{test.lattice} %",
            "window": "exactly" if test.exact else "±0.05 pp",
            "observed": test.observed,
            "expected": test.expected,
            "sd": test.sd,
            "excess": test.excess,
            "z": test.z,
            "verdict": "SIGNAL" if test.signal else "info",
        }
        for test in f.tests
    ]
    columns = (
        Column("quantity", "Stations with"),
        Column("at", "at"),
        Column("window", "within"),
        Column("observed", "Observed", "count"),
        Column("expected", "Expected", "decimal"),
        Column("sd", "sd", "decimal", priority=2),
        Column("excess", "Excess", "score", priority=4),
        Column("z", "z", "score"),
        Column("verdict", "Verdict"),
    )
    title = f"Integer percentages (Kobak et al. 2016): {_stations(f.eligible)} eligible, against Binomial(n, k/n)"
    return Table("integer_tests", title, columns, rows, machine=False)


def _peaks_table(f: Forensics) -> Table:
    rows = [
        {
            "quantity": peak.quantity,
            "percent": peak.percent,
            "observed": peak.observed,
            "expected": round(peak.expected, 3),
            "sd": round(peak.sd, 3),
            "z": round((peak.observed - peak.expected) / peak.sd, 3) if peak.sd else None,
            "peak": f"{peak.percent} %: {peak.observed:,} vs {peak.expected:,.0f} expected",
        }
        for peak in f.peaks
    ]
    columns = (
        Column("quantity", "Of"),
        Column("peak", "Peak (within 0.05 pp)", machine=False),
        Column("percent", "percent", "count", human=False),
        Column("observed", "observed", "count", human=False),
        Column("expected", "expected", "decimal", human=False),
        Column("sd", "sd", "decimal", human=False),
        Column("z", "z", "score"),
    )
    return Table("peaks", "Largest peaks at whole percents", columns, rows)


def _regions_table(f: Forensics) -> Table:
    rows = [
        {
            "region": excerpt(region.region),
            "quantity": region.quantity,
            "eligible": region.eligible,
            "observed": region.observed,
            "expected": round(region.expected, 3),
            "sd": round(region.sd, 3),
            "z": round(region.z, 3),
        }
        for region in f.regions
    ]
    columns = (
        Column("region", "Region"),
        Column("quantity", "Of"),
        Column("eligible", "Eligible", "count", priority=3),
        Column("observed", "Observed", "count"),
        Column("expected", "Expected", "decimal"),
        Column("sd", "sd", "decimal", priority=2),
        Column("z", "z", "score"),
    )
    title = f"Regions at whole percents (±0.05 pp): listed when z >= {REGION_Z:g}, excess >= {REGION_EXCESS:.0%}, >= {REGION_ELIGIBLE} eligible"
    return Table("regions", title, columns, rows)


def _digits_table(f: Forensics) -> Table:
    rows = [
        {
            "test": f"{digit.digit} digit of {digit.column}",
            "counts": digit.total,
            "chi_square": digit.chi_square,
            "p_value": f"{digit.p_value:.2g}" if digit.p_value is not None else "n/a: no count",
            "largest": f"{digit.largest_deviation_pp:.2f} pp at {digit.at_digit}" if digit.largest_deviation_pp is not None else None,
        }
        for digit in f.digits
    ]
    columns = (
        Column("test", "Digits (info only: weak tests, false alarms known)"),
        Column("counts", "Counts", "count", priority=2),
        Column("chi_square", "χ² (9 df)", "decimal"),
        Column("p_value", "p"),
        Column("largest", "Largest deviation", priority=3),
    )
    return Table("digit_tests", "Digit tests: last digits uniform (Beber & Scacco 2012), second digits Benford (Mebane)", columns, rows, machine=False)


def _full_turnout_tables(f: Forensics) -> list[Table]:
    full = f.full_turnout
    size_rows = [{"registered": band, "stations": stations, "full": count} for band, stations, count in full.by_size]
    size_columns = (Column("registered", "Registered voters"), Column("stations", "Stations", "count"), Column("full", "At 100 % turnout", "count"))
    region_rows = [{"region": excerpt(region), "stations": stations, "full": count} for region, stations, count in full.by_region]
    region_columns = (Column("region", "Region"), Column("stations", "Stations", "count"), Column("full", "At 100 % turnout", "count"))
    title = f"Stations at 100 % turnout: {full.total:,} of {full.stations:,}"
    more = len(region_rows) - REGIONS_SHOWN
    return [
        Table("full_turnout_by_size", title, size_columns, size_rows),
        Table(
            "full_turnout_regions",
            "Regions with stations at 100 % turnout" + (f" (the first {REGIONS_SHOWN}; {more} more in --format json)" if more > 0 else ""),
            region_columns,
            region_rows[:REGIONS_SHOWN],
            machine=False,
        ),
        Table("full_turnout_by_region", "Regions with stations at 100 % turnout", region_columns, region_rows, human=False),
    ]


def _pictures(f: Forensics) -> list[Picture]:
    return [
        Picture(
            "fingerprint", "Fingerprint: registered voters by turnout and winner share (log scale)", "heatmap", f.fingerprint.T, "turnout %", f"{f.winner} %"
        ),
        Picture("turnout_histogram", "Stations by turnout, 0.1 pp bins (whole percents marked)", "histogram", f.turnout_histogram, "turnout %", marks=10),
        Picture("share_histogram", f"Stations by {f.winner}'s share, 0.1 pp bins", "histogram", f.share_histogram, "winner share %", marks=10),
    ]
