"""The kzvote/1 format as JSON Schema (draft 2020-12), generated from kzvote.schema.

The loader walks the same declarations, so the two cannot drift; the loader also checks what a
schema cannot say (duplicate keys, duplicate names, written precision) and reports it located.
"""

from __future__ import annotations

from typing import Any

from kzvote import __version__
from kzvote.schema import FORMAT_VERSION, MAX_COUNT_DIGITS, RESULTS, Field, Kind

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATETIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$"
# YAML may read a plain name such as "No" or "2022" as a boolean or number; kzvote takes its text.
# Control, line-break and bidi-override characters are refused (kzvote.text.UNSAFE, KZ016).
SAFE_TEXT = r"^[^\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$"
TEXT: dict[str, Any] = {"type": ["string", "number", "boolean"], "pattern": SAFE_TEXT}


def results_schema() -> dict[str, Any]:
    schema = {
        "$schema": DIALECT,
        "title": f"kzvote results file ({FORMAT_VERSION})",
        "description": f"Election results for kzvote {__version__}: counts, published percentages and their sources.",
    }
    return schema | _field(RESULTS)


def _field(field: Field) -> dict[str, Any]:
    out = _kind(field)
    if field.doc:
        out = {"description": field.doc} | out
    return out


def _kind(field: Field) -> dict[str, Any]:
    kind = field.kind
    if kind is Kind.TEXT:
        text = {"type": "string", "pattern": f"^(?:{field.pattern})$"} if field.pattern else dict(TEXT)
        return text | {"minLength": 1} if field.required else text
    if kind is Kind.COUNT:
        return {"type": "integer", "minimum": field.minimum, "maximum": 10**MAX_COUNT_DIGITS - 1}
    if kind is Kind.PERCENT:
        return {"type": "number", "minimum": 0, "exclusiveMaximum" if field.below_100 else "maximum": 100}
    if kind is Kind.DATE:
        return {"type": "string", "pattern": DATE, "format": "date"}
    if kind is Kind.DATETIME:
        return {"type": "string", "pattern": DATETIME}
    if kind is Kind.CHOICE:
        return {"const": field.choices[0]} if len(field.choices) == 1 else {"enum": list(field.choices)}
    if kind is Kind.TEXT_LIST:
        return {"type": "array", "items": dict(TEXT)}
    if kind is Kind.COUNT_MAP:
        return {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
    if kind is Kind.RECORD:
        return _record(field)
    if kind is Kind.RECORD_LIST:
        out: dict[str, Any] = {"type": "array", "items": _record(field)}
        if field.min_items:
            out["minItems"] = field.min_items
        return out
    if kind is Kind.RECORD_MAP:
        return {"type": "object", "additionalProperties": _record(field)}
    raise AssertionError(f"no JSON Schema for {kind}")  # a new Kind must be mapped here


def _record(field: Field) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "object",
        "properties": {child.name: _field(child) for child in field.fields},
        "additionalProperties": False,
    }
    required = [child.name for child in field.fields if child.required]
    if required:
        out["required"] = required
    return out
