"""symbolic layer: imports sympy and sc_symbolic.errors only — ``prove`` (docs/math.md §7).

Machine-checked derivations for one state with N actions: each Step is
reduced to 0 exactly over QQ (never floats, never ``simplify``).
"""

from .derivation import Derivation, Step, check_derivation, check_step, to_dict, to_latex, to_text
from .identity import prove_identity
from .trust_region import prove_trust_region

PROOFS = {"identity": prove_identity, "trust-region": prove_trust_region}

__all__ = [
    "PROOFS",
    "Derivation",
    "Step",
    "check_derivation",
    "check_step",
    "prove_identity",
    "prove_trust_region",
    "to_dict",
    "to_latex",
    "to_text",
]
