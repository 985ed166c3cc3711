"""Quality — the strategies shrink to the smallest model with a property (Hypothesis's ``minimal()`` pattern).

Smaller means fewer states, actions and outcomes, then weights 1 (uniform rows),
then lower target codes (goal before fail before states).  A user's failing
test therefore reports a model as small as the failure allows.
"""

import json

from hypothesis import HealthCheck, find, settings

from sc_symbolic.analysis import analyse
from sc_symbolic.strategies import cyclic_mdps, threshold_mdps

SETTINGS = settings(max_examples=500, database=None, derandomize=True, deadline=None,
                    suppress_health_check=list(HealthCheck))


def shape(model) -> dict:
    data = model.to_dict()
    return {"states": data["states"], "policy": data["policy"], "initial": data["initial"],
            "horizon": data["horizon"], "success": data["success"]}


def test_smallest_cyclic_model_where_actions_matter():
    def influential(model):
        analysis = analyse(model)
        return any(analysis.I[s] for s in analysis.positive)

    minimal = find(cyclic_mdps(max_states=2), influential, settings=SETTINGS)
    # the forced loop takes a0's first outcome; a0 must still reach goal, and a1 must differ: fail
    assert shape(minimal)["states"] == {
        "s0": {"a0": [{"to": "s0", "p": "1/2"}, {"to": "goal", "p": "1/2"}], "a1": [{"to": "fail", "p": "1"}]},
        "goal": {}, "fail": {}}, json.dumps(shape(minimal))
    assert shape(minimal)["policy"] == {"s0": {"a0": "1/2", "a1": "1/2"}}


def test_smallest_cyclic_threshold_model_with_uncertain_success():
    def return_matters(model):
        analysis = analyse(model)
        return 0 < analysis.J < 1

    minimal = find(threshold_mdps(max_states=2, kind="cyclic"), return_matters, settings=SETTINGS)
    # one action, three outcomes: the forced self-loop (reward φ(s0) − φ(s0) = 0), goal with G = 0 < τ and
    # goal with G = 1 = τ; τ = 0 would make every episode a success
    assert shape(minimal) == {
        "states": {"s0": {"a0": [{"to": "s0", "p": "1/3"}, {"to": "goal", "p": "1/3"},
                                 {"to": "goal", "p": "1/3", "r": "1"}]}, "goal": {}, "fail": {}},
        "policy": {"s0": {"a0": "1"}}, "initial": {"s0": "1"}, "horizon": None,
        "success": {"return_at_least": "1"}}, json.dumps(shape(minimal))
