"""Renderers: one module per output format, each with render(view, stream, options).

A new format is a new module here and a line in FORMATS; commands and checks do not change.
Modules are imported only when chosen, so `--format json` never pays for Rich.

Every string of a data file is untrusted: render() hands text formats a view made safe by
render.safe, and JSON formats write through render.safe.write_json.
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
# These keep every string exact and write unsafe characters as JSON \u escapes (render.safe.write_json);
# all others are given a view whose strings show them as visible escapes.
JSON_FORMATS = {"json", "sarif"}


@dataclass(frozen=True)
class Options:
    color: bool | None = None  # None: decide from the terminal and NO_COLOR


def render(view: View, format_name: str, stream: TextIO, options: Options = Options()) -> None:
    from kzvote.render.safe import visible_view

    module = importlib.import_module(FORMATS[format_name])
    module.render(view if format_name in JSON_FORMATS else visible_view(view), stream, options)
