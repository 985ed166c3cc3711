"""Display layer — the only place exact numbers become floats (plots and tables for humans).

Converts Rationals, ``QuadraticNumber`` (a + b√n) and exact SymPy numbers to
float once, on the way out (the ``statistics.fmean`` pattern), and draws the
trust-region value curve of docs/math.md §4.  Nothing here feeds a decision: no
verified path may call these functions.  matplotlib is imported lazily and
only through its object-oriented Agg canvas (no pyplot, no global backend).
"""

from __future__ import annotations

import math


def as_float(value):
    """A float for display: Rational, int, QuadraticNumber or exact SymPy number; None stays None.

    >>> from sc_symbolic.exact import rational
    >>> as_float(rational(1, 4)), as_float(None)
    (0.25, None)
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError("booleans are not numbers")
    from .optimum import QuadraticNumber

    if isinstance(value, QuadraticNumber):
        root = math.sqrt(value.radicand) if value.radicand != 1 else 0.0
        return float(value.rational) + float(value.surd) * root
    if hasattr(value, "evalf"):  # a SymPy expression
        return float(value.evalf(30))
    return float(value)


def as_float_table(table):
    """The same nested dicts / lists / tuples with every exact number replaced by a float.

    Strings and None are kept as they are.

    >>> from sc_symbolic.exact import rational
    >>> as_float_table({'a': rational(1, 2), 'b': [rational(3, 4), None, 'x']})
    {'a': 0.5, 'b': [0.75, None, 'x']}
    """
    if isinstance(table, dict):
        return {key: as_float_table(value) for key, value in table.items()}
    if isinstance(table, (list, tuple)):
        return type(table)(as_float_table(value) for value in table)
    if table is None or isinstance(table, (str, bool)):
        return table
    return as_float(table)


def matplotlib_canvas():
    """(FigureCanvasAgg, Figure) of matplotlib, or MissingDependencyError naming the ``plot`` extra."""
    from .optional_deps import require

    require("matplotlib", "plotting (--plot)")
    return (require("matplotlib.backends.backend_agg", "plotting (--plot)").FigureCanvasAgg,
            require("matplotlib.figure", "plotting (--plot)").Figure)


def value_curve_points(curve, delta_max=None, samples: int = 200) -> tuple[list, list]:
    """(δ list, value list) as floats along a ``value_curve`` from δ = 0 to ``delta_max``.

    ``delta_max`` defaults to 1.25 × the last breakpoint (1 when the curve is flat).
    """
    if delta_max is None:
        last = float(curve[-1].lower)
        delta_max = 1.25 * last if last > 0 else 1.0
    xs, ys = [], []
    for i in range(samples + 1):
        delta = delta_max * i / samples
        piece = next((c for c in curve if c.upper is None or delta <= float(c.upper)), curve[-1])
        inside = max(0.0, float(piece.slope) * delta + float(piece.offset))
        xs.append(delta)
        ys.append(float(piece.base) + math.sqrt(inside))
    return xs, ys


def plot_value_curve(curve, marker=None, path=None, *, delta_max=None, samples: int = 200,
                     title: str = "trust-region value curve"):
    """Draw δ ↦ max Σ pQ (a ``value_curve``), breakpoints dotted, ``marker`` = (δ, value) marked.

    ``marker`` is typically (I(s), Σ π⁺ Q), the point success conditioning
    picks.  Saves a PNG to ``path`` when given; returns the matplotlib Figure.
    """
    FigureCanvasAgg, Figure = matplotlib_canvas()

    if marker is not None and delta_max is None:
        last = float(curve[-1].lower)
        delta_max = 1.25 * max(last, as_float(marker[0])) or 1.0
    xs, ys = value_curve_points(curve, delta_max, samples)
    figure = Figure(figsize=(6, 4))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    axes.plot(xs, ys, color="tab:blue", label="max Σ p Q  s.t.  χ²(p‖π) ≤ δ")
    for piece in curve[1:]:
        axes.axvline(float(piece.lower), color="grey", linestyle=":", linewidth=0.8)
    if marker is not None:
        x, y = as_float(marker[0]), as_float(marker[1])
        axes.plot([x], [y], "o", color="tab:red", label=f"π⁺: δ = I = {x:.4g}, value {y:.4g}")
    axes.set_xlabel("radius δ")
    axes.set_ylabel("optimal value")
    axes.set_title(title)
    axes.legend(loc="lower right")
    if path is not None:
        from .output import save_figure

        save_figure(figure, path, dpi=100)
    return figure
