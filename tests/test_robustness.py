"""kzvote check under CI: whatever it is fed, an exit code in {0, 1, 2}, no traceback (how fast:
bench/hostile.py, never a timed test)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import bundled_text, full_text
from kzvote.cli import app
from kzvote.schema import RESULTS, Field

RUNNER = CliRunner()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def keys(field: Field) -> list[str]:
    out = [field.name]
    for child in field.fields:
        out += keys(child)
    return out


KNOWN_KEYS = sorted(set(keys(RESULTS)) - {"results"})
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(["kzvote/1", "final", "preliminary", "valid", "cast", "registered", "271, 641", "81,31", "2.60"]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=8)), children, max_size=6),
    ),
    max_leaves=40,
)


def run_check(path: Path) -> None:
    result = RUNNER.invoke(app, ["check", str(path), "--format", "json"])
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(tmp_path_factory, data: bytes) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("bytes") / "results.yaml"
    path.write_bytes(data)
    run_check(path)


@SETTINGS
@given(documents)
def test_arbitrary_yaml_shaped_documents(tmp_path_factory, document: object) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("yaml") / "results.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    run_check(path)


@SETTINGS
@given(st.data())
def test_the_bundled_file_with_one_value_changed(tmp_path_factory, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    text = data.draw(st.sampled_from([full_text(), bundled_text()]))
    lines = text.splitlines()
    candidates = [i for i, line in enumerate(lines) if ":" in line and not line.lstrip().startswith("#")]
    index = data.draw(st.sampled_from(candidates))
    key = lines[index].split(":", 1)[0]
    value = data.draw(scalars | documents)
    lines[index] = f"{key}: {yaml.safe_dump(value, default_flow_style=True, allow_unicode=True).strip().removesuffix('...').strip()}"
    path = tmp_path_factory.mktemp("edit") / "results.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_check(path)
