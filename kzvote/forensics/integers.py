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
# one. What is left out is below 1e-10 a station.
TAIL_SD = 6.5
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

    Stations are taken in order of how many whole percents their distribution reaches, so each
    step works on a leading slice (a view, no gather): step t handles the t-th percent of every
    station that reaches more than t of them."""
    size = len(n)
    within = {lattice: np.zeros(size) for lattice in LATTICES}
    exactly = {lattice: np.zeros(size) for lattice in LATTICES}
    by_percent, by_percent_variance = np.zeros(101), np.zeros(101)
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
    log_p = np.log(np.maximum(p[order], 1e-300))  # p = 0: only k' = 0 keeps any mass
    log_q = np.log(np.maximum(1 - p[order], 1e-300))
    base = table[n_]
    sums = {(lattice, exact): np.zeros(size) for lattice in LATTICES for exact in (False, True)}
    reaching = np.searchsorted(-reach_, -np.arange(int(reach_.max())), side="left")  # per t: stations whose reach > t
    for t, m in enumerate(reaching.tolist()):
        nn, percent, here, lp, lq = n_[:m], first_[:m] + t, base[:m], log_p[:m], log_q[:m]
        start = np.maximum(-((-nn * (20 * percent - 1)) // 2000), 0)  # the counts within 0.05 pp of percent
        last = np.minimum((nn * (20 * percent + 1)) // 2000, nn) - start  # offset of the last one (-1: none)
        mass = np.zeros(m)
        for offset in range(int(last.max()) + 1):
            some = last >= offset
            rows = slice(None) if some.all() else np.flatnonzero(some)
            count, size_ = start[rows] + offset, nn[rows]
            mass[rows] += np.exp(here[rows] - table[count] - table[size_ - count] + count * lp[rows] + (size_ - count) * lq[rows])
        sums[(1, False)][:m] += mass
        for lattice in LATTICES[1:]:
            on = np.flatnonzero(percent % lattice == 0)
            sums[(lattice, False)][on] += mass[on]
        # exactly on a whole percent: the count n·percent/100 itself, when it is whole
        exact = np.flatnonzero((nn * percent) % 100 == 0)
        if len(exact):
            count, size_ = (nn[exact] * percent[exact]) // 100, nn[exact]
            term = np.exp(here[exact] - table[count] - table[size_ - count] + count * lp[exact] + (size_ - count) * lq[exact])
            for lattice in LATTICES:
                on = percent[exact] % lattice == 0
                sums[(lattice, True)][exact[on]] += term[on]
        by_percent += np.bincount(percent, weights=mass, minlength=101)  # 0 <= percent <= 100: low >= 0, high <= n
        by_percent_variance += np.bincount(percent, weights=mass * (1 - mass), minlength=101)
    back = np.empty_like(order)
    back[order] = np.arange(size)
    for lattice in LATTICES:
        within[lattice] = np.minimum(sums[(lattice, False)][back], 1.0)
        exactly[lattice] = np.minimum(sums[(lattice, True)][back], 1.0)
    return Null(within, exactly, by_percent, by_percent_variance)
