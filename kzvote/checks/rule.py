"""What every check shares: a rule's identity, and the context the checks read."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cached_property

from kzvote.attribution import Analysis
from kzvote.findings import FigureValue, Finding, Position, Severity
from kzvote.findings import Rule as BaseRule
from kzvote.implied import BaseAnalysis
from kzvote.model import Path, Results
from kzvote.relations import Relation
from kzvote.tally import Tally


@dataclass(frozen=True)
class Context:
    results: Results

    @cached_property
    def tally(self) -> Tally:
        return self.results.tally

    @cached_property
    def analysis(self) -> Analysis:
        return self.results.analysis

    @cached_property
    def base(self) -> BaseAnalysis:
        return self.analysis.base


@dataclass(frozen=True)
class Rule(BaseRule):
    """A relation a results file must satisfy: calling it makes a finding located in that file."""

    def __call__(
        self,
        ctx: Context,
        message: str,
        path: Path = (),
        subject: str = "",
        figures: Mapping[str, FigureValue] | None = None,
        severity: Severity | None = None,
        rests_on: tuple[Path, ...] = (),
        blames: tuple[Path, ...] = (),
        position: Position | None = None,
    ) -> Finding:
        # a figure's own position (its value) beats the nearest key's: region votes are keyed by spelling
        at = position or ctx.analysis.system.position(path) or ctx.results.where(path)
        finding = self.finding(message, file=ctx.results.file, position=at, path=path, subject=subject, figures=figures)
        blamed_at = tuple(ctx.analysis.system.position(p) or ctx.results.where(p) for p in blames)
        return replace(finding, severity=severity or finding.severity, rests_on=rests_on, blames=blames, blamed_at=blamed_at)

    def failing(self, ctx: Context, scope: str) -> Iterator[Relation]:
        """The relations of this rule that do not hold, in the national figures ("turnout",
        "candidates", "against_all") or the regions ("regions")."""
        for relation in ctx.analysis.system.violated:
            if relation.code == self.code and (relation.where[0] == "regions") == (scope == "regions"):
                yield relation

    def broken(self, ctx: Context, relation: Relation, extra: str = "", figures: Mapping[str, FigureValue] | None = None) -> Finding:
        """The finding for a relation that does not hold, in its own words: what attribution
        does not explain about it stays said here."""
        system = ctx.analysis.system
        every = system.figures(relation) | dict(figures or {})
        return self(ctx, system.describe(relation) + extra, relation.where, relation.subject, every, rests_on=system.rests_on(relation))


Check = Callable[[Context], Iterator[Finding]]
