"""Optional dependencies are imported through ``sc_symbolic/optional_deps.py`` only (issue 15).

A module of an extra (matplotlib, stormpy, z3, dask, gymnasium, minari, tqdm,
hypothesis, numpy, gmpy2, flint) may be imported directly only inside a
function that first obtains it through ``optional_deps`` — by calling
``require``/``optional`` or a helper built on them, or by receiving the
module as an argument — so a missing extra is always the one-line
``MissingDependencyError``, never a bare ``ModuleNotFoundError`` ("internal
error").  ``rationals.py`` and ``kernel.py`` probe gmpy2 themselves (the kernel
imports nothing from the package).
"""

import ast
from pathlib import Path

from sc_symbolic.optional_deps import OPTIONAL_MODULES

PACKAGE = Path(__file__).resolve().parents[2] / "sc_symbolic"
OWN_PROBES = {"optional_deps.py", "rationals.py", "kernel.py"}
#: Functions that return an optional module through optional_deps (or fail with the install hint).
HELPERS = {"require", "optional", "matplotlib_canvas", "_gym", "_stormpy", "_minari", "require_z3", "require_dask"}


def _optional_imports(node):
    for child in ast.walk(node):
        if isinstance(child, ast.Import):
            names = [alias.name for alias in child.names]
        elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
            names = [child.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in OPTIONAL_MODULES:
                yield child.lineno, name


def _guarded(function) -> bool:
    calls = {node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
             for node in ast.walk(function) if isinstance(node, ast.Call)}
    parameters = {arg.arg for arg in function.args.args + function.args.kwonlyargs}
    return bool(calls & HELPERS) or bool(parameters & set(OPTIONAL_MODULES))


def offences_in(source: str, where: str) -> list:
    """Every import of an optional module in ``source`` that does not go through optional_deps."""
    tree = ast.parse(source)
    offences, inside = [], set()
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for line, name in _optional_imports(function):
                inside.add(line)
                if not _guarded(function):
                    offences.append(f"{where}:{line}: import {name} in {function.name}() without optional_deps.require")
    for line, name in _optional_imports(tree):
        if line not in inside:
            offences.append(f"{where}:{line}: module-level import {name}")
    return offences


def test_optional_modules_are_imported_through_optional_deps():
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name not in OWN_PROBES:
            offences += offences_in(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)))
    assert offences == [], "\n".join(offences)


def test_the_rule_catches_a_bare_import():
    bare = "def plot(path):\n    from matplotlib.figure import Figure\n    return Figure()\n"
    guarded = "def plot(path):\n    require('matplotlib', 'plots')\n    from matplotlib.figure import Figure\n"
    assert offences_in(bare, "x.py") == ["x.py:2: import matplotlib.figure in plot() without optional_deps.require"]
    assert offences_in(guarded, "x.py") == []
    assert offences_in("import z3\n", "y.py") == ["y.py:1: module-level import z3"]
