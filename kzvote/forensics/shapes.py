"""The shape of the stations: the turnout x winner-share fingerprint (Klimek, Yegorov, Hanel &
Thurner, PNAS 109(41), 2012) and histograms at 0.1 pp.

Bins are found by integer arithmetic on the counts, never from a rounded percentage.
"""

from __future__ import annotations

from typing import Any


def fingerprint(cast: Any, registered: Any, votes: Any, boxes: Any, np: Any) -> Any:
    """Registered voters by turnout (row, 1 pp bins: [j, j+1) %, and 100 % alone) and winner share
    (column, likewise): a clean election is one compact blob, stuffing smears it towards 100/100."""
    shown = (registered > 0) & (boxes > 0) & (cast <= registered) & (votes <= boxes)
    turnout = (100 * cast[shown]) // registered[shown]
    share = (100 * votes[shown]) // boxes[shown]
    grid = np.bincount(turnout * 101 + share, weights=registered[shown].astype(np.float64), minlength=101 * 101)
    return grid.reshape(101, 101)


def histogram(k: Any, n: Any, np: Any) -> Any:
    """Stations by 100·k/n in 0.1 pp bins centred on each tenth (bin 10·j is within 0.05 pp of
    j %, the integer test's window), 0..100 %: 1,001 bins."""
    shown = (n > 0) & (k <= n)
    tenths = (2000 * k[shown] + n[shown]) // (2 * n[shown])
    return np.bincount(tenths, minlength=1001)
