"""Fitting the ecosystem: configuration with accepted findings, SARIF, JSON Schema, completion."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import Result

from conftest import BUNDLED, SHARED, bundled_text, edited, full_text, line_of
from kzvote.catalogue import all_rules
from kzvote.errors import KzvoteError
from kzvote.load import parse
from kzvote.schema_json import results_schema

Run = Callable[..., Result]
Write = Callable[..., Path]
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"
ROOT = Path(__file__).resolve().parent.parent


# -- configuration and accepted findings ------------------------------------------------------

ACCEPT_KAZHYKEN = """
[[accept]]
code = "KZ101"
path = "candidates[3].votes"
reason = "misprint kept on purpose for the training set"
"""


def test_accepted_finding_is_shown_and_does_not_fail(cli: Run, write: Write, tmp_path: Path) -> None:
    path = write(edited(("votes: 200907", "votes: 300907")))
    (tmp_path / ".kzvote.toml").write_text(ACCEPT_KAZHYKEN)
    result = cli("check", path)
    assert result.exit_code == 0
    assert "KZ101" in result.stdout and "[accepted: misprint kept on purpose" in result.stdout
    assert "1 accepted" in result.stdout
    doc = json.loads(cli("check", path, "--format", "json").stdout)
    assert doc["findings"][0]["accepted"].startswith("misprint")


def test_stale_accept_is_a_warning_at_its_line(cli: Run, write: Write, tmp_path: Path) -> None:
    path = write(bundled_text())
    (tmp_path / ".kzvote.toml").write_text("strict = false\n" + ACCEPT_KAZHYKEN)
    result = cli("check", path)
    assert result.exit_code == 0
    assert f"{tmp_path / '.kzvote.toml'}:3:1: warning KZ901 accept[0]" in result.stdout  # its [[accept]] line (the blank line before it is 2)
    assert cli("check", path, "--strict").exit_code == 1


def test_accepts_for_other_commands_are_not_stale_here(cli: Run, write: Write, tmp_path: Path) -> None:
    path = write(bundled_text())
    (tmp_path / ".kzvote.toml").write_text('[[accept]]\ncode = "KZ601"\npath = "sources[*]"\nreason = "outlets misprint"\n')
    assert "KZ901" not in cli("check", path).stdout


def test_wildcard_accepts_in_pyproject_found_upward(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "data"\n\n[tool.kzvote]\nformat = "json"\nstrict = true\n\n'
        '[[tool.kzvote.accept]]\ncode = "KZ601"\npath = "sources[*].reported.*"\nreason = "outlets misprint; the official file is right"\n'
    )
    data = tmp_path / "elections" / "kz2022"
    data.mkdir(parents=True)
    (data / "results.yaml").write_text(full_text())
    result = cli("sources", data / "results.yaml")
    doc = json.loads(result.stdout)  # format from the configuration
    accepted = [f for f in doc["findings"] if f["accepted"]]
    assert {f["code"] for f in accepted} == {"KZ601"} and len(accepted) == 3
    assert result.exit_code == 1  # strict: the KZ602 self-contradictions are still warnings
    assert cli("sources", data / "results.yaml", "--no-strict").exit_code == 0
    assert cli("sources", data / "results.yaml", "--format", "text").stdout.endswith("3 accepted\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[accept]]\ncode = "KZ101"\npath = "x"\n', "needs reason"),
        ('[[accept]]\ncode = "KZ101"\npath = "x"\nreason = "r"\nwhy = 1\n', "unknown key(s) why"),
        ("formt = 'json'\n", "unknown key 'formt'"),
        ("strict = 'yes'\n", "strict must be true or false"),
        ("strict = \n", "TOML syntax error"),
    ],
)
def test_bad_configuration_is_exit_2(cli: Run, write: Write, tmp_path: Path, text: str, message: str) -> None:
    path = write(bundled_text())
    (tmp_path / ".kzvote.toml").write_text(text)
    result = cli("check", path)
    assert result.exit_code == 2
    assert message in result.stderr and "KZ015" in result.stderr


# -- SARIF -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


@pytest.mark.parametrize("command", ["check", "sources", "reconcile"])
def test_sarif_validates_against_the_official_schema(
    cli: Run, write: Write, tmp_path: Path, sarif_validator: jsonschema.protocols.Validator, command: str
) -> None:
    (tmp_path / ".kzvote.toml").write_text('[[accept]]\ncode = "KZ101"\npath = "candidates[3].votes"\nreason = "known"\n')
    text = full_text().replace("    votes: 200907\n", "    votes: 300907\n", 1)
    path = write(text)
    result = cli(command, path, "--format", "sarif")
    doc = json.loads(result.stdout)
    errors = sorted(sarif_validator.iter_errors(doc), key=lambda e: e.path)
    assert not errors, errors[0].message
    run = doc["runs"][0]
    assert doc["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "kzvote"
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    for result_ in run["results"]:
        assert rule_ids[result_["ruleIndex"]] == result_["ruleId"]
        region = result_["locations"][0]["physicalLocation"].get("region")
        assert region is None or region["startLine"] >= 1
    if command == "check":
        (only,) = run["results"]
        assert only["suppressions"] == [{"kind": "external", "justification": "known"}]
        assert only["locations"][0]["physicalLocation"]["region"]["startLine"] == line_of(text, "votes: 300907")


# -- JSON Schema -------------------------------------------------------------------------------


def yaml_as_json(text: str) -> object:
    """What an editor's YAML 1.2 language server sees: dates stay strings."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    return yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader subclass


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = results_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_command_prints_the_committed_schema(cli: Run) -> None:
    printed = json.loads(cli("schema").stdout)
    assert printed == results_schema()
    committed = json.loads((ROOT / "kzvote.schema.json").read_text(encoding="utf-8"))
    assert committed == printed, "run: kzvote schema > kzvote.schema.json"


def test_bundled_and_generated_files_validate(validator: jsonschema.protocols.Validator, tmp_path: Path) -> None:
    import subprocess
    import sys

    subprocess.run([sys.executable, str(ROOT / "bench" / "make_stations.py"), "50", "--out", str(tmp_path)], check=True, capture_output=True)
    for text in (full_text(), bundled_text(), (tmp_path / "results.yaml").read_text()):
        assert not list(validator.iter_errors(yaml_as_json(text)))


INVALID = [
    ("    votes: 271641", "    vots: 271641"),
    ("    votes: 271641", '    votes: "271, 641"'),
    ("    votes: 271641", "    votes: 206.5"),
    ("    votes: 271641", "    votes: -3"),
    ("    votes: 271641", "    votes: true"),
    ("    percent: 81.31", '    percent: "81,31"'),
    ("    percent: 81.31", "    percent: 181.31"),
    ("  stage: final", "  stage: finale"),
    ("  date: 2022-11-20", "  date: 20.11.2022"),
    ("format: kzvote/1", "format: kzvote/2"),
    ("  percent_of: valid", "  percent_of: votes"),
    ("  country: Kazakhstan\n", ""),
    ("  votes: 460484", "  votes: [460484]"),
    ("  - id: kt-oath", "  - id: KT Oath"),
    ("    published: 2022-11-22T12:19", "    published: yesterday"),
    ("    stage: exit-poll", "    stage: exitpoll"),
    ("    turnout_percent: 88.47", "    turnout_percent: 88.47\n    voters: 5"),
]


@pytest.mark.parametrize(("old", "new"), INVALID)
def test_loader_and_schema_agree_on_invalid_files(validator: jsonschema.protocols.Validator, old: str, new: str) -> None:
    text = full_text().replace(old, new, 1)
    assert text != full_text()
    with pytest.raises(KzvoteError):
        parse(text.encode(), "results.yaml")
    assert list(validator.iter_errors(yaml_as_json(text))), f"the schema accepts what the loader refuses: {new!r}"


def test_every_rule_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code, rule in all_rules().items():
        assert f"| {code} | {rule.name} |" in readme, f"{code} {rule.name} missing from the README's findings table"


# -- completion and version ----------------------------------------------------------------------


def test_completion_and_version_options_exist(cli: Run) -> None:
    help_text = cli("--help").stdout
    assert "--install-completion" in help_text and "--show-completion" in help_text
    assert cli("--version").stdout.strip() == "kzvote 1.0.0"


def test_bundled_file_mentions_the_schema_line() -> None:
    assert "# yaml-language-server: $schema=" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert BUNDLED.exists()
