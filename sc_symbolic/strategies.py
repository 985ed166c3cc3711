"""Public Hypothesis strategies: random exact models for your own regression tests::

    from hypothesis import given
    from sc_symbolic.strategies import mdps
    from sc_symbolic.testing import assert_identity

    @given(mdps(max_states=4))
    def test_my_claim(model):
        assert_identity(model)

Families: ``mdps`` (the general generator), ``cyclic_mdps`` (a reachable cycle,
always), ``horizon_mdps`` (cut after H actions), ``threshold_mdps`` (success =
return ≥ τ, on acyclic, horizon *and* cyclic models whose cycles carry zero total
reward), ``parametric_mdps`` (transition and optionally policy probabilities
affine in parameters), ``models`` (any of them), and ``parameter_points(model)``
(a rational point inside a parametric model's box).  Every generated model is
built through the validating loader, so it is a valid ``sc-symbolic/mdp-1`` model:
probabilities are rationals with small denominators (weights in 0..max_weight,
normalised), rows sum to exactly 1.  Hypothesis shrinks every draw towards its
lower bound, hence towards the smallest failing model: fewest states, actions
and outcomes, weights 1 (uniform rows: small denominators), rewards 0, τ and
H small.  ``random_model_dict(rng, ...)`` draws from the same generator with a
seeded ``random.Random`` (no Hypothesis), for fixtures and examples.
Strategies raise ``InvalidArgument`` on empty bounds instead of generating
nothing.  Besides ``exact``, this is the only module where numbers are born.
"""

from __future__ import annotations

import functools
from fractions import Fraction

from .optional_deps import require

st = require("hypothesis.strategies", "sc_symbolic.strategies")
InvalidArgument = require("hypothesis.errors", "sc_symbolic.strategies").InvalidArgument

from .model import FORMAT, from_dict  # noqa: E402 (after the hypothesis check)

TERMINALS = ("goal", "fail")


def _check_bounds(**bounds):
    for name, (lo, hi) in bounds.items():
        if lo < 0 or hi < lo:
            raise InvalidArgument(f"{name}: need 0 <= min <= max, got {lo}..{hi}")


class _HypothesisChoices:
    """Draws through Hypothesis (shrinkable): integers, booleans, a weight vector, a list."""

    def __init__(self, draw):
        self.draw = draw

    def integer(self, lo, hi):
        return self.draw(st.integers(lo, hi))

    def boolean(self):
        return self.draw(st.booleans())

    def weights(self, k, low, high):
        return self.draw(_weight_lists(k, low, high))

    def list(self, element, lo, hi, valid=None):
        """A list of lo..hi elements, each drawn by ``element(choices)`` as one span."""
        strategy = st.lists(_element(element), min_size=lo, max_size=hi)
        return self.draw(strategy.filter(valid) if valid else strategy)


def _positive_sum(weights) -> bool:
    return sum(weights) > 0


@functools.lru_cache(maxsize=None)
def _weight_lists(k, low, high):
    """Cached: building a filtered strategy makes Hypothesis read the predicate's source, which is slow."""
    return st.lists(st.integers(low, high), min_size=k, max_size=k).filter(_positive_sum)


@st.composite
def _element(draw, element):
    return element(_HypothesisChoices(draw))


class _RandomChoices:
    """The same draws from a seeded ``random.Random`` (reproducible, no shrinking)."""

    def __init__(self, rng):
        self.rng = rng

    def integer(self, lo, hi):
        return self.rng.randint(lo, hi)

    def boolean(self):
        return self.rng.random() < 1 / 2

    def weights(self, k, low, high):
        while True:
            w = [self.rng.randint(low, high) for _ in range(k)]
            if sum(w) > 0:
                return w

    def list(self, element, lo, hi, valid=None):
        while True:
            items = [element(self) for _ in range(self.rng.randint(lo, hi))]
            if valid is None or valid(items):
                return items


def _distribution(choose, keys, max_weight, allow_zero):
    keys = list(keys)
    if not keys:
        raise InvalidArgument("distributions() needs at least one key")
    weights = choose.weights(len(keys), 0 if allow_zero else 1, max_weight)
    total = sum(weights)
    return {k: str(Fraction(w, total)) for k, w in zip(keys, weights)}


@st.composite
def distributions(draw, keys, max_weight: int = 4, allow_zero: bool = True):
    """A rational distribution over ``keys`` (strings "p/q"), weights in 0..max_weight."""
    return _distribution(_HypothesisChoices(draw), keys, max_weight, allow_zero)


def _mixture(first, second, parameter):
    """Text of parameter·first + (1 − parameter)·second, positive on the open box (0, 1)."""
    return f"{parameter}*({first}) + (1 - {parameter})*({second})"


def _outcome_spec(choose, o):
    """(target code, weight, second weight, reward) of one outcome."""
    return (choose.integer(0, 1 + o["max_states"]), choose.integer(1, o["max_weight"]),
            choose.integer(1, o["max_weight"]) if o["parametric"] else None,
            choose.integer(-o["max_reward"], o["max_reward"]) if o["rewards"] or o["zero_sum_cycles"] else 0)


def _action_spec(choose, o):
    """(outcomes [(target code, weight, second weight, reward)], policy weight, second policy weight)."""
    return (choose.list(functools.partial(_outcome_spec, o=o), 1, o["max_outcomes"]),
            choose.integer(0, o["max_weight"]),
            choose.integer(0, o["max_weight"]) if o["parametric_policy"] else None)


def _policy_is_positive(actions, o) -> bool:
    return sum(a[1] for a in actions) > 0 and (not o["parametric_policy"] or sum(a[2] for a in actions) > 0)


def _state_spec(choose, o):
    """(actions, potential φ(s)): a state's draws form one span, so Hypothesis deletes a state whole."""
    actions = choose.list(functools.partial(_action_spec, o=o), 1, o["max_actions"],
                          functools.partial(_policy_is_positive, o=o))
    return actions, (choose.integer(-o["max_reward"], o["max_reward"]) if o["zero_sum_cycles"] else 0)


def _target(code, i, names, cyclic):
    """Target code → state: 0 goal, 1 fail, ≥ 2 a state (any when cyclic, a later one when acyclic)."""
    if code < 2:
        return TERMINALS[code]
    forward = names if cyclic else names[i + 1:]
    return forward[(code - 2) % len(forward)] if forward else TERMINALS[code % 2]


def _fraction(weight, total):
    return str(Fraction(weight, total))


def _model_dict(choose, min_states=1, max_states=5, max_actions=3, max_outcomes=3, max_weight=4, acyclic=None,
                rewards=False, max_reward=3, horizon=None, threshold=False, parametric=False, cycle=False,
                zero_sum_cycles=False, parametric_policy=False):
    """One random ``sc-symbolic/mdp-1`` dict; every choice goes through ``choose``.

    States, actions and outcomes are drawn as lists (each element one span), so
    shrinking deletes a whole state, action or outcome and lowers weights to 1.
    """
    o = dict(max_states=max_states, max_actions=max_actions, max_outcomes=max_outcomes, max_weight=max_weight,
             max_reward=max_reward, rewards=rewards, parametric=parametric, zero_sum_cycles=zero_sum_cycles,
             parametric_policy=parametric_policy)
    specs = choose.list(functools.partial(_state_spec, o=o), min_states, max_states)
    n = len(specs)
    cyclic = (not choose.boolean()) if acyclic is None else (not acyclic)
    names = [f"s{i}" for i in range(n)]
    loop_to = choose.integer(0, n - 1) if cycle else None  # the cycle s0 → s_loop_to → s0 (a self-loop at 0)
    states, policy = {}, {}
    for i, (s, (actions, phi)) in enumerate(zip(names, specs)):
        states[s] = {}
        for j, (outs, _, _) in enumerate(actions):
            tos = [_target(code, i, names, cyclic) for code, _, _, _ in outs]
            if loop_to is not None and j == 0 and i in (0, loop_to):
                tos[0] = names[loop_to] if i == 0 else names[0]
            total, other_total = sum(w for _, w, _, _ in outs), sum(w2 or 0 for _, _, w2, _ in outs)
            outcomes = []
            for to, (_, w, w2, r) in zip(tos, outs):
                p = _fraction(w, total)
                if parametric and len(outs) >= 2:
                    p = _mixture(p, _fraction(w2, other_total), "p")
                outcome = {"to": to, "p": p}
                if zero_sum_cycles and to in names:
                    outcome["r"] = str(specs[names.index(to)][1] - phi)  # every cycle sums to 0
                elif rewards or zero_sum_cycles:
                    outcome["r"] = str(r)
                outcomes.append(outcome)
            states[s][f"a{j}"] = outcomes
        total = sum(a[1] for a in actions)
        policy[s] = {f"a{j}": _fraction(a[1], total) for j, a in enumerate(actions)}
        if parametric_policy and len(actions) >= 2:
            other = sum(a[2] for a in actions)
            policy[s] = {f"a{j}": _mixture(policy[s][f"a{j}"], _fraction(a[2], other), "q")
                         for j, a in enumerate(actions)}
    for t in TERMINALS:
        states[t] = {}
    initial = _distribution(choose, names[: choose.integer(1, min(2, n))], max_weight, allow_zero=False)
    data = {"format": FORMAT, "name": "generated", "initial": initial, "states": states, "policy": policy}
    if threshold:
        data["success"] = {"return_at_least": str(choose.integer(-max_reward, max_reward))}
    else:
        data["success"] = {"states": ["goal"]}
    if horizon is True:
        data["horizon"] = choose.integer(0, 4)
    elif isinstance(horizon, int) and not isinstance(horizon, bool):
        data["horizon"] = horizon
    if parametric or parametric_policy:
        data["parameters"] = {}
        if parametric:
            data["parameters"]["p"] = ["0", "1"]
        if parametric_policy:
            data["parameters"]["q"] = ["0", "1"]
    return data


def _validate(min_states, max_states, max_actions, max_outcomes, max_weight, acyclic, horizon, threshold,
              cycle, zero_sum_cycles):
    _check_bounds(states=(min_states, max_states), actions=(1, max_actions), outcomes=(1, max_outcomes),
                  weight=(1, max_weight))
    if min_states < 1:
        raise InvalidArgument("a model needs at least one non-terminal state")
    if cycle and acyclic:
        raise InvalidArgument("cycle=True needs acyclic False or None")
    if threshold and acyclic is not True and horizon in (None, False) and not zero_sum_cycles:
        raise InvalidArgument("threshold models need acyclic=True, a horizon or zero_sum_cycles=True "
                              "(finite augmented model)")


@st.composite
def model_dicts(draw, min_states: int = 1, max_states: int = 5, max_actions: int = 3, max_outcomes: int = 3,
                max_weight: int = 4, acyclic: bool | None = None, rewards: bool = False, max_reward: int = 3,
                horizon: bool | int | None = None, threshold: bool = False, parametric: bool = False,
                cycle: bool = False, zero_sum_cycles: bool = False, parametric_policy: bool = False):
    """A random valid ``sc-symbolic/mdp-1`` dict (see ``mdps`` for the arguments)."""
    _validate(min_states, max_states, max_actions, max_outcomes, max_weight, acyclic, horizon, False,
              cycle, zero_sum_cycles)
    return _model_dict(_HypothesisChoices(draw), min_states, max_states, max_actions, max_outcomes, max_weight,
                       False if cycle else acyclic, rewards, max_reward, horizon, threshold, parametric, cycle,
                       zero_sum_cycles, parametric_policy)


def random_model_dict(rng, **kwargs) -> dict:
    """A model dict from the same generator as ``mdps(**kwargs)``, drawn with ``rng`` (a ``random.Random``).

    >>> import random
    >>> random_model_dict(random.Random(0)) == random_model_dict(random.Random(0))
    True
    """
    options = dict(min_states=1, max_states=5, max_actions=3, max_outcomes=3, max_weight=4, acyclic=None,
                   rewards=False, max_reward=3, horizon=None, threshold=False, parametric=False, cycle=False,
                   zero_sum_cycles=False, parametric_policy=False)
    unknown = set(kwargs) - set(options)
    if unknown:
        raise InvalidArgument(f"unknown options {sorted(unknown)}; known: {sorted(options)}")
    options.update(kwargs)
    _validate(*(options[k] for k in ("min_states", "max_states", "max_actions", "max_outcomes", "max_weight",
                                     "acyclic", "horizon", "threshold", "cycle", "zero_sum_cycles")))
    if options["cycle"]:
        options["acyclic"] = False
    return _model_dict(_RandomChoices(rng), **options)


def mdps(min_states: int = 1, max_states: int = 5, max_actions: int = 3, max_outcomes: int = 3,
         max_weight: int = 4, acyclic: bool | None = None, rewards: bool = False, max_reward: int = 3,
         horizon: bool | int | None = None, threshold: bool = False, parametric: bool = False,
         cycle: bool = False, zero_sum_cycles: bool = False, parametric_policy: bool = False):
    """Random validated Models.

    ``acyclic`` — True: outcomes only move forward; False: any target
    (self-loops and cycles); None: either.  ``cycle`` forces a reachable one:
    the first outcomes of the first actions make ``s0 → s_j → s0`` (``s0`` is
    initial; ``j = 0``, a self-loop, is where it shrinks).
    ``rewards`` puts integer rewards in [−max_reward, max_reward] on outcomes;
    ``zero_sum_cycles`` draws a potential φ and rewards r = φ(s′) − φ(s) between
    non-terminal states (every cycle sums to 0, so return thresholds stay finite
    on cyclic models); ``threshold`` makes success ``return_at_least`` a random
    integer (needs acyclic, a horizon or zero-sum cycles); ``horizon`` True
    draws a horizon in 0..4, an int fixes it; ``parametric`` mixes two outcome
    distributions with a parameter p ∈ (0, 1), ``parametric_policy`` two policy
    distributions with q ∈ (0, 1).
    """
    _validate(min_states, max_states, max_actions, max_outcomes, max_weight, acyclic, horizon, threshold,
              cycle, zero_sum_cycles)
    return model_dicts(min_states, max_states, max_actions, max_outcomes, max_weight, acyclic, rewards,
                       max_reward, horizon, threshold, parametric, cycle, zero_sum_cycles,
                       parametric_policy).map(from_dict)


def cyclic_mdps(max_states: int = 4, **kwargs):
    """Models with a reachable cycle ``s0 → s_j → s0`` (a self-loop when it shrinks), any other edges."""
    return mdps(max_states=max_states, cycle=True, **kwargs)


def horizon_mdps(max_states: int = 4, horizon: bool | int = True, **kwargs):
    """Models cut after H actions (H in 0..4, or the given int); cyclic or not; states become (s, t)."""
    return mdps(max_states=max_states, horizon=horizon, **kwargs)


def threshold_mdps(max_states: int = 3, kind: str | None = None, **kwargs):
    """Success = return ≥ τ on acyclic, horizon or cyclic zero-sum-reward models (``kind``; None: any)."""
    kinds = {"acyclic": dict(acyclic=True, rewards=True), "horizon": dict(horizon=True, rewards=True),
             "cyclic": dict(cycle=True, zero_sum_cycles=True)}
    if kind is not None and kind not in kinds:
        raise InvalidArgument(f"kind must be one of {sorted(kinds)} or None, got {kind!r}")
    chosen = [kind] if kind else list(kinds)
    return st.one_of(*(mdps(max_states=max_states, threshold=True, **kinds[k], **kwargs) for k in chosen))


def policies(model, max_weight: int = 4):
    """Random rational policies for ``model`` (dicts usable as a policy override)."""
    nonterminal = [s for s in model.states if model.states[s]]
    if not nonterminal:
        raise InvalidArgument("the model has no non-terminal state")
    return st.fixed_dictionaries({s: distributions(list(model.states[s]), max_weight) for s in nonterminal})


def parametric_mdps(**kwargs):
    """Random models whose outcome probabilities are affine in one parameter p ∈ (0, 1).

    ``parametric_policy=True`` adds a policy parameter q ∈ (0, 1); ``horizon``,
    ``threshold`` (with ``acyclic=True`` or a horizon) and ``cycle`` combine as in ``mdps``.
    """
    return mdps(parametric=True, **kwargs)


def models(max_states: int = 3, parametric: bool = False):
    """Any family above (plain, cyclic, horizon, threshold; parametric ones when asked), shrinking to the first."""
    families = [mdps(max_states=max_states), cyclic_mdps(max_states=max_states),
                horizon_mdps(max_states=max_states), threshold_mdps(max_states=max_states)]
    if parametric:
        families.append(parametric_mdps(max_states=min(max_states, 2), parametric_policy=True, acyclic=True))
    return st.one_of(*families)


@st.composite
def parameter_points(draw, model, max_denominator: int = 8):
    """A point strictly inside ``model``'s parameter box: {name: Fraction} with denominators ≤ max_denominator.

    For ``exact_reference(model, parameters=point)``.  Shrinks towards the
    point nearest the lower corner with the smallest denominator.
    """
    if not model.parameters:
        raise InvalidArgument("the model has no parameters")
    if max_denominator < 2:
        raise InvalidArgument("max_denominator must be at least 2 (the open box excludes its ends)")
    point = {}
    for name, (lo, hi) in model.parameters.items():
        lo, hi = Fraction(int(lo.numerator), int(lo.denominator)), Fraction(int(hi.numerator), int(hi.denominator))
        d = draw(st.integers(2, max_denominator))
        k = draw(st.integers(1, d - 1))
        point[name] = lo + (hi - lo) * Fraction(k, d)
    return point
