"""Display layer — pictures of exact results; the only floats of the sweep live here (docs/math.md §6).

``sweep_as_floats`` converts exact sweep rows to floats once, on the way out
(like ``statistics.fmean``); ``plot_sweep`` draws P(G ≥ τ), E[G] and the
action-influence I against τ, with misaligned thresholds marked.  Matplotlib
is imported lazily (object-oriented API with the Agg canvas: no pyplot, no
global backend switch).  Must not compute or judge anything.
"""

from __future__ import annotations

from .display import matplotlib_canvas
from .errors import UnsupportedModelError


def _as_float(value):
    """A Rational as a float, ``None`` (undefined / not finite) as NaN; refuses symbolic values."""
    if value is None:
        return float("nan")
    numerator, denominator = getattr(value, "numerator", None), getattr(value, "denominator", None)
    if numerator is None or callable(numerator):
        raise UnsupportedModelError("plots need numeric (non-parametric) models")
    return int(numerator) / int(denominator)


def sweep_as_floats(rows) -> dict:
    """Columns of a sweep as lists of floats, for plotting only.

    >>> from fractions import Fraction as F
    >>> from sc_symbolic.thresholds import SweepRow
    >>> row = SweepRow(F(1), F(3, 4), F(5, 6), F(5, 4), F(7, 6), F(1, 9), F(1, 9), F(1, 9), True)
    >>> sweep_as_floats([row])["probability"]
    [0.75]
    """
    names = ("tau", "probability", "probability_plus", "expected_return", "expected_return_plus",
             "influence_initial", "influence_mean", "chi2_initial")
    columns = {name: [_as_float(getattr(row, name)) for row in rows] for name in names}
    columns["misaligned"] = [bool(row.misaligned) for row in rows]
    return columns


def plot_sweep(rows, path=None, title: str | None = None):
    """Three panels against τ: P(G ≥ τ) under π and π⁺_τ; E[G] under both; I at ρ and η-mean I.

    Misaligned thresholds (E_{π⁺_τ}[G] < E_π[G]) are marked with red crosses
    and shaded.  Writes a PNG to ``path`` when given; returns the Figure.
    """
    FigureCanvasAgg, Figure = matplotlib_canvas()

    columns = sweep_as_floats(rows)
    tau = columns["tau"]
    bad = [t for t, flag in zip(tau, columns["misaligned"]) if flag]
    half_width = (max(tau) - min(tau)) / 40 if len(tau) > 1 and max(tau) > min(tau) else 0.1
    figure = Figure(figsize=(11, 3.4), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(1, 3)
    panels = (
        (axes[0], "P(G ≥ τ)", (("probability", "π"), ("probability_plus", "π⁺_τ"))),
        (axes[1], "E[G]", (("expected_return", "π"), ("expected_return_plus", "π⁺_τ"))),
        (axes[2], "action-influence I", (("influence_initial", "I at ρ"), ("influence_mean", "η-mean I"))),
    )
    for ax, label, series in panels:
        for (name, legend), style in zip(series, ("o-", "s--")):
            ax.plot(tau, columns[name], style, label=legend)
        for t in bad:
            ax.axvspan(t - half_width, t + half_width, color="tab:red", alpha=0.12, linewidth=0)
        ax.set_xlabel("τ")
        ax.set_title(label)
        ax.legend(fontsize="small")
    if bad:
        marked = [(t, e) for t, e, flag in zip(tau, columns["expected_return_plus"], columns["misaligned"]) if flag]
        axes[1].plot([t for t, _ in marked], [e for _, e in marked], "x", color="tab:red", markersize=11,
                     markeredgewidth=2, label="misaligned")
        axes[1].legend(fontsize="small")
    if title:
        figure.suptitle(title)
    if path is not None:
        from .output import save_figure

        save_figure(figure, path, dpi=110)
    return figure
