"""Optional dependencies — the one place they are imported from (layer 0: imports only ``errors``).

Each optional module is listed with the distribution that provides it and
the extra of ``pyproject.toml`` that installs it.  Two kinds:

* **features** (plots, PRISM/Gymnasium/Minari import, SMT and Hypothesis
  search, dask, the numpy reference kit): ``require(module, feature)``
  returns the module or raises ``MissingDependencyError`` whose message is one
  line, e.g. ``plotting (--plot) needs matplotlib, which is not installed:
  pip install "sc-symbolic[plot]"`` (the command line: exit status 2);
* **accelerators and decorations** (gmpy2, python-flint, the tqdm progress
  bar): ``optional(module)`` returns the module or ``None``; the code path
  without them computes the same exact results, so absence is never an error.

``rationals.py`` and ``kernel.py`` probe gmpy2 themselves: the kernel imports
nothing from the package, and ``rationals`` chooses the Rational type at import
time (``SC_SYMBOLIC_RATIONAL=fraction`` forces ``fractions.Fraction``).

>>> require("fractions", "exact arithmetic").__name__
'fractions'
>>> optional("no_such_module_anywhere") is None
True
"""

from __future__ import annotations

import importlib

from .errors import MissingDependencyError

#: Top-level module → (distribution on PyPI, extra of pyproject.toml).
OPTIONAL_MODULES = {
    "matplotlib": ("matplotlib", "plot"),
    "z3": ("z3-solver", "smt"),
    "stormpy": ("stormpy", "prism"),
    "gymnasium": ("gymnasium", "gym"),
    "minari": ("minari", "minari"),
    "tqdm": ("tqdm", "progress"),
    "dask": ("dask[distributed]", "distributed"),
    "distributed": ("dask[distributed]", "distributed"),
    "hypothesis": ("hypothesis", "testing"),
    "numpy": ("numpy", "testing"),
    "gmpy2": ("gmpy2", "fast"),
    "flint": ("python-flint", "fast"),
}


def install_hint(module: str) -> str:
    """The pip command that installs ``module``'s extra.

    >>> install_hint("matplotlib.figure")
    'pip install "sc-symbolic[plot]"'
    """
    _, extra = OPTIONAL_MODULES[module.split(".")[0]]
    return f'pip install "sc-symbolic[{extra}]"'


def require(module: str, feature: str):
    """``importlib.import_module(module)``, or ``MissingDependencyError`` naming ``feature`` and the extra.

    A module that is installed but fails to import (a broken installation)
    is reported with the first line of the import error, still on one line.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        distribution, extra = OPTIONAL_MODULES.get(top, (top, None))
        hint = install_hint(top) if extra else f"pip install {distribution}"
        missing = getattr(exc, "name", None)
        if isinstance(exc, ModuleNotFoundError) and missing is not None and (
                module == missing or module.startswith(missing + ".")
                or OPTIONAL_MODULES.get(missing.split(".")[0], (None, None))[1] == extra):
            state = "which is not installed"
        else:
            reason = (str(exc).splitlines() or [""])[0]
            state = f"which failed to import ({type(exc).__name__}: {reason})"
        raise MissingDependencyError(f"{feature} needs {distribution}, {state}: {hint}",
                                     module, distribution, extra or "") from None


def optional(module: str):
    """The module, or ``None`` when it cannot be imported (accelerators and decorations only)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None
