"""Testing kit — compare a user's float results with the exact reference; dump a replayable model on failure.

Layer: beside ``testing`` (imports reference, model).  An entry passes when::

    |actual − x| ≤ atol + rtol · |x|,      x = float(exact value), correctly rounded,

(numpy's ``isclose`` rule, asymmetric: the tolerance scales with the exact side).
An infinite η passes only against ``inf``.  Entries where the reference is
undefined (``None``: invalid actions, π⁺ where V = 0, unreachable indexed
states) are not compared, whatever the user put there.  The exact values are
never rounded for the verdict's sake beyond that one float conversion.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

from .optional_deps import require
from .output import write_text
from .reference import INFINITE, MEANING, QUANTITIES, ExactReference, exact_reference

#: Where failing models are written unless told otherwise (or by ``$SC_SYMBOLIC_FAILURES``).
FAILURE_DIR = ".sc_symbolic_failures"
MAX_LISTED = 10
#: Paths written by ``dump_model`` in this process, oldest first (the pytest plugin keeps only a test's last).
WRITTEN: list = []


class ReferenceMismatch(AssertionError):
    """User values differ from the exact reference.

    ``mismatches`` lists ``(quantity, label, actual, exact, tolerance)``; ``path`` is
    the written model (replay with ``sc-symbolic check PATH``), or None.
    """

    def __init__(self, message, mismatches, path):
        self.mismatches = mismatches
        self.path = path
        super().__init__(message)


def failure_dir(directory=None) -> Path:
    """``directory``, else ``$SC_SYMBOLIC_FAILURES``, else ``.sc_symbolic_failures`` (relative to the cwd)."""
    return Path(directory if directory is not None else os.environ.get("SC_SYMBOLIC_FAILURES", FAILURE_DIR))


def dump_model(model, directory=None) -> Path:
    """Write ``model`` as a ``sc-symbolic/mdp-1`` file named by its content hash; return the path."""
    data = model.to_dict()
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", model.name)[:40].strip("._") or "model"
    folder = failure_dir(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}-{hashlib.sha256(text.encode()).hexdigest()[:12]}.json"
    write_text(path, text, "failure model")
    WRITTEN.append(path)
    return path


def _fill(out, value, ref, axes, prefix, quantity):
    """Write a nested dict (keys follow ``axes``: time, return, state, action) into the float array ``out``."""
    if not axes:
        out[prefix] = value
        return
    if not isinstance(value, Mapping):
        raise AssertionError(f"{quantity}: expected a dict keyed by {axes[0]} at {ref.label(quantity, prefix) or 'top'}")
    axis = axes[0]
    labels = {"time": ref.times, "return": ref.returns, "state": ref.states, "action": ref.actions}[axis]
    for key, inner in value.items():
        wanted = Fraction(key) if axis == "return" else key
        if wanted not in labels:
            raise AssertionError(f"{quantity}: unknown {axis} {key!r} (the reference has {list(labels)})")
        _fill(out, inner, ref, axes[1:], prefix + (labels.index(wanted),), quantity)


def as_user_array(actual, ref: ExactReference, quantity: str):
    """``actual`` (array-like or nested dict by names) as a float64 array of the reference's shape."""
    np = require("numpy", "assert_close (sc_symbolic.closeness)")

    shape = np.shape(ref.exact[quantity])
    axes = ref.axes_of(quantity)
    if isinstance(actual, Mapping):
        out = np.full(shape, np.nan)
        _fill(out, actual, ref, axes, (), quantity)
        return out
    out = np.asarray(actual, dtype=np.float64)
    if out.shape != shape:
        raise AssertionError(f"{quantity}: shape {out.shape}, but the reference has shape {shape} with axes "
                             f"{axes} (states {list(ref.states)}, actions {list(ref.actions)})")
    return out


def mismatches(actual, ref: ExactReference, quantity: str, rtol=1e-7, atol=0.0, where=None) -> list:
    """``[(quantity, label, actual, exact, tolerance)]`` for every compared entry out of tolerance.

    Compared: entries where the reference is defined and ``where`` (a boolean
    array broadcast to the shape, default everywhere) is true.
    """
    np = require("numpy", "assert_close (sc_symbolic.closeness)")

    values = as_user_array(actual, ref, quantity)
    exact = ref.exact[quantity]
    rtol = np.broadcast_to(np.asarray(rtol, dtype=np.float64), exact.shape)
    atol = np.broadcast_to(np.asarray(atol, dtype=np.float64), exact.shape)
    mask = np.broadcast_to(np.asarray(True if where is None else where, dtype=bool), exact.shape)
    found = []
    for index, x in np.ndenumerate(exact):
        if x is None or not mask[index]:
            continue
        value = float(values[index])
        if x is INFINITE:
            if value != np.inf:
                found.append((quantity, ref.label(quantity, index), value, x, 0.0))
            continue
        tolerance = float(atol[index] + rtol[index] * abs(float(x)))
        if not abs(value - float(x)) <= tolerance:  # NaN compares False: a missing value is a mismatch
            found.append((quantity, ref.label(quantity, index), value, x, tolerance))
    return found


def _describe(item) -> str:
    quantity, label, value, x, tolerance = item
    where = f"[{label}]" if label else ""
    if x is INFINITE:
        return f"  {quantity}{where}: actual {value!r} vs exact ∞"
    return (f"  {quantity}{where}: actual {value!r} vs exact {x} (≈ {float(x)!r}), "
            f"|diff| {abs(value - float(x))!r} > tolerance {tolerance!r}")


def _tolerance(value) -> str:
    np = require("numpy", "assert_close (sc_symbolic.closeness)")

    return repr(float(value)) if np.ndim(value) == 0 else "per entry"


def assert_close(actual, reference, quantity: str | None = None, *, rtol=1e-7, atol=0.0, where=None,
                 directory=None, parameters: dict | None = None) -> ExactReference:
    """Assert that a user's float results match the exact reference; return the reference.

    ``actual`` is either a mapping quantity → values (every key a name of
    ``reference.QUANTITIES``: ``V``, ``Q``, ``pi``, ``pi_plus``, ``pi_pooled``, ``I``, ``V_plus``,
    ``eta``, ``eta_plus``, ``J``, ``J_plus``) or the values of one ``quantity``.  Values are
    array-likes of the reference's shape or nested dicts keyed by time, return,
    state name, action name (in the order of ``reference.axes_of(quantity)``);
    an entry missing from a dict is NaN, hence a failure where the reference is defined.
    ``reference`` is an ``ExactReference`` or anything ``exact_reference`` accepts.
    ``rtol``/``atol`` may be arrays broadcast to the quantity's shape; ``where``
    (a boolean array, with ``quantity``) restricts the comparison, e.g. to the
    states an estimator has data for.

    On failure raises ``ReferenceMismatch`` naming quantity, time/return, state,
    action and both values, after writing the model to ``directory`` (default
    ``failure_dir()``) for ``sc-symbolic check``.

    >>> bandit = {"format": "sc-symbolic/mdp-1", "initial": {"s": 1}, "policy": "uniform",
    ...     "states": {"s": {"a": {"win": "1/2", "lose": "1/2"}, "b": {"win": 1}}, "win": {}, "lose": {}},
    ...     "success": {"states": ["win"]}}
    >>> _ = assert_close({"pi_plus": {"s": {"a": 0.3333333334, "b": 0.6666666666}}, "J": 0.75}, bandit)
    """
    ref = reference if isinstance(reference, ExactReference) else exact_reference(reference, parameters=parameters)
    if quantity is not None:
        actual = {quantity: actual}
    if not isinstance(actual, Mapping) or not actual:
        raise TypeError("assert_close: give quantity=... or a non-empty mapping quantity → values")
    found = []
    for name, values in actual.items():
        if name not in QUANTITIES:
            raise KeyError(f"unknown quantity {name!r}; known: {', '.join(QUANTITIES)}")
        found += mismatches(values, ref, name, rtol, atol, where)
    if not found:
        return ref
    path = dump_model(ref.model, directory)
    counted = {}
    for item in found:
        counted[item[0]] = counted.get(item[0], 0) + 1
    what = "; ".join(f"{q} ({MEANING[q]}): {n} {'entry' if n == 1 else 'entries'}" for q, n in counted.items())
    lines = [f"values differ from the exact reference of model {ref.model.name!r} "
             f"(rtol={_tolerance(rtol)}, atol={_tolerance(atol)}) — {what}:"]
    lines += [_describe(item) for item in found[:MAX_LISTED]]
    if len(found) > MAX_LISTED:
        lines.append(f"  … and {len(found) - MAX_LISTED} more")
    lines.append(f"model written to {path}; replay: sc-symbolic check {path}")
    raise ReferenceMismatch("\n".join(lines), found, path)
