"""What changed between two versions of a results file, figure by figure, for a reviewer.

KZ701 count-decreased    (warning) a count went down while the result stays final, with no correction noted
KZ702 correction-noted   (note) a count went down in a final result, and election.correction says why

The reconciliation findings of both versions are compared too: those that appeared are the ones a
reviewer must look at; an edit that introduces a new error fails (exit 1).
"""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path as FilePath
from pathlib import PurePosixPath
from typing import Union

from kzvote import fmt
from kzvote.checks import run_checks
from kzvote.checks.rule import Context, Rule
from kzvote.errors import KzvoteError
from kzvote.findings import FigureValue, Finding, Position, Severity
from kzvote.load import INPUT_RULES, MAX_BYTES, load, parse
from kzvote.model import Counts, Figure, Path, Results
from kzvote.text import excerpt

COUNT_DECREASED = Rule("KZ701", "count-decreased", Severity.WARNING, "a final count went down without a noted correction")
CORRECTION_NOTED = Rule("KZ702", "correction-noted", Severity.NOTE, "a final count went down, with a noted correction")
RULES = (COUNT_DECREASED, CORRECTION_NOTED)
UNREADABLE = INPUT_RULES["KZ001"]

Value = Union[int, Fraction, str, None]


@dataclass(frozen=True)
class Entry:
    """One figure of a results file, flattened: what a reviewer sees change."""

    label: str
    kind: str  # count | percent | text
    value: Value
    text: str
    path: Path
    position: Position | None


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    kind: str
    old: Entry | None  # None: added
    new: Entry | None  # None: removed

    @property
    def difference(self) -> int | Fraction | None:
        if self.old is None or self.new is None or self.kind == "text":
            return None
        return self.new.value - self.old.value  # type: ignore[operator]


@dataclass(frozen=True)
class Diff:
    old: Results
    new: Results
    changes: tuple[Change, ...]
    added_candidates: tuple[str, ...]
    removed_candidates: tuple[str, ...]
    appeared: tuple[Finding, ...]  # findings of NEW that OLD did not have
    disappeared: tuple[Finding, ...]
    findings: tuple[Finding, ...]  # the diff's own (KZ7xx) and the appeared ones
    in_new: tuple[Finding, ...] = ()  # every finding NEW holds: its reconciliation ones and the diff's own

    @property
    def stage_change(self) -> tuple[str, str] | None:
        old, new = self.old.election.stage, self.new.election.stage
        return (old, new) if old != new else None


def read_version(spec: str, new_path: str | FilePath) -> Results:
    """A results file from disk, or `git:REV[:PATH]` read with `git show` (the work tree is not touched)."""
    if not spec.startswith("git:"):
        return load(spec)
    rev, _, path = spec[len("git:") :].partition(":")
    _refuse_unsafe(spec, rev, path)
    new = FilePath(new_path)
    cwd = new.parent if not path else FilePath.cwd()
    target = path or f"./{new.name}"
    name = f"git:{rev}:{path or new.name}"
    try:
        git = subprocess.Popen(["git", "show", *_end_of_options(), f"{rev}:{target}"], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise KzvoteError([UNREADABLE.finding("git is not installed, so git: versions cannot be read", file=name)]) from None
    with git:
        assert git.stdout is not None and git.stderr is not None
        # The same 16 MiB as a file on disk: a blob is read only that far.
        data = git.stdout.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            git.kill()
            raise KzvoteError([INPUT_RULES["KZ013"].finding(f"larger than {MAX_BYTES // (1024 * 1024)} MiB; not a results file", file=name)])
        errors = git.stderr.read(64 * 1024)
        code = git.wait(timeout=60)
    if code != 0:
        why = errors.decode("utf-8", "replace").strip().splitlines()
        raise KzvoteError([UNREADABLE.finding(f"git show {rev}:{target} failed: {excerpt(why[0]) if why else 'no output'}", file=name)])
    return parse(data, name)


def _refuse_unsafe(spec: str, rev: str, path: str) -> None:
    """The argument goes to git: it must name one revision and a file inside the repository, and
    never read as an option (`git:--output=FILE` would make git write into the work tree)."""
    problem = ""
    if not rev.strip():
        problem = "no revision named; write git:REV or git:REV:PATH, e.g. git:HEAD~1"
    elif rev.startswith("-"):
        problem = f"the revision must not start with '-' (git would read {rev!r} as an option)"
    elif ".." in rev:
        problem = f"{rev!r} is a range; name one revision, e.g. git:{rev.split('..')[0] or 'HEAD'}"
    elif any(ord(c) < 32 or ord(c) == 127 for c in spec):
        problem = "control characters are not allowed in a revision or path"
    elif path.startswith("/"):
        problem = f"the path {path!r} must be relative to the repository's top folder"
    elif ".." in PurePosixPath(path).parts:
        problem = f"the path {path!r} must stay inside the repository (no '..')"
    if problem:
        raise KzvoteError([UNREADABLE.finding(f"OLD: {problem}", file=spec)])


@functools.lru_cache(maxsize=1)
def _end_of_options() -> tuple[str, ...]:
    """`--end-of-options` (git 2.24+) so that nothing after it reads as an option. An older or
    unknown git does without it, which is still safe: a revision starting with '-' is refused first."""
    try:
        version = subprocess.run(["git", "--version"], capture_output=True, timeout=10, check=False).stdout.decode("ascii", "replace")
    except (OSError, subprocess.SubprocessError):
        return ()
    return ("--end-of-options",) if knows_end_of_options(version) else ()


def knows_end_of_options(version: str) -> bool:
    """From `git --version`'s output: "git version 2.39.5" -> True; 2.23 or unreadable -> False."""
    found = re.search(r"(\d+)\.(\d+)", version)
    return found is not None and (int(found[1]), int(found[2])) >= (2, 24)


def entries(results: Results) -> dict[str, Entry]:
    """Every figure by a key that survives reordering: candidates and regions by name, sources by id."""
    out: dict[str, Entry] = {}

    def put(key: str, label: str, kind: str, value: Value, text: str | None, path: Path) -> None:
        if value is not None:
            out[key] = Entry(label, kind, value, text if text is not None else str(value), path, results.where(path))

    def figure(key: str, label: str, fig: Figure | None, path: Path) -> None:
        if fig is not None:
            put(key, label, "count" if isinstance(fig.value, int) else "percent", fig.value, fig.text, path)

    election = results.election
    for name in ("title", "country", "authority", "stage", "percent_of", "rounding", "correction"):
        put(f"election.{name}", f"election {name.replace('_', ' ')}", "text", getattr(election, name), None, ("election", name))
    for name in ("date", "announced"):
        value = getattr(election, name)
        put(f"election.{name}", f"election {name}", "text", value.isoformat() if value else None, None, ("election", name))
    figure(
        "election.majority_percent",
        "majority percent",
        election.majority_percent if election.majority_percent.position else None,
        ("election", "majority_percent"),
    )
    put("election.round", "election round", "text", str(election.round), None, ("election", "round"))
    _counts(figure, "turnout", "", results.turnout, ("turnout",))
    for choice in results.choices:
        figure(f"choices.{choice.name}.votes", f"{choice.name}: votes", choice.votes, choice.path + ("votes",))
        figure(f"choices.{choice.name}.percent", f"{choice.name}: percent", choice.percent, choice.path + ("percent",))
        for kind, share in choice.shares.items():
            figure(f"choices.{choice.name}.percent_of_{kind}", f"{choice.name}: percent of {kind}", share, choice.path + (f"percent_of_{kind}",))
        put(f"choices.{choice.name}.nominated_by", f"{choice.name}: nominated by", "text", choice.nominated_by, None, choice.path + ("nominated_by",))
        put(f"choices.{choice.name}.aliases", f"{choice.name}: aliases", "text", ", ".join(choice.aliases) or None, None, choice.path + ("aliases",))
    for region in results.regions:
        _counts(figure, f"regions.{region.name}", f"{region.name}: ", region.counts, region.path)
        for name, votes in region.votes.items():
            figure(f"regions.{region.name}.votes.{name}", f"{region.name}: votes for {name}", votes, region.path + ("votes", name))
    for source in results.sources:
        put(f"sources.{source.id}", f"source {source.id}", "text", f"{source.publisher}, {source.published_text}", None, source.path)
        for reported in source.choices.values():
            figure(f"sources.{source.id}.{reported.name}.votes", f"{source.id}: {reported.name} votes", reported.votes, reported.path + ("votes",))
            figure(f"sources.{source.id}.{reported.name}.percent", f"{source.id}: {reported.name} percent", reported.percent, reported.path + ("percent",))
        _counts(figure, f"sources.{source.id}.turnout", f"{source.id}: ", source.turnout, source.path + ("reported", "turnout"))
        for name, counts in source.regions.items():
            _counts(figure, f"sources.{source.id}.regions.{name}", f"{source.id}: {name} ", counts, source.path + ("reported", "regions", name))
    return out


def _counts(figure: object, key: str, prefix: str, counts: Counts, path: Path) -> None:
    for name in ("registered", "ballots_cast", "invalid_ballots", "blank_ballots", "ballots_in_boxes", "polling_stations", "turnout_percent"):
        figure(f"{key}.{name}", prefix + name.replace("_", " "), getattr(counts, name), path + (name,))  # type: ignore[operator]


def _finding_key(f: Finding) -> tuple[str, str, tuple[str, ...]]:
    """Findings match across versions by code, subject and named path: list indexes shift."""
    return (f.code, f.subject, tuple(p for p in f.path if isinstance(p, str)))


def compare(old: Results, new: Results) -> Diff:
    before, after = entries(old), entries(new)
    changes = []
    for key in list(before) + [k for k in after if k not in before]:
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None and a.value == b.value and a.text == b.text:
            continue
        shown = b or a
        assert shown is not None
        changes.append(Change(key, shown.label, shown.kind, a, b))
    old_names = [c.name for c in old.candidates]
    new_names = [c.name for c in new.candidates]
    old_findings, new_findings = run_checks(old), run_checks(new)
    old_keys = {_finding_key(f) for f in old_findings}
    new_keys = {_finding_key(f) for f in new_findings}
    appeared = tuple(f for f in new_findings if _finding_key(f) not in old_keys)
    disappeared = tuple(f for f in old_findings if _finding_key(f) not in new_keys)
    own = tuple(_decreases(Context(new), old, new, changes))
    return Diff(
        old,
        new,
        tuple(changes),
        tuple(n for n in new_names if n not in old_names),
        tuple(n for n in old_names if n not in new_names),
        appeared,
        disappeared,
        tuple(sorted(own + appeared, key=Finding.sort_key)),
        tuple(sorted(own + tuple(new_findings), key=Finding.sort_key)),
    )


def _decreases(ctx: Context, old: Results, new: Results, changes: list[Change]) -> Iterator[Finding]:
    if not (old.election.stage == new.election.stage == "final"):
        return
    correction = new.election.correction
    for change in changes:
        if change.kind != "count" or change.key.startswith("sources.") or change.old is None or change.new is None:
            continue
        if change.new.value >= change.old.value:  # type: ignore[operator]
            continue
        went = f"{change.label} went down from {fmt.count(change.old.value)} to {fmt.count(change.new.value)} ({change.difference:+,}) in a final result"  # type: ignore[arg-type]
        figures: dict[str, FigureValue] = {"old": int(change.old.value), "new": int(change.new.value), "difference": int(change.difference or 0)}  # type: ignore[arg-type]
        if correction:
            yield CORRECTION_NOTED(ctx, f"{went}; correction: {correction}", change.new.path, change.label, figures)
        else:
            yield COUNT_DECREASED(ctx, f"{went}; if it corrects an error, say so in election.correction", change.new.path, change.label, figures)
