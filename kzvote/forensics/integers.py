"""Integer percentages (Kobak, Shpilkin & Pshenichnikov, Annals of Applied Statistics 10(1), 2016).

A station is "at an integer" when its percentage 100·k/n is within 0.05 pp of a whole number
(or exactly one). The null model keeps each station's n and redraws k as Binomial(n, k/n): a
100-voter station is always at an integer, a 1,357-voter one rarely exactly. The expected number
of stations at an integer is the sum, station by station, of the binomial probabilities of the
counts that land there: exact, no Monte Carlo. Its variance is that of a sum of independent
Bernoulli draws, Σ p(1 - p).

Everything is integer arithmetic on the counts (2000·k against n·(20·j ± 1)), so no percentage
is ever rounded on the way to a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The counts whose probability is summed: within TAIL_SD standard deviations of k, and TAIL_COUNTS
# more, since a skewed binomial (p near 0 or 1, Poisson-like) has a heavier tail than a normal
# one. What is left out is below 1e-6 a station: under one station in an expected count of a
# million stations. (6.5 standard deviations, 1e-10, took a quarter longer.)
TAIL_SD = 5.0
TAIL_COUNTS = 8
LATTICES = (1, 5, 10)  # whole percents, multiples of 5 and of 10


@dataclass(frozen=True)
class Null:
    """Per station: the probability under the null of landing at an integer, by (lattice, exact)."""

    within: dict[int, Any]  # lattice -> float64 per station, within 0.05 pp
    exactly: dict[int, Any]  # lattice -> float64 per station, exactly on it
    by_percent: Any  # float64[101]: expected stations within 0.05 pp of each whole percent
    by_percent_variance: Any  # float64[101]: Σ p(1 - p) of the same


@dataclass(frozen=True)
class Landed:
    """Per station: where its percentage actually is."""

    nearest: Any  # int64: the nearest whole percent (half up)
    within: Any  # bool: within 0.05 pp of it
    exactly: Any  # bool: exactly a whole percent


def landed(k: Any, n: Any, np: Any) -> Landed:
    nearest = (200 * k + n) // (2 * n)
    within = np.abs(2000 * k - 20 * nearest * n) <= n
    exactly = (100 * k) % n == 0
    return Landed(nearest, within, exactly)


def on_lattice(where: Landed, lattice: int, exact: bool) -> Any:
    at = where.exactly if exact else where.within
    return at & (where.nearest % lattice == 0) if lattice > 1 else at


def log_factorials(largest: int, np: Any) -> Any:
    """log(m!) for m = 0..largest, as a table: every binomial term is three lookups."""
    table = np.zeros(largest + 1)
    if largest:
        table[1:] = np.cumsum(np.log(np.arange(1, largest + 1, dtype=np.float64)))
    return table


def null(k: Any, n: Any, np: Any) -> Null:
    """The binomial null of every station (k, n: int64 arrays, 0 <= k <= n, n > 0).

    Stations are taken in order of how many whole percents their distribution reaches, so step t
    works on a leading slice (views, no gathers): the t-th percent of every station that reaches
    more than t of them. A window's edges are integer numerators (n·(20·j ± 1), carried from one
    percent to the next by adding 20·n) divided once in float64, which is exact here: a quotient
    of integers below 2**53 is correctly rounded, and no edge that is not a whole count lies
    within 1/2000 of one."""
    size = len(n)
    by_percent, by_percent_variance = np.zeros(101), np.zeros(101)
    within = {lattice: np.zeros(size) for lattice in LATTICES}
    exactly = {lattice: np.zeros(size) for lattice in LATTICES}
    if not size:
        return Null(within, exactly, by_percent, by_percent_variance)
    table = log_factorials(int(n.max()), np)
    p = k / n
    spread = np.sqrt(n * p * (1 - p))
    low = np.maximum(np.floor(k - TAIL_SD * spread) - TAIL_COUNTS, 0).astype(np.int64)
    high = np.minimum(np.ceil(k + TAIL_SD * spread) + TAIL_COUNTS, n).astype(np.int64)
    first = (100 * low) // n
    reach = -((-100 * high) // n) - first + 1  # whole percents from first on
    order = np.argsort(-reach, kind="stable")
    n_, first_, reach_ = n[order], first[order], reach[order]
    size_f = n_.astype(np.float64)
    log_p = np.log(np.maximum(p[order], 1e-300))  # p = 0: only k' = 0 keeps any mass
    log_q = np.log(np.maximum(1 - p[order], 1e-300))
    # log Binomial(c; n, p) = constant - log c! - log (n - c)! + c·slope
    constant, slope = table[n_] + n_ * log_q, log_p - log_q

    def terms(rows: Any, counts: Any) -> Any:
        whole = counts.astype(np.int64)
        return np.exp(constant[rows] - table[whole] - table[n_[rows] - whole] + counts * slope[rows])

    residue = {lattice: (first_ % lattice).astype(np.int8) for lattice in LATTICES[1:]}
    within_sorted = {lattice: np.zeros(size) for lattice in LATTICES}
    lower = size_f * (20 * first_ - 1)  # n·(20·j - 1) for the station's current percent j
    twenty_n = 20 * size_f
    reaching = np.searchsorted(-reach_, -np.arange(int(reach_.max())), side="left")  # per t: stations whose reach > t
    for t, m in enumerate(reaching.tolist()):
        head = slice(0, m)
        start = np.ceil(lower[head] / 2000)  # the counts within 0.05 pp of the percent
        if t == 0:
            np.maximum(start, 0, out=start)  # percent 0: its window starts below no count
        width = np.minimum(np.floor((lower[head] + 2 * size_f[head]) / 2000), size_f[head]) - start  # -1: none
        lower[head] += twenty_n[head]
        mass = terms(head, start)
        mass[width < 0] = 0.0
        for offset in range(1, int(width.max()) + 1):
            rows = np.flatnonzero(width >= offset)
            mass[rows] += terms(rows, start[rows] + offset)
        within_sorted[1][head] += mass
        for lattice in LATTICES[1:]:
            np.add(within_sorted[lattice][head], mass, out=within_sorted[lattice][head], where=residue[lattice][head] == (-t) % lattice)
        percents = first_[head] + t  # 0 <= percent <= 100: low >= 0, high <= n
        by_percent += np.bincount(percents, weights=mass, minlength=101)
        by_percent_variance += np.bincount(percents, weights=mass * (1 - mass), minlength=101)
    back = np.empty_like(order)
    back[order] = np.arange(size)
    for lattice in LATTICES:
        within[lattice] = np.minimum(within_sorted[lattice][back], 1.0)
    exact = _exactly(n_, first_, reach_, terms, np)
    for lattice in LATTICES:
        exactly[lattice] = np.minimum(exact[lattice][back], 1.0)
    return Null(within, exactly, by_percent, by_percent_variance)


def _exactly(n: Any, first: Any, reach: Any, terms: Any, np: Any) -> dict[int, Any]:
    """Per station (in the order of n), the probability of landing exactly on a whole percent (and
    on its multiples of 5 and 10): n·j/100 is a whole count only every 100/gcd(n, 100) percents,
    so these are few terms, walked from the first such percent on."""
    every = 100 // np.gcd(n, 100)
    percent = first + (-first) % every  # the first whole percent with a whole count
    sums = {lattice: np.zeros(len(n)) for lattice in LATTICES}
    rows = np.flatnonzero(percent < first + reach)
    while len(rows):
        at = percent[rows]
        term = terms(rows, (n[rows] * at // 100).astype(np.float64))
        sums[1][rows] += term
        for lattice in LATTICES[1:]:
            on = at % lattice == 0
            sums[lattice][rows[on]] += term[on]
        percent[rows] += every[rows]
        rows = rows[percent[rows] < first[rows] + reach[rows]]
    return sums


CHUNK = 65_536  # stations a null is computed for at once: its arrays stay in the CPU's cache (1.6x faster than all at once)
QUANTITIES = ("turnout", "winner share", "either")


@dataclass
class Expected:
    """The null summed over stations: per test its mean and variance, per region and per whole
    percent those of the whole-percent window tests."""

    totals: dict[tuple[str, int, bool], list[float]]  # (quantity, lattice, exact) -> [mean, variance]
    regions: dict[str, Any]  # turnout | winner share -> float64[2, regions]: mean, variance
    by_percent: dict[str, Any]  # turnout | winner share -> float64[2, 101]: mean, variance

    def add(self, other: Expected) -> None:
        for key, (mean, variance) in other.totals.items():
            self.totals[key][0] += mean
            self.totals[key][1] += variance
        for name in self.regions:
            self.regions[name] += other.regions[name]
            self.by_percent[name] += other.by_percent[name]


def expected(pairs: dict[str, tuple[Any, Any]], codes: Any, regions: int, np: Any) -> Expected:
    """The null of every test, over stations in chunks on every core (numpy lets go of the
    interpreter in its loops). pairs: turnout and winner share, each (k, n) per station; codes:
    each station's region. Chunks are added in order: the same sums on every run."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    size = len(codes)
    starts = range(0, size, CHUNK)

    def chunk(start: int) -> Expected:
        part = slice(start, start + CHUNK)
        return _expected_chunk({name: (k[part], n[part]) for name, (k, n) in pairs.items()}, codes[part], regions, np)

    total = Expected(
        {(name, lattice, exact): [0.0, 0.0] for name in QUANTITIES for lattice in LATTICES for exact in (False, True)},
        {name: np.zeros((2, regions)) for name in pairs},
        {name: np.zeros((2, 101)) for name in pairs},
    )
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=max(1, min(cores, len(starts)))) as pool:
        for part in pool.map(chunk, starts):
            total.add(part)
    return total


def _expected_chunk(pairs: dict[str, tuple[Any, Any]], codes: Any, regions: int, np: Any) -> Expected:
    nulls = {name: null(k, n, np) for name, (k, n) in pairs.items()}
    totals: dict[tuple[str, int, bool], list[float]] = {}
    for lattice in LATTICES:
        for exact in (False, True):
            p = {name: (nulls[name].exactly if exact else nulls[name].within)[lattice] for name in pairs}
            # either: the two redraws are independent, so P(A or B) = pA + pB - pA·pB
            p["either"] = p["turnout"] + p["winner share"] - p["turnout"] * p["winner share"]
            for name in QUANTITIES:
                totals[(name, lattice, exact)] = [float(p[name].sum()), float((p[name] * (1 - p[name])).sum())]
    by_region = {}
    for name in pairs:
        p = nulls[name].within[1]
        by_region[name] = np.stack([np.bincount(codes, weights=p, minlength=regions), np.bincount(codes, weights=p * (1 - p), minlength=regions)])
    by_percent = {name: np.stack([nulls[name].by_percent, nulls[name].by_percent_variance]) for name in pairs}
    return Expected(totals, by_region, by_percent)
