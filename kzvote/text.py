"""Untrusted text: which characters a results file may not hold, and how to quote a piece of it.

Names and titles reach terminals, CI logs and spreadsheets. A control character can clear a
screen or plant a link (ESC), forge a line of its own in a log (line breaks, NEXT LINE, the Unicode
line and paragraph separators), and a bidirectional override can make "60.1" display as "1.06".
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls, DEL, the Unicode line/paragraph separators, and the bidirectional marks,
# embeddings, overrides and isolates.
# Surrogates come only from file names that are not UTF-8 (Python keeps their bytes that way):
# written raw they are invalid UTF-8 on stdout.
_BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
UNSAFE = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
UNSAFE_BEYOND_C0 = re.compile(f"[{_BEYOND_C0}]")  # what json.dumps leaves raw (it escapes C0 itself)

_CONTROL_NAMES = {
    0x00: "NUL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x09: "TAB",
    0x0A: "LINE FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESC, a terminal escape",
    0x7F: "DEL",
    0x85: "NEXT LINE",
    0x9B: "CSI, a terminal escape",
    0x9D: "OSC, a terminal escape",
}


def unsafe_char(text: str) -> re.Match[str] | None:
    return UNSAFE.search(text)


def describe_char(char: str) -> str:
    """U+001B (ESC, a terminal escape), U+202E (RIGHT-TO-LEFT OVERRIDE)."""
    code = ord(char)
    name = _CONTROL_NAMES.get(code) or unicodedata.name(char, "a control character")
    return f"U+{code:04X} ({name})"


def escape(text: str) -> str:
    """Unsafe characters made visible and harmless: ESC -> \\x1b, U+202E -> \\u202e."""
    return UNSAFE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def excerpt(text: str, limit: int = 40) -> str:
    """Foreign text fit to quote in a message: at most `limit` characters of it, and every
    character that does not print (controls, bidi marks, odd spaces) escaped as repr does."""
    cut = "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text[:limit])
    return cut + ("…" if len(text) > limit else "")
