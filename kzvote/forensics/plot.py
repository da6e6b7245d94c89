"""--plot: the fingerprint and the histograms as PNG and SVG files, drawn by matplotlib (the
optional extra kzvote[plot]). The only module that imports it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kzvote.forensics import Forensics

FORMATS = ("png", "svg")


def write_plots(forensics: Forensics, folder: Path) -> list[Path]:
    """Write every picture in each format; the paths written."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display, no GUI toolkit
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, figure in (
        ("fingerprint", _fingerprint(plt, forensics)),
        ("turnout-histogram", _histogram(plt, forensics.turnout_histogram, "Turnout, %", "Stations by turnout, 0.1 pp bins")),
        (
            "share-histogram",
            _histogram(plt, forensics.share_histogram, "Winner's share, %", f"Stations by the share of {_plain(forensics.winner)}, 0.1 pp bins"),
        ),
    ):
        for suffix in FORMATS:
            path = folder / f"{name}.{suffix}"
            # never through a link: a file planted in the folder must not redirect the write elsewhere
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
            with os.fdopen(descriptor, "wb") as out:
                figure.savefig(out, format=suffix, dpi=150, bbox_inches="tight", metadata={"Date": None} if suffix == "svg" else None)
            written.append(path)
        plt.close(figure)
    return written


def _fingerprint(plt: Any, forensics: Forensics) -> Any:
    import numpy as np
    from matplotlib.colors import LogNorm

    grid = forensics.fingerprint.T  # rows: winner share, columns: turnout
    figure, axes = plt.subplots(figsize=(6, 5.4))
    shown = np.where(grid > 0, grid, np.nan)
    positive = grid[grid > 0]
    norm = LogNorm(vmin=max(positive.min(), 1), vmax=positive.max()) if positive.size else None
    image = axes.imshow(shown, origin="lower", extent=(0, 101, 0, 101), cmap="viridis", norm=norm, aspect="equal", interpolation="nearest")
    axes.set_xlabel("Turnout, %")
    axes.set_ylabel(f"{_plain(forensics.winner)}, % of ballots in the boxes")
    axes.set_title("Election fingerprint (Klimek et al. 2012)")
    figure.colorbar(image, ax=axes, label="registered voters (log scale)")
    return figure


def _histogram(plt: Any, bins: Any, label: str, title: str) -> Any:
    import numpy as np

    figure, axes = plt.subplots(figsize=(9, 3.6))
    centres = np.arange(len(bins)) / 10
    axes.bar(centres, bins, width=0.1, color="#2c718e", linewidth=0)
    axes.set_xlabel(label)
    axes.set_ylabel("stations")
    axes.set_title(title + "; a spike at a whole percent is what the integer test counts")
    axes.set_xlim(0, 100.5)
    # the 100 % bin (full stations, a story of its own) would flatten the whole-percent spikes
    tallest = int(bins[:-1].max()) if len(bins) > 1 else 0
    if tallest and bins[-1] > tallest:
        axes.set_ylim(0, tallest * 1.1)
        axes.annotate(f"100 %: {int(bins[-1]):,}", xy=(100, tallest * 1.05), ha="right", fontsize=8)
    return figure


def _plain(text: str) -> str:
    """Untrusted text as matplotlib shows it literally: a "$" would start its maths typesetting."""
    return text.replace("$", r"\$")
