"""Checks layer — one function per claim of docs/math.md §3–§5; never solves anything.

Each ``check_*`` re-derives its claim from the quantities stored in an
``Analysis`` (so a corrupted π⁺, radius or multiplier is caught) and returns
``Check(name, holds, witness)``; the witness lists every violated relation
with both exact sides.  ``CHECKS`` is the registry the report and the
must-fail tests walk.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .conditioning import action_variance, chi2_divergence
from .distribution_shift import reachable_states
from .errors import ModelError
from .evaluate import policy_transitions, zero_set
from .improvement_certificate import (
    INFLUENCE_PROOF,
    IMPROVEMENT_PROOF,
    improvement_certificate_gap,
    influence_is_sum_of_squares,
)
from .trust_region import cauchy_schwarz_violations, kkt_violations

MAX_WITNESSES = 20
#: Claim statuses: every relation proved exactly; some inequality only checked at sample points; a relation fails.
PROVED, SAMPLED, FAILED = "proved", "sampled", "failed"


@dataclass(frozen=True)
class Violation:
    """One violated relation ``lhs (relation) rhs`` at a state (exact values)."""

    state: str | None
    relation: str
    lhs: object
    rhs: object


@dataclass(frozen=True)
class Undecided:
    """An inequality ``quantity`` of a parametric claim found true only at exact sample points."""

    state: str | None
    quantity: str
    expression: str
    how: str


@dataclass(frozen=True)
class Refuted:
    """An inequality ``quantity`` of a parametric claim that fails at the exact point ``point`` of the open box."""

    state: str | None
    quantity: str
    expression: str
    point: dict


@dataclass(frozen=True)
class Check:
    """The verdict on one claim.

    ``holds``: no relation was violated; ``witness``: the violations (empty when it holds);
    ``undecided``: inequalities only sampled on the parameter box (parametric models), so the
    claim is not proved; ``proofs``: how its inequalities were proved (parametric models);
    ``refuted``: inequalities that fail at an exact point of the box (parametric models).
    ``status`` is the one verdict that the report, the CLI and ``testing`` all use.
    """

    name: str
    holds: bool
    witness: tuple = field(default_factory=tuple)
    undecided: tuple = field(default_factory=tuple)
    proofs: tuple = field(default_factory=tuple)
    refuted: tuple = field(default_factory=tuple)

    @property
    def status(self) -> str:
        """``"proved"``, ``"sampled"`` (holds at sample points only) or ``"failed"``."""
        if not self.holds:
            return FAILED
        return SAMPLED if self.undecided else PROVED

    @property
    def proved(self) -> bool:
        """The claim holds, exactly, everywhere (numbers, or the whole parameter box)."""
        return self.status == PROVED


def _verdict(name: str, violations: list, proofs=()) -> Check:
    return Check(name, not violations, tuple(violations[:MAX_WITNESSES]), proofs=tuple(proofs))


def _equal(domain, x, y) -> bool:
    if x is None or y is None:
        return x is None and y is None
    return domain.is_zero(x - y)


def _dist_equal(domain, p, q) -> bool:
    if p is None or q is None:
        return p is None and q is None
    return set(p) == set(q) and all(domain.is_zero(p[a] - q[a]) for a in p)


def check_identity(analysis) -> Check:
    """R(s) = χ²(π⁺‖π) = I(s) at every state with V(s) > 0, each side recomputed from its definition."""
    d = analysis.domain
    out = []
    for s in analysis.model.nonterminal:
        V, Q, pi, p = analysis.V[s], analysis.Q[s], analysis.policy[s], analysis.pi_plus[s]
        if d.is_zero(V):
            for label, value in (("pi_plus", p), ("R", analysis.R[s]), ("chi2", analysis.chi2[s]), ("I", analysis.I[s])):
                if value is not None:
                    out.append(Violation(s, f"{label} undefined where V = 0", value, None))
            continue
        if p is None or analysis.R[s] is None or analysis.chi2[s] is None or analysis.I[s] is None:
            out.append(Violation(s, "R, chi2, I defined where V > 0", None, V))
            continue
        R_def = (sum((p[a] * Q[a] for a in Q), d.zero) - V) / V
        chi2_def = chi2_divergence(p, pi, d)
        I_def = action_variance(pi, Q, V, d) / (V * V)
        for label, stored, definition in (("R = (sum pi+ Q - V)/V", analysis.R[s], R_def),
                                          ("chi2 = sum (pi+ - pi)^2/pi", analysis.chi2[s], chi2_def),
                                          ("I = Var_pi Q / V^2", analysis.I[s], I_def)):
            if not _equal(d, stored, definition):
                out.append(Violation(s, label, stored, definition if definition is not None else "infinity"))
        if not _equal(d, R_def, chi2_def):
            out.append(Violation(s, "R = chi2", R_def, chi2_def))
        if not _equal(d, chi2_def, I_def):
            out.append(Violation(s, "chi2 = I", chi2_def, I_def))
    return _verdict("identity", out)


def check_trust_region(analysis) -> Check:
    """π⁺ solves max Σ p Q s.t. χ²(p‖π) ≤ ε with ε = I: Cauchy–Schwarz equality and KKT, exactly."""
    d = analysis.domain
    out = []
    for s in analysis.positive:
        pi, Q, V, p = analysis.policy[s], analysis.Q[s], analysis.V[s], analysis.pi_plus[s]
        radius = analysis.radius.get(s)
        if p is None or radius is None or s not in analysis.multipliers:
            out.append(Violation(s, "certificate present where V > 0", None, V))
            continue
        data_radius = action_variance(pi, Q, V, d) / (V * V)
        if not _equal(d, radius, data_radius):
            out.append(Violation(s, "radius = I(s) (set by the data)", radius, data_radius))
        with d.labelled(s, f"Cauchy-Schwarz certificate at {s}"):
            for relation, lhs, rhs in cauchy_schwarz_violations(pi, Q, V, p, radius, d):
                out.append(Violation(s, "Cauchy-Schwarz: " + relation, lhs, rhs))
        with d.labelled(s, f"KKT certificate at {s}"):
            for relation, lhs, rhs in kkt_violations(pi, Q, p, radius, analysis.multipliers[s], d):
                out.append(Violation(s, "KKT: " + relation, lhs, rhs))
    return _verdict("trust_region", out)


def check_trajectory_route(analysis) -> Check:
    """π⁺ (Bayes, π Q / V) equals π⁺ pooled from successful trajectories wherever data exists."""
    d = analysis.domain
    out = []
    for s in analysis.positive:
        pi, Q, V, p = analysis.policy[s], analysis.Q[s], analysis.V[s], analysis.pi_plus[s]
        if p is None:
            continue
        for a in pi:
            bayes = pi[a] * Q[a] / V
            if not _equal(d, p[a], bayes):
                out.append(Violation(s, f"pi_plus({a}) = pi Q / V (Bayes)", p[a], bayes))
    for s, traj in analysis.trajectory_pi_plus.items():
        p = analysis.pi_plus.get(s)
        if p is None:
            out.append(Violation(s, "successful data only where V > 0", traj, None))
            continue
        for a in p:
            if not _equal(d, p[a], traj.get(a)):
                out.append(Violation(s, f"pi_plus({a}) Bayes = trajectory route", p[a], traj.get(a)))
    for s in analysis.positive:
        count = analysis.eta[s]
        if (count is None or not d.is_zero(count)) and s not in analysis.trajectory_pi_plus:
            out.append(Violation(s, "a visited state with V > 0 has successful data", None, analysis.V[s]))
    return _verdict("trajectory_route", out)


def _bellman(analysis, policy, V, label) -> list:
    model, d = analysis.model, analysis.domain
    out = []
    transitions = policy_transitions(model, policy)
    zeros = zero_set(model, transitions)
    for s, acts in model.states.items():
        if not acts:
            expected = d.one if s in model.success_states else d.zero
            if not _equal(d, V[s], expected):
                out.append(Violation(s, f"{label} on a terminal state", V[s], expected))
            continue
        if (s in zeros) != d.is_zero(V[s]):
            out.append(Violation(s, f"{label} = 0 exactly where success is unreachable (prob0)", V[s],
                                 "0" if s in zeros else "positive"))
        if not d.products_vanish([(1, (V[s],))] + [(-1, (policy[s][a], o.p, V[o.to]))
                                                   for a, outs in acts.items() for o in outs]):
            rhs = d.dot((policy[s][a] * o.p, V[o.to]) for a, outs in acts.items() for o in outs)
            out.append(Violation(s, f"Bellman: {label}(s) = sum_a pi(a|s) sum_o p V(to)", V[s], rhs))
    return out


def check_improvement(analysis) -> Check:
    """V^{π⁺}(s) ≥ V(s) everywhere and J(π⁺) ≥ J(π), with both V's confirmed by their Bellman equations."""
    d, model = analysis.domain, analysis.model
    out = _bellman(analysis, analysis.policy, analysis.V, "V")
    out += _bellman(analysis, analysis.executed, analysis.V_plus, "V_plus")
    for s in model.nonterminal:
        for a, outs in model.states[s].items():
            if not d.products_vanish([(1, (analysis.Q[s][a],))] + [(-1, (o.p, analysis.V[o.to])) for o in outs]):
                q = d.dot((o.p, analysis.V[o.to]) for o in outs)
                out.append(Violation(s, f"Q({a}) = sum_o p V(to)", analysis.Q[s][a], q))
        if analysis.pi_plus[s] is not None and not _dist_equal(d, analysis.executed[s], analysis.pi_plus[s]):
            out.append(Violation(s, "pi_plus is what runs where V > 0", analysis.executed[s], analysis.pi_plus[s]))
    sums = []
    for label, stored, values in (("J", analysis.J, analysis.V), ("J_plus", analysis.J_plus, analysis.V_plus)):
        total = d.dot((p, values[s]) for s, p in model.initial.items())
        if not _equal(d, stored, total):
            sums.append(Violation(None, f"{label} = sum rho V", stored, total))
    fallback = []
    if d.parametric and not out and not sums:
        gap = improvement_certificate_gap(analysis)
        if gap is None:
            return _verdict("improvement", out, [IMPROVEMENT_PROOF])
        fallback = [f"improvement certificate does not apply: {gap}"]
    for s in model.states:
        with d.labelled(s, f"V_plus({s}) - V({s}) >= 0"):
            if not d.nonnegative(analysis.V_plus[s] - analysis.V[s]):
                out.append(Violation(s, "V_plus >= V", analysis.V_plus[s], analysis.V[s]))
    out += sums
    with d.labelled(None, "J_plus - J >= 0"):
        if not d.nonnegative(analysis.J_plus - analysis.J):
            out.append(Violation(None, "J_plus >= J", analysis.J_plus, analysis.J))
    return _verdict("improvement", out, fallback)


def check_performance_difference(analysis) -> Check:
    """J(π⁺) − J(π) = Σ_{V>0} η^{π⁺}(s) V(s) I(s), with η^{π⁺} confirmed by its flow equations."""
    d, model = analysis.domain, analysis.model
    out = []
    positive = analysis.positive
    members = set(positive)
    for s in positive:
        if analysis.eta_plus.get(s) is None:
            out.append(Violation(s, "eta_plus finite where V > 0 (pi+ leaves {V > 0})", None, analysis.V[s]))
    if out:
        return _verdict("performance_difference", out)
    transitions = policy_transitions(model, analysis.executed)
    terms = {s: [(model.initial.get(s, d.zero), d.one)] for s in positive}
    for s in positive:
        for t, p in transitions[s].items():
            if t in members:
                terms[t].append((p, analysis.eta_plus[s]))
    inflow = {s: d.dot(terms[s]) for s in positive}
    for s in positive:
        if not _equal(d, analysis.eta_plus[s], inflow[s]):
            out.append(Violation(s, "flow: eta_plus(s) = rho(s) + sum eta_plus P", analysis.eta_plus[s], inflow[s]))
    total = d.dot((analysis.V[s] * analysis.I[s], analysis.eta_plus[s]) for s in positive
                  if analysis.I[s] is not None)
    gap = analysis.J_plus - analysis.J
    proofs = set()
    for s in positive:
        negative = False
        if analysis.I[s] is not None and d.parametric and influence_is_sum_of_squares(analysis, s):
            proofs.add(INFLUENCE_PROOF)
        elif analysis.I[s] is not None:
            with d.labelled(s, f"I({s}) >= 0"):
                negative = not d.nonnegative(analysis.I[s])
        if negative:
            out.append(Violation(s, "I >= 0 (each term of the sum is >= 0)", analysis.I[s], d.zero))
        elif d.is_zero(gap) and not d.is_zero(analysis.eta_plus[s]) and not _equal(d, analysis.I[s], d.zero):
            out.append(Violation(s, "observable failure: J_plus = J only if I = 0 where pi+ visits",
                                 analysis.I[s], d.zero))
    if not _equal(d, gap, total):
        out.append(Violation(None, "J_plus - J = sum eta_plus V I", gap, total))
    if not _equal(d, analysis.performance_difference, total):
        out.append(Violation(None, "reported sum = sum eta_plus V I", analysis.performance_difference, total))
    return _verdict("performance_difference", out, sorted(proofs))


def check_distribution_shift(analysis) -> Check:
    """No dangerous distribution shift (§5): π⁺ > 0 only where π > 0; π⁺/π = Q/V ≤ max_ratio, attained;
    every state π⁺ reaches (η^{π⁺} > 0) is reached by π (η^π > 0), a graph fact the visit counts agree
    with; χ²(π⁺‖π) = I."""
    d, model = analysis.domain, analysis.model
    out = []
    reach, reach_plus = reachable_states(model, analysis.policy), reachable_states(model, analysis.executed)
    for s in model.nonterminal:
        bound = analysis.max_ratio.get(s)
        p, pi, Q, V = analysis.pi_plus[s], analysis.policy[s], analysis.Q[s], analysis.V[s]
        if p is None:
            if bound is not None:
                out.append(Violation(s, "max_ratio undefined where V = 0", bound, None))
            continue
        if bound is None:
            out.append(Violation(s, "max_ratio defined where V > 0", None, V))
            continue
        for a in pi:
            if d.is_zero(pi[a]):
                if not d.is_zero(p[a]):
                    out.append(Violation(s, f"support: pi_plus({a}) > 0 only where pi({a}) > 0", p[a], pi[a]))
                continue
            ratio = Q[a] / V
            if not _equal(d, p[a] / pi[a], ratio):
                out.append(Violation(s, f"likelihood ratio pi_plus({a})/pi({a}) = Q({a})/V", p[a] / pi[a], ratio))
            if not isinstance(bound, str):
                with d.labelled(s, f"max_ratio({s}) - Q({a})/V({s}) >= 0"):
                    if not d.nonnegative(bound - ratio):
                        out.append(Violation(s, f"likelihood ratio Q({a})/V <= max_ratio", ratio, bound))
        if not isinstance(bound, str) and not any(_equal(d, bound, Q[a] / V) for a in Q):
            out.append(Violation(s, "max_ratio = max_a Q(s,a)/V(s) (attained)", bound,
                                 {a: Q[a] / V for a in Q}))
        if not _equal(d, analysis.chi2[s], analysis.I[s]):
            out.append(Violation(s, "chi2(pi_plus || pi) = I", analysis.chi2[s], analysis.I[s]))
    for s in model.nonterminal:
        if s in reach_plus and s not in reach:
            out.append(Violation(s, "a state reached under pi_plus is reached under pi", "reached", "never reached"))
        for label, eta, reached in (("eta", analysis.eta, reach), ("eta_plus", analysis.eta_plus, reach_plus)):
            positive = eta.get(s) is None or not d.is_zero(eta[s])
            if positive != (s in reached):
                out.append(Violation(s, f"{label}(s) > 0 exactly on the states reached from rho", eta.get(s),
                                     "reached" if s in reached else "never reached"))
    return _verdict("distribution_shift", out)


def check_iteration(analysis, values: list) -> Check:
    """docs/math.md §5, iterating π_{k+1} = (π_k)⁺: J(π_0) ≤ J(π_1) ≤ … ≤ J(π_K), ``values`` = [J(π_0), …],
    starting from J(π_0) = J and J(π_1) = J_plus of the analysis."""
    d = analysis.domain
    out = [Violation(None, f"J(pi_{k}) = {label}", value, stored)
           for k, (label, stored, value) in enumerate(zip(("J", "J_plus"), (analysis.J, analysis.J_plus), values))
           if not _equal(d, value, stored)]
    for k, (before, after) in enumerate(zip(values, values[1:])):
        with d.labelled(None, f"J(pi_{k + 1}) - J(pi_{k}) >= 0"):
            if not d.nonnegative(after - before):
                out.append(Violation(None, f"J(pi_{k}) <= J(pi_{k + 1})", before, after))
    return _verdict("iteration", out)


#: The claims of docs/math.md §3–§5, in report order.
CHECKS = {
    "identity": check_identity,
    "trust_region": check_trust_region,
    "trajectory_route": check_trajectory_route,
    "improvement": check_improvement,
    "performance_difference": check_performance_difference,
    "distribution_shift": check_distribution_shift,
}


def decide(analysis, name: str, claim, *args) -> Check:
    """Run one claim with every inequality it decides recorded: the claim's one verdict.

    On parametric models an inequality that ``signs`` could only sample is attached to the
    Check as ``undecided`` (status ``"sampled"``: not proved, never ``OK``).
    """
    domain = analysis.domain
    if not domain.parametric:
        return claim(analysis, *args)
    from .signs import SAMPLED as SAMPLED_METHOD

    with domain.recording() as log:
        result = claim(analysis, *args)
    undecided, refuted, seen = [], [], set()
    methods: dict = {}
    for (state, quantity), x, verdict in log:
        if (state, quantity, x) in seen:
            continue
        seen.add((state, quantity, x))
        if verdict.holds and verdict.method == SAMPLED_METHOD:
            undecided.append(Undecided(state, quantity or "an inequality", domain.to_str(x), verdict.how))
        elif not verdict.holds and verdict.counterexample is not None:
            refuted.append(Refuted(state, quantity or "an inequality", domain.to_str(x), verdict.counterexample))
        elif verdict.holds:
            method = verdict.how.split(":")[0]
            methods[method] = methods.get(method, 0) + 1
    proofs = list(result.proofs)
    if methods:
        count = sum(methods.values())
        proofs.append(f"sign procedure on the parameter box, {count} inequalit{'y' if count == 1 else 'ies'} ("
                      + "; ".join(f"{method}: {k}" for method, k in methods.items()) + ")")
    if not proofs and result.holds:
        proofs.append("identities in the parameters only (no inequality)")
    return replace(result, undecided=tuple(undecided), refuted=tuple(refuted), proofs=tuple(dict.fromkeys(proofs)))


def abbreviated(text: str, limit: int = 160, whole: str = "--json has it whole") -> str:
    """``text`` whole when short, else its first ``limit`` characters, how many there are and where it is whole."""
    return text if len(text) <= limit else f"{text[:limit]} … ({len(text)} characters; {whole})"


def point_text(point: dict, separator: str = ", ", prefix: str = "") -> str:
    """``p=1/4, theta=1/2`` (exact) for a point ``{name: Rational}``."""
    from .exact import rational_to_str

    return separator.join(f"{prefix}{name}={rational_to_str(value)}" for name, value in point.items())


def refuted_note(name: str, item: Refuted) -> str:
    """One line naming the claim, the state, the quantity and the exact counterexample, with what to do next."""
    where = f", state {item.state}" if item.state is not None else ""
    return (f"claim {name!r}{where}: {item.quantity} fails at {point_text(item.point)} (exact counterexample); "
            f"analyse that point with {point_text(item.point, ' ', '--set ')}")


def undecided_note(name: str, item: Undecided, limit: int = 160) -> str:
    """One line naming the claim, the state and the quantity, with what to do next."""
    where = f", state {item.state}" if item.state is not None else ""
    expression = abbreviated(item.expression, limit)
    return (f"claim {name!r}{where}: {item.quantity} only checked at exact sample points ({item.how}): "
            f"{expression} >= 0; check one point exactly with --set NAME=VALUE, or narrow the parameter box")


def fields_the_kernel_cannot_see_agree(analysis) -> bool:
    """The analysis fields the certificate does not carry agree with the ones the kernel re-verifies:
    radius(s) = I(s) on {V > 0} (the trust region's ε) and the executed policy is π⁺ where V > 0, π
    elsewhere (the kernel rebuilds it from π⁺).  ``report.checked_report`` runs every claim by the
    engine when they do not, so a wrong radius or a wrong executed policy is refused with its witness."""
    positive = analysis.positive
    if set(analysis.radius) != set(positive) or any(analysis.radius[s] != analysis.I[s] for s in positive):
        return False
    return all(analysis.executed.get(s) == (analysis.policy[s] if analysis.pi_plus[s] is None else analysis.pi_plus[s])
               for s in analysis.model.nonterminal)


def run_checks(analysis) -> dict:
    """Every claim of ``CHECKS`` on ``analysis``: name → Check (its one verdict: ``Check.status``).

    For parametric models, equalities hold identically in the parameters and
    inequalities are proved on the whole box (by the improvement certificate, or by
    ``signs``); any inequality that could only be sampled makes its claim ``"sampled"``, is
    recorded in ``analysis.notes`` and ``analysis.undecided``, and the report is then not
    verified (a sample is no proof).
    """
    from .analysis import Analysis

    if not isinstance(analysis, Analysis):
        raise ModelError("analysis", f"a {type(analysis).__name__} is not an Analysis",
                         "give the result of analyse(model)")
    results = {name: decide(analysis, name, check) for name, check in CHECKS.items()}
    if analysis.domain.parametric:
        record_undecided(analysis, results)
    return results


def record_undecided(analysis, results: dict) -> None:
    """Refresh ``analysis.notes``/``analysis.undecided`` from the claims in ``results``.

    The notes say how the inequalities were decided, then one line per inequality only
    sampled and one per inequality refuted at an exact point (claim, state, quantity, what to do).
    """
    sampled = [undecided_note(name, item) for name, check in results.items() for item in check.undecided]
    refuted = [refuted_note(name, item) for name, check in results.items() for item in check.refuted]
    if refuted:
        verdict = "some inequalities fail at an exact point of the box, so the model is not verified:"
    elif sampled:
        verdict = "inequalities are proved on the whole box except these, so the model is not verified:"
    else:
        verdict = "inequalities are proved on the whole parameter box"
    analysis.notes[:] = ["equalities hold identically in the parameters; " + verdict] + refuted + sampled
    analysis.undecided[:] = sampled
