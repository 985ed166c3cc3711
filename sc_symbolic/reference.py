"""Testing kit — the exact reference of a model as arrays indexed like an environment (docs/math.md §2–§5).

Layer: above ``analysis`` (imports analysis, augment's naming, model, exact, errors);
numpy is imported here only to hand out arrays.  Exact inside: every entry is a
``Fraction`` (or ``None`` where the quantity is undefined); ``floats()`` is the
only place a float appears (a correctly rounded view for comparisons).

Index maps (the rule shared with the environment view of a model):

* ``states``  — the model's states in file order (observation ``i`` is ``states[i]``);
* ``actions`` — every action name (``model.action_order``), in order of first appearance when the states
  are read in file order and each state's actions in file order (for a model
  imported from a Gymnasium table this recovers the environment's action ids);
  an action a state does not have is *invalid* there;
* ``times``   — ``0..H`` when the model has a horizon ``H`` (``t = H``: the cut);
* ``returns`` — the accumulated returns ``c`` reachable from ρ, sorted, when
  success is ``return_at_least`` (docs/math.md §6).

Arrays have axes ``(time?, return?, state[, action])`` (``axes``): ``V``,
``V_plus``, ``I``, ``eta``, ``eta_plus`` are per state; ``Q``, ``pi`` and
``pi_plus`` per state and action; ``J`` and ``J_plus`` are 0-d.  ``pi_pooled``
has axes ``(state, action)`` only: the estimand of filtered imitation that
pools over time and return (docs/math.md §6, the Markov variant; π⁺ itself when
nothing is indexed, wherever η^π(s) V(s) > 0).

    V(s) = P_π(Y=1 | S_0=s),   Q(s,a) = Σ_o p_o V(to_o),   π⁺(a|s) = π(a|s) Q(s,a) / V(s)
    I(s) = Σ_a π(a|s) (Q(s,a) − V(s))² / V(s)²,   V⁺ = V^{π⁺},   η^μ(s) = E_μ[#visits to s]
    π̄(a|s) = Σ_{x↦s} η(x) π(a|x) Q(x,a) / Σ_{x↦s} η(x) V(x)     (x = (s, t, c))

Undefined entries are ``None`` (``NaN`` in ``floats()``): Q, π, π⁺ at invalid
actions and at terminal or cut states; π⁺ and I where V(s) = 0; every quantity of
a time/return-indexed state that ρ cannot reach (terminal states are the
exception: their V is fixed by the success rule); π̄ where Σ_x η(x) V(x) = 0.  ``η`` is ``INFINITE``
(``inf``) on closed classes that an episode never leaves.  ``η`` of a terminal
state is the probability of ending there (at that time, with that return).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .analysis import analyse
from .errors import ModelError
from .exact import rational_to_str
from .model import Model, action_order, from_dict, load_model
from .optional_deps import require
from .thresholds import pooled_policy

PER_STATE = ("V", "V_plus", "I", "eta", "eta_plus")
PER_ACTION = ("Q", "pi", "pi_plus")
POOLED = ("pi_pooled",)
SCALARS = ("J", "J_plus")
QUANTITIES = PER_ACTION + POOLED + PER_STATE + SCALARS

#: Quantity → what it is (used in failure messages and docs).
MEANING = {
    "V": "success probability V(s)", "Q": "action value Q(s,a)", "pi": "policy π(a|s)",
    "pi_plus": "conditioned policy π⁺(a|s)", "pi_pooled": "pooled filtered imitation π̄(a|s)",
    "I": "action-influence I(s)",
    "V_plus": "success probability of π⁺, V⁺(s)", "eta": "expected visits η^π(s)",
    "eta_plus": "expected visits under π⁺, η^{π⁺}(s)", "J": "J(π)", "J_plus": "J(π⁺)",
}


class _Infinite:
    """The value of an infinite expected visit count (``inf`` in the float view)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self):
        return "INFINITE"

    def __str__(self):
        return "∞"


INFINITE = _Infinite()


def to_fraction(x) -> Fraction:
    """An exact rational of the engine (``Fraction`` or gmpy2 ``mpq``) as a ``Fraction``."""
    return Fraction(int(x.numerator), int(x.denominator))


def instantiate(model: Model, values: dict) -> Model:
    """The numeric model of a parametric ``model`` at a point of its open parameter box.

    ``values`` maps every parameter to an exact number (int, Fraction or a string
    such as ``"1/3"``); each must lie strictly inside its declared interval.
    """
    from .exact import parse_number

    domain = model.domain
    names = set(model.parameters)
    if set(values) != names:
        raise ModelError("parameters", f"values given for {sorted(values)}, model declares {sorted(names)}",
                         "give a value for every parameter, and only for those")
    point = {}
    for k, v in values.items():
        q = parse_number(v if isinstance(v, (str, int)) else rational_to_str(v), f"parameters.{k}")
        lo, hi = model.parameters[k]
        if not lo < q < hi:
            raise ModelError(f"parameters.{k}", f"value {rational_to_str(q)} is outside the open interval "
                             f"({rational_to_str(lo)}, {rational_to_str(hi)})", "evaluate inside the parameter box")
        point[k] = q

    def at(p):
        return rational_to_str(domain.substitute(p, point))

    data = model.to_dict()
    data.pop("parameters", None)
    data["initial"] = {s: at(p) for s, p in model.initial.items()}
    data["states"] = {s: {a: [dict(o, p=at(out.p)) for o, out in zip(data["states"][s][a], outs)]
                          for a, outs in acts.items()} for s, acts in model.states.items()}
    data["policy"] = {s: {a: at(p) for a, p in dist.items()} for s, dist in model.policy.items()}
    data["name"] = f"{model.name} at " + ", ".join(f"{k}={rational_to_str(q)}" for k, q in point.items())
    return from_dict(data)


@dataclass(frozen=True)
class ExactReference:
    """Exact V, Q, π, π⁺, I, V⁺, η, η⁺ (arrays of ``Fraction``/``None``), J, J⁺, and the index maps.

    ``exact[q]`` is a numpy object array; ``floats()[q]`` its float64 view.
    """

    model: Model
    states: tuple
    actions: tuple
    times: tuple | None
    returns: tuple | None
    exact: dict

    @property
    def axes(self) -> tuple:
        """The leading axes of every per-state array, e.g. ``("time", "state")``."""
        return (("time",) if self.times is not None else ()) + (("return",) if self.returns is not None else ()) \
            + ("state",)

    def axes_of(self, quantity: str) -> tuple:
        """The axes of ``quantity``'s array."""
        if quantity in SCALARS:
            return ()
        if quantity in POOLED:
            return ("state", "action")
        return self.axes + (("action",) if quantity in PER_ACTION else ())

    def __getitem__(self, quantity: str):
        return self.exact[quantity]

    def floats(self) -> dict:
        """Every quantity as a float64 array: ``NaN`` where undefined, ``inf`` where η is infinite."""
        return {q: as_float_array(a) for q, a in self.exact.items()}

    def index(self, state: str, action: str | None = None, time: int | None = None, ret=None,
              quantity: str | None = None) -> tuple:
        """The array index of (time, return, state[, action]) given by names and values (of ``quantity``)."""
        index = []
        if self.times is not None and quantity not in POOLED:
            index.append(self.times.index(time))
        if self.returns is not None and quantity not in POOLED:
            index.append(self.returns.index(Fraction(ret)))
        index.append(self.states.index(state))
        if action is not None:
            index.append(self.actions.index(action))
        return tuple(index)

    def label(self, quantity: str, index: tuple) -> str:
        """``index`` of ``quantity`` in words: ``t=1, return 2, state s0, action a1``."""
        words = []
        for axis, i in zip(self.axes_of(quantity), index):
            if axis == "time":
                words.append(f"t={self.times[i]}")
            elif axis == "return":
                words.append(f"return {self.returns[i]}")
            elif axis == "state":
                words.append(f"state {self.states[i]}")
            else:
                words.append(f"action {self.actions[i]}")
        return ", ".join(words)


def as_float_array(array):
    """The float64 view of an exact object array (the only float conversion of the kit)."""
    np = require("numpy", "the exact reference kit (sc_symbolic.reference)")

    out = np.full(np.shape(array), np.nan, dtype=np.float64)
    for index, value in np.ndenumerate(array):
        if value is INFINITE:
            out[index] = np.inf
        elif value is not None:
            out[index] = float(value)
    return out


def exact_reference(model, policy=None, parameters: dict | None = None) -> ExactReference:
    """The exact reference of ``model`` (a Model, path, JSON text or dict; optional policy override).

    A parametric model needs ``parameters`` (a point of its open box): the
    reference is that of the numeric model there (``instantiate``).

    >>> ref = exact_reference({"format": "sc-symbolic/mdp-1", "initial": {"s": 1}, "policy": "uniform",
    ...     "states": {"s": {"a": {"win": "1/2", "lose": "1/2"}, "b": {"win": 1}}, "win": {}, "lose": {}},
    ...     "success": {"states": ["win"]}})
    >>> ref.states, ref.actions, ref["V"][0], ref["pi_plus"][0].tolist(), ref["I"][0]
    (('s', 'win', 'lose'), ('a', 'b'), Fraction(3, 4), [Fraction(1, 3), Fraction(2, 3)], Fraction(1, 9))
    """
    np = require("numpy", "the exact reference kit (sc_symbolic.reference)")

    if not isinstance(model, Model):
        model = load_model(model, policy)
    elif policy is not None:
        model = load_model(model.to_dict(), policy)
    if model.domain.parametric:
        if parameters is None:
            raise ModelError("parameters", f"model {model.name!r} is parametric",
                             "give parameters={name: value} to get the exact reference at a point")
        model = instantiate(model, parameters)
    elif parameters:
        raise ModelError("parameters", "the model declares no parameters", "give parameters only to a parametric model")
    analysis = analyse(model)
    analysed, origin = analysis.model, analysis.origin
    states = tuple(model.states)
    actions = action_order(model)
    times = tuple(range(model.horizon + 1)) if model.horizon is not None else None
    returns = None
    if model.threshold is not None:
        returns = tuple(sorted({to_fraction(c) for (_, _, c) in origin.values()}))
    prefix = ((len(times),) if times else ()) + ((len(returns),) if returns else ())
    shape_s = prefix + (len(states),)
    exact = {q: np.full(shape_s, None, dtype=object) for q in PER_STATE}
    exact.update({q: np.full(shape_s + (len(actions),), None, dtype=object) for q in PER_ACTION})
    s_index = {s: i for i, s in enumerate(states)}
    a_index = {a: i for i, a in enumerate(actions)}
    r_index = {c: i for i, c in enumerate(returns)} if returns else {}
    exact["pi_pooled"] = np.full((len(states), len(actions)), None, dtype=object)
    pooled = pooled_policy(analysed, origin, analysis.policy, analysis.V, analysis.Q, analysis.eta)
    for s, row in pooled.items():
        for a, p in (row or {}).items():
            exact["pi_pooled"][s_index[s], a_index[a]] = to_fraction(p)

    def position(s, t, c):
        return ((t,) if times else ()) + ((r_index[to_fraction(c)],) if returns else ()) + (s_index[s],)

    def value(x):
        return INFINITE if x is None else to_fraction(x)

    _terminal_values(model, exact, prefix, s_index, returns)
    for label, acts in analysed.states.items():
        s, t, c = origin[label]
        if not model.states[s] and times:
            continue  # terminal states are not time-indexed: filled by the success rule and arrivals
        at = position(s, t or 0, c)
        exact["V"][at] = to_fraction(analysis.V[label])
        exact["V_plus"][at] = to_fraction(analysis.V_plus[label])
        if not acts:
            continue
        exact["eta"][at] = value(analysis.eta[label])
        exact["eta_plus"][at] = value(analysis.eta_plus[label])
        if analysis.I[label] is not None:
            exact["I"][at] = to_fraction(analysis.I[label])
        for a in acts:
            here = at + (a_index[a],)
            exact["Q"][here] = to_fraction(analysis.Q[label][a])
            exact["pi"][here] = to_fraction(analysis.policy[label][a])
            if analysis.pi_plus[label] is not None:
                exact["pi_plus"][here] = to_fraction(analysis.pi_plus[label][a])
    for quantity, policy_of, eta in (("eta", analysis.policy, analysis.eta),
                                     ("eta_plus", analysis.executed, analysis.eta_plus)):
        for (s, t, c), mass in _arrivals(analysed, origin, policy_of, eta, times is not None).items():
            exact[quantity][position(s, t, c)] = mass
    exact["J"] = np.array(to_fraction(analysis.J), dtype=object)
    exact["J_plus"] = np.array(to_fraction(analysis.J_plus), dtype=object)
    return ExactReference(model, states, actions, times, returns, exact)


def _terminal_values(model, exact, prefix, s_index, returns):
    """V = V⁺ = 1 on success terminals, 0 on the others, at every time and return."""
    np = require("numpy", "the exact reference kit (sc_symbolic.reference)")

    for s, acts in model.states.items():
        if acts:
            continue
        for lead in np.ndindex(*prefix):
            if returns:
                c = returns[lead[-1]]
                success = c >= to_fraction(model.threshold)
            else:
                success = s in model.success_states
            at = lead + (s_index[s],)
            exact["V"][at] = exact["V_plus"][at] = Fraction(int(success))


def _arrivals(analysed, origin, policy, eta, timed) -> dict:
    """η of terminal (and cut) states: ρ(x) + Σ_s η(s) Σ_a μ(a|s) Σ_{o: to=x} p_o, keyed by (x, t, c).

    With a horizon an arrival from a state at time t is counted at t + 1.  A state
    with infinite η lies in a closed class and reaches no terminal state.
    """
    mass = {}

    def add(key, amount):
        mass[key] = mass.get(key, Fraction(0)) + amount

    for label, p in analysed.initial.items():
        s, t, c = origin[label]
        if not analysed.states[label]:
            add((s, t or 0, c), to_fraction(p))
    for label, acts in analysed.states.items():
        if not acts or eta[label] is None:
            continue
        t = origin[label][1]
        for a, outs in acts.items():
            for o in outs:
                if analysed.states[o.to]:
                    continue
                x, _, c_to = origin[o.to]
                add((x, (t + 1) if timed else None, c_to),
                    to_fraction(eta[label]) * to_fraction(policy[label][a]) * to_fraction(o.p))
    return {(x, t or 0, c): m for (x, t, c), m in mass.items()}
