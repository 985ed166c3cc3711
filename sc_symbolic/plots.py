"""Display layer — pictures of exact results; the only floats of the sweep live here (docs/math.md §6).

``sweep_as_floats`` converts exact sweep rows to floats once, on the way out
(like ``statistics.fmean``); ``plot_sweep`` draws P(G ≥ τ), E[G] and the
action-influence I against τ.  Matplotlib is imported lazily (object-oriented
API with the Agg canvas: no pyplot, no global backend switch).  Must not
compute or judge anything.

Every sweep quantity is a left-continuous step function of τ.  With
g_1 < … < g_m the achievable returns,

    P(G ≥ τ) = Σ_{g_j ≥ τ} P(G = g_j) = P(G ≥ g_k)   for g_{k−1} < τ ≤ g_k

(g_0 = −∞), and P(G ≥ τ) = 0 for τ > g_m.  The event {G ≥ τ} is the same on
the whole segment (g_{k−1}, g_k], hence so are π⁺_τ, P_{π⁺_τ}(G ≥ τ),
E_{π⁺_τ}[G] and I; E_π[G] does not depend on τ at all.  So each value is drawn
as a horizontal segment over (g_{k−1}, g_k], closed at its right end g_k (a
filled dot: the value at τ = g_k) and open at its left end (an open circle) —
matplotlib's ``step(where="pre")`` convention, with the jumps only dotted.
Grey vertical lines mark the achievable thresholds g_k (exact tick labels);
a segment on which E[G] drops (misalignment) is shaded red.  Segments that no
row falls in are not drawn: without ``achievable`` only the rows' points are.
"""

from __future__ import annotations

from bisect import bisect_left

from .display import matplotlib_canvas
from .errors import UnsupportedModelError

#: Most achievable thresholds labelled exactly on the τ axis (beyond, or when crowded: matplotlib's ticks).
MAX_LABELLED_THRESHOLDS = 12


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


def threshold_segments(taus, achievable) -> list:
    """For each exact τ, the index k of its segment: (g_{k−1}, g_k] for k < m, (g_m, ∞) for k = m.

    ``achievable`` is the sorted list g_1 < … < g_m (``thresholds.achievable_returns``);
    every sweep quantity is constant on each segment.

    >>> from fractions import Fraction as F
    >>> threshold_segments([F(-1), F(0), F(1, 2), F(1), F(3), F(4)], [F(0), F(1), F(3)])
    [0, 0, 1, 1, 2, 3]
    """
    return [bisect_left(achievable, tau) for tau in taus]


def _window(taus, achievable) -> tuple:
    points = [_as_float(t) for t in list(taus) + list(achievable)]
    low, high = min(points), max(points)
    pad = 0.15 * (high - low) if high > low else 0.5
    return low - pad, high + pad


def _spread(achievable, window) -> bool:
    """Whether exact tick labels at the achievable thresholds are far enough apart to be read."""
    g = [_as_float(x) for x in achievable]
    return all(b - a >= (window[1] - window[0]) / 25 for a, b in zip(g, g[1:]))


def plot_sweep(rows, path=None, title: str | None = None, achievable=None):
    """Three panels against τ: P(G ≥ τ) under π and π⁺_τ; E[G] under both; I at ρ and η-mean I.

    ``achievable``: the sorted achievable returns (``thresholds.achievable_returns(model)``);
    with it every row's values are drawn as the step over its segment (module docstring),
    without it only as points at the rows' τ.  Writes a PNG to ``path`` when given;
    returns the Figure.
    """
    FigureCanvasAgg, Figure = matplotlib_canvas()
    from .exact import rational_to_str

    columns = sweep_as_floats(rows)
    achievable = sorted(achievable) if achievable is not None else None
    figure = Figure(figsize=(11, 3.6), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(1, 3)
    panels = (
        (axes[0], "P(G ≥ τ)", (("probability", "π"), ("probability_plus", "π⁺_τ"))),
        (axes[1], "E[G]", (("expected_return", "π"), ("expected_return_plus", "π⁺_τ"))),
        (axes[2], "action-influence I", (("influence_initial", "I at ρ"), ("influence_mean", "η-mean I"))),
    )
    styles = (("tab:blue", "-"), ("tab:orange", "--"))
    window = _window([row.tau for row in rows], achievable or []) if rows else None
    if not rows:
        segments, bounds = [], {}
    elif achievable is None:
        segments, bounds = None, {}
    else:
        segments = threshold_segments([row.tau for row in rows], achievable)
        left, right = window
        g = [_as_float(x) for x in achievable]
        bounds = {k: (g[k - 1] if k > 0 else left, g[k] if k < len(g) else right) for k in set(segments)}
    for ax, label, series in panels:
        if achievable is not None:
            for x in achievable:
                ax.axvline(_as_float(x), color="0.82", linewidth=0.8, zorder=0)
            if 0 < len(achievable) <= MAX_LABELLED_THRESHOLDS and _spread(achievable, window):
                ax.set_xticks([_as_float(x) for x in achievable], [rational_to_str(x) for x in achievable])
        for (name, legend), (color, style) in zip(series, styles):
            if segments is None:
                ax.plot(columns["tau"], columns[name], "o", color=color, label=legend)
                continue
            _draw_steps(ax, segments, bounds, columns[name], len(achievable), color, style, legend)
        if segments:
            for k in {k for k, flag in zip(segments, columns["misaligned"]) if flag}:
                ax.axvspan(*bounds[k], color="tab:red", alpha=0.12, linewidth=0)
        if window is not None:
            ax.set_xlim(*window)
        ax.set_xlabel("τ")
        ax.set_title(label)
        ax.legend(fontsize="small")
    bad = [(t, e) for t, e, flag in zip(columns["tau"], columns["expected_return_plus"], columns["misaligned"])
           if flag]
    if bad:
        axes[1].plot([t for t, _ in bad], [e for _, e in bad], "x", color="tab:red", markersize=10,
                     markeredgewidth=2, label="misaligned τ")
        axes[1].legend(fontsize="small")
    if title:
        figure.suptitle(title)
    if path is not None:
        from .output import save_figure

        save_figure(figure, path, dpi=110)
    return figure


def _draw_steps(ax, segments, bounds, values, m, color, style, legend) -> None:
    """One series: a segment per known k, filled dot at g_k (attained, k < m), open circle at g_{k−1} (k > 0)."""
    import math

    known = {}
    for k, value in zip(segments, values):
        known.setdefault(k, value)
    labelled = False
    for k in sorted(known):
        value = known[k]
        if math.isnan(value):
            continue
        left, right = bounds[k]
        ax.hlines(value, left, right, colors=color, linestyles=style, linewidth=2,
                  label=None if labelled else legend)
        labelled = True
        if k < m:
            ax.plot([right], [value], "o", color=color, markersize=5)
        if k > 0:
            ax.plot([left], [value], "o", markerfacecolor="white", markeredgecolor=color, markersize=5)
        previous = known.get(k - 1)
        if previous is not None and not math.isnan(previous):
            ax.vlines(left, min(previous, value), max(previous, value), colors=color, linestyles=":",
                      linewidth=0.9)
