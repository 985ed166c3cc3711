"""Search layer — counterexample search returning the smallest exact witness (docs/math.md §6).

    >>> from sc_symbolic.search import search, Bounds
    >>> result = search("misalignment", "exhaustive", Bounds(1, 2, 2, 2, 2))
    >>> result.witness.inequality, str(result.witness.lhs), str(result.witness.rhs)
    ('E_{pi+_tau}[G] < E_pi[G]', '1/6', '1/4')

Public names: ``search``, ``SearchResult``, ``write_witness``, ``Bounds``,
``Property``, ``Witness``, ``PROPERTIES``, ``register_property``,
``Candidate``, ``sort_key``, ``shrink``.  Imports the engine layers below it
(analysis, checks, thresholds, report); never prints.
"""

from .candidate import Candidate, fast_evaluation
from .engine import METHODS, SearchResult, search, write_witness
from .generators import Bounds
from .properties import PROPERTIES, Property, Witness, get_property, register_property
from .shrink import shrink, sort_key

__all__ = ["Bounds", "Candidate", "METHODS", "PROPERTIES", "Property", "SearchResult", "Witness",
           "fast_evaluation", "get_property", "register_property", "search", "shrink", "sort_key",
           "write_witness"]
