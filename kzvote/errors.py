"""Errors for files kzvote cannot read: they carry findings, so they render like any other."""

from __future__ import annotations

from kzvote.findings import Finding


class KzvoteError(Exception):
    """Input kzvote cannot work with (exit code 2). Carries every problem found, located."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(f.message for f in findings))
        self.findings = findings
