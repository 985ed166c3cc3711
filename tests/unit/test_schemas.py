"""The shipped JSON Schemas accept our files and reports and reject malformed ones."""

import json
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")

from sc_symbolic.cli import main  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "sc_symbolic" / "schemas"


def schema(name):
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text())


@pytest.mark.parametrize("path", sorted((REPO / "examples").glob("*.json")), ids=lambda p: p.stem)
def test_examples_match_the_model_schema(path):
    jsonschema.validate(json.loads(path.read_text()), schema("mdp-1"))


def test_shared_reference_models_and_reports_match(shared_dir):
    for path in sorted((shared_dir / "data" / "reference").glob("*.json")):
        name = "report-1" if path.name.endswith(".report.json") else "mdp-1"
        jsonschema.validate(json.loads(path.read_text()), schema(name))


@pytest.mark.parametrize("example", ["gridworld", "finite_horizon", "risky_bandit", "parametric_coin"])
def test_reports_and_certificates_match(capsys, tmp_path, example):
    certificate = tmp_path / "certificate.json"
    main(["check", str(REPO / "examples" / f"{example}.json"), "--json", "--certificate", str(certificate)])
    jsonschema.validate(json.loads(capsys.readouterr().out), schema("report-1"))
    jsonschema.validate(json.loads(certificate.read_text()), schema("certificate-1"))


@pytest.mark.parametrize("broken", [
    {"format": "sc-symbolic/mdp-1", "initial": {}, "states": {}, "success": {"states": []}, "policy": "uniform"},
    {"format": "sc-symbolic/mdp-2", "initial": {"s": "1"}, "states": {"s": {}}, "success": {"states": []}, "policy": "uniform"},
    {"format": "sc-symbolic/mdp-1", "initial": {"s": "1"}, "states": {"s": {"a": []}}, "success": {"states": []}, "policy": "uniform"},
    {"format": "sc-symbolic/mdp-1", "initial": {"s": "1"}, "states": {"s": {}}, "success": {"states": [], "return_at_least": 1}, "policy": "uniform"},
])
def test_malformed_models_are_rejected(broken):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema("mdp-1"))


CONSTANTS = {"format": "sc-symbolic/mdp-1", "initial": {"s": "1"},
             "states": {"s": {"a": [{"to": "g", "p": "1", "r": "1/2 + 1/2"}]}, "g": {}},
             "success": {"return_at_least": "1/2 + 1/2"}, "policy": "uniform"}


def test_schema_and_loader_agree_on_constant_expressions():
    from sc_symbolic.model import from_dict

    jsonschema.validate(CONSTANTS, schema("mdp-1"))
    assert from_dict(CONSTANTS).threshold == 1


@pytest.mark.parametrize("broken", [
    dict(CONSTANTS, success={"return_at_least": "p"}),
    dict(CONSTANTS, parameters={"p": ["0", "1"]}, states={"s": {"a": [{"to": "g", "p": "1", "r": "p"}]}, "g": {}}),
    dict(CONSTANTS, parameters={"p": ["\u0661", "1"]}),
])
def test_schema_refuses_what_the_loader_refuses(broken):
    from sc_symbolic.errors import ModelError
    from sc_symbolic.model import from_dict

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema("mdp-1"))
    with pytest.raises(ModelError):
        from_dict(broken)
