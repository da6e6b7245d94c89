"""The checks: each module holds its RULES and a check(ctx) generator of findings.

Adding a check means adding a module here and naming it in CHECKS; nothing else changes.
"""

from __future__ import annotations

from kzvote.checks import balance, outcome, percent_sum, regions, shares, turnout
from kzvote.checks.rule import Context, Rule
from kzvote.findings import Finding
from kzvote.model import Results

CHECKS = (shares, percent_sum, balance, turnout, regions, outcome)


def all_rules() -> dict[str, Rule]:
    return {rule.code: rule for module in CHECKS for rule in module.RULES}


def run_checks(results: Results) -> list[Finding]:
    ctx = Context(results)
    findings = [finding for module in CHECKS for finding in module.check(ctx)]
    return sorted(findings, key=Finding.sort_key)
