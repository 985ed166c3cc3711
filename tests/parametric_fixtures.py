"""Hypothesis strategies for random parametric models, shared by the property and verdict tests.

Transition and policy probabilities are affine in one or two parameters with
rational bounds, and positive (or non-negative, for policies) on the whole box.
"""

from fractions import Fraction

from hypothesis import strategies as st

from sc_symbolic.model import FORMAT

TERMINALS = ("goal", "fail")
BOUNDS = st.sampled_from([(Fraction(0), Fraction(1)), (Fraction(1, 4), Fraction(3, 4)),
                          (Fraction(-2), Fraction(5, 3)), (Fraction(1, 3), Fraction(1, 2))])


@st.composite
def weights(draw, k: int, allow_zero: bool):
    values = draw(st.lists(st.integers(0 if allow_zero else 1, 3), min_size=k, max_size=k)
                  .filter(lambda w: sum(w) > 0))
    return [Fraction(w, sum(values)) for w in values]


def mixture(parts, shares):
    """Text of Σ share_i · part_i, shares being affine expressions summing to 1."""
    return " + ".join(f"({share})*({part})" for share, part in zip(shares, parts))


@st.composite
def affine_distribution(draw, k: int, names: list, bounds: dict, allow_zero: bool):
    """k probabilities, each affine in the parameters, positive combination on the whole box."""
    used = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    parts = [draw(weights(k, allow_zero)) for _ in range(len(used) + 1)]
    shares = []
    for name in used:  # w = (x − lo)/(2 (hi − lo)) ∈ (0, 1/2)
        lo, hi = bounds[name]
        shares.append(f"({name} - ({lo}))/({2 * (hi - lo)})")
    rest = "1" + "".join(f" - {share}" for share in shares)
    shares.append(rest)
    return [mixture([part[i] for part in parts], shares) for i in range(k)]


@st.composite
def parametric_model_dicts(draw, max_states: int = 3, cyclic=None):
    n_params = draw(st.integers(1, 2))
    names = ["p", "q"][:n_params]
    bounds = {name: draw(BOUNDS) for name in names}
    cyclic = draw(st.booleans()) if cyclic is None else cyclic
    n = draw(st.integers(1, max_states))
    states = [f"s{i}" for i in range(n)]
    model = {}
    for i, s in enumerate(states):
        targets = list(TERMINALS) + (states if cyclic else states[i + 1:])
        actions = {}
        for j in range(draw(st.integers(1, 3))):
            k = draw(st.integers(1, 3))
            tos = [draw(st.sampled_from(targets)) for _ in range(k)]
            ps = draw(affine_distribution(k, names, bounds, allow_zero=False))
            actions[f"a{j}"] = [{"to": to, "p": prob} for to, prob in zip(tos, ps)]
        model[s] = actions
    for t in TERMINALS:
        model[t] = {}
    policy = {}
    for s in states:
        acts = list(model[s])
        policy[s] = dict(zip(acts, draw(affine_distribution(len(acts), names, bounds, allow_zero=True))))
    data = {"format": FORMAT, "name": "parametric", "initial": {states[0]: "1"}, "states": model,
            "success": {"states": ["goal"]}, "policy": policy,
            "parameters": {name: [str(lo), str(hi)] for name, (lo, hi) in bounds.items()}}
    return data
