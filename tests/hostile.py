"""Hostile strings for output tests, put into a loaded model directly: the loader may refuse them
one day, and the renderers must stay safe whatever reaches them."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

# Everything a terminal, a CI log or a reader could be fooled by; "\n" alone may end output lines.
RAW_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
CLEAR_SCREEN = "\x1b[2J\x1b[31m"
OSC8_LINK = "\x1b]8;;http://x\x1b\\click\x1b]8;;\x1b\\"
WORKFLOW_COMMAND = "\n::error file=evil.yaml,line=1::pwned"
BIDI = "\u202eevil\u202c"


def poisoned(value: Any, old: str, new: str) -> Any:
    """Every string in a loaded model with `old` replaced by `new` (names, keys, aliases alike)."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {poisoned(k, old, new): poisoned(v, old, new) for k, v in value.items()}
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(poisoned(v, old, new) for v in value)
    if isinstance(value, list):
        return [poisoned(v, old, new) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: poisoned(getattr(value, f.name), old, new) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value
