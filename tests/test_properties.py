"""Rules that hold for every election: rounded shares always reconcile; a real change is always caught."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kzvote.arith import agrees, format_fixed, share
from kzvote.checks import run_checks
from kzvote.findings import Severity
from kzvote.load import parse

BASES = ("valid", "cast", "registered")


@st.composite
def elections(draw: st.DrawFn) -> dict:
    votes = draw(st.lists(st.integers(0, 5_000_000), min_size=2, max_size=8))
    against = draw(st.none() | st.integers(0, 1_000_000))
    assume(sum(votes) + (against or 0) > 0)
    invalid = draw(st.integers(0, 200_000))
    registered_extra = draw(st.integers(0, 5_000_000))
    decimals = draw(st.lists(st.integers(0, 3), min_size=len(votes) + 1, max_size=len(votes) + 1))
    return {"votes": votes, "against": against, "invalid": invalid, "extra": registered_extra, "decimals": decimals, "percent_of": draw(st.sampled_from(BASES))}


def render(e: dict, votes: list[int] | None = None) -> str:
    """A results file whose percentages are the true shares of the ORIGINAL counts, rounded."""
    valid = sum(e["votes"]) + (e["against"] or 0)
    cast = valid + e["invalid"]
    registered = cast + e["extra"]
    base = {"valid": valid, "cast": cast, "registered": registered}[e["percent_of"]]
    lines = [
        "format: kzvote/1",
        f"election: {{title: T, country: C, date: 2024-03-01, stage: final, percent_of: {e['percent_of']}}}",
        f"turnout: {{registered: {registered}, ballots_cast: {cast}}}",
        "candidates:",
    ]
    for i, v in enumerate(e["votes"]):
        written = (votes or e["votes"])[i]
        lines.append(f"  - {{name: C{i}, votes: {written}, percent: {format_fixed(share(v, base), e['decimals'][i])}}}")  # type: ignore[arg-type]
    if e["against"] is not None:
        lines.append(f"against_all: {{votes: {e['against']}, percent: {format_fixed(share(e['against'], base), e['decimals'][-1])}}}")  # type: ignore[arg-type]
    return "\n".join(lines) + "\n"


def errors(text: str) -> list:
    return [f for f in run_checks(parse(text.encode())) if f.severity is Severity.ERROR]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_percentages_rounded_from_the_counts_always_reconcile(e: dict) -> None:
    assert errors(render(e)) == []


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(elections(), st.data())
def test_a_count_changed_beyond_its_tolerance_is_always_caught(e: dict, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(e["votes"]) - 1))
    new = data.draw(st.integers(0, 6_000_000))
    votes = list(e["votes"])
    votes[i] = new
    valid = sum(votes) + (e["against"] or 0)
    cast = sum(e["votes"]) + (e["against"] or 0) + e["invalid"]
    base = {"valid": valid, "cast": cast, "registered": cast + e["extra"]}[e["percent_of"]]
    published = Fraction(
        format_fixed(
            share(e["votes"][i], {"valid": sum(e["votes"]) + (e["against"] or 0), "cast": cast, "registered": cast + e["extra"]}[e["percent_of"]]),
            e["decimals"][i],
        )
    )  # type: ignore[arg-type]
    assume(base > 0 and valid <= cast)
    assume(not agrees(share(new, base), published, e["decimals"][i]))  # type: ignore[arg-type]
    assert errors(render(e, votes)), "a count that no longer fits its published percent went unnoticed"
