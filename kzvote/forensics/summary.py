"""Every test's figures as sums over stations, computed a chunk of stations at a time and added.

Each figure the tests need is additive: how many stations land where, the null's expectation and
variance, histograms, digit counts. So the stations are cut into chunks, each chunk is summarised
on its own (on every core, by forked processes, as the audit reads a file), and the summaries are
added in order: the same sums on every run, and memory bounded by a chunk, not by the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kzvote.forensics.integers import LATTICES, QUANTITIES

# Stations summarised at once: a chunk's arrays stay in the CPU's cache (1.6x faster than all at
# once) and its working arrays take about 15 MiB. At 1M stations, 65,536 took the same time and
# 74 MiB at peak instead of 70; 32,768 was 4 % slower at 68 MiB (bench/forensics.py).
CHUNK = 49_152
SMALLEST = 100  # registered voters: a smaller station's percentages sit on too coarse a lattice
# and the largest: no polling station has more (the largest real ones have a few tens of thousands);
# a count beyond it is a typo, and the null's table of log-factorials grows with the largest n
LARGEST = 100_000
HIGHEST_PERCENT = 99  # turnout and winner share above this are left out (a full station is always whole)
SIZE_BANDS = ((1, 99), (100, 499), (500, 999), (1000, 1999), (2000, None))
DIGIT_COLUMNS = (
    ("winner votes", "last"),
    ("ballots_cast", "last"),
    ("registered (control)", "last"),
    ("winner votes", "second"),
    ("registered (control)", "second"),
)
Key = tuple[str, int, bool]  # (quantity, lattice, exact)


@dataclass
class Summary:
    """The stations' figures, added up. Arrays by region have one entry per region code."""

    eligible: int
    observed: dict[Key, int]
    expected: dict[Key, list[float]]  # mean, variance
    at_whole: dict[str, list[Any]]  # turnout | winner share -> lines of the stations within 0.05 pp of a whole percent, chunk by chunk
    at_whole_region: dict[str, list[Any]]  # ... and their region codes
    region_eligible: Any
    region_observed: dict[str, Any]
    region_expected: dict[str, Any]  # float64[2, regions]: mean, variance
    percent_observed: dict[str, Any]  # int64[101]: stations within 0.05 pp of each whole percent
    percent_expected: dict[str, Any]  # float64[101]
    fingerprint: Any  # float64[101, 101]: registered voters by turnout % and winner share %, 1 pp bins
    histograms: dict[str, Any]  # turnout | winner share -> int64[1001], 0.1 pp bins centred on each tenth
    digits: dict[tuple[str, str], Any]  # (column, last | second) -> int64[10]
    size_bands: Any  # int64[bands, 2]: stations, at 100 % turnout
    region_full: Any  # int64[2, regions]: stations with voters, at 100 % turnout

    def add(self, other: Summary) -> None:
        """other's stations added to these; other may know more regions (it was read later)."""
        self.cover(len(other.region_eligible))
        other.cover(len(self.region_eligible))
        self.eligible += other.eligible
        for key in self.observed:
            self.observed[key] += other.observed[key]
            self.expected[key][0] += other.expected[key][0]
            self.expected[key][1] += other.expected[key][1]
        for name in self.at_whole:
            self.at_whole[name] += other.at_whole[name]
            self.at_whole_region[name] += other.at_whole_region[name]
            self.region_observed[name] += other.region_observed[name]
            self.region_expected[name] += other.region_expected[name]
            self.percent_observed[name] += other.percent_observed[name]
            self.percent_expected[name] += other.percent_expected[name]
            self.histograms[name] += other.histograms[name]
        for column in self.digits:
            self.digits[column] += other.digits[column]
        self.region_eligible += other.region_eligible
        self.fingerprint += other.fingerprint
        self.size_bands += other.size_bands
        self.region_full += other.region_full

    def cover(self, count: int) -> None:
        """Room for count region codes in every array by region (a region seen later adds one)."""
        more = count - len(self.region_eligible)
        if more <= 0:
            return
        import numpy as np

        def wider(array: Any) -> Any:
            return np.concatenate([array, np.zeros((*array.shape[:-1], more), dtype=array.dtype)], axis=-1)

        self.region_eligible, self.region_full = wider(self.region_eligible), wider(self.region_full)
        for name in self.region_observed:
            self.region_observed[name] = wider(self.region_observed[name])
            self.region_expected[name] = wider(self.region_expected[name])

    def moved(self, lines: int, codes: list[int]) -> Summary:
        """The summary of a part read by another process, as the whole file's: its lines (numbered
        from 1) after the lines before it, its region codes (codes[its code]) the whole file's."""
        import numpy as np

        size = max(codes, default=-1) + 1
        index = np.array(codes, dtype=np.int64)

        def placed(array: Any) -> Any:
            out = np.zeros((*array.shape[:-1], size), dtype=array.dtype)
            out[..., index[: array.shape[-1]]] = array  # distinct regions have distinct codes
            return out

        self.at_whole = {name: [found.astype(np.int64) + lines for found in parts] for name, parts in self.at_whole.items()}
        self.at_whole_region = {name: [index[found] for found in parts] for name, parts in self.at_whole_region.items()}
        self.region_eligible, self.region_full = placed(self.region_eligible), placed(self.region_full)
        self.region_observed = {name: placed(array) for name, array in self.region_observed.items()}
        self.region_expected = {name: placed(array) for name, array in self.region_expected.items()}
        return self


@dataclass(frozen=True)
class Columns:
    """What the tests read of every station (numpy arrays of one length)."""

    registered: Any
    cast: Any
    in_boxes: Any
    winner: Any
    region: Any
    regions: int  # how many region codes there are
    line: Any  # where each station is in the file


def summarise(columns: Columns, processes: bool = True) -> Summary:
    """The summary of every station: chunks on every core when there are several (processes)."""
    starts = range(0, len(columns.registered), CHUNK)
    if not processes or len(starts) < 2 or not hasattr(os, "fork"):
        return _added(_summarise(columns, start) for start in starts) or _summarise(columns, 0)
    import multiprocessing

    global _SHARED
    _SHARED = columns  # a forked worker finds the columns here, copied on write: nothing is pickled but the summaries
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        with multiprocessing.get_context("fork").Pool(max(1, min(cores, len(starts)))) as pool:
            return _added(pool.imap(_summarise_shared, starts)) or _summarise(columns, 0)
    finally:
        _SHARED = None


_SHARED: Columns | None = None


def _summarise_shared(start: int) -> Summary:
    assert _SHARED is not None
    return _summarise(_SHARED, start)


def _added(parts: Iterator[Summary]) -> Summary | None:
    total: Summary | None = None
    for part in parts:
        if total is None:
            total = part
        else:
            total.add(part)
    return total


def _summarise(columns: Columns, start: int) -> Summary:
    import numpy as np

    from kzvote.forensics import digits, integers, shapes

    chunk = slice(start, start + CHUNK)
    registered, cast, boxes, votes = (np.asarray(a[chunk], dtype=np.int64) for a in (columns.registered, columns.cast, columns.in_boxes, columns.winner))
    region, line = columns.region[chunk], columns.line[chunk]
    regions = columns.regions
    eligible = (
        (registered >= SMALLEST)
        & (registered <= LARGEST)
        & (boxes > 0)
        & (boxes <= LARGEST)
        & (100 * cast <= HIGHEST_PERCENT * registered)
        & (100 * votes <= HIGHEST_PERCENT * boxes)
    )
    rows = np.flatnonzero(eligible)
    codes = region[rows]
    pairs = {"turnout": (cast[rows], registered[rows]), "winner share": (votes[rows], boxes[rows])}
    landed = {name: integers.landed(k, n, np) for name, (k, n) in pairs.items()}
    nulls = {name: integers.null(k, n, np) for name, (k, n) in pairs.items()}
    observed: dict[Key, int] = {}
    expected: dict[Key, list[float]] = {}
    for lattice in LATTICES:
        for exact in (False, True):
            at = {name: integers.on_lattice(landed[name], lattice, exact) for name in pairs}
            at["either"] = at["turnout"] | at["winner share"]
            p = {name: (nulls[name].exactly if exact else nulls[name].within)[lattice] for name in pairs}
            # either: the two redraws are independent, so P(A or B) = pA + pB - pA·pB
            p["either"] = p["turnout"] + p["winner share"] - p["turnout"] * p["winner share"]
            for name in QUANTITIES:
                observed[(name, lattice, exact)] = int(at[name].sum())
                expected[(name, lattice, exact)] = [float(p[name].sum()), float((p[name] * (1 - p[name])).sum())]
    at_whole, at_whole_region, region_observed, region_expected, percent_observed, percent_expected = {}, {}, {}, {}, {}, {}
    for name in pairs:
        within, p = landed[name].within, nulls[name].within[1]
        at_whole[name], at_whole_region[name] = [line[rows[within]]], [codes[within]]
        region_observed[name] = np.bincount(codes[within], minlength=regions)
        region_expected[name] = np.stack([np.bincount(codes, weights=p, minlength=regions), np.bincount(codes, weights=p * (1 - p), minlength=regions)])
        percent_observed[name] = np.bincount(landed[name].nearest[within], minlength=101)[:101]
        percent_expected[name] = nulls[name].by_percent
    counted = registered > 0
    full = counted & (cast == registered)
    bands = []
    for low, high in SIZE_BANDS:
        band = counted & (registered >= low)
        if high is not None:
            band &= registered <= high
        bands.append((int(band.sum()), int((band & full).sum())))
    values = {"winner votes": votes, "ballots_cast": cast, "registered (control)": registered}
    digit_counts = {(column, kind): digits.COUNTERS[kind](values[column], np) for column, kind in DIGIT_COLUMNS}
    return Summary(
        len(rows),
        observed,
        expected,
        at_whole,
        at_whole_region,
        np.bincount(codes, minlength=regions),
        region_observed,
        region_expected,
        percent_observed,
        percent_expected,
        shapes.fingerprint(cast, registered, votes, boxes, np),
        {"turnout": shapes.histogram(cast, registered, np), "winner share": shapes.histogram(votes, boxes, np)},
        digit_counts,
        np.array(bands, dtype=np.int64),
        np.stack([np.bincount(region[counted], minlength=regions), np.bincount(region[full], minlength=regions)]),
    )
