"""The slip harness (issue 10): every single-keystroke slip of every figure of a results file, run
through the checks, classified against an independent, exact oracle.

A measuring instrument, not part of kzvote: it only calls kzvote.load.parse and
kzvote.checks.run_checks, and judges their findings by arithmetic of its own.

Classes (a finding "counts" when its severity is warning or error — so KZ503/KZ504 beside an error
make two; notes never count; nor do accepted findings):
  exact            one counting finding, located on the slipped figure; when the original value is
                   the unique one-keystroke fit of the slipped text, the finding suggests it
                   (figures["suggestion"], or "did you mean <original>" in the message); a
                   suggestion it makes otherwise must be one of the fits.
  ambiguous-named  one counting finding that blames several figures as equally likely (Finding.blames)
                   and names the slipped one among them by its path (e.g. "candidates[2].votes"); or
                   one located elsewhere whose message or a text figure names the slipped path.
  missed           no counting finding (an outcome warning, KZ5xx, does not count on a file the
                   oracle finds consistent: a tie the slip made is real), and the oracle proves the slipped file
                   consistent: every published percent within its closed window ±h of its declared
                   base (valid = all choices, cast, registered), every turnout_percent within its
                   window of cast / registered, cast <= registered, valid + invalid = cast (valid <=
                   cast when invalid is not given), nationally and in each region (a region whose
                   votes name every choice must balance; one that names some must not exceed its
                   cast), and regions adding up to no more than the nation, figure by figure.
  wrong            everything else, with a one-line reason: another figure blamed, several findings,
                   a missing or wrong suggestion, silence on a file the oracle finds inconsistent,
                   or a finding on a file it finds consistent.

The one-keystroke fits of a slipped text are the texts one keystroke away from it (a digit changed,
neighbours swapped, a digit dropped, doubled or inserted) that make the oracle hold.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path as FilePath
from typing import Union

from kzvote.checks import run_checks
from kzvote.errors import KzvoteError
from kzvote.findings import Finding, Severity, format_path
from kzvote.load import parse
from kzvote.model import Counts, Figure, Path, Results

Value = Union[int, Fraction]

CLASSES = ("exact", "ambiguous-named", "missed", "wrong")
COUNT_FIELDS = ("registered", "ballots_cast", "invalid_ballots", "blank_ballots", "ballots_in_boxes", "polling_stations")
PLAIN_COUNT = re.compile(r"0|[1-9][0-9]{0,14}")
PLAIN_PERCENT = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?")


# --- the figures of a file ------------------------------------------------------------------------


@dataclass(frozen=True)
class Suspect:
    """A figure of the file that a slip may hit: where its text stands, and what kind it is."""

    path: Path
    kind: str  # votes, percent, turnout count, turnout percent, region count, region percent, region votes
    text: str
    offset: int  # of the text in the file

    @property
    def is_percent(self) -> bool:
        return self.kind.endswith("percent")

    @property
    def path_text(self) -> str:
        return format_path(self.path)


def suspects(results: Results, text: str) -> list[Suspect]:
    line_starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
    found: list[Suspect] = []

    def add(path: Path, kind: str, figure: Figure | None) -> None:
        if figure is None:
            return
        assert figure.position is not None, path
        offset = line_starts[figure.position.line - 1] + figure.position.column - 1
        assert text[offset : offset + len(figure.text)] == figure.text, (path, figure.text)
        found.append(Suspect(path, kind, figure.text, offset))

    for choice in results.choices:
        add(choice.path + ("votes",), "votes", choice.votes)
        add(choice.path + ("percent",), "percent", choice.percent)
        for kind, figure in choice.shares.items():
            add(choice.path + (f"percent_of_{kind}",), "percent", figure)
    for name in COUNT_FIELDS:
        add(("turnout", name), "turnout count", getattr(results.turnout, name))
    add(("turnout", "turnout_percent"), "turnout percent", results.turnout.turnout_percent)
    for region in results.regions:
        for name in COUNT_FIELDS:
            add(region.path + (name,), "region count", getattr(region.counts, name))
        add(region.path + ("turnout_percent",), "region percent", region.counts.turnout_percent)
        for choice_name, figure in region.votes.items():
            add(region.path + ("votes", choice_name), "region votes", figure)
    return found


# --- slips ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slip:
    text: str
    how: str


def is_valid(text: str, is_percent: bool) -> bool:
    if not is_percent:
        return PLAIN_COUNT.fullmatch(text) is not None
    return PLAIN_PERCENT.fullmatch(text) is not None and Fraction(text) <= 100


def slips(text: str, is_percent: bool) -> list[Slip]:
    """Every single-keystroke slip of a figure's text, valid for its field, each text once: a digit
    changed, two neighbouring digits swapped (a decimal point stays where it is), a digit dropped,
    a digit doubled."""
    seen = {text}
    result = []
    for slip in _raw_slips(text):
        if slip.text not in seen and is_valid(slip.text, is_percent):
            seen.add(slip.text)
            result.append(slip)
    return result


def _raw_slips(text: str) -> Iterator[Slip]:
    digits = [i for i, char in enumerate(text) if char.isdigit()]
    for i in digits:
        for digit in "0123456789":
            if digit != text[i]:
                yield Slip(text[:i] + digit + text[i + 1 :], f"digit {i + 1} changed {text[i]}→{digit}")
    for i in digits:
        if i + 1 in digits:
            yield Slip(text[:i] + text[i + 1] + text[i] + text[i + 2 :], f"digits {i + 1}–{i + 2} swapped")
    for i in digits:
        yield Slip(text[:i] + text[i + 1 :], f"digit {i + 1} ({text[i]}) dropped")
    for i in digits:
        yield Slip(text[:i] + text[i] + text[i:], f"digit {i + 1} ({text[i]}) doubled")


def neighbours(text: str, is_percent: bool) -> set[str]:
    """The texts one keystroke away in either direction: the slips, and a digit inserted anywhere
    (which undoes a dropped digit)."""
    near = {slip.text for slip in slips(text, is_percent)}
    for i in range(len(text) + 1):
        for digit in "0123456789":
            near.add(text[:i] + digit + text[i:])
    return {t for t in near if t != text and is_valid(t, is_percent)}


# --- the oracle -------------------------------------------------------------------------------------


def value_of(text: str, is_percent: bool) -> Figure:
    return Figure(Fraction(text) if is_percent else int(text), text)


def substitute(results: Results, path: Path, figure: Figure) -> Results:
    """The results with the figure at path replaced (the model is frozen)."""
    head = path[0]
    if head == "candidates" or head == "against_all":
        choices = list(results.candidates) if head == "candidates" else [results.against_all]
        index = path[1] if head == "candidates" else 0
        assert isinstance(index, int)
        field = path[-1]
        assert isinstance(field, str) and choices[index] is not None
        if field.startswith("percent_of_"):
            shares = choices[index].shares | {field.removeprefix("percent_of_"): figure}  # type: ignore[union-attr]
            choices[index] = replace(choices[index], shares=shares)  # type: ignore[arg-type]
        else:
            choices[index] = replace(choices[index], **{field: figure})  # type: ignore[arg-type]
        if head == "candidates":
            return replace(results, candidates=tuple(choices))  # type: ignore[arg-type]
        return replace(results, against_all=choices[0])
    if head == "turnout":
        return replace(results, turnout=replace(results.turnout, **{str(path[1]): figure}))
    assert head == "regions" and isinstance(path[1], int)
    regions = list(results.regions)
    region = regions[path[1]]
    if path[2] == "votes":
        region = replace(region, votes=region.votes | {str(path[3]): figure})
    else:
        region = replace(region, counts=replace(region.counts, **{str(path[2]): figure}))
    regions[path[1]] = region
    return replace(results, regions=tuple(regions))


def _count(figure: Figure | None) -> int | None:
    return figure.count if figure is not None else None


def _outside_window(part: int, whole: int | None, percent: Figure, truncate: bool = False) -> bool:
    if whole is None:
        return False  # no base to compare with: nothing is stated
    if whole == 0:
        return True
    computed = Fraction(part * 100, whole)
    if truncate:
        return not (percent.value <= computed < percent.value + Fraction(1, 10**percent.decimals))
    half = Fraction(1, 2 * 10**percent.decimals)
    return abs(computed - percent.value) > half


def violations(results: Results) -> list[str]:
    """Every relation among the file's figures that does not hold, in words; exact arithmetic.
    Percent windows follow election.rounding: [p - h, p + h] rounded, [p, p + 10^-d) truncated."""
    found: list[str] = []
    turnout = results.turnout
    truncate = results.election.rounding == "truncate"
    valid = sum(c.votes.count for c in results.choices)
    blank, invalid = _count(turnout.blank_ballots), _count(turnout.invalid_ballots)
    boxes = _count(turnout.ballots_in_boxes)
    if boxes is None and invalid is not None:
        boxes_base: int | None = valid + (blank or 0) + invalid
    else:
        boxes_base = boxes
    bases = {"valid": valid, "cast": _count(turnout.ballots_cast), "registered": _count(turnout.registered), "in_boxes": boxes_base}
    for choice in results.choices:
        shares = [(results.election.percent_of, choice.percent)] + list(choice.shares.items())
        for kind, percent in shares:
            if percent is not None and _outside_window(choice.votes.count, bases[kind], percent, truncate):
                found.append(f"{format_path(choice.path)}: {percent.text}% window of {kind}")
    found += _counts_violations(turnout, "turnout", truncate)
    found += _balance_violations(turnout, valid, True, "turnout")
    for region in results.regions:
        where = format_path(region.path)
        found += _counts_violations(region.counts, where, truncate)
        complete = len(region.votes) == len(results.choices)
        if region.votes or region.counts.invalid_ballots is not None or region.counts.blank_ballots is not None:
            found += _balance_violations(region.counts, sum(f.count for f in region.votes.values()), complete, where)
        elif region.counts.ballots_in_boxes is not None and region.counts.ballots_cast is not None:
            found += _balance_violations(region.counts, 0, False, where)
    if results.regions:
        for name in COUNT_FIELDS:
            national = _count(getattr(turnout, name))
            parts = [_count(getattr(r.counts, name)) for r in results.regions]
            if national is not None and sum(p for p in parts if p is not None) > national:
                found.append(f"regions' {name} > national")
        for choice in results.choices:
            if sum(r.votes[choice.name].count for r in results.regions if choice.name in r.votes) > choice.votes.count:
                found.append(f"regions' votes for {choice.name} > national")
    return found


def _balance_violations(counts: Counts, valid: int, complete: bool, where: str) -> list[str]:
    """valid + blank + invalid against the ballots in the boxes (or cast): equal when every choice
    and the invalid ballots are given, else at most; in the boxes at most cast."""
    found = []
    cast, boxes = _count(counts.ballots_cast), _count(counts.ballots_in_boxes)
    blank, invalid = _count(counts.blank_ballots), _count(counts.invalid_ballots)
    target = boxes if boxes is not None else cast
    total = valid + (blank or 0) + (invalid or 0)
    if target is not None and complete and invalid is not None and total != target:
        found.append(f"{where}: valid + blank + invalid ≠ {'in boxes' if boxes is not None else 'cast'}")
    elif target is not None and total > target:
        found.append(f"{where}: valid + blank + invalid > {'in boxes' if boxes is not None else 'cast'}")
    if boxes is not None and cast is not None and boxes > cast:
        found.append(f"{where}: in boxes > cast")
    return found


def _counts_violations(counts: Counts, where: str, truncate: bool) -> list[str]:
    found = []
    cast, registered = _count(counts.ballots_cast), _count(counts.registered)
    if cast is not None and registered is not None and cast > registered:
        found.append(f"{where}: cast > registered")
    if counts.turnout_percent is not None and cast is not None and _outside_window(cast, registered, counts.turnout_percent, truncate):
        found.append(f"{where}: {counts.turnout_percent.text}% turnout window")
    return found


def fits(results: Results, suspect: Suspect, slipped_text: str) -> set[str]:
    """The texts one keystroke from the slipped one that make the file consistent again."""
    return {
        near for near in neighbours(slipped_text, suspect.is_percent) if not violations(substitute(results, suspect.path, value_of(near, suspect.is_percent)))
    }


# --- classification ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    file: str
    path: str
    kind: str
    original: str
    slipped: str
    how: str
    verdict: str  # one of CLASSES
    reason: str = ""


def counting(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity >= Severity.WARNING and f.accepted is None]


def _describe(finding: Finding) -> str:
    return f"{finding.code} {finding.path_text or '(file)'}"


def _suggestion(finding: Finding) -> str | None:
    """What the finding proposes for the slipped figure, as text, or None."""
    value = finding.figures.get("suggestion")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    said = re.search(r"did you mean ([0-9][0-9,]*(?:\.[0-9]+)?)", finding.message)
    return said.group(1).replace(",", "") if said else None


def _same_value(a: str, b: str) -> bool:
    return Fraction(a) == Fraction(b)


def classify(results: Results, slipped: Results, suspect: Suspect, slipped_text: str, findings: list[Finding]) -> tuple[str, str]:
    """(class, reason) for one slip; `results` is the original file, `slipped` the file after it."""
    counted = counting(findings)
    broken = violations(slipped)
    if not broken:
        # A tie or "against all ahead" (KZ5xx) states the outcome of figures that are consistent:
        # true of the file as written, and no claim about which figure slipped.
        counted = [f for f in counted if not f.code.startswith("KZ5")]
    if not counted:
        return ("missed", "") if not broken else ("wrong", f"silent: {broken[0]}")
    if not broken:
        return "wrong", f"{_describe(counted[0])} on consistent figures"
    if len(counted) > 1:
        return "wrong", f"{len(counted)} findings: " + ", ".join(_describe(f) for f in counted)
    finding = counted[0]
    if len(finding.blames) > 1:  # one finding naming several equally good suspects
        listed = suspect.path_text in finding.message or suspect.path_text in (finding.figures.get("suspects") or [])  # type: ignore[operator]
        named = suspect.path in finding.blames and listed
        return ("ambiguous-named", "") if named else ("wrong", f"{_describe(finding)} names suspects without {suspect.path_text}")
    if finding.path != suspect.path:
        named = suspect.path_text in finding.message or any(isinstance(v, str) and suspect.path_text in v for v in finding.figures.values())
        return ("ambiguous-named", "") if named else ("wrong", f"blamed {_describe(finding)}")
    fitting = fits(results, suspect, slipped_text)
    suggested = _suggestion(finding)
    if fitting == {suspect.text} and (suggested is None or not _same_value(suggested, suspect.text)):
        return "wrong", f"{finding.code} on the figure but " + (
            f"suggests {suggested}, not {suspect.text}" if suggested else f"no suggestion of {suspect.text}"
        )
    if suggested is not None and not any(_same_value(suggested, f) for f in fitting):
        return "wrong", f"{finding.code} suggests {suggested}, which is no one-keystroke fit"
    return "exact", ""


def slip_file(text: str, suspect: Suspect, slipped_text: str) -> str:
    return text[: suspect.offset] + slipped_text + text[suspect.offset + len(suspect.text) :]


def run_slip(text: str, name: str, results: Results, suspect: Suspect, slip: Slip) -> Row:
    slipped_source = slip_file(text, suspect, slip.text)
    base = Row(name, suspect.path_text, suspect.kind, suspect.text, slip.text, slip.how, "")
    try:
        slipped = parse(slipped_source.encode("utf-8"), name)
    except KzvoteError as error:
        codes = ",".join(sorted({f.code for f in error.findings}))
        return replace(base, verdict="wrong", reason=f"input error {codes}")
    verdict, reason = classify(results, slipped, suspect, slip.text, run_checks(slipped))
    return replace(base, verdict=verdict, reason=reason)


def run_file(path: str | FilePath) -> list[Row]:
    """Every slip of every figure of a results file, classified. The file must check clean."""
    text = FilePath(path).read_text(encoding="utf-8")
    name = FilePath(path).name
    results = parse(text.encode("utf-8"), name)
    assert not counting(run_checks(results)), f"{name} must check clean before it is slipped"
    assert not violations(results), f"{name}: {violations(results)}"
    return [run_slip(text, name, results, suspect, slip) for suspect in suspects(results, text) for slip in slips(suspect.text, suspect.is_percent)]


def table(rows: list[Row]) -> dict[str, Counter[str]]:
    """Figure kind -> class -> number of slips."""
    by_kind: dict[str, Counter[str]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, Counter())[row.verdict] += 1
    return by_kind
