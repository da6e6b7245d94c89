"""Renderers: one module per output format, each with render(view, stream, options).

A new format is a new module here and a line in FORMATS; commands and checks do not change.
Modules are imported only when chosen, so `--format json` never pays for Rich.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from kzvote.views import View

FORMATS = {
    "table": "kzvote.render.table",
    "text": "kzvote.render.text",
    "json": "kzvote.render.json",
    "csv": "kzvote.render.csv",
    "markdown": "kzvote.render.markdown",
    "github": "kzvote.render.github",
    "sarif": "kzvote.render.sarif",
}


@dataclass(frozen=True)
class Options:
    color: bool | None = None  # None: decide from the terminal and NO_COLOR


def render(view: View, format_name: str, stream: TextIO, options: Options = Options()) -> None:
    module = importlib.import_module(FORMATS[format_name])
    module.render(view, stream, options)
