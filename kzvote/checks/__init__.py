"""The checks: each module holds its RULES and a check(ctx) generator of findings.

Adding a check means adding a module here and naming it in CHECKS; nothing else changes.

The explanation model: a finding may *blame* figures (by path) — the one figure attribution found
wrong, or several equally likely ones. Every other warning or error that *rests on* all the figures
one finding blames is explained by it and is dropped, in one pass (`resolve`). So no check needs to
know another: each says what it sees, and one wrong figure still gives one error.
"""

from __future__ import annotations

from itertools import product

from kzvote.checks import balance, blame, outcome, percent_sum, regions, shares, turnout
from kzvote.checks.rule import Context, Rule
from kzvote.findings import Finding, PathPart, Severity
from kzvote.model import Path, Results

CHECKS = (shares, percent_sum, balance, turnout, regions, outcome, blame)


def all_rules() -> dict[str, Rule]:
    return {rule.code: rule for module in CHECKS for rule in module.RULES}


def run_checks(results: Results) -> list[Finding]:
    ctx = Context(results)
    findings = [finding for module in CHECKS for finding in module.check(ctx)]
    return sorted(resolve(findings), key=Finding.sort_key)


def resolve(findings: list[Finding]) -> list[Finding]:
    """Drop the warnings and errors that a blaming finding explains. Notes stay: they state facts,
    not problems. Linear in the findings: a blamed path is matched through its wildcard forms."""
    single: set[tuple[PathPart, ...]] = set()
    several: list[tuple[Path, ...]] = []
    for finding in findings:
        if len(finding.blames) == 1:
            single.update(_forms(finding.blames[0]))
        elif finding.blames:
            several.append(finding.blames)
    if not single and not several:
        return findings
    return [f for f in findings if f.blames or f.severity < Severity.WARNING or not _explained(f, single, several)]


def _forms(path: Path) -> list[Path]:
    """The path and every form of it with parts replaced by "*": what a rests_on entry may say."""
    return [tuple("*" if star else part for part, star in zip(path, stars)) for stars in product((False, True), repeat=len(path))]


def _explained(finding: Finding, single: set[Path], several: list[tuple[Path, ...]]) -> bool:
    rests = set(finding.rests_on)
    if rests & single:
        return True
    return any(all(rests.intersection(_forms(path)) for path in blamed) for blamed in several)
