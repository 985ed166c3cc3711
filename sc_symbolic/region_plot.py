"""Display layer — a region map of a regions-1 report (docs/cli.md, regions); floats only here.

One parameter: the interval coloured by label.  Two: every box filled (true
green, false red, invalid grey, undecided white with a hatch), the boundary
polynomials' zero sets drawn as contours, axes named by the parameters.
Matplotlib is imported lazily (Agg canvas).  The image (format by the path's
extension) is written through ``output.save_figure``: exactly the path given,
atomically, never through a link or onto a device.
"""

from __future__ import annotations

import os

from .errors import ModelError

COLOURS = {"true": "#4caf50", "false": "#e57373", "invalid": "#9e9e9e", "undefined": "#9e9e9e", "undecided": "white"}


def check_plot_path(path) -> None:
    """Refuse (ModelError) a --plot path that cannot be written, before any work is done: the rules of
    ``output`` (the format named by the extension; a new or regular file in an existing directory)."""
    from .output import check_target, figure_format

    figure_format(path)
    check_target(path, "--plot")


def _float(text: str) -> float:
    from fractions import Fraction

    return float(Fraction(text))


def _key(holds) -> str:
    return {True: "true", False: "false", None: "undecided"}.get(holds, str(holds))


def plot_regions(report: dict, path=None):
    """Draw the region map of ``report``; write a PNG to ``path`` when given; return the Figure."""
    from .display import matplotlib_canvas
    from .optional_deps import require

    FigureCanvasAgg, Figure = matplotlib_canvas()
    patches = require("matplotlib.patches", "plotting (--plot)")
    Patch, Rectangle = patches.Patch, patches.Rectangle

    names = list(report["parameters"])
    if len(names) > 2:
        raise ModelError("--plot", f"{len(names)} parameters", "region maps draw one or two parameters")
    figure = Figure(figsize=(5.5, 4.6) if len(names) == 2 else (6, 1.6), layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    seen = set()
    if len(names) == 1:
        for piece in report["pieces"]:
            lo = _end(piece["lower"], 1)
            hi = _end(piece["upper"], 0)
            key = _key(piece["holds"])
            seen.add(key)
            if piece["lower"] == piece["upper"]:
                ax.axvline(lo, color=COLOURS.get(key, "black"), linewidth=2)
            else:
                ax.axvspan(lo, hi, color=COLOURS.get(key, "white"), alpha=0.9)
        lo, hi = (_float(v) for v in report["parameters"][names[0]])
        ax.set_xlim(lo, hi)
        ax.set_yticks([])
        ax.set_xlabel(names[0])
    else:
        for piece in report["pieces"]:
            (x0, x1), (y0, y1) = ([_float(v) for v in piece["box"][n]] for n in names)
            key = _key(piece["holds"])
            seen.add(key)
            ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=COLOURS.get(key, "white"),
                                   edgecolor="0.85", linewidth=0.2, hatch="//" if key == "undecided" else None))
        (xl, xh), (yl, yh) = ([_float(v) for v in report["parameters"][n]] for n in names)
        _boundary(ax, report.get("boundary", []), names, (xl, xh), (yl, yh))
        ax.set_xlim(xl, xh)
        ax.set_ylim(yl, yh)
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
    ax.legend(handles=[Patch(facecolor=COLOURS.get(k, "white"), edgecolor="0.5", label=k) for k in sorted(seen)],
              fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.set_title(f"{report['claim']} ({report['model']})", fontsize="medium")
    if path is not None:
        _save(figure, os.fspath(path))
    return figure


def _end(endpoint: dict, side: int) -> float:
    return _float(endpoint["value"]) if "value" in endpoint else _float(endpoint["interval"][side])


def _boundary(ax, polynomials, names, xs, ys) -> None:
    """Zero sets of the boundary polynomials (our own text, read by the restricted parser)."""
    import sympy

    from .exact import domain_for, parse_expression
    from .optional_deps import require

    numpy = require("numpy", "plotting (--plot)")

    domain = domain_for(names)
    symbols = [sympy.Symbol(n, real=True) for n in names]
    grid_x, grid_y = numpy.meshgrid(numpy.linspace(*xs, 200), numpy.linspace(*ys, 200))
    for text in polynomials:
        expr = domain.K.to_sympy(parse_expression(text, domain, "plot"))
        if not expr.free_symbols:
            continue
        values = sympy.lambdify(symbols, expr, "numpy")(grid_x, grid_y) * numpy.ones_like(grid_x)
        if values.min() < 0 < values.max():
            ax.contour(grid_x, grid_y, values, levels=[0], colors="black", linewidths=1)


def _save(figure, path: str) -> None:
    from .output import save_figure

    save_figure(figure, path, dpi=110)
