"""SARIF 2.1.0, for code-scanning upload: one run, kzvote's rules, one result per finding.

Accepted findings carry a suppression with the configured reason as its justification.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from kzvote import __version__
from kzvote.findings import Finding, Position, Severity, format_path
from kzvote.render import Options
from kzvote.render.safe import write_json
from kzvote.views import View

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}


def _uri(file: str) -> str:
    """A URI reference, percent-encoded (`my results #1.yaml` -> `my%20results%20%231.yaml`);
    relative paths stay relative (code scanning resolves them against the checkout)."""
    path = Path(file)
    # Bytes, not text: a file name that is not UTF-8 (kept by Python as surrogates) is %-encoded as
    # the bytes it is, where encoding it as UTF-8 text would fail.
    encoded = quote(os.fsencode(path.as_posix()), safe="/")
    return "file://" + encoded if path.is_absolute() else encoded


def _related(finding: Finding, index: int, path: tuple, at: Position | None) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(finding.file)}}
    if at is not None:
        location["region"] = {"startLine": at.line, "startColumn": at.column}
    return {"id": index, "physicalLocation": location, "message": {"text": format_path(path)}}


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    region: dict[str, int] = {}
    if finding.position:
        region = {"startLine": finding.position.line, "startColumn": finding.position.column}
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": _uri(finding.file)}}}
    if region:
        location["physicalLocation"]["region"] = region
    if finding.path:
        location["logicalLocations"] = [{"fullyQualifiedName": finding.path_text, "kind": "member"}]
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [location],
        "properties": {"name": finding.name, "subject": finding.subject, "figures": dict(finding.figures)},
    }
    if len(finding.blames) > 1:  # equally likely suspects (or figures wrong together): each is a place to look
        result["relatedLocations"] = [_related(finding, i, path, at) for i, (path, at) in enumerate(zip(finding.blames, finding.blamed_at))]
    if finding.code in rule_index:
        result["ruleIndex"] = rule_index[finding.code]
    if finding.accepted:
        result["suppressions"] = [{"kind": "external", "justification": finding.accepted}]
    return result


def document(view: View) -> dict[str, Any]:
    from kzvote.catalogue import all_rules

    rules = list(all_rules().values())
    rule_index = {rule.code: i for i, rule in enumerate(rules)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kzvote",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [
                            {
                                "id": rule.code,
                                "name": rule.name,
                                "shortDescription": {"text": rule.summary},
                                "defaultConfiguration": {"level": LEVELS[rule.severity]},
                            }
                            for rule in rules
                        ],
                    }
                },
                "results": [_result(f, rule_index) for f in view.findings],
                "properties": {"command": view.command},
            }
        ],
    }


def render(view: View, stream: TextIO, options: Options) -> None:
    write_json(document(view), stream)
