"""Conditioning layer — return thresholding: amplification sweep and the Markov variant (docs/math.md §6).

    Y_τ = 1{G ≥ τ}, analysed on the return-augmented model (states ``"x|G=c"``, see ``augment``)
    sweep:   per τ, P_π(G ≥ τ) → P_{π⁺_τ}(G ≥ τ), E_π[G] → E_{π⁺_τ}[G], I at ρ, η-weighted mean I
    Markov:  π̄_τ(a|s) = Σ_{x↦s} η(x) π(a|s) Q_τ(x,a) / Σ_{x↦s} η(x) V_τ(x)   (pooled over c and t)

Everything is exact, in the model's domain K; π̄ is evaluated with the
``evaluate`` functions (no new solver).  Imports model, augment, evaluate,
conditioning, analysis, exact, errors; never prints, never judges a claim
with floats (the sweep plot lives in ``plots``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .analysis import analyse
from .augment import analysed_model
from .conditioning import action_influence, chi2_divergence, executed_policy
from .errors import ModelError, UnsupportedModelError
from .evaluate import (
    expected_return,
    initial_value,
    policy_transitions,
    success_probability,
    visit_counts,
)
from .exact import parse_number, rational_to_str
from .model import Model, from_dict

# ------------------------------------------------------------------ thresholds


def threshold_value(tau, where: str = "threshold"):
    """τ as a Rational: from a number string (``"3/2"``, ``"0.5"``), an int, a Fraction or an mpq.

    >>> str(threshold_value("0.5")), str(threshold_value(2))
    ('1/2', '2')

    Raises ModelError naming ``where`` for anything that is not an exact number.
    """
    return parse_number(tau, where)


def with_threshold(model: Model, tau) -> Model:
    """The same model with success = (return ≥ τ), rebuilt and re-validated through ``from_dict``.

    >>> from sc_symbolic.model import build_model
    >>> m = build_model({"s": {"go": [{"to": "end", "p": "1", "r": "2"}]}, "end": {}}, {"s": 1},
    ...                 success_states=["end"])
    >>> str(with_threshold(m, "3/2").threshold)
    '3/2'
    """
    data = model.to_dict()
    data["success"] = {"return_at_least": rational_to_str(threshold_value(tau))}
    return from_dict(data, name=model.name)


def _require_rewards(model: Model) -> None:
    if not model.has_rewards:
        raise UnsupportedModelError(
            f"model {model.name!r}: no outcome carries a non-zero reward, so every return is 0 "
            "(return thresholding needs rewards \"r\" on outcomes)")


def _augmented(model: Model, max_states: int | None):
    """The return-augmented model of ``model`` (threshold 0 stands in when it has none)."""
    source = model if model.threshold is not None else with_threshold(model, 0)
    return analysed_model(source, max_states)


def achievable_returns(model: Model, max_states: int | None = None) -> list:
    """Every distinct return G of a terminating episode, sorted (docs/math.md §6).

    Read off the terminal states ``"x|G=c"`` of the finite augmented model
    (reachable through any action with an outcome of probability ≠ 0); cut
    episodes (horizon) do not terminate and are left out.

    >>> from sc_symbolic.model import build_model
    >>> m = build_model({"s": {"safe": [{"to": "end", "p": "1", "r": "1"}],
    ...                        "risky": [{"to": "end", "p": "1/2"}, {"to": "end", "p": "1/2", "r": "3"}]},
    ...                  "end": {}}, {"s": 1}, threshold=1)
    >>> [str(g) for g in achievable_returns(m)]
    ['0', '1', '3']

    Raises UnsupportedModelError when the augmented model is infinite (a
    reachable cycle with non-zero reward and no horizon) or too large.
    """
    analysed, origin = _augmented(model, max_states)
    returns = {origin[x][2] for x, acts in analysed.states.items()
               if not acts and not model.states[origin[x][0]]}
    return sorted(returns)


# ---------------------------------------------------------------------- sweep


@dataclass(frozen=True)
class SweepRow:
    """One threshold of the amplification sweep; every number exact (an element of ``domain``).

    ``influence_initial`` / ``chi2_initial`` are ρ-weighted means over the
    initial augmented states with V > 0 (``None`` if there is none);
    ``influence_mean`` is Σ η(x) I(x) / Σ η(x) over augmented states with
    V > 0.  ``expected_return*`` are ``None`` when not finite.
    ``misaligned`` is E_{π⁺_τ}[G] < E_π[G] (parametric models: at some exact
    sample point of the parameter box, as ``domain.nonnegative`` decides).
    """

    tau: object
    probability: object
    probability_plus: object
    expected_return: object
    expected_return_plus: object
    influence_initial: object
    influence_mean: object
    chi2_initial: object
    misaligned: bool
    domain: object = field(repr=False, compare=False, default=None)

    @property
    def gain(self):
        """P_{π⁺_τ}(G ≥ τ) − P_π(G ≥ τ)."""
        return self.probability_plus - self.probability

    def to_dict(self) -> dict:
        """JSON-ready dict: exact strings (lowest terms), ``null`` where undefined."""
        def text(x):
            return None if x is None else self.domain.to_str(x)

        return {"tau": rational_to_str(self.tau), "probability": text(self.probability),
                "probability_plus": text(self.probability_plus), "gain": text(self.gain),
                "expected_return": text(self.expected_return),
                "expected_return_plus": text(self.expected_return_plus),
                "influence_initial": text(self.influence_initial), "influence_mean": text(self.influence_mean),
                "chi2_initial": text(self.chi2_initial), "misaligned": self.misaligned}


def _less(domain, x, y) -> bool:
    """x < y, exactly (parametric domains: at some sample point of the box, see ``nonnegative``)."""
    return not domain.nonnegative(x - y)


def _weighted_mean(domain, weights: dict, values: dict):
    """Σ w(x) v(x) / Σ w(x) over x with a value; ``None`` when the total weight is 0."""
    total = domain.zero
    weighted = domain.zero
    for x, w in weights.items():
        value = values.get(x)
        if value is None or w is None or domain.is_zero(w):
            continue
        total = total + w
        weighted = weighted + w * value
    return None if domain.is_zero(total) else weighted / total


def sweep_row(model: Model, tau, max_states: int | None = None) -> SweepRow:
    """The sweep row of one threshold τ: ``analyse(with_threshold(model, τ))`` summarised."""
    tau = threshold_value(tau)
    analysis = analyse(with_threshold(model, tau), max_states)
    d = analysis.domain
    positive = set(analysis.positive)
    initial = {x: p for x, p in analysis.model.initial.items() if x in positive}
    eta = {x: analysis.eta[x] for x in positive}
    E, E_plus = analysis.expected_return, analysis.expected_return_plus
    misaligned = E is not None and E_plus is not None and _less(d, E_plus, E)
    return SweepRow(tau, analysis.J, analysis.J_plus, E, E_plus,
                    _weighted_mean(d, initial, analysis.I), _weighted_mean(d, eta, analysis.I),
                    _weighted_mean(d, initial, analysis.chi2), misaligned, d)


#: Thresholds one sweep analyses (one full analysis each); more is refused before the work starts.
MAX_SWEEP_THRESHOLDS = 256


def amplification_sweep(model: Model, thresholds=None, max_states: int | None = None,
                        max_thresholds: int = MAX_SWEEP_THRESHOLDS) -> list:
    """``[SweepRow]``, one per τ (default: every achievable return, ascending) (docs/math.md §6).

    >>> from sc_symbolic.model import build_model
    >>> m = build_model({"s": {"safe": [{"to": "end", "p": "1", "r": "1"}],
    ...                        "risky": [{"to": "end", "p": "1/2"}, {"to": "end", "p": "1/2", "r": "3"}]},
    ...                  "end": {}}, {"s": 1}, threshold=1)
    >>> row = amplification_sweep(m, ["1"])[0]
    >>> str(row.probability), str(row.probability_plus), str(row.expected_return), str(row.expected_return_plus)
    ('3/4', '5/6', '5/4', '7/6')
    >>> row.misaligned
    True

    Raises UnsupportedModelError for a model without rewards or with an
    infinite augmented model; ModelError for a threshold that is not a number.
    """
    _require_rewards(model)
    if thresholds is None:
        thresholds = achievable_returns(model, max_states)
    else:
        thresholds = [threshold_value(t, f"thresholds[{i}]") for i, t in enumerate(thresholds)]
        if not thresholds:
            raise ModelError("thresholds", "empty list", "give at least one threshold")
    if len(thresholds) > max_thresholds:
        raise UnsupportedModelError(
            f"the sweep would analyse the model at {len(thresholds):,} thresholds (at most {max_thresholds:,}, "
            "one full analysis each): choose thresholds with --thresholds or raise --max-thresholds")
    return [sweep_row(model, tau, max_states) for tau in thresholds]


# -------------------------------------------------------------- Markov variant


@dataclass(frozen=True)
class Witness:
    """The first violated relation ``lhs (relation) rhs`` of a claim, at ``state`` (exact sides)."""

    state: str | None
    relation: str
    lhs: object
    rhs: object


@dataclass
class MarkovVariant:
    """The Markov (filtered-imitation) policy π̄_τ and its exact evaluation (docs/math.md §6).

    ``policy``: π̄ per original non-terminal state (``None`` where no
    successful visit pools there).  ``per_state``: at every augmented x with
    V(x) > 0, ``(R̄, χ²(π̄‖π), I)``; R̄ and χ² are ``None`` where π̄ is
    undefined (no successful visit pools at origin(x)).  The per-state claims
    are judged on ``claim_states``: the x with V(x) > 0 and η^π(x) > 0 (π̄ ≪ π,
    so states π never visits are never visited by π̄ either).
    ``witnesses[name]`` is the first failure of claim ``name`` or ``None``
    (names: ``identity``, ``trust_region``, ``improves`` and
    ``improves_everywhere``: V^π̄(x) ≥ V(x) at every claim state).
    """

    policy: dict
    probability: object
    probability_bar: object
    probability_plus: object
    expected_return: object
    expected_return_bar: object
    expected_return_plus: object
    per_state: dict
    identity_holds: bool
    trust_region_holds: bool
    improves: bool
    witnesses: dict
    claim_states: list = field(default_factory=list)
    value: dict = field(repr=False, default_factory=dict)
    value_bar: dict = field(repr=False, default_factory=dict)
    value_plus: dict = field(repr=False, default_factory=dict)
    pi_plus: dict = field(repr=False, default_factory=dict)
    origin: dict = field(repr=False, default_factory=dict)
    domain: object = field(repr=False, default=None)

    @property
    def improves_everywhere(self) -> bool:
        """V^π̄(x) ≥ V^π(x) at every claim state (π⁺ has this; π̄ need not)."""
        return self.witnesses.get("improves_everywhere") is None

    @property
    def equals_pi_plus(self) -> bool:
        """``π̄(·|origin(x)) = π⁺(·|x)`` at every claim state x (V(x) > 0, visited under π)."""
        d = self.domain
        for x in self.claim_states:
            bar, plus = self.policy[self.origin[x][0]], self.pi_plus[x]
            if any(not d.is_zero(bar[a] - plus[a]) for a in plus):
                return False
        return True

    def to_dict(self) -> dict:
        """JSON-ready dict (exact strings)."""
        d = self.domain

        def text(x):
            if x is None:
                return None
            if isinstance(x, dict):
                return {k: text(v) for k, v in x.items()}
            if isinstance(x, (tuple, list)):
                return [text(v) for v in x]
            return x if isinstance(x, str) else d.to_str(x)

        return {"policy": text(self.policy), "probability": text(self.probability),
                "probability_bar": text(self.probability_bar), "probability_plus": text(self.probability_plus),
                "expected_return": text(self.expected_return), "expected_return_bar": text(self.expected_return_bar),
                "expected_return_plus": text(self.expected_return_plus),
                "per_state": {x: dict(zip(("R_bar", "chi2_bar", "I"), text(v))) for x, v in self.per_state.items()},
                "identity_holds": self.identity_holds, "trust_region_holds": self.trust_region_holds,
                "improves": self.improves, "improves_everywhere": self.improves_everywhere,
                "witnesses": {k: None if w is None else {"state": w.state, "relation": w.relation,
                                                          "lhs": text(w.lhs), "rhs": text(w.rhs)}
                              for k, w in self.witnesses.items()}}


def pooled_policy(analysed: Model, origin: dict, policy: dict, V: dict, Q: dict, eta: dict) -> dict:
    """π̄(a|s) = Σ_{x↦s} η(x) π(a|x) Q(x,a) / Σ_{x↦s} η(x) V(x); ``None`` where the sum is 0.

    Keyed by original state.  η(x) = ∞ only on closed classes of π, where V = 0
    and every Q(x,a) with π(a|x) > 0 is 0: those x contribute nothing.
    """
    d = analysed.domain
    numerator: dict = {}
    denominator: dict = {}
    for x in analysed.nonterminal:
        s = origin[x][0]
        numerator.setdefault(s, {a: d.zero for a in policy[x]})
        denominator.setdefault(s, d.zero)
        count = eta[x]
        if count is None or d.is_zero(count) or d.is_zero(V[x]):
            continue
        for a, p in policy[x].items():
            numerator[s][a] = numerator[s][a] + count * p * Q[x][a]
        denominator[s] = denominator[s] + count * V[x]
    return {s: (None if d.is_zero(denominator[s]) else {a: n / denominator[s] for a, n in numerator[s].items()})
            for s in numerator}


def markov_variant(model: Model, tau=None, max_states: int | None = None, analysis=None) -> MarkovVariant:
    """Pool success conditioning over the accumulated return (and time), then evaluate exactly.

    ``model`` has ``success: {"return_at_least": τ}`` (or give ``tau``).  The
    claims tested for π̄ in place of π⁺, at every augmented x with V(x) > 0
    that π visits (η(x) > 0): identity R̄ = χ²(π̄‖π) = I; trust region (χ²(π̄‖π) ≤ I
    and Σ π̄ Q ≥ Σ π⁺ Q, i.e. π̄ is the maximiser at radius I); improvement
    P_π̄(G ≥ τ) ≥ P_π(G ≥ τ).  ``analysis``: the model's ``analyse`` result, when the caller
    has it already (V, Q, η, π⁺ and V⁺ are then not computed again).

    >>> from sc_symbolic.model import build_model
    >>> m = build_model({"s": {"safe": [{"to": "end", "p": "1", "r": "1"}],
    ...                        "risky": [{"to": "end", "p": "1/2"}, {"to": "end", "p": "1/2", "r": "3"}]},
    ...                  "end": {}}, {"s": 1}, threshold=1)
    >>> mv = markov_variant(m)
    >>> str(mv.probability_bar), mv.identity_holds, mv.trust_region_holds, mv.improves
    ('5/6', True, True, True)
    """
    if tau is not None:
        model = with_threshold(model, tau)
    if model.threshold is None and model.horizon is None:
        raise UnsupportedModelError(
            f"model {model.name!r} has neither a return threshold nor a horizon: nothing to pool "
            "(give success {\"return_at_least\": τ} or a threshold)")
    analysis = analysis if analysis is not None else analyse(model, max_states)
    analysed, origin, d = analysis.model, analysis.origin, analysis.domain
    policy, V, Q, eta = analysis.policy, analysis.V, analysis.Q, analysis.eta
    pi_plus, V_plus = analysis.pi_plus, analysis.V_plus

    bar = pooled_policy(analysed, origin, policy, V, Q, eta)
    lifted = {x: bar[origin[x][0]] for x in analysed.nonterminal}
    executed_bar = executed_policy(policy, lifted)
    transitions_bar = policy_transitions(analysed, executed_bar)
    V_bar = success_probability(analysed, executed_bar, transitions_bar)

    per_state: dict = {}
    claim_states: list = []
    identity = trust_region = None
    for x in analysed.nonterminal:
        if d.is_zero(V[x]):
            continue
        I = action_influence(policy[x], Q[x], V[x], d)
        p = lifted[x]
        if p is None:
            per_state[x] = (None, None, I)
            continue
        value_bar = sum((p[a] * Q[x][a] for a in Q[x]), d.zero)
        value_plus = sum((pi_plus[x][a] * Q[x][a] for a in Q[x]), d.zero)
        R_bar = (value_bar - V[x]) / V[x]
        chi2_bar = chi2_divergence(p, policy[x], d)
        per_state[x] = (R_bar, chi2_bar, I)
        if eta[x] is None or d.is_zero(eta[x]):
            continue  # never visited under π, hence never under π̄ (π̄ ≪ π): no claim made here
        claim_states.append(x)
        if identity is None:
            if chi2_bar is None:
                identity = Witness(x, "R_bar = chi2(pi_bar||pi)", R_bar, "infinity")
            elif not d.is_zero(R_bar - chi2_bar):
                identity = Witness(x, "R_bar = chi2(pi_bar||pi)", R_bar, chi2_bar)
            elif not d.is_zero(chi2_bar - I):
                identity = Witness(x, "chi2(pi_bar||pi) = I", chi2_bar, I)
        if trust_region is None:
            if chi2_bar is None or _less(d, I, chi2_bar):
                trust_region = Witness(x, "chi2(pi_bar||pi) <= I (feasible at the data radius)",
                                       "infinity" if chi2_bar is None else chi2_bar, I)
            elif _less(d, value_bar, value_plus):
                trust_region = Witness(x, "sum_a pi_bar Q >= sum_a pi_plus Q (optimal at radius I)",
                                       value_bar, value_plus)

    J, J_bar, J_plus = (initial_value(analysed, values) for values in (V, V_bar, V_plus))
    improvement = None if not _less(d, J_bar, J) else Witness(None, "P_pi_bar(G >= tau) >= P_pi(G >= tau)", J_bar, J)
    local = next((Witness(x, "V_pi_bar(x) >= V_pi(x)", V_bar[x], V[x]) for x in claim_states
                  if _less(d, V_bar[x], V[x])), None)
    E = E_bar = E_plus = None
    if model.has_rewards:
        E, E_plus = analysis.expected_return, analysis.expected_return_plus
        E_bar = expected_return(analysed, executed_bar, visit_counts(analysed, executed_bar, transitions_bar),
                                transitions_bar)
    return MarkovVariant(bar, J, J_bar, J_plus, E, E_bar, E_plus, per_state,
                         identity is None, trust_region is None, improvement is None,
                         {"identity": identity, "trust_region": trust_region, "improves": improvement,
                          "improves_everywhere": local},
                         claim_states, V, V_bar, V_plus, pi_plus, origin, d)


__all__ = ["MarkovVariant", "SweepRow", "Witness", "achievable_returns", "amplification_sweep",
           "markov_variant", "pooled_policy", "sweep_row", "threshold_value", "with_threshold"]
