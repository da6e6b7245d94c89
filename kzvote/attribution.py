"""Which figure is wrong: the most economical explanation of the relations that do not hold.

Relations that fail together because they read a common figure form one group. For each group the
suspects are the figures every failing relation reads; a suspect explains the group when some value
of it makes every relation reading it hold, all other figures as written. Among suspects:
  1. fewest changed figures: one figure that explains the whole group beats any story of two;
  2. a one-keystroke correction (kzvote.keystroke) beats an arbitrary new value;
  3. what is left equal is named together, never picked silently.
Before arbitrary single-figure changes come the explanations the shares give as a whole (every
percentage fits another base, or a base beyond the declared one: a choice missing), since "all
seven percentages agree on 8,300,046" says more than "any of seven counts could be changed".
A group nothing explains stays as its relations' own findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from kzvote.arith import Interval, decimals_of, shorten
from kzvote.implied import BaseAnalysis
from kzvote.keystroke import corrections
from kzvote.model import Choice, Path, Results
from kzvote.relations import Quantity, Ratio, Relation, Sum, System, build

MAX_LISTED = 6  # suspects an ambiguous finding spells out with what would fit
MAX_NAMED = 20  # suspects it names by path; figures["suspects"] has them all


@dataclass(frozen=True)
class Fix:
    """One figure that, changed alone, makes its group hold."""

    quantity: Quantity
    fitting: Interval | None  # the counts that would fit; None for a percent
    keystrokes: tuple[tuple[str, str], ...]  # (text, the slip it undoes) one keystroke away that fit
    fitting_percent: str | None = None  # a percent that would fit, at the published decimals

    @property
    def path(self) -> Path:
        return self.quantity.path

    @property
    def whole_fit(self) -> tuple[int, int | None]:
        """The counts that would fit, smallest and largest (None: no upper end)."""
        assert self.fitting is not None
        whole = self.fitting.whole_numbers()
        assert whole is not None  # a count's Fix exists only when some count fits
        return whole

    @property
    def suggestion(self) -> tuple[str, str] | None:
        """The one keystroke correction to propose, when every correction that fits has one value
        ("2.60" and "2.6" for a slipped "2.06" are one claim; the written decimals are kept).
        Two values ("81.31" and "81.3" for "81.30") mean no single suggestion."""
        if len({Fraction(t) for t, _ in self.keystrokes}) != 1:
            return None
        decimals = self.quantity.figure.decimals
        keeping = [k for k in self.keystrokes if decimals_of(k[0]) == decimals]
        return (keeping or list(self.keystrokes))[0]

    @property
    def distinct_keystrokes(self) -> tuple[tuple[str, str], ...]:
        """The corrections that fit, one per value."""
        seen: set[Fraction] = set()
        found = []
        for text, how in self.keystrokes:
            if Fraction(text) not in seen:
                seen.add(Fraction(text))
                found.append((text, how))
        return tuple(found)


@dataclass(frozen=True)
class Explanation:
    relations: tuple[Relation, ...]  # the failing relations of one group, rule order
    fixes: tuple[Fix, ...] = ()  # equally good single-figure fixes: one is exact, several ambiguous
    by_keystroke: bool = False
    shares: str | None = None  # "other-base" | "base-off" | "rounding": the shares as a whole explain the group
    base_window: Interval | None = None  # where the other percentages put the base, when they decide it
    joint: bool = False  # the fixes are all needed together (a count and its own percent), not equals
    or_rounding: bool = False  # the other rounding rule would fit every percentage as well

    @property
    def explained(self) -> bool:
        return bool(self.fixes) or self.shares is not None


@dataclass(frozen=True)
class Analysis:
    """Everything the checks decide about a file's arithmetic, once: the views read it too."""

    results: Results

    @cached_property
    def system(self) -> System:
        return build(self.results)

    @cached_property
    def base(self) -> BaseAnalysis:
        return BaseAnalysis(self.results.tally)

    @cached_property
    def holds_at(self) -> dict[Path, bool]:
        """A published percent's path (a choice's percent or percent_of_<kind>, a turnout
        percent) -> whether it fits."""
        system = self.system
        return {r.percent: system.holds(r) for r in system.relations if isinstance(r, Ratio)}

    def share_fits(self, choice: Choice, key: str = "percent") -> bool | None:
        return self.holds_at.get(choice.path + (key,))

    @cached_property
    def explanations(self) -> tuple[Explanation, ...]:
        return tuple(e for group in _groups(self.system) for e in self._explain(group))

    @cached_property
    def other_rounding_fits(self) -> bool:
        """Some percentage fails under the declared rounding rule, and the other rule fits every
        one of them (shares and turnouts): the rule, not a figure, is what is wrong."""
        ratios = [r for r in self.system.violated if isinstance(r, Ratio)]
        if not ratios:
            return False
        other = build(self.results, truncate=not self.system.truncate)
        return all(other.holds(r) for r in other.relations if isinstance(r, Ratio))

    def _explain(self, group: tuple[Relation, ...]) -> list[Explanation]:
        system = self.system
        rounding = self.other_rounding_fits and all(isinstance(r, Ratio) for r in group)
        # The percentages of several figures that all fit the other rule are the rule; those of one
        # figure (its percent and its percent_of_<base>) are likelier that figure's slip. And when
        # one figure fails them all and a keystroke of it explains them all, the arithmetic cannot
        # tell the two apart (registered 18,700 -> 18,800 moves every share of registered voters
        # as truncating instead of rounding would): both are named.
        several = rounding and len({r.part for r in system.violated if isinstance(r, Ratio)}) > 1
        if several and len(group) < len(system.violated):  # other groups fail too: only the rule explains all
            return [Explanation(group, shares="rounding")]
        fixes = [fix for path in _suspects(system, group) if (fix := _fix(system, path)) is not None]
        by_keystroke = tuple(f for f in fixes if f.keystrokes)
        if by_keystroke:
            return [Explanation(group, by_keystroke, by_keystroke=True, or_rounding=rounding)]
        if rounding:
            return [Explanation(group, shares="rounding")]
        ratios = tuple(r for r in group if isinstance(r, Ratio))
        if self.other_rounding_fits and ratios and len(ratios) < len(group):
            # No one figure explains the group, and the other rule fits every percentage: they are
            # the rule's, and what else fails (a balance through the same votes) is a story apart.
            return [Explanation(ratios, shares="rounding"), *self._explain(tuple(r for r in group if not isinstance(r, Ratio)))]
        shares = self._shares_explain(group)
        if shares:
            return [Explanation(group, shares=shares)]
        if fixes:
            return [Explanation(group, tuple(fixes))]
        # No one figure explains the group: the fewest figures that do, each on its own.
        stories = [s for s in (self._outliers_apart(group), _relations_apart(system, group)) if s]
        if stories:
            return min(stories, key=len)
        return [Explanation(group)]

    def _outliers_apart(self, group: tuple[Relation, ...]) -> list[Explanation] | None:
        """Shares of valid votes that fail together because some counts are wrong: the percentages
        of the other choices agree on the base (the consensus), and each outlier of it is one
        wrong figure — its count, or its percent — judged against that base."""
        base, system = self.base, self.system
        consensus, outliers = base.consensus, base.outliers
        if self.results.tally.base_kind != "valid" or consensus is None or not outliers or len(outliers) >= len(group):
            return None
        total = next((r.whole for r in group if isinstance(r, Ratio) and r.what == "votes" and isinstance(r.whole, Sum)), None)
        if not isinstance(total, Sum):
            return None
        window = consensus.interval.intersect(Interval(Fraction(1), None))
        blamable = {c.path + ("votes",) for c in outliers}
        for relation in group:
            if isinstance(relation, Ratio) and relation.what == "votes":
                continue
            if not any(s is total for s in system.sums(relation)) and not blamable.intersection(system.direct(relation)):
                return None  # a failure the outliers cannot touch
        for relation in system.relations_of_sum(total):
            if not isinstance(relation, Ratio):  # the balance holds the sum too, failing or not
                window = window.intersect(system.sum_fit(relation, total))
        if window.empty or window.whole_numbers() is None:
            return None
        if total.value not in window and len(outliers) == 1:
            joint = _count_and_percent(system, system.ratio_of(outliers[0].path + ("percent",)), total, window, group)
            if joint is not None:
                return [joint]
        stories = [_outlier_story(system, system.ratio_of(c.path + ("percent",)), window) for c in outliers]
        if total.value not in window and not any(f.path in blamable for story in stories for f in story.fixes):
            return None  # the sum is off, so some count must be wrong, and no outlier's count fits
        return stories

    def _shares_explain(self, group: tuple[Relation, ...]) -> str | None:
        """ "other-base" when every percentage fits another base; "base-off" when they all agree on
        a base the declared one is not in (a missing choice, a wrong sum)."""
        if not all(isinstance(r, Ratio) and r.what == "votes" for r in group):
            return None
        base = self.base
        if base.consensus is None or base.outliers or base.declared_fits:
            return None
        if any(k != self.results.tally.base_kind for k in base.matching_bases):
            return "other-base"
        return "base-off"


def _groups(system: System) -> list[tuple[Relation, ...]]:
    """Failing relations joined when they read a common figure (through sums too): union-find
    over relations, figures and sums, linear in their number."""
    violated = system.violated
    parent: dict[object, object] = {}

    # Nodes are relations and sums (compared by identity) and figure paths (by value).
    def find(node: object) -> object:
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(node, node) != root:
            parent[node], node = root, parent[node]
        return root

    def union(a: object, b: object) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb

    joined: set[int] = set()
    for relation in violated:
        for path in system.direct(relation):
            union(relation, path)
        for total in system.sums(relation):
            union(relation, total)
            if id(total) not in joined:
                joined.add(id(total))
                for member in total.members:
                    union(total, member)
    groups: dict[object, list[Relation]] = {}
    for relation in violated:
        groups.setdefault(find(relation), []).append(relation)
    return [tuple(sorted(g, key=lambda r: r.code)) for g in groups.values()]


def _suspects(system: System, group: tuple[Relation, ...]) -> list[Path]:
    """The figures that every relation of the group reads, in file order."""
    own: dict[Path, int] = {}
    through: dict[int, int] = {}
    sums: dict[int, Sum] = {}
    for relation in group:
        its_sums = system.sums(relation)
        for path in system.direct(relation):
            if not any(s in its_sums for s in system.sums_of.get(path, ())):  # else counted through the sum
                own[path] = own.get(path, 0) + 1
        for total in system.sums(relation):
            through[id(total)] = through.get(id(total), 0) + 1
            sums[id(total)] = total
    figures = list(own) + [p for total in sums.values() for p in total.members]
    found: list[Path] = []
    seen: set[Path] = set()
    for path in figures:
        if path in seen:
            continue
        seen.add(path)
        reads = own.get(path, 0) + sum(through.get(id(s), 0) for s in system.sums_of.get(path, ()))
        if reads == len(group):
            found.append(path)
    return sorted(found, key=system.order.__getitem__)


def _relations_apart(system: System, group: tuple[Relation, ...]) -> list[Explanation] | None:
    """Each failing relation explained by a figure only it reads (among the failing ones): two
    wrong percents of ballots cast are two findings, each on its own figure."""
    if len(group) < 2:
        return None
    readers: dict[Path, int] = {}
    for relation in group:
        for path in system.direct(relation):
            readers[path] = readers.get(path, 0) + 1
    through = {id(s) for relation in group for s in system.sums(relation)}
    stories = []
    for relation in group:
        private = [p for p in system.direct(relation) if readers[p] == 1 and not any(id(s) in through for s in system.sums_of.get(p, ()))]
        fixes = [fix for p in private if (fix := _fix(system, p)) is not None]
        if not fixes:
            return None
        by_keystroke = tuple(f for f in fixes if f.keystrokes)
        stories.append(Explanation((relation,), by_keystroke or tuple(fixes), by_keystroke=bool(by_keystroke)))
    return stories


def _count_and_percent(system: System, ratio: Ratio, total: Sum, window: Interval, group: tuple[Relation, ...]) -> Explanation | None:
    """The one outlier's count must move the sum into the window the others agree on; when its
    own percent then no longer fits, both are wrong (a count misprinted with its percent worked
    out from it). Two figures, named together as both needed."""
    votes, percent = system.quantities[ratio.part], system.quantities[ratio.percent]
    if not system.holds(ratio):
        return None  # the signature is a count and its percent that agree, but not with the rest
    count, sum_value = votes.figure.count, total.value
    needed = _within_balances(system, ratio.part, Interval(window.lo + count - sum_value, None if window.hi is None else window.hi + count - sum_value))
    whole = needed.intersect(Interval(Fraction(0), None)).whole_numbers()
    if whole is None or whole[1] is None:
        return None
    count_fix = _count_fix(votes, needed)
    corrected = int(count_fix.suggestion[0]) if count_fix.suggestion else (whole[0] + whole[1]) // 2
    share = Fraction(corrected * 100, sum_value - count + corrected)
    if system.precision(ratio.percent).holds(share):
        return None  # the count alone would do: no story of two figures
    percent_fix = Fix(percent, None, (), shorten(share, percent.figure.decimals, system.truncate))
    return Explanation(group, (count_fix, percent_fix), base_window=window, joint=True)


def _outlier_story(system: System, ratio: Ratio, window: Interval) -> Explanation:
    """One outlier share against the base the others put in `window`: its count or its percent."""
    votes, percent = system.quantities[ratio.part], system.quantities[ratio.percent]
    count_fit = _within_balances(system, ratio.part, system.precision(ratio.percent).votes_within(window))
    fixes = [_count_fix(votes, count_fit)] if count_fit.whole_numbers() is not None else []
    count = Fraction(votes.figure.count * 100)
    shares = Interval(Fraction(0) if window.hi is None else count / window.hi, count / window.lo)
    nearest = min(max(Fraction(system.value(ratio.whole)), window.lo), window.hi if window.hi is not None else window.lo)
    keystrokes = tuple((t, how) for t, how in corrections(percent.figure.text, True) if system.precision(ratio.percent, t).meets(shares))
    fixes.append(Fix(percent, None, keystrokes, shorten(count / nearest, percent.figure.decimals, system.truncate)))
    by_keystroke = tuple(f for f in fixes if f.keystrokes)
    return Explanation((ratio,), by_keystroke or tuple(fixes), by_keystroke=bool(by_keystroke), base_window=window)


def _fix(system: System, path: Path) -> Fix | None:
    quantity = system.quantities[path]
    text = quantity.figure.text
    if quantity.is_percent:
        ratio = system.ratio_of(path)
        computed = system.share(ratio)
        if computed is None or computed > 100:
            return None
        keystrokes = tuple((t, how) for t, how in corrections(text, True) if system.fits_percent(path, t, computed))
        return Fix(quantity, None, keystrokes, shorten(computed, quantity.figure.decimals, system.truncate))
    fitting = system.fitting(path)
    return _count_fix(quantity, fitting) if fitting.whole_numbers() is not None else None


def _count_fix(quantity: Quantity, fitting: Interval) -> Fix:
    """A count that would fit anywhere in `fitting`, with its one-keystroke corrections inside it."""
    lo, hi = fitting.whole_numbers()  # type: ignore[misc]
    # whole bounds once: a few hundred corrections compare as ints, not Fractions
    keystrokes = tuple((t, how) for t, how in corrections(quantity.figure.text, False) if lo <= int(t) and (hi is None or int(t) <= hi))
    return Fix(quantity, fitting, keystrokes)


def _within_balances(system: System, path: Path, counts: Interval) -> Interval:
    """`counts` narrowed by the balances that read the count itself (regions against the nation)."""
    for relation in system.relations_of(path):
        if not isinstance(relation, Ratio):
            counts = counts.intersect(system.fit(relation, path))
    return counts
