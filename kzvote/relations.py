"""The relations a results file's figures must satisfy, as data.

Every relation says which figures it reads, whether it holds, and, for any one of those figures,
which values of it would make the relation hold with every other figure as written. That is all
attribution (kzvote.attribution) needs: it never looks inside a check.

Two shapes cover the file:
  Ratio   part x 100 / whole rounds to a published percent (a share, a turnout)
  Linear  a signed sum of figures is <= 0 or == 0 (cast <= registered, valid + invalid = cast,
          regions add up to no more than the nation)
A `whole` or a term may be a Sum of figures (valid votes, a figure summed over regions); a figure
that is a member of a sum moves the sum with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import NamedTuple, Union

from kzvote import fmt
from kzvote.arith import EMPTY, Interval, Precision, fits_text, share
from kzvote.findings import FigureValue, Position
from kzvote.model import Figure, Path, Results
from kzvote.schema import BASE_NAMES

COUNT_FIELDS = ("registered", "ballots_cast", "invalid_ballots", "blank_ballots", "ballots_in_boxes", "polling_stations")
FIELD_LABELS = {
    "registered": "registered voters",
    "ballots_cast": "ballots cast",
    "invalid_ballots": "invalid ballots",
    "blank_ballots": "blank ballots",
    "ballots_in_boxes": "ballots in the boxes",
    "polling_stations": "polling stations",
    "turnout_percent": "turnout",
}
NATURAL = Interval(Fraction(0), None)


class Quantity(NamedTuple):
    """A figure of the file as attribution sees it. A named tuple, and its label worded when asked:
    a 5,000-region file has 285,000 of them, made in a third of a frozen dataclass's time."""

    path: Path
    figure: Figure
    is_percent: bool = False
    subject: str = ""  # whom the figure is about: a choice, a region, or "" for the national turnout

    @property
    def label(self) -> str:
        """ "Karakat Abden's votes", "ballots cast", "Abroad: registered voters" """
        path, leaf = self.path, str(self.path[-1])
        if path[0] == "regions":
            return f"{self.subject}: votes for {leaf}" if path[-2] == "votes" else f"{self.subject}: {FIELD_LABELS[leaf]}"
        if path[0] == "turnout":
            return FIELD_LABELS[leaf]
        owner = "against all" if path[0] == "against_all" else self.subject
        if leaf.startswith("percent_of_"):
            return f"{owner}'s share of {BASE_NAMES[leaf.removeprefix('percent_of_')]}"
        if path[0] == "against_all":
            return f"the {leaf} against all"
        return f"{owner}'s {leaf}"


@dataclass(frozen=True, eq=False)
class Sum:
    """A derived total: it moves by exactly as much as any member does."""

    name: str
    key: str  # its stable name in a finding's figures: "valid", "votes", "regions_registered", ...
    members: tuple[Path, ...]
    patterns: tuple[Path, ...]  # the members as paths with "*" for what varies: what a finding rests on
    value: int


Term = Union[Path, Sum]


@dataclass(frozen=True, eq=False)
class Ratio:
    code: str
    where: Path  # where a finding about it stands
    subject: str
    part: Path
    whole: Term
    percent: Path
    what: str  # "votes" | "turnout"


@dataclass(frozen=True, eq=False)
class Linear:
    code: str
    where: Path
    subject: str
    terms: tuple[tuple[int, Term], ...]
    equal: bool  # == 0, else <= 0
    what: str = ""  # "regions": a figure summed over the regions against the national one


Relation = Union[Ratio, Linear]


@dataclass
class System:
    """The figures of one results file and every relation among them."""

    quantities: dict[Path, Quantity] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    all_sums: list[Sum] = field(default_factory=list)
    truncate: bool = False  # published percentages are cut, not rounded (election.rounding)

    @cached_property
    def sums_of(self) -> dict[Path, list[Sum]]:
        """The sums each figure is a member of: asked for only when something fails, so a clean
        file of 250,000 region votes never builds it."""
        found: dict[Path, list[Sum]] = {}
        for total in self.all_sums:
            for member in total.members:
                found.setdefault(member, []).append(total)
        return found

    # --- values ------------------------------------------------------------------------------------

    def value(self, term: Term) -> int:
        return term.value if isinstance(term, Sum) else self.quantities[term].figure.count

    def percent(self, path: Path) -> Figure:
        return self.quantities[path].figure

    def precision(self, path: Path, text: str | None = None) -> Precision:
        """What the percent at `path` claims (or would claim, written as `text`), under the rule."""
        return Precision.of(text if text is not None else self.percent(path).text, self.truncate)

    def share(self, ratio: Ratio) -> Fraction | None:
        return share(self.value(ratio.part), self.value(ratio.whole))

    def holds(self, relation: Relation) -> bool:
        if isinstance(relation, Ratio):
            computed = self.share(relation)
            return computed is not None and self.precision(relation.percent).holds(computed)
        total = self.lhs(relation)
        return total == 0 if relation.equal else total <= 0

    def lhs(self, relation: Linear) -> int:
        return sum(coef * self.value(term) for coef, term in relation.terms)

    @cached_property
    def violated(self) -> tuple[Relation, ...]:
        return tuple(r for r in self.relations if not self.holds(r))

    # --- what a relation reads -----------------------------------------------------------------------

    @staticmethod
    def direct(relation: Relation) -> tuple[Path, ...]:
        if isinstance(relation, Ratio):
            return (relation.part, relation.percent) + (() if isinstance(relation.whole, Sum) else (relation.whole,))
        return tuple(t for _, t in relation.terms if not isinstance(t, Sum))

    @staticmethod
    def sums(relation: Relation) -> tuple[Sum, ...]:
        terms = (relation.whole,) if isinstance(relation, Ratio) else tuple(t for _, t in relation.terms)
        return tuple(t for t in terms if isinstance(t, Sum))

    def rests_on(self, relation: Relation) -> tuple[Path, ...]:
        """The figures it reads, sums as one wildcard path each: O(1) per relation."""
        structure: tuple[Path, ...] = (("election", "rounding"),) if isinstance(relation, Ratio) else ()
        if isinstance(relation, Ratio) and relation.what == "votes":
            # a share also rests on what it is a share of, and (of valid votes) on the list of choices
            structure += (("election", "percent_of"),) + ((("candidates",),) if isinstance(relation.whole, Sum) else ())
        return self.direct(relation) + tuple(p for s in self.sums(relation) for p in s.patterns) + structure

    @cached_property
    def _direct_index(self) -> dict[Path, list[Relation]]:
        index: dict[Path, list[Relation]] = {}
        for relation in self.relations:
            for path in self.direct(relation):
                index.setdefault(path, []).append(relation)
        return index

    @cached_property
    def _sum_index(self) -> dict[int, list[Relation]]:
        index: dict[int, list[Relation]] = {}
        for relation in self.relations:
            for total in self.sums(relation):
                index.setdefault(id(total), []).append(relation)
        return index

    # --- fits: the values of one figure that keep a relation --------------------------------------

    def is_member(self, path: Path, total: Sum) -> bool:
        return any(s is total for s in self.sums_of.get(path, ()))

    def fit(self, relation: Relation, path: Path) -> Interval:
        """Values of the count at `path` that make `relation` hold, every other figure as written."""
        if isinstance(relation, Ratio):
            claim = self.precision(relation.percent)
            whole = self.value(relation.whole)
            if path == relation.part:
                if isinstance(relation.whole, Sum) and self.is_member(path, relation.whole):
                    return claim.votes_in_sum(whole - self.value(path))
                return claim.votes_at(whole)
            # the figure is the whole, or moves it as a member of its sum
            bases = claim.bases(self.value(relation.part)).intersect(Interval(Fraction(1), None))
            return _shift(bases, self.value(path) - whole)
        coef = sum(c for c, t in relation.terms if t == path or (isinstance(t, Sum) and self.is_member(path, t)))
        rest = self.lhs(relation) - coef * self.value(path)
        if coef == 0:
            return NATURAL if (rest == 0 if relation.equal else rest <= 0) else EMPTY
        bound = Fraction(-rest, coef)
        if relation.equal:
            return Interval(bound, bound)
        return Interval(Fraction(0), bound) if coef > 0 else Interval(bound, None)

    @cached_property
    def order(self) -> dict[Path, int]:
        """File order of the figures."""
        return {path: i for i, path in enumerate(self.quantities)}

    def ratio_of(self, percent: Path) -> Ratio:
        """The one ratio a published percent takes part in."""
        (relation,) = self._direct_index[percent]
        assert isinstance(relation, Ratio)
        return relation

    def fits_percent(self, path: Path, text: str, computed: Fraction | None = None) -> bool:
        """Whether the percent at `path`, written as `text`, would make its ratio hold (pass the
        computed share when asking about many texts)."""
        computed = computed if computed is not None else self.share(self.ratio_of(path))
        return computed is not None and fits_text(computed, text, self.truncate)

    def fitting(self, path: Path) -> Interval:
        """Every value of the count at `path` that keeps every relation reading it."""
        result = NATURAL
        for relation in self._direct_index.get(path, ()):
            result = result.intersect(self.fit(relation, path))
            if result.empty:
                return result
        for total in self.sums_of.get(path, ()):
            others = self._sum_fit_without(total, path)
            result = result.intersect(_shift(others, self.value(path) - total.value))
            if result.empty:
                return result
        return result

    def sum_window(self, path: Path) -> tuple[Sum, Interval] | None:
        """Where every other relation puts the first sum the figure at `path` belongs to."""
        for total in self.sums_of.get(path, ()):
            return total, self._sum_fit_without(total, path)
        return None

    def _sum_fit_without(self, total: Sum, path: Path) -> Interval:
        """The intersection, over relations reading the sum, of the sum values that keep them —
        leaving out relations that read `path` directly too (fitted above, as themselves).
        Prefix and suffix intersections make this O(1) per member after O(n) once per sum."""
        relations = self._sum_index.get(id(total), [])
        prefix, suffix, reads = self._sum_bounds(total)
        skip = reads.get(path, [])
        if not skip:
            return prefix[-1]
        if len(skip) == 1:
            return prefix[skip[0]].intersect(suffix[skip[0] + 1])
        result = NATURAL
        for i, relation in enumerate(relations):
            if i not in skip:
                result = result.intersect(self._as_sum(relation, total))
        return result

    def _sum_bounds(self, total: Sum) -> tuple[list[Interval], list[Interval], dict[Path, list[int]]]:
        cache = self.__dict__.setdefault("_bounds", {})
        if id(total) not in cache:
            relations = self._sum_index.get(id(total), [])
            fits = [self._as_sum(r, total) for r in relations]
            prefix, suffix = [NATURAL], [NATURAL]
            for interval in fits:
                prefix.append(prefix[-1].intersect(interval))
            for interval in reversed(fits):
                suffix.append(suffix[-1].intersect(interval))
            reads: dict[Path, list[int]] = {}  # member -> the relations here that read it directly too
            for i, relation in enumerate(relations):
                for path in self.direct(relation):
                    reads.setdefault(path, []).append(i)
            cache[id(total)] = (prefix, suffix[::-1], reads)
        return cache[id(total)]

    def relations_of(self, path: Path) -> list[Relation]:
        """The relations that read the figure at `path` itself (not through a sum)."""
        return self._direct_index.get(path, [])

    def relations_of_sum(self, total: Sum) -> list[Relation]:
        """The relations that read a sum."""
        return self._sum_index.get(id(total), [])

    def sum_fit(self, relation: Relation, total: Sum) -> Interval:
        """The values of the sum itself that keep `relation`, its other figures as written."""
        return self._as_sum(relation, total)

    def _as_sum(self, relation: Relation, total: Sum) -> Interval:
        """The values of the sum itself that keep `relation`, its other figures as written."""
        if isinstance(relation, Ratio):
            return self.precision(relation.percent).bases(self.value(relation.part)).intersect(Interval(Fraction(1), None))
        coef = sum(c for c, t in relation.terms if t is total)
        rest = self.lhs(relation) - coef * total.value
        bound = Fraction(-rest, coef)
        if relation.equal:
            return Interval(bound, bound)
        return Interval(Fraction(0), bound) if coef > 0 else Interval(bound, None)

    def position(self, path: Path) -> Position | None:
        """Where a figure's value is written, when the path is a figure's."""
        quantity = self.quantities.get(path)
        return quantity.figure.position if quantity is not None else None

    def figures(self, relation: Relation) -> dict[str, FigureValue]:
        """The relation's figures for machine formats: what it read, what it computed."""
        if isinstance(relation, Ratio):
            published = self.percent(relation.percent)
            computed = self.share(relation)
            part_name = "votes" if relation.what == "votes" else "ballots_cast"
            whole_name = "base" if relation.what == "votes" else "registered"
            return {
                part_name: self.value(relation.part),
                whole_name: self.value(relation.whole),
                "share" if relation.what == "votes" else "turnout": fmt.as_number(computed),
                "published": fmt.as_number(published.value),  # type: ignore[arg-type]
                "published_decimals": published.decimals,
                "difference": fmt.as_number(None if computed is None else computed - published.value),
            }
        figures: dict[str, FigureValue] = {}
        for _, term in relation.terms:
            key = term.key if isinstance(term, Sum) else str(term[-1])
            figures[key] = self.value(term)
        figures["difference"] = self.lhs(relation)
        return figures

    # --- words -------------------------------------------------------------------------------------

    def short(self, relation: Relation) -> str:
        """A relation named in a few words: "Marine Le Pen's share of registered voters", "the
        ballot balance in Abroad"."""
        where = f" in {relation.subject}" if relation.subject and relation.where[0] == "regions" else ""
        if isinstance(relation, Ratio):
            if relation.what == "turnout":
                return f"the turnout{where}"
            of = "" if relation.percent[-1] == "percent" else f" of {_base_name(relation.whole)}"  # the declared base goes without saying
            return f"{relation.subject}'s share{of}"
        if relation.what == "regions":
            return f"the regions' {_describe_linear(self, relation).split(':', 1)[0]}"
        return {
            "KZ201": "the ballot balance",
            "KZ203": "valid votes within the ballots",
            "KZ204": "ballots cast within the registered",
            "KZ205": "the ballots in the boxes within those cast",
        }.get(relation.code, relation.code) + where

    def describe(self, relation: Relation) -> str:
        """What the relation says about the figures as written, when it does not hold."""
        if isinstance(relation, Ratio):
            part, whole = self.value(relation.part), self.value(relation.whole)
            published = self.percent(relation.percent)
            computed = self.share(relation)
            tolerance = fmt.tolerance(published.decimals, self.truncate)
            if relation.what == "turnout":
                lead = f"{relation.subject}: " if relation.subject else ""
                if computed is None:
                    return f"{lead}turnout is {fmt.count(part)} of 0 registered voters, not {published.text}%"
                return f"{lead}turnout is {fmt.count(part)} / {fmt.count(whole)} = {fmt.percent(computed)}%, not {published.text}% ({tolerance})"
            base = _base_name(relation.whole)
            if computed is None:
                return f"{relation.subject}: {fmt.votes(part)} of 0 {base} cannot be {published.text}%"
            verb = "is" if part == 1 else "are"
            share_text = fmt.percent(computed, max(published.decimals + 2, 4))
            return f"{relation.subject}: {fmt.votes(part)} {verb} {share_text}% of {fmt.count(whole)} {base}, not {published.text}% ({tolerance})"
        return _describe_linear(self, relation)


def _describe_linear(system: System, relation: Linear) -> str:
    lead = f"{relation.subject}: " if relation.subject else ""
    if relation.what == "regions":
        (_, regional), (_, national) = relation.terms
        total, whole = system.value(regional), system.value(national)
        what = regional.name.removesuffix(" in the regions") if isinstance(regional, Sum) else ""
        return f"{what}: the regions add up to {fmt.count(total)}, more than the national {fmt.count(whole)} (by {fmt.count(total - whole)})"
    sides = [(coef, term) for coef, term in relation.terms]
    left = [t for c, t in sides if c > 0]
    right = [t for c, t in sides if c < 0]
    left_value = sum(system.value(t) for t in left)
    right_value = sum(system.value(t) for t in right)
    left_text = " + ".join(f"{fmt.count(system.value(t))} {_term_name(system, t)}" for t in left)
    right_text = " + ".join(f"{fmt.count(system.value(t))} {_term_name(system, t)}" for t in right)
    if len(left) > 1:
        left_text += f" = {fmt.count(left_value)}"
    difference = left_value - right_value
    if relation.equal:
        return f"{lead}{left_text}, but {right_text} ({difference:+,})"
    return f"{lead}{left_text} exceed {right_text} by {fmt.count(difference)}"


def _term_name(system: System, term: Term) -> str:
    if isinstance(term, Sum):
        return term.name
    label = system.quantities[term].label
    return label.split(": ", 1)[-1]


def _base_name(whole: Term) -> str:
    if isinstance(whole, Sum):
        return BASE_NAMES[whole.key] if whole.key in BASE_NAMES else whole.name
    return FIELD_LABELS[str(whole[-1])]


def _shift(interval: Interval, by: int) -> Interval:
    if interval.empty:
        return interval
    return Interval(interval.lo + by, None if interval.hi is None else interval.hi + by)


# --- building the system of a results file -------------------------------------------------------------


def build(results: Results, truncate: bool | None = None) -> System:
    """The system of a results file, under its declared rounding rule unless told otherwise."""
    system = System(truncate=results.election.truncates if truncate is None else truncate)
    add = system.quantities.__setitem__

    new_tuple = tuple.__new__

    def quantity(path: Path, figure: Figure | None, is_percent: bool = False, subject: str = "") -> Path | None:
        if figure is None:
            return None
        add(path, new_tuple(Quantity, (path, figure, is_percent, subject)))  # Quantity(...) without its Python-level __new__
        return path

    quantities = system.quantities

    def total(name: str, key: str, members: list[Path], *patterns: Path, value: int | None = None) -> Sum:
        if value is None:
            value = sum(quantities[p].figure.count for p in members)
        result = Sum(name, key, tuple(members), patterns, value)
        system.all_sums.append(result)
        return result

    choices = results.choices
    for choice in choices:
        quantity(choice.path + ("votes",), choice.votes, False, choice.name)
        quantity(choice.path + ("percent",), choice.percent, True, choice.name)
        for kind, figure in choice.shares.items():
            quantity(choice.path + (f"percent_of_{kind}",), figure, True, choice.name)
    turnout = results.turnout
    national = {name: quantity(("turnout", name), getattr(turnout, name)) for name in COUNT_FIELDS}
    quantity(("turnout", "turnout_percent"), turnout.turnout_percent, True)
    valid = total("valid votes", "valid", [c.path + ("votes",) for c in choices], ("candidates", "*", "votes"), ("against_all", "votes"))
    relations = system.relations

    bases: dict[str, Term | None] = {}

    def base(kind: str) -> Term | None:
        if kind not in bases:  # built once: a sum registers itself with its members
            bases[kind] = _base(kind, national, valid, total)
        return bases[kind]

    for choice in choices:
        # `percent` is the share of election.percent_of; percent_of_<kind> the share of that base
        shares: list[tuple[str, str, Figure | None]] = [("percent", results.election.percent_of, choice.percent)]
        shares += [(f"percent_of_{k}", k, f) for k, f in choice.shares.items()]
        for key, kind, published in shares:
            whole = base(kind)
            if published is not None and whole is not None:
                relations.append(Ratio("KZ101", choice.path + ("votes",), choice.name, choice.path + ("votes",), whole, choice.path + (key,), "votes"))
    _counts_relations(system, national, ("turnout",), "")
    _balance(system, national, [(1, valid)], ("turnout",), "", complete=True)

    region_votes: list[dict[str, tuple[Path, int]]] = []  # per region, each choice's vote path and count: made once
    for index, region in enumerate(results.regions):
        counts = {name: quantity(region.path + (name,), getattr(region.counts, name), False, region.name) for name in COUNT_FIELDS}
        quantity(region.path + ("turnout_percent",), region.counts.turnout_percent, True, region.name)
        at: Path = region.path + ("votes",)
        paths: dict[str, tuple[Path, int]] = {}
        for name, vote in region.votes.items():  # quantity(), inlined: 250,000 votes in a large file
            path = at + (name,)
            paths[name] = (path, vote.value)  # type: ignore[assignment]  # a count's value is an int (Figure.count, without its check)
            add(path, new_tuple(Quantity, (path, vote, False, region.name)))
        region_votes.append(paths)
        vote_paths = [path for path, _ in paths.values()]
        _counts_relations(system, counts, region.path, region.name)
        in_region = sum(value for _, value in paths.values())
        votes: list[tuple[int, Term]] = (
            [(1, total(f"votes in {region.name}", "votes", vote_paths, ("regions", index, "votes", "*"), value=in_region))] if vote_paths else []
        )
        _balance(system, counts, votes, region.path, region.name, complete=len(region.votes) == len(choices))

    if results.regions:
        for name in COUNT_FIELDS:
            parts = [p for p in (region.path + (name,) for region in results.regions) if p in system.quantities]
            if national[name] is not None and parts:
                regional = total(f"{FIELD_LABELS[name]} in the regions", "regions_sum", parts, ("regions", "*", name))
                relations.append(Linear("KZ401", ("turnout", name), "", ((1, regional), (-1, national[name])), False, "regions"))  # type: ignore[arg-type]
        for choice in choices:
            listed = [entry for paths in region_votes if (entry := paths.get(choice.name)) is not None]
            parts, in_regions = [path for path, _ in listed], sum(value for _, value in listed)
            if parts:
                regional = total(f"votes for {choice.name} in the regions", "regions_sum", parts, ("regions", "*", "votes", choice.name), value=in_regions)
                relations.append(Linear("KZ401", choice.path + ("votes",), choice.name, ((1, regional), (-1, choice.path + ("votes",))), False, "regions"))
    return system


def _base(kind: str, national: dict[str, Path | None], valid: Sum, total: Callable[..., Sum]) -> Term | None:
    """What the published shares are shares of: a sum, or a figure of the turnout."""
    if kind == "valid":
        return valid
    if kind == "in_boxes" and national["ballots_in_boxes"] is None:
        # valid + blank + invalid, when invalid ballots are given: the ballots that were in the boxes;
        # with neither, invalid ballots are implied from the ballots cast, which are then the boxes
        if national["invalid_ballots"] is None:
            return national["ballots_cast"]
        parts = [p for p in (national["blank_ballots"], national["invalid_ballots"]) if p is not None]
        patterns = (("candidates", "*", "votes"), ("against_all", "votes"), ("turnout", "blank_ballots"), ("turnout", "invalid_ballots"))
        return total("ballots in the boxes", "in_boxes", [*valid.members, *parts], *patterns)
    return national[{"cast": "ballots_cast", "registered": "registered", "in_boxes": "ballots_in_boxes"}[kind]]


def _balance(system: System, counts: dict[str, Path | None], votes: list[tuple[int, Term]], path: Path, where: str, complete: bool) -> None:
    """valid + blank + invalid = the ballots in the boxes, or ballots cast when the boxes are not
    given (<= when invalid ballots are not given, or a region names only some choices); the
    ballots in the boxes never exceed the ballots cast."""
    cast, boxes, invalid = counts["ballots_cast"], counts["ballots_in_boxes"], counts["invalid_ballots"]
    target = boxes if boxes is not None else cast
    found: list[tuple[int, Term]] = votes + [(1, p) for p in (counts["blank_ballots"], invalid) if p is not None]
    if target is not None and found:
        equal = complete and invalid is not None
        if equal:
            code, at = "KZ201", path + ("invalid_ballots",)
        elif path[0] == "regions":
            code, at = "KZ402", path + ("votes",)
        else:
            code, at = "KZ203", target
        system.relations.append(Linear(code, at, where, (*found, (-1, target)), equal=equal))
    if boxes is not None and cast is not None:
        system.relations.append(Linear("KZ205", boxes, where, ((1, boxes), (-1, cast)), equal=False))


def _counts_relations(system: System, counts: dict[str, Path | None], path: Path, where: str) -> None:
    cast, registered = counts["ballots_cast"], counts["registered"]
    if cast is None or registered is None:
        return
    system.relations.append(Linear("KZ204", path + ("ballots_cast",), where, ((1, cast), (-1, registered)), equal=False))
    percent = path + ("turnout_percent",)
    if percent in system.quantities:
        system.relations.append(Ratio("KZ301", percent, where, cast, registered, percent, "turnout"))
