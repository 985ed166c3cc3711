"""Conditioning layer — one exact analysis of a model under its policy (docs/math.md §2–§6).

Runs, on the analysed model (time-indexed / return-augmented when needed):
V, Q, J; π⁺ (Bayes) and π⁺ by trajectories; R, χ², I; the radius ε = I and
the KKT multipliers; the likelihood-ratio bound max_a Q/V; V^{π⁺}, J(π⁺); η^π, η^{π⁺}; E[G] under π and π⁺; and
the performance-difference sum Σ_{V>0} η^{π⁺} V I.  It computes and never
judges: ``checks`` decides whether the claims hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .augment import analysed_model
from .conditioning import (
    action_influence,
    chi2_divergence,
    conditioned_policy,
    executed_policy,
    is_acyclic,
    relative_improvement,
    trajectory_conditioned_by_enumeration,
    trajectory_conditioned_by_visits,
)
from .distribution_shift import likelihood_ratio_bound
from .errors import ModelError, UnsupportedModelError
from .evaluate import (
    action_values,
    expected_return,
    initial_value,
    policy_transitions,
    success_probability,
    visit_counts,
)
from .trust_region import kkt_multipliers


@dataclass
class Analysis:
    """Every exact quantity of one check; dicts are keyed by analysed state."""

    source: object
    model: object
    origin: dict
    policy: dict
    V: dict
    Q: dict
    J: object
    pi_plus: dict
    R: dict
    chi2: dict
    I: dict
    radius: dict
    multipliers: dict
    trajectory_pi_plus: dict
    route: str
    executed: dict
    V_plus: dict
    J_plus: object
    eta: dict
    eta_plus: dict
    expected_return: object = None
    expected_return_plus: object = None
    performance_difference: object = None
    max_ratio: dict = field(default_factory=dict)  # max_a Q(s,a)/V(s), None where V = 0 (§5, distribution shift)
    notes: list = field(default_factory=list)
    undecided: list = field(default_factory=list)  # parametric inequalities only sampled, not proved

    @property
    def domain(self):
        return self.model.domain

    @property
    def positive(self) -> list:
        """Non-terminal states with V(s) > 0, in model order."""
        return [s for s in self.model.nonterminal if not self.domain.is_zero(self.V[s])]

EMPTY_SUCCESS_NOTE = ("success.states is empty: no episode succeeds, so J = 0, V = 0 everywhere and pi+ is "
                      "undefined in every state; every claim holds only vacuously (list the success states)")


#: Bits of V (numerators and denominators, summed over the analysed states) that an analysis accepts.
#: Q, π⁺, V⁺, η, the report and the certificate repeat those digits many times over: a chain whose
#: values grow one digit per state holds O(n²) digits in all (docs/limits.md, "Analysis").
MAX_VALUE_BITS = 64_000_000


def bound_value_size(V: dict, domain) -> None:
    """Refuse, before the costly part of the analysis, exact values too large to report in memory."""
    if domain.parametric:
        return
    total = 0
    for value in V.values():
        total += int(value.numerator).bit_length() + int(value.denominator).bit_length()
        if total > MAX_VALUE_BITS:
            raise UnsupportedModelError(
                f"exact values too large: V alone needs more than {MAX_VALUE_BITS:,} bits over {len(V):,} states "
                "(the report repeats those digits many times over, e.g. on long chains whose values gain a "
                "digit per state); analyse a smaller or shorter model")


def analyse(model, max_return_states: int | None = None) -> Analysis:
    """The exact analysis of ``model`` (a validated Model) under its own policy."""
    analysed, origin = analysed_model(model, max_return_states)
    domain = analysed.domain
    policy = analysed.policy
    transitions = policy_transitions(analysed, policy)
    V = success_probability(analysed, policy, transitions)
    bound_value_size(V, domain)
    Q = action_values(analysed, V)
    pi_plus = conditioned_policy(analysed, policy, V, Q)
    R, chi2, I, radius, multipliers = {}, {}, {}, {}, {}
    for s in analysed.nonterminal:
        if pi_plus[s] is None:
            R[s] = chi2[s] = I[s] = None
            continue
        R[s] = relative_improvement(pi_plus[s], Q[s], V[s], domain)
        chi2[s] = chi2_divergence(pi_plus[s], policy[s], domain)
        I[s] = action_influence(policy[s], Q[s], V[s], domain)
        radius[s] = I[s]
        multipliers[s] = kkt_multipliers(V[s], policy[s], domain)
    eta = visit_counts(analysed, policy, transitions)
    route = "visit counts"
    trajectory = None
    if is_acyclic(analysed, policy):
        trajectory = trajectory_conditioned_by_enumeration(analysed, policy)
        if trajectory is not None:
            route = "enumeration"
    if trajectory is None:
        trajectory = trajectory_conditioned_by_visits(analysed, policy, Q, eta)
    executed = executed_policy(policy, pi_plus)
    transitions_plus = policy_transitions(analysed, executed)
    V_plus = success_probability(analysed, executed, transitions_plus)
    eta_plus = visit_counts(analysed, executed, transitions_plus)
    result = Analysis(model, analysed, origin, policy, V, Q, initial_value(analysed, V), pi_plus, R, chi2, I,
                      radius, multipliers, trajectory, route, executed, V_plus,
                      initial_value(analysed, V_plus), eta, eta_plus)
    if model.success_states is not None and not model.success_states:
        result.notes.append(EMPTY_SUCCESS_NOTE)
    if model.has_rewards:
        result.expected_return = expected_return(analysed, policy, eta, transitions)
        result.expected_return_plus = expected_return(analysed, executed, eta_plus, transitions_plus)
    result.max_ratio = {s: likelihood_ratio_bound(Q[s], V[s], domain) for s in analysed.nonterminal}
    if all(eta_plus[s] is not None for s in result.positive):
        result.performance_difference = domain.dot((V[s] * I[s], eta_plus[s]) for s in result.positive)
    return result


def iterate(model, steps: int, max_return_states: int | None = None) -> list:
    """``π_{k+1} = (π_k)⁺``: the list [(J(π_0), π_0), …, (J(π_k), π_k)] (docs/math.md §5, monotone).

    Works on the analysed model; the policies are keyed by analysed state.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ModelError("steps", f"{steps!r}", "a non-negative integer number of conditioning steps")
    analysed, _ = analysed_model(model, max_return_states)
    policy = analysed.policy
    history = []
    for step in range(steps + 1):
        transitions = policy_transitions(analysed, policy)
        V = success_probability(analysed, policy, transitions)
        history.append((initial_value(analysed, V), policy))
        if step == steps:
            break
        Q = action_values(analysed, V)
        policy = executed_policy(policy, conditioned_policy(analysed, policy, V, Q))
    return history
