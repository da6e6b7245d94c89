"""Every rule kzvote has, by code: for SARIF's rule list, the README table, and its test."""

from __future__ import annotations

from kzvote.findings import Rule


def all_rules() -> dict[str, Rule]:
    from kzvote import audit, config, diff, forensics, load, sources
    from kzvote.checks import CHECKS

    modules = (load, *CHECKS, sources, diff, audit, forensics, config)
    rules = [rule for module in modules for rule in module.RULES]
    return {rule.code: rule for rule in sorted(rules, key=lambda r: r.code)}
