"""What every check shares: a rule's identity, and the context the checks read."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

from kzvote.findings import FigureValue, Finding, Severity
from kzvote.implied import BaseAnalysis
from kzvote.model import Path, Results
from kzvote.tally import Tally


@dataclass(frozen=True)
class Context:
    results: Results

    @cached_property
    def tally(self) -> Tally:
        return Tally(self.results)

    @cached_property
    def base(self) -> BaseAnalysis:
        return BaseAnalysis(self.tally)


@dataclass(frozen=True)
class Rule:
    """One relation a results file must satisfy, with a stable code and kebab-case name."""

    code: str
    name: str
    severity: Severity
    summary: str

    def __call__(
        self,
        ctx: Context,
        message: str,
        path: Path = (),
        subject: str = "",
        figures: Mapping[str, FigureValue] | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        return Finding(
            code=self.code,
            name=self.name,
            severity=severity or self.severity,
            message=message,
            path=path,
            subject=subject,
            position=ctx.results.where(path),
            file=ctx.results.file,
            figures=dict(figures or {}),
        )


Check = Callable[[Context], Iterator[Finding]]
