"""The checks: each module holds its RULES and a check(ctx) generator of findings.

Adding a check means adding a module here and naming it in CHECKS; nothing else changes.

The explanation model: a finding may *blame* figures (by path) — the one figure attribution found
wrong, or several equally likely ones. Every other warning or error that *rests on* a blamed figure
is explained by it and is dropped, in one pass (`resolve`): what is computed from a figure believed
wrong is not a separate problem. So no check needs to know another: each says what it sees, and one
wrong figure still gives one finding.
"""

from __future__ import annotations

from itertools import product

from kzvote.checks import balance, blame, outcome, percent_sum, regions, rounding, shares, turnout
from kzvote.checks.rule import Context, Rule
from kzvote.findings import Finding, Severity
from kzvote.model import Path, Results

CHECKS = (shares, rounding, percent_sum, balance, turnout, regions, outcome, blame)


def all_rules() -> dict[str, Rule]:
    return {rule.code: rule for module in CHECKS for rule in module.RULES}


def run_checks(results: Results) -> list[Finding]:
    ctx = Context(results)
    findings = [finding for module in CHECKS for finding in module.check(ctx)]
    return sorted(resolve(findings), key=Finding.sort_key)


def resolve(findings: list[Finding]) -> list[Finding]:
    """Drop the warnings and errors that rest on a figure some finding blames. Notes stay: they
    state facts, not problems. Linear in the findings: a blamed path is matched through its
    wildcard forms."""
    blamed = {form for finding in findings for path in finding.blames for form in _forms(path)}
    if not blamed:
        return findings
    return [f for f in findings if f.blames or f.severity < Severity.WARNING or blamed.isdisjoint(f.rests_on)]


def _forms(path: Path) -> list[Path]:
    """The path and every form of it with parts replaced by "*": what a rests_on entry may say."""
    return [tuple("*" if star else part for part, star in zip(path, stars)) for stars in product((False, True), repeat=len(path))]
