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

import math
from dataclasses import dataclass
from typing import Any

# The counts whose probability is summed: within TAIL_SD standard deviations of k, and TAIL_COUNTS
# more, since a skewed binomial (p near 0 or 1, Poisson-like) has a heavier tail than a normal
# one. What is left out is below 1e-6 a station: under one station in an expected count of a
# million stations. (6.5 standard deviations and 8 counts, 1e-10, took a third longer.)
TAIL_SD = 5.0
TAIL_COUNTS = 4
LATTICES = (1, 5, 10)  # whole percents, multiples of 5 and of 10
QUANTITIES = ("turnout", "winner share", "either")  # "either": a station at an integer in one or the other


@dataclass(frozen=True)
class Null:
    """Per station: the probability under the null of landing at an integer, by (lattice, exact)."""

    within: dict[int, Any]  # lattice -> float64 per station, within 0.05 pp
    exactly: dict[int, Any]  # lattice -> float64 per station, exactly on it
    by_percent: Any  # float64[101]: expected stations within 0.05 pp of each whole percent


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
    """The binomial null of every station (k, n: int64 arrays, 0 <= k <= n, n > 0). A station with
    k = 0 or k = n redraws the same count every time: 0 % or 100 %, both whole, and multiples of 10."""
    certain = (k == 0) | (k == n)
    if not certain.any():
        return _null(k, n, np)
    uncertain = np.flatnonzero(~certain)
    found = _null(k[uncertain], n[uncertain], np)
    within, exactly = {}, {}
    for lattice in LATTICES:
        within[lattice], exactly[lattice] = np.ones(len(n)), np.ones(len(n))
        within[lattice][uncertain], exactly[lattice][uncertain] = found.within[lattice], found.exactly[lattice]
    found.by_percent[0] += int((k[certain] == 0).sum())
    found.by_percent[100] += int((k[certain] != 0).sum())
    return Null(within, exactly, found.by_percent)


def _null(k: Any, n: Any, np: Any) -> Null:
    """null() of stations with 0 < k < n."""
    size = len(n)
    by_percent = np.zeros(101)
    if not size:
        return Null({lattice: np.zeros(0) for lattice in LATTICES}, {lattice: np.zeros(0) for lattice in LATTICES}, by_percent)
    table = log_factorials(int(n.max()), np)
    p = k / n
    spread = np.sqrt(n * p * (1 - p))
    low = np.maximum(np.floor(k - TAIL_SD * spread) - TAIL_COUNTS, 0).astype(np.int64)
    high = np.minimum(np.ceil(k + TAIL_SD * spread) + TAIL_COUNTS, n).astype(np.int64)
    first = (100 * low) // n
    reach = -((-100 * high) // n) - first + 1  # whole percents from first on
    # A window (0.1 pp) holds n/1000 counts, give or take one: stations of one class of n // 1000
    # all have the same first window offsets, computed without asking which station has them.
    points = np.minimum(n // 1000, WIDEST)
    # by class, then by reach, most first; a 16-bit key, which numpy sorts by radix (reach <= 101)
    order = np.argsort((points * 128 + (127 - reach)).astype(np.int16), kind="stable")
    n_, first_, reach_, p_ = n[order], first[order], reach[order], p[order]
    del p, spread, low, high, first, reach  # a chunk's working arrays are the memory forensics needs beyond the audit's
    log_q = np.log(1 - p_)
    # log Binomial(c; n, p) = constant - log c! - log (n - c)! + c·slope
    constant, slope = table[n_] + n_ * log_q, np.log(p_) - log_q
    del log_q

    def terms(rows: Any, counts: Any) -> Any:
        whole = counts.astype(np.int64)
        return np.exp(constant[rows] - table[whole] - table[n_[rows] - whole] + counts * slope[rows])

    size_f, odds = n_.astype(np.float64), p_ / (1 - p_)
    del p_

    def next_terms(rows: Any, counts: Any, current: Any) -> Any:
        """The terms of counts + 1 from those of counts: P(c + 1) = P(c)·(n - c)/(c + 1)·p/q, no
        exp and no table (0 < p < 1 keeps p/q finite)."""
        return current * (size_f[rows] - counts) / (counts + 1) * odds[rows]

    # float32: a station's probabilities to 1e-7 (the null's own bound is 1e-6), in half the memory
    by_digit = np.zeros((10, size), dtype=np.float32)
    bounds = np.searchsorted(points[order], np.arange(WIDEST + 2))
    for thousands, (begin, end) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist())):
        if end > begin:
            _windows(slice(begin, end), thousands if thousands < WIDEST else None, n_, first_, reach_, (terms, next_terms), by_digit, by_percent, np)
    stations = np.arange(size)
    tens = (-first_) % 10  # the t at which a station's percent is a multiple of 10
    within = {1: by_digit.sum(axis=0), 10: by_digit[tens, stations], 5: by_digit[tens, stations] + by_digit[(tens + 5) % 10, stations]}
    del by_digit
    exactly = _exactly(n_, first_, reach_, terms, np)
    back = np.empty_like(order)
    back[order] = stations

    def unsorted(found: dict[int, Any]) -> dict[int, Any]:
        return {lattice: np.minimum(found.pop(lattice)[back].astype(np.float64), 1.0) for lattice in LATTICES}

    return Null(unsorted(within), unsorted(exactly), by_percent)


WIDEST = 4  # classes of n // 1000: 0, 1, 2, 3, and 4 or more


def _windows(group: slice, thousands: int | None, n: Any, first: Any, reach: Any, steps: tuple[Any, Any], by_digit: Any, by_percent: Any, np: Any) -> None:
    """The mass within 0.05 pp of each whole percent, for a group of stations sorted by reach. Step
    t works on a leading slice of the group (views, no gathers): the t-th percent of every station
    that reaches more than t of them, its mass added to by_digit[t % 10] and to by_percent. The
    counts every window of the slice holds are added without asking which station holds them;
    only the rest is looked up. thousands: the group's n // 1000, when all share it: a window of
    n/1000 counts' width holds n // 1000 or one more, except where 0 % or 100 % cuts it.

    A window's edges are integer numerators (n·(20·j ± 1), carried from one percent to the next by
    adding 20·n) divided once in float64, which is exact here: a quotient of integers below 2**53
    is correctly rounded, and no edge that is not a whole count lies within 1/2000 of one."""
    terms, next_terms = steps
    n, first, reach = n[group], first[group], reach[group]
    size_f = n.astype(np.float64)
    lower = size_f * (20 * first - 1)  # n·(20·j - 1) for the station's current percent j
    twenty_n = 20 * size_f
    highest = np.maximum.accumulate(first)  # the highest first percent of every leading slice
    offset = group.start
    reaching = np.searchsorted(-reach, -np.arange(int(reach.max())), side="left")  # per t: stations whose reach > t
    for t, m in enumerate(reaching.tolist()):
        head = slice(0, m)
        rows_all = slice(offset, offset + m)
        start = np.ceil(lower[head] / 2000)  # the first count within 0.05 pp of the percent
        if t == 0:
            np.maximum(start, 0, out=start)  # percent 0: its window starts below no count
        stop = np.floor((lower[head] + 2 * size_f[head]) / 2000)
        cut = t == 0 or highest[m - 1] + t >= 100
        if highest[m - 1] + t >= 100:
            np.minimum(stop, size_f[head], out=stop)  # percent 100: its window ends above every count
        width = stop - start  # -1: no count in the window
        lower[head] += twenty_n[head]
        current = terms(rows_all, start)
        shared, widest = (thousands - 1, thousands) if thousands is not None and not cut else (int(width.min()), int(width.max()))
        mass = current * (width >= 0) if shared < 0 else current.copy()
        counts = start
        for _ in range(shared):  # the counts every window of the slice holds
            current = next_terms(rows_all, counts, current)
            counts = counts + 1
            mass += current
        rows = None
        for step in range(max(shared, 0) + 1, widest + 1):  # the rest, where there are more
            if rows is None:
                rows = np.flatnonzero(width >= step)
                current, counts = current[rows], counts[rows]
            else:
                more = width[rows] >= step
                rows, current, counts = rows[more], current[more], counts[more]
            current = next_terms(rows + offset, counts, current)
            counts = counts + 1
            mass[rows] += current
        by_digit[t % 10, rows_all] += mass
        by_percent += np.bincount(first[head] + t, weights=mass, minlength=101)  # 0 <= percent <= 100: low >= 0, high <= n


EVERY = tuple(100 // math.gcd(rest, 100) for rest in range(100))  # n·j/100 is whole every EVERY[n % 100] percents


def _exactly(n: Any, first: Any, reach: Any, terms: Any, np: Any) -> dict[int, Any]:
    """Per station (in the order of n), the probability of landing exactly on a whole percent (and
    on its multiples of 5 and 10): n·j/100 is a whole count only every 100/gcd(n, 100) percents,
    so these are few terms, walked from the first such percent on."""
    every = np.array(EVERY)[n % 100]
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
