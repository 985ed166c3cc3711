"""Search layer — properties: predicates over an exact analysis that a witness violates (docs/math.md §5, §6).

    misalignment                    E_{π⁺_τ}[G] < E_π[G]                (exists: the paper's point)
    markov-variant-degrades         P_{π̄_τ}(G ≥ τ) < P_π(G ≥ τ)          (open question, §6)
    markov-variant-breaks-identity  R̄ ≠ χ²(π̄‖π) or χ²(π̄‖π) ≠ I somewhere  (open question, §6)
    identity-violation              some claim of ``checks.CHECKS`` fails (sanity: must never be found)
    no-improvement                  J(π⁺) < J(π)                         (sanity: must never be found)

A ``Property`` holds a ``predicate(model) -> Witness | None`` on a validated
``Model`` (the judge) and optionally a ``screen(candidate) -> bool`` on the
search's compact ``Candidate`` (an exact fast path that must say True
whenever the predicate would find a witness).  Users add their own with
``register_property``.  Never prints; never uses floats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..errors import ModelError


@dataclass(frozen=True)
class Witness:
    """An exact counterexample: the model (mdp-1 dict, policy and τ included) and the violated inequality.

    ``inequality`` is the relation that *holds* on the witness and contradicts
    the property's claim (``"E_{pi+_tau}[G] < E_pi[G]"``); ``lhs`` and ``rhs``
    are its two exact sides (Rationals).
    """

    property: str
    model: dict
    inequality: str
    lhs: object
    rhs: object
    details: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Property:
    """A searchable property: ``predicate(model)`` returns a ``Witness`` when ``model`` violates the claim.

    ``needs_threshold``: the model must have ``success: {"return_at_least": τ}``.
    ``screen(candidate)``: optional exact fast path (True ⇒ run the predicate).
    ``sanity``: True for claims that are theorems (a witness would be a bug).
    """

    name: str
    description: str
    needs_threshold: bool
    predicate: Callable
    screen: Callable | None = None
    sanity: bool = False


PROPERTIES: dict = {}


def register_property(name: str, description: str, needs_threshold: bool, predicate: Callable,
                      screen: Callable | None = None, sanity: bool = False) -> Property:
    """Add a property to ``PROPERTIES`` (it becomes available to ``search`` and the CLI).

    >>> from sc_symbolic.search.properties import register_property, PROPERTIES
    >>> prop = register_property("never", "never violated", True, lambda model: None)
    >>> PROPERTIES.pop("never") is prop
    True
    """
    if not isinstance(name, str) or not name:
        raise ModelError("property", f"{name!r} is not a property name", "property names are non-empty strings")
    prop = Property(name, description, needs_threshold, predicate, screen, sanity)
    PROPERTIES[name] = prop
    return prop


def get_property(name: str) -> Property:
    """The registered property ``name``; ModelError (naming the known ones) otherwise."""
    try:
        return PROPERTIES[name]
    except (KeyError, TypeError):
        raise ModelError("property", f"unknown property {name!r}",
                         "known properties: " + ", ".join(sorted(PROPERTIES))) from None


# ------------------------------------------------------------- built-ins


def _analysis(model):
    from ..analysis import analyse

    return analyse(model)


def misalignment(model) -> Witness | None:
    """E_{π⁺_τ}[G] < E_π[G], from ``analysis.analyse`` (exact)."""
    analysis = _analysis(model)
    E, E_plus = analysis.expected_return, analysis.expected_return_plus
    if E is None or E_plus is None or not E_plus < E:
        return None
    return Witness("misalignment", model.to_dict(), "E_{pi+_tau}[G] < E_pi[G]", E_plus, E,
                   {"P_pi(G >= tau)": analysis.J, "P_{pi+_tau}(G >= tau)": analysis.J_plus})


def _misalignment_screen(candidate) -> bool:
    from .candidate import fast_evaluation

    return fast_evaluation(candidate).misaligned


def markov_variant_degrades(model) -> Witness | None:
    """P_{π̄_τ}(G ≥ τ) < P_π(G ≥ τ), from ``thresholds.markov_variant`` (exact)."""
    from ..thresholds import markov_variant

    mv = markov_variant(model)
    if not mv.probability_bar < mv.probability:
        return None
    return Witness("markov-variant-degrades", model.to_dict(), "P_{pi_bar_tau}(G >= tau) < P_pi(G >= tau)",
                   mv.probability_bar, mv.probability, {"P_{pi+_tau}(G >= tau)": mv.probability_plus})


def _markov_degrades_screen(candidate) -> bool:
    from .candidate import fast_evaluation

    ev = fast_evaluation(candidate)
    return ev.markov()[0] < ev.probability


def markov_variant_breaks_identity(model) -> Witness | None:
    """R̄ = χ²(π̄‖π) = I fails at some augmented state, from ``thresholds.markov_variant``."""
    from ..thresholds import markov_variant

    mv = markov_variant(model)
    if mv.identity_holds:
        return None
    w = mv.witnesses["identity"]
    return Witness("markov-variant-breaks-identity", model.to_dict(), f"at {w.state}: {w.relation} fails",
                   w.lhs, w.rhs, {"state": w.state})


def _markov_identity_screen(candidate) -> bool:
    from .candidate import fast_evaluation

    return not fast_evaluation(candidate).markov()[1]


def identity_violation(model) -> Witness | None:
    """Some claim of ``checks.CHECKS`` fails on the full analysis (a bug if ever found)."""
    from ..checks import run_checks

    for name, check in run_checks(_analysis(model)).items():
        if not check.holds:
            v = check.witness[0] if check.witness else None
            return Witness("identity-violation", model.to_dict(),
                           f"{name}: {v.relation if v else 'fails'}", v.lhs if v else None, v.rhs if v else None)
    return None


def no_improvement(model) -> Witness | None:
    """J(π⁺) < J(π) (contradicts docs/math.md §5; a bug if ever found)."""
    analysis = _analysis(model)
    if not analysis.J_plus < analysis.J:
        return None
    return Witness("no-improvement", model.to_dict(), "J(pi+) < J(pi)", analysis.J_plus, analysis.J)


def _no_improvement_screen(candidate) -> bool:
    from .candidate import fast_evaluation

    ev = fast_evaluation(candidate)
    return ev.probability_plus < ev.probability


register_property("misalignment", "success conditioning on G >= tau lowers E[G]: E_{pi+_tau}[G] < E_pi[G]",
                  True, misalignment, _misalignment_screen)
register_property("markov-variant-degrades", "the Markov (filtered) variant lowers P(G >= tau)",
                  True, markov_variant_degrades, _markov_degrades_screen)
register_property("markov-variant-breaks-identity", "the Markov variant breaks R = chi2 = I at some state",
                  True, markov_variant_breaks_identity, _markov_identity_screen)
register_property("identity-violation", "some claim of docs/math.md §3-§5 fails (sanity: never found)",
                  True, identity_violation, None, sanity=True)
register_property("no-improvement", "J(pi+) < J(pi) (sanity: never found)",
                  True, no_improvement, _no_improvement_screen, sanity=True)


def violates(prop: Property, candidate) -> Witness | None:
    """Screen ``candidate`` with the fast path, then confirm on the validated model; the Witness or None."""
    if prop.screen is not None and not prop.screen(candidate):
        return None
    return prop.predicate(candidate.to_model(f"{prop.name} witness"))
