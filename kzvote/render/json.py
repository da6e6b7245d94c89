"""One JSON object per run: numbers as numbers, percentages 0-100, findings with their figures."""

from __future__ import annotations

from typing import Any, TextIO

from kzvote import __version__
from kzvote.render import Options
from kzvote.render.cells import finding_record, machine, machine_columns
from kzvote.render.safe import write_json
from kzvote.views import View


def document(view: View) -> dict[str, Any]:
    doc: dict[str, Any] = {"kzvote": __version__, "command": view.command, "file": view.file}
    if view.header:
        doc["election"] = view.header
    if view.facts:
        doc["facts"] = {label.lower().replace(" ", "_"): text for label, text in view.facts}
    for table in (t for t in view.tables if t.machine):
        columns = machine_columns(table)
        doc[table.key] = [{c.key: machine(row.get(c.key), c) for c in columns} for row in table.rows]
    if len(doc.get("files", ())) > 1:
        doc["file"] = None  # several files were read: "files" names each, with its counts
    for picture in view.pictures:
        doc.setdefault("pictures", {})[picture.key] = {
            "title": picture.title,
            "kind": picture.kind,
            "x": picture.x_label,
            "y": picture.y_label,
            "values": _numbers(picture.values),
        }
    doc["findings"] = [finding_record(f) for f in view.findings]
    doc["summary"] = view.summary | ({"exit_code": view.exit_code} if view.exit_code is not None else {})
    return doc


def render(view: View, stream: TextIO, options: Options) -> None:
    write_json(document(view), stream)


def _numbers(values: Any) -> Any:
    """A picture's numbers as JSON lists: whole numbers as integers."""
    listed = values.tolist() if hasattr(values, "tolist") else list(values)
    if listed and isinstance(listed[0], list):
        return [[int(v) if float(v).is_integer() else v for v in row] for row in listed]
    return [int(v) if float(v).is_integer() else v for v in listed]
