"""--plot: a view's pictures as PNG and SVG files, drawn by matplotlib (the optional extra
kzvote[plot]). The only module that imports it; a new picture in a view needs nothing here."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

from kzvote.views import Picture

FORMATS = ("png", "svg")


def write_plots(pictures: list[Picture], folder: Path) -> list[Path]:
    """Write every picture in each format, named by its key; the paths written."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display, no GUI toolkit
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for picture in pictures:
        figure = _heatmap(plt, picture) if picture.kind == "heatmap" else _histogram(plt, picture)
        for suffix in FORMATS:
            path = folder / f"{picture.key.replace('_', '-')}.{suffix}"
            # never through a link: a file planted in the folder must not redirect the write elsewhere
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
            with os.fdopen(descriptor, "wb") as out:
                figure.savefig(out, format=suffix, dpi=150, bbox_inches="tight", metadata={"Date": None} if suffix == "svg" else None)
            written.append(path)
        plt.close(figure)
    return written


def _heatmap(plt: Any, picture: Picture) -> Any:
    import numpy as np
    from matplotlib.colors import LogNorm

    grid = np.asarray(picture.values)  # rows: y, from the lowest
    figure, axes = plt.subplots(figsize=(6, 5.4))
    positive = grid[grid > 0]
    norm = LogNorm(vmin=max(positive.min(), 1), vmax=positive.max()) if positive.size else None
    low, high = picture.x_range
    image = axes.imshow(
        np.where(grid > 0, grid, np.nan), origin="lower", extent=(low, high + 1, low, high + 1), cmap="viridis", norm=norm, interpolation="nearest"
    )
    axes.set_xlabel(_plain(picture.x_label))
    axes.set_ylabel(_plain(picture.y_label))
    axes.set_title(_plain(textwrap.fill(picture.title, 48)), fontsize=10)
    figure.colorbar(image, ax=axes, label="log scale")
    return figure


def _histogram(plt: Any, picture: Picture) -> Any:
    import numpy as np

    bins = np.asarray(picture.values)
    low, high = picture.x_range
    figure, axes = plt.subplots(figsize=(9, 3.6))
    axes.bar(np.linspace(low, high, len(bins)), bins, width=(high - low) / (len(bins) - 1), color="#2c718e", linewidth=0)
    axes.set_xlabel(_plain(picture.x_label))
    axes.set_ylabel("stations")
    axes.set_title(_plain(picture.title))
    axes.set_xlim(low, high + 0.5)
    if picture.marks:  # the bins drawn apart in the terminal (whole percents), as minor ticks here
        axes.set_xticks(np.linspace(low, high, (len(bins) - 1) // picture.marks + 1), minor=True)
    # the last bin (100 %: full stations, a story of its own) would flatten the whole-percent spikes
    tallest = int(bins[:-1].max()) if len(bins) > 1 else 0
    if tallest and bins[-1] > tallest:
        axes.set_ylim(0, tallest * 1.1)
        axes.annotate(f"{high:g} %: {int(bins[-1]):,}", xy=(high, tallest * 1.05), ha="right", fontsize=8)
    return figure


def _plain(text: str) -> str:
    """Untrusted text as matplotlib shows it literally: a "$" would start its maths typesetting."""
    return text.replace("$", r"\$")
