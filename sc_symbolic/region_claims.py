"""Claims for parameter regions (docs/math.md §8): each is ``f(θ) ▷ 0`` with ``f`` a rational function.

    misalignment   f = E_π[G] − E_{π⁺_τ}[G]                         ▷ = >
    improvement    f = J(π⁺) − J(π)                                   ▷ = >
    amplification  f = Δ(τ) − Δ(τ′),  Δ(t) = P_{π⁺_t}(G ≥ t) − P_π(G ≥ t)   ▷ = >
    inequality     "L ⋈ R" over report quantities:  f = L − R (⋈ ∈ {>, ≥}) or R − L (⋈ ∈ {<, ≤})

``Δ(t)`` is the improvement of the success probability ``P(G ≥ t)`` obtained by
conditioning on ``G ≥ t`` (§6): amplification holds where conditioning at ``τ``
gains more than conditioning at ``τ′`` (``--versus``).  A user inequality is
read by the project's restricted parser (``exact.parse_expression``) over the
declared names only — report quantities, ``NAME[state]`` and
``NAME[state, action]`` entries, and the model's parameters — never ``eval``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ModelError

CLAIMS = ("misalignment", "improvement", "amplification")

#: Report quantities usable in an inequality, with what they need.
SCALARS = ("J", "J_plus", "expected_return", "expected_return_plus", "performance_difference")
PER_STATE = ("V", "V_plus", "R", "chi2", "I", "max_ratio")
PER_ACTION = ("Q", "pi", "pi_plus")

_COMPARATOR = re.compile(r"<=|>=|≤|≥|<|>")
_INDEXED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\[([^\[\]]*)\]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Claim:
    """``f ▷ 0`` with ``f`` a SymPy expression in the parameters; ``words`` is what holds."""

    f: object
    strict: bool
    words: str
    text: str  # the claim as the user wrote it (or its name)
    lhs_latex: str  # how f is typeset in LaTeX statements


def is_inequality(claim: str) -> bool:
    """True when ``claim`` is a user inequality rather than a named claim."""
    return isinstance(claim, str) and _COMPARATOR.search(claim) is not None


def _qq(value) -> str:
    from .exact import rational_to_str

    return rational_to_str(value)


def claim_of(model, claim: str, versus=None) -> Claim:
    """The claim on ``model`` (a validated parametric Model); ModelError on bad input."""
    import sympy

    from .analysis import analyse

    if not model.parameters:
        raise ModelError("MODEL", "no parameters: use check", "regions needs a parametric model (docs/cli.md, regions)")
    if not isinstance(claim, str) or not (claim in CLAIMS or is_inequality(claim)):
        raise ModelError("--claim", f"unknown claim {claim!r}",
                         f"choose one of {', '.join(CLAIMS)} or an inequality such as \"J_plus - J >= 1/10\"")
    if claim != "amplification" and versus is not None:
        raise ModelError("--versus", "only amplification compares two thresholds", "drop --versus")
    analysis = analyse(model)
    d = model.domain
    if d.is_zero(analysis.J):
        raise ModelError("--threshold", "success is never reached (J = 0 identically)",
                         "give an achievable threshold or success set")
    if claim == "misalignment":
        if model.threshold is None or analysis.expected_return is None:
            raise ModelError("--claim", "misalignment needs a return threshold and rewards",
                             "give a model with success.return_at_least or --threshold T")
        f = d.to_sympy(analysis.expected_return - analysis.expected_return_plus)
        tau = _qq(model.threshold)
        return Claim(_cancel(f), True, f"misaligned at τ = {tau}", claim,
                     r"\mathbb{E}_{\pi}[G] - \mathbb{E}_{\pi^+_\tau}[G]")
    if claim == "improvement":
        return Claim(_cancel(d.to_sympy(analysis.J_plus - analysis.J)), True,
                     "success conditioning strictly improves J", claim, r"J(\pi^+) - J(\pi)")
    if claim == "amplification":
        return _amplification(model, analysis, versus)
    return _inequality(model, analysis, claim)


def rethreshold(model, tau):
    """``model`` with success = (G ≥ τ), rebuilt without the whole-box probability proof
    (regions label the invalid parameter values themselves)."""
    from .model import from_dict
    from .thresholds import threshold_value

    data = model.to_dict()
    data["success"] = {"return_at_least": _qq(threshold_value(tau, "--threshold"))}
    return from_dict(data, name=model.name, validate_box=False)


def _cancel(f):
    import sympy

    return sympy.cancel(sympy.together(f))


def _amplification(model, analysis, versus) -> Claim:
    from .analysis import analyse
    from .thresholds import threshold_value

    if model.threshold is None:
        raise ModelError("--claim", "amplification needs a return threshold τ",
                         "give a model with success.return_at_least or --threshold T")
    if versus is None:
        raise ModelError("--versus", "amplification compares τ with a second threshold τ′", "add --versus T")
    other_tau = threshold_value(versus, "--versus")
    other = analyse(rethreshold(model, other_tau))
    d = model.domain
    if d.is_zero(other.J):
        raise ModelError("--versus", f"success G ≥ {_qq(other_tau)} is never reached (P = 0 identically)",
                         "give an achievable threshold")
    gain = analysis.J_plus - analysis.J
    other_gain = other.J_plus - other.J
    tau = _qq(model.threshold)
    words = f"conditioning on G ≥ {tau} improves P(G ≥ {tau}) more than conditioning on G ≥ {_qq(other_tau)} improves P(G ≥ {_qq(other_tau)})"
    return Claim(_cancel(d.to_sympy(gain - other_gain)), True, words, "amplification",
                 r"\Delta(\tau) - \Delta(\tau')")


class _QuantityDomain:
    """The model's domain with extra names bound to report quantities (for the restricted parser)."""

    def __init__(self, domain, values: dict):
        self._domain = domain
        self._values = values
        self.symbols = tuple(values)
        self.one, self.zero = domain.one, domain.zero

    def symbol(self, name):
        return self._values[name]

    def from_rational(self, q):
        return self._domain.from_rational(q)

    def check_size(self, x, where):
        self._domain.check_size(x, where)

    def is_zero(self, x):
        return self._domain.is_zero(x)

    def __getattr__(self, name):  # everything else is the model's domain
        return getattr(self._domain, name)


def quantity_names(analysis) -> list:
    """Every name an inequality may use on this analysis (for error messages)."""
    model = analysis.model
    names = [n for n in SCALARS if _scalar(analysis, n) is not None]
    states = list(model.nonterminal)
    shown = states[:3]
    names += [f"{q}[{s}]" for q in PER_STATE for s in shown]
    names += [f"{q}[{s}, {a}]" for q in PER_ACTION for s in shown[:1] for a in list(model.states[s])[:2]]
    return names + list(analysis.source.parameters)


def _scalar(analysis, name):
    return getattr(analysis, name, None)


def _entry(analysis, name: str, index: str, claim: str):
    model = analysis.model
    parts = [part.strip() for part in index.split(",")]
    valid_states = ", ".join(list(model.nonterminal)[:10]) + (", …" if len(model.nonterminal) > 10 else "")
    state = parts[0]
    if state not in model.nonterminal:
        raise ModelError("--claim", f"unknown state {state!r} in {claim!r}",
                         f"non-terminal states of the analysed model: {valid_states}")
    if name in PER_STATE:
        if len(parts) != 1:
            raise ModelError("--claim", f"{name}[…] takes one state in {claim!r}", f"write {name}[{state}]")
        table = {"max_ratio": analysis.max_ratio}.get(name) or getattr(analysis, name)
        value = table.get(state)
    else:
        actions = list(model.states[state])
        if len(parts) != 2 or parts[1] not in actions:
            raise ModelError("--claim", f"{name}[{index}] needs a state and one of its actions in {claim!r}",
                             f"actions of {state!r}: {', '.join(actions[:10])}")
        table = {"pi": analysis.policy}.get(name) or getattr(analysis, name)
        row = table.get(state)
        value = None if row is None else row[parts[1]]
    if value is None:
        raise ModelError("--claim", f"{name}[{index}] is undefined (V = 0 at {state!r}) in {claim!r}",
                         "use quantities defined on states with V > 0")
    return value


def _inequality(model, analysis, claim: str) -> Claim:
    from .exact import parse_expression

    comparators = _COMPARATOR.findall(claim)
    if len(comparators) != 1:
        raise ModelError("--claim", f"{len(comparators)} comparisons in {claim!r}",
                         "an inequality has exactly one of <, <=, >, >=")
    op = {"≤": "<=", "≥": ">="}.get(comparators[0], comparators[0])
    left_text, right_text = _COMPARATOR.split(claim)
    values: dict = {}
    valid = ", ".join(quantity_names(analysis))

    def bind(match):
        name, index = match.group(1), match.group(2)
        if name not in PER_STATE + PER_ACTION:
            raise ModelError("--claim", f"unknown name {name!r}[…] in {claim!r}", f"valid names: {valid}")
        key = f"_q{len(values)}"
        values[key] = _entry(analysis, name, index, claim)
        return f" {key} "

    sides = []
    for text in (left_text, right_text):
        plain = _INDEXED.sub(bind, text)
        for name in _NAME.findall(plain):
            if name in values:
                continue
            if name in model.parameters:
                if name in SCALARS:
                    raise ModelError("--claim", f"{name!r} is both a parameter and a report quantity",
                                     "rename the parameter")
                values[name] = model.domain.symbol(name)
            elif name in SCALARS and _scalar(analysis, name) is not None:
                values[name] = _scalar(analysis, name)
            else:
                raise ModelError("--claim", f"unknown name {name!r} in {claim!r}", f"valid names: {valid}")
        sides.append(plain)
    domain = _QuantityDomain(model.domain, values)
    try:
        left, right = (parse_expression(side, domain, "--claim") for side in sides)
    except ModelError as exc:
        raise ModelError("--claim", f"cannot read {claim!r}: {exc.what}",
                         "an inequality uses report quantities, parameters, numbers, + - * / ( ) and one comparison")
    f = left - right if op in (">", ">=") else right - left
    words = claim.strip()
    return Claim(_cancel(model.domain.to_sympy(f)), op in (">", "<"), words, words,
                 r"\text{lhs} - \text{rhs}" if op in (">", ">=") else r"\text{rhs} - \text{lhs}")


def probabilities(model) -> list:
    """Every transition, initial and policy probability of ``model`` that is not a constant (SymPy)."""
    d = model.domain
    found = []
    for actions in model.states.values():
        for outcomes in actions.values():
            found += [o.p for o in outcomes]
    found += list(model.initial.values())
    for row in model.policy.values():
        found += list(row.values())
    out, seen = [], set()
    for p in found:
        expr = d.to_sympy(p)
        if expr.free_symbols and expr not in seen:
            seen.add(expr)
            out.append(expr)
    return out


def symbols_of(model) -> list:
    import sympy

    return [sympy.Symbol(name, real=True) for name in model.parameters]
