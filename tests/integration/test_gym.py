"""Gymnasium in: toy-text transition tables recovered exactly, refused when a row is not a distribution."""

from fractions import Fraction

import pytest

gymnasium = pytest.importorskip("gymnasium")

from sc_symbolic.analysis import analyse  # noqa: E402
from sc_symbolic.checks import run_checks  # noqa: E402
from sc_symbolic.cli import main  # noqa: E402
from sc_symbolic.errors import ModelError  # noqa: E402
from sc_symbolic.exact import parse_number  # noqa: E402
from sc_symbolic.importers import gym as gym_importer  # noqa: E402
from sc_symbolic.importers.gym import from_transition_table, import_gym, recover_rational  # noqa: E402
from sc_symbolic.model import load_model  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")


@pytest.fixture(scope="module")
def frozen_lake():
    data = import_gym("FrozenLake-v1", map_name="4x4", is_slippery=True)
    return data, analyse(load_model(data))


def test_frozen_lake_slippery_rows_are_exact_thirds(frozen_lake):
    data, _ = frozen_lake
    s0 = data["states"]["s0"]
    assert list(s0) == ["left", "down", "right", "up"]
    # left from the corner: slips up (stays), left (stays) or down: stay 2/3, s4 1/3 (merged)
    assert s0["left"] == [{"to": "s0", "p": "2/3"}, {"to": "s4", "p": "1/3"}]
    for acts in data["states"].values():
        for outs in acts.values():
            ps = [parse_number(o["p"]) for o in outs]
            assert all(p.denominator in (1, 3) for p in ps)
            assert sum(ps) == 1
    assert data["success"] == {"states": ["goal"]}
    assert data["states"]["goal"] == {} and data["states"]["hole"] == {}
    assert data["x-gym"]["env"] == "FrozenLake-v1"


def test_frozen_lake_check_passes_with_uniform_policy(frozen_lake):
    _, analysis = frozen_lake
    checks = run_checks(analysis)
    assert all(c.holds for c in checks.values()), [c.name for c in checks.values() if not c.holds]
    assert analysis.J == parse_number("483/34649")
    assert analysis.J_plus > analysis.J


def test_corrupted_row_is_refused_naming_state_and_action(monkeypatch):
    env, _ = gym_importer.make_env("FrozenLake-v1", map_name="4x4", is_slippery=True)
    corrupted = {s: {a: list(outs) for a, outs in acts.items()} for s, acts in env.P.items()}
    corrupted[0][2] = [(0.9, 1, 0.0, False)]
    original = gym_importer.make_env

    def fake_make_env(env_id, **kwargs):
        env, resolved = original(env_id, **kwargs)
        monkeypatch.setattr(env, "P", corrupted)
        return env, resolved

    monkeypatch.setattr(gym_importer, "make_env", fake_make_env)
    with pytest.raises(ModelError) as info:
        import_gym("FrozenLake-v1", map_name="4x4", is_slippery=True)
    message = str(info.value)
    assert "P[0][2]" in message and "state s0" in message and "action right" in message
    assert "sum to 9/10, not 1" in message


def test_float_recovery_refuses_non_small_denominators():
    assert recover_rational(0.33333333333333337, "x") == Fraction(1, 3)
    assert recover_rational(0.8, "x") == Fraction(4, 5)
    with pytest.raises(ModelError, match="denominator"):
        recover_rational(0.1234567, "P[3][1][0].prob")
    with pytest.raises(ModelError, match="finite"):
        recover_rational(float("nan"), "x")


def test_duplicate_outcomes_merge_and_done_rules():
    P = {0: {0: [(0.25, 1, 0, False), (0.25, 1, 0, False), (0.5, 0, 5, True)],
             1: [(1.0, 0, -1, True)]},
         1: {0: [(1.0, 1, 0, False)], 1: [(1.0, 0, 0, False)]}}
    data = from_transition_table(P, {0: 1.0}, ("a", "b"))
    assert data["states"]["s0"]["a"] == [{"to": "s1", "p": "1/2"}, {"to": "goal", "p": "1/2", "r": "5"}]
    assert data["states"]["s0"]["b"] == [{"to": "hole", "p": "1", "r": "-1"}]
    every_done = from_transition_table(P, {0: 1.0}, ("a", "b"), success_rule="done")
    assert every_done["states"]["s0"]["b"] == [{"to": "goal", "p": "1", "r": "-1"}]
    model = load_model(data)
    assert analyse(model).J == Fraction(1, 3)  # V(s0) = 1/4 V(s1) + 1/4 with V(s1) = V(s0)


def test_frozen_lake_8x8_and_no_slippery():
    data = import_gym("FrozenLake-v1", map_name="8x8")
    analysis = analyse(load_model(data))
    assert all(c.holds for c in run_checks(analysis).values())
    assert analysis.J_plus >= analysis.J > 0
    deterministic = import_gym("FrozenLake-v1", map_name="4x4", is_slippery=False)
    assert deterministic["states"]["s0"]["right"] == [{"to": "s1", "p": "1"}]


@pytest.mark.parametrize("env_id, actions", [("CliffWalking-v0", ["up", "right", "down", "left"]),
                                             ("Taxi-v3", ["south", "north", "east", "west", "pickup", "dropoff"])])
def test_other_toy_text_environments(env_id, actions):
    data = import_gym(env_id)
    first = next(iter(data["states"].values()))
    assert list(first) == actions
    model = load_model(data)
    assert model.has_rewards
    if env_id.startswith("CliffWalking"):
        analysis = analyse(model)
        assert analysis.J == 1  # every run reaches the goal: the cliff sends back to the start
        assert analysis.expected_return < 0


def test_horizon_is_kept(frozen_lake):
    data = import_gym("FrozenLake-v1", horizon=6)
    assert data["horizon"] == 6
    assert analyse(load_model(data)).J < frozen_lake[1].J


def test_storm_agrees_on_frozen_lake(frozen_lake, tmp_path):
    stormpy = pytest.importorskip("stormpy")
    from sc_symbolic.exporters.prism import to_prism

    data, analysis = frozen_lake
    path = tmp_path / "fl.nm"
    path.write_text(to_prism(load_model(data), induced=True))
    program = stormpy.parse_prism_program(str(path))
    chain = stormpy.build_model[stormpy.Rational](program)
    prop = stormpy.parse_properties('P=? [F "success"]', program)[0]
    result = stormpy.model_checking(chain, prop, environment=stormpy.environments.exact())
    initial = next(iter(chain.initial_states))
    assert parse_number(str(result.get_value(initial))) == analysis.J


def test_cli_import_gym(tmp_path, capsys):
    out = tmp_path / "fl.json"
    assert main(["import", "gym", "FrozenLake-v1", "--map-name", "4x4", "--is-slippery", "-o", str(out)]) == 0
    assert main(["check", str(out)]) == 0
    capsys.readouterr()
    assert main(["import", "gym", "NoSuchEnv-v0"]) == 2
    assert "unknown Gymnasium environment" in capsys.readouterr().err


def test_an_unknown_map_is_invalid_input(capsys):
    assert main(["import", "gym", "FrozenLake-v1", "--map-name", "13x13", "-o", "-"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: env:") and "13x13" in err
