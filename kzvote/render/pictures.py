"""Pictures as lines of text: a heat map and a histogram, each line a list of (text, style) pieces.

In colour (a terminal) a heat map cell is a half block, two pixels a character, coloured by log
density; otherwise every character is plain ASCII from a ramp of ink, so a log, a file or a
terminal without colour shows the same shape. Fits 80 columns.
"""

from __future__ import annotations

import math
from typing import Any

from kzvote.views import Picture

Line = list[tuple[str, str]]  # (text, Rich style; "" for none)

# viridis, dark to light: the density of a cell on a log scale
PALETTE = ("#440154", "#472c7a", "#3b518b", "#2c718e", "#21908d", "#27ad81", "#5cc863", "#aadc32", "#fde725")
INK = " .:-=+*#%@"  # ASCII: no ink to most
BARS = " ▁▂▃▄▅▆▇█"
ASCII_BARS = " .:-=+*#@"
HEAT_COLUMNS = 50  # 2 pp a column
HEAT_ROWS = 25  # text rows: 4 pp a row (two 2 pp pixels in colour)
BINS_PER_ROW = 50  # histogram: 5 pp of 0.1 pp bins a row


def lines(picture: Picture, color: bool) -> list[Line]:
    drawn = _heatmap(picture, color) if picture.kind == "heatmap" else _histogram(picture, color)
    return [[(picture.title, "bold")], *drawn]


def _grid(values: Any, rows: int, columns: int) -> list[list[float]]:
    """values (y rows x x columns, 0..100 % each) summed into rows x columns cells; the 100 % bin
    joins the last cell."""
    height, width = len(values), len(values[0])
    cells = [[0.0] * columns for _ in range(rows)]
    for y in range(height):
        row = cells[min(y * rows // (height - 1), rows - 1)]
        for x, value in enumerate(values[y]):
            if value:
                row[min(x * columns // (width - 1), columns - 1)] += float(value)
    return cells


def _density(value: float, top: float) -> float:
    return math.log1p(value) / math.log1p(top) if top > 0 and value > 0 else 0.0


def _heatmap(picture: Picture, color: bool) -> list[Line]:
    pixel_rows = HEAT_ROWS * 2 if color else HEAT_ROWS
    cells = _grid(picture.values, pixel_rows, HEAT_COLUMNS)
    top = max(max(row) for row in cells)
    drawn: list[Line] = []
    step = 100 / HEAT_ROWS
    for text_row in range(HEAT_ROWS):
        upper = 100 - text_row * step
        label = f"{upper:>4.0f} ┤" if text_row % 5 == 0 else "     │"
        line: Line = [(label if color else label.replace("┤", "+").replace("│", "|"), "dim")]
        if color:
            high, low = cells[pixel_rows - 1 - 2 * text_row], cells[pixel_rows - 2 - 2 * text_row]
            line += [_half_block(_density(a, top), _density(b, top)) for a, b in zip(high, low)]
        else:
            row = cells[pixel_rows - 1 - text_row]
            line.append(("".join(INK[math.ceil(_density(value, top) * (len(INK) - 1))] for value in row), ""))
        drawn.append(line)
    axis = "     └" + "".join("┬" if column % 10 == 0 else "─" for column in range(HEAT_COLUMNS))
    ticks = "      " + "".join(f"{percent:<10d}" for percent in range(0, 100, 20)) + "100"
    if not color:
        axis = axis.replace("└", "+").replace("┬", "+").replace("─", "-")
    drawn.append([(axis, "dim")])
    drawn.append([(ticks + f"  {picture.x_label}", "dim")])
    drawn.append([(f"y: {picture.y_label}; {'colour' if color else 'ink'} by log density of registered voters", "dim")])
    return drawn


def _half_block(upper: float, lower: float) -> tuple[str, str]:
    def shade(density: float) -> str:
        return PALETTE[min(len(PALETTE) - 1, math.ceil(density * (len(PALETTE) - 1)))]

    if not upper and not lower:
        return (" ", "")
    if not lower:
        return ("▀", shade(upper))
    if not upper:
        return ("▄", shade(lower))
    return ("▀", f"{shade(upper)} on {shade(lower)}")


def _histogram(picture: Picture, color: bool) -> list[Line]:
    bins = [int(value) for value in picture.values]
    last = len(bins) - 1  # the 100 % bin, told apart: a full station is its own story
    used = [index for index, count in enumerate(bins[:last]) if count]
    if not used:
        return [[("(no stations)", "dim")]]
    first_row = used[0] // BINS_PER_ROW
    last_row = used[-1] // BINS_PER_ROW
    top = max(bins[:last])
    ramp = BARS if color else ASCII_BARS
    tenths = (picture.x_range[1] - picture.x_range[0]) / last
    ruler = "".join("|" if column % picture.marks == 0 else " " for column in range(BINS_PER_ROW)) if picture.marks else ""
    drawn: list[Line] = [[(f"{picture.x_label}, rows of 5 pp; | marks a whole percent", "dim")]]
    if ruler:
        drawn.append([(" " * 8 + ruler, "dim")])
    for row in range(first_row, last_row + 1):
        start = row * BINS_PER_ROW
        line: Line = [(f"{start * tenths:>7.1f} ", "dim")]
        for column in range(BINS_PER_ROW):
            index = start + column
            count = bins[index] if index < last else 0
            level = math.ceil(count / top * (len(ramp) - 1)) if count else 0
            marked = bool(picture.marks) and column % picture.marks == 0
            line.append((ramp[level], ("bold yellow" if marked else "cyan") if color else ""))
        drawn.append(line)
    drawn.append([(f"{'100.0':>7} (99.95 % and over): {bins[last]:,}; bar height: stations in a bin, the tallest {top:,}", "dim")])
    return drawn
