"""Report layer — a LaTeX appendix table of a report-1 dict (V, π, π⁺, R, χ², I per state).

Pure text formatting of a report: ``"3/4"`` becomes ``\\tfrac{3}{4}``; a parametric
expression string is read back with the project's restricted parser (never ``sympify``)
over the report's declared parameters and typeset in paper form (``pretty``: factored
over ℚ, positive leading denominator, constant pulled out; factors by ``sympy.latex``,
so ``theta`` becomes ``\\theta``).  Every name (model, state, action) is escaped completely: each of
``\\ ^ ~ % & # _ { } $ | < >`` becomes a text command and control characters become
spaces, so no name can reach TeX as a command, a ``^^`` escape or a line break.

The fragment needs ``amsmath`` (``\\tfrac``, ``\\text``) and ``booktabs`` (rules spaced
from ``\\tfrac`` rows); its first line names them.
"""

from __future__ import annotations

import re

from .pretty import paper_latex

PACKAGES = ("amsmath", "booktabs")

_RATIONAL = re.compile(r"(-?)(\d+)(?:/(\d+))?")

_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
    "|": r"\textbar{}", "<": r"\textless{}", ">": r"\textgreater{}",
}


def escape_text(name) -> str:
    r"""``name`` as inert LaTeX text: special characters become text commands.

    >>> escape_text(r'\input^^7c"x"')
    '\\textbackslash{}input\\textasciicircum{}\\textasciicircum{}7c"x"'
    """
    out = []
    for char in str(name):
        if char in _TEXT_ESCAPES:
            out.append(_TEXT_ESCAPES[char])
        elif ord(char) < 32 or ord(char) == 127:
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)


def exact_latex(text, parameters=()) -> str:
    """LaTeX (math mode) for an exact report string.

    A parametric ``max_ratio`` no single rational function equals, ``Max(f_1, …, f_k)``, is typeset
    as sympy prints a ``Max``: ``\\max\\left(f_1, …, f_k\\right)``, each ``f_i`` in paper form.
    Text that does not read as a number, an expression or such a ``Max`` is escaped as ``\\text``.

    >>> exact_latex("-3/4"), exact_latex("2"), exact_latex("theta**2/2", ["theta"])
    ('-\\\\tfrac{3}{4}', '2', '\\\\frac{\\\\theta^{2}}{2}')
    >>> exact_latex("Max(2*p, 1/2)", ["p"])
    '\\\\max\\\\left(2 p, \\\\tfrac{1}{2}\\\\right)'
    """
    if text is None:
        return r"\text{--}"
    typeset = _typeset(str(text), tuple(parameters))
    return typeset if typeset is not None else r"\text{" + escape_text(text) + "}"


def _typeset(text: str, parameters: tuple) -> str | None:
    """``text`` in math mode, or None when it is not a rational, a parametric expression or a Max of them."""
    match = _RATIONAL.fullmatch(text)
    if match:
        sign, numerator, denominator = match.groups()
        return f"{sign}\\tfrac{{{numerator}}}{{{denominator}}}" if denominator else f"{sign}{numerator}"
    if not parameters:
        return None
    if text.startswith("Max(") and text.endswith(")"):
        arguments = _top_level_arguments(text[len("Max("):-1])
        typeset = [_typeset(argument.strip(), parameters) for argument in arguments or []]
        if not typeset or None in typeset:
            return None
        return r"\max\left(" + ", ".join(typeset) + r"\right)"
    return paper_latex(text, parameters)


def _top_level_arguments(inner: str) -> list | None:
    """``inner`` split at the commas outside parentheses; None when its parentheses do not balance."""
    arguments, depth, start = [], 0, 0
    for index, char in enumerate(inner):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return None
        elif char == "," and depth == 0:
            arguments.append(inner[start:index])
            start = index + 1
    return arguments + [inner[start:]] if depth == 0 else None


def report_table(report: dict) -> str:
    """A ``tabular`` with one row per (state, action): V(s), Q, π, π⁺, and R = χ² = I per state.

    The first line is a comment naming the packages the fragment needs.
    """
    parameters = tuple(report.get("parameters") or ())

    def math(value) -> str:
        return f"${exact_latex(value, parameters)}$"

    lines = [r"\begingroup\renewcommand{\arraystretch}{1.4}",
             r"\begin{tabular}{lllllllll}", r"\toprule",
             r"state & $V(s)$ & action & $Q(s,a)$ & $\pi(a\mid s)$ & $\pi^+(a\mid s)$ & $R = \chi^2 = I$ & $V^{\pi^+}(s)$"
             r" & $\max_a Q(s,a)/V(s)$ \\",
             r"\midrule"]
    states = list(report["states"].items())
    for index, (s, row) in enumerate(states):
        first = True
        for a in row["Q"]:
            plus = row["pi_plus"][a] if row["pi_plus"] is not None else None
            cells = [escape_text(s) if first else "", math(row["V"]) if first else "", escape_text(a),
                     math(row["Q"][a]), math(row["pi"][a]), math(plus),
                     math(row["I"]) if first else "", math(row["V_plus"]) if first else "",
                     math(row.get("max_ratio")) if first else ""]
            lines.append(" & ".join(cells) + r" \\")
            first = False
        if index < len(states) - 1:
            lines.append(r"\midrule")
    lines += [r"\bottomrule", r"\end{tabular}", r"\endgroup"]
    header = "% requires: " + ", ".join(r"\usepackage{" + p + "}" for p in PACKAGES)
    caption = (f"% {escape_text(report['model'])}: $J(\\pi) = {exact_latex(report['J'], parameters)}$, "
               f"$J(\\pi^+) = {exact_latex(report['J_plus'], parameters)}$; "
               f"all claims verified exactly: {bool(report['verified'])}")
    return header + "\n" + caption + "\n" + "\n".join(lines)


def standalone_document(fragment: str) -> str:
    """A complete ``article`` document around ``fragment`` (compiles with pdflatex)."""
    preamble = [r"\documentclass[landscape]{article}", r"\usepackage[utf8]{inputenc}"]
    preamble += [r"\usepackage{" + p + "}" for p in PACKAGES]
    return "\n".join(preamble + [r"\begin{document}", r"\small", fragment, r"\end{document}"]) + "\n"
