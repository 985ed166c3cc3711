"""The sweep plot draws left-continuous step functions of τ (sc_symbolic/plots.py, docs/math.md §6)."""

from fractions import Fraction as F
from pathlib import Path

import pytest

from sc_symbolic.model import load_model
from sc_symbolic.plots import threshold_segments
from sc_symbolic.thresholds import achievable_returns, amplification_sweep

pytest.importorskip("matplotlib")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "threshold_misalignment.json"


@pytest.fixture(scope="module")
def salary():
    model = load_model(EXAMPLE)
    return model, achievable_returns(model)


def horizontal_segments(ax):
    """[(x0, x1, y)] of every horizontal segment drawn with hlines."""
    from matplotlib.collections import LineCollection

    found = []
    for collection in ax.collections:
        if isinstance(collection, LineCollection):
            for (x0, y0), (x1, y1) in collection.get_segments():
                if y0 == y1 and x0 != x1:
                    found.append((x0, x1, y0))
    return sorted(found)


def markers(ax, filled: bool):
    points = []
    for line in ax.lines:
        if line.get_marker() == "o" and line.get_linestyle() in ("None", ""):
            is_filled = line.get_markerfacecolor() != "white" and line.get_markerfacecolor() != (1, 1, 1, 1)
            if is_filled == filled:
                points += list(zip(line.get_xdata(), line.get_ydata()))
    return sorted(points)


def test_segments_are_left_open_right_closed():
    g = [F(0), F(1), F(4)]
    assert threshold_segments([F(-5), F(0), F(1, 1000), F(1), F(4), F(9, 2)], g) == [0, 0, 1, 1, 2, 3]


def test_probability_is_drawn_as_steps_closed_at_each_achievable_return(salary):
    from sc_symbolic.plots import plot_sweep

    model, achievable = salary
    assert [str(g) for g in achievable] == ["0", "1", "4"]
    rows = amplification_sweep(model)
    figure = plot_sweep(rows, achievable=achievable)
    ax = figure.axes[0]
    left = ax.get_xlim()[0]
    # P_π(G ≥ τ): 1 on (−∞, 0], 2/3 on (0, 1], 1/6 on (1, 4]; P_π⁺: 1, 5/6, 1/3
    assert horizontal_segments(ax) == sorted([(left, 0.0, 1.0), (0.0, 1.0, 2 / 3), (1.0, 4.0, 1 / 6),
                                              (left, 0.0, 1.0), (0.0, 1.0, 5 / 6), (1.0, 4.0, 1 / 3)])
    assert markers(ax, filled=True) == sorted([(0.0, 1.0), (1.0, 2 / 3), (4.0, 1 / 6),
                                               (0.0, 1.0), (1.0, 5 / 6), (4.0, 1 / 3)])
    assert markers(ax, filled=False) == sorted([(0.0, 2 / 3), (1.0, 1 / 6), (0.0, 5 / 6), (1.0, 1 / 3)])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "4"]


def test_misaligned_segment_is_shaded_over_its_whole_segment(salary):
    from sc_symbolic.plots import plot_sweep

    model, achievable = salary
    figure = plot_sweep(amplification_sweep(model), achievable=achievable)
    spans = [patch.get_path().get_extents().intervalx for patch in figure.axes[1].patches]
    assert [tuple(float(x) for x in span) for span in spans] == [(0.0, 1.0)]  # E[G] drops for τ ∈ (0, 1]


def test_a_threshold_between_achievable_returns_is_drawn_on_its_segment(salary):
    from sc_symbolic.plots import plot_sweep

    model, achievable = salary
    rows = amplification_sweep(model, ["1/2", "5"])
    figure = plot_sweep(rows, achievable=achievable)
    ax = figure.axes[0]
    right = ax.get_xlim()[1]
    assert horizontal_segments(ax) == sorted([(0.0, 1.0, 2 / 3), (0.0, 1.0, 5 / 6), (4.0, right, 0.0),
                                              (4.0, right, 0.0)])


def test_without_achievable_returns_only_the_points_are_drawn(salary):
    from sc_symbolic.plots import plot_sweep

    model, _ = salary
    figure = plot_sweep(amplification_sweep(model))
    assert horizontal_segments(figure.axes[0]) == []
    assert markers(figure.axes[0], filled=True) == sorted([(0.0, 1.0), (1.0, 2 / 3), (4.0, 1 / 6),
                                                           (0.0, 1.0), (1.0, 5 / 6), (4.0, 1 / 3)])
