"""One-keystroke corrections of a figure as written: what a person's single slip would undo.

A slip changes one digit, swaps two neighbouring digits, drops a digit, doubles one, or types a
stray one. Undoing it from the written text means: change a digit, swap two neighbours, insert a
digit, or remove one. The decimal point never moves, and every correction is a valid figure of its
kind: a count without leading zeros and at most 15 digits, a percentage of at most 100.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

COUNT = re.compile(r"0|[1-9][0-9]{0,14}")
PERCENT = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?")


def is_valid(text: str, is_percent: bool) -> bool:
    if not is_percent:
        return COUNT.fullmatch(text) is not None
    if PERCENT.fullmatch(text) is None:
        return False
    whole, _, fraction = text.partition(".")
    return int(whole) < 100 or (int(whole) == 100 and not fraction.strip("0"))  # at most 100


def corrections(text: str, is_percent: bool) -> Iterator[tuple[str, str]]:
    """(corrected text, the slip it undoes) for every text one keystroke from `text`, each once."""
    seen = {text}
    for candidate, how in _raw(text):
        if candidate not in seen and is_valid(candidate, is_percent):
            seen.add(candidate)
            yield candidate, how


def _raw(text: str) -> Iterator[tuple[str, str]]:
    digits = [i for i, char in enumerate(text) if char.isdigit()]
    for i in digits:
        for digit in "0123456789":
            yield text[:i] + digit + text[i + 1 :], "one digit changed"
    for i in digits:
        if i + 1 < len(text) and text[i + 1].isdigit():
            yield text[:i] + text[i + 1] + text[i] + text[i + 2 :], "two neighbouring digits swapped"
    for i in digits:
        doubled = (i > 0 and text[i - 1] == text[i]) or (i + 1 < len(text) and text[i + 1] == text[i])
        yield text[:i] + text[i + 1 :], "a digit doubled" if doubled else "a stray digit typed"
    for i in range(len(text) + 1):
        for digit in "0123456789":
            yield text[:i] + digit + text[i:], "a digit dropped"
