"""What every check shares: a rule's identity, and the context the checks read."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cached_property

from kzvote.findings import FigureValue, Finding, Severity
from kzvote.findings import Rule as BaseRule
from kzvote.implied import BaseAnalysis
from kzvote.model import Path, Results
from kzvote.tally import Tally


@dataclass(frozen=True)
class Context:
    results: Results

    @cached_property
    def tally(self) -> Tally:
        return self.results.tally

    @cached_property
    def base(self) -> BaseAnalysis:
        return BaseAnalysis(self.tally)


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
    ) -> Finding:
        finding = self.finding(message, file=ctx.results.file, position=ctx.results.where(path), path=path, subject=subject, figures=figures)
        return replace(finding, severity=severity) if severity else finding


Check = Callable[[Context], Iterator[Finding]]
