"""Export layer — validated models out to other tools (the model edge).

* ``exporters.prism.to_prism``: a PRISM ``mdp``/``dtmc`` program (or the
  policy-induced ``dtmc``) that Storm and PRISM parse.

Exporters read a validated ``Model`` and write text; they never analyse.
"""

from __future__ import annotations

__all__ = ["to_prism"]


def to_prism(model, induced: bool = False) -> str:
    """See :func:`sc_symbolic.exporters.prism.to_prism`."""
    from .prism import to_prism as _to_prism

    return _to_prism(model, induced)
