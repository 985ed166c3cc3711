"""Report layer — a LaTeX appendix table of a report-1 dict (V, π, π⁺, R, χ², I per state).

Pure text formatting of exact strings: ``"3/4"`` becomes ``\\tfrac{3}{4}``; parametric
expression strings are typeset as they are (``**k`` as a superscript, ``*`` as ``\\cdot``),
never re-parsed.
"""

from __future__ import annotations

import re

_RATIONAL = re.compile(r"(-?)(\d+)(?:/(\d+))?")


def exact_latex(text) -> str:
    """LaTeX for an exact report string.

    >>> exact_latex("-3/4"), exact_latex("2"), exact_latex("p**2/2")
    ('-\\\\tfrac{3}{4}', '2', 'p^{2}/2')
    """
    if text is None:
        return r"\text{--}"
    match = _RATIONAL.fullmatch(text)
    if match:
        sign, numerator, denominator = match.groups()
        return f"{sign}\\tfrac{{{numerator}}}{{{denominator}}}" if denominator else f"{sign}{numerator}"
    text = re.sub(r"\*\*(\d+)", r"^{\1}", text)
    return text.replace("*", r" \cdot ")


def _escape(name: str) -> str:
    return re.sub(r"([_&%$#{}])", r"\\\1", name).replace("|", r"\textbar{}")


def report_table(report: dict) -> str:
    """A ``tabular`` with one row per (state, action): V(s), Q, π, π⁺, and R = χ² = I per state."""
    lines = [r"\begin{tabular}{lllllllll}", r"\hline",
             r"state & $V(s)$ & action & $Q(s,a)$ & $\pi(a\mid s)$ & $\pi^+(a\mid s)$ & $R = \chi^2 = I$ & $V^{\pi^+}(s)$"
             r" & $\max_a Q(s,a)/V(s)$ \\",
             r"\hline"]
    for s, row in report["states"].items():
        first = True
        for a in row["Q"]:
            plus = row["pi_plus"][a] if row["pi_plus"] is not None else None
            cells = [_escape(s) if first else "", f"${exact_latex(row['V'])}$" if first else "", _escape(a),
                     f"${exact_latex(row['Q'][a])}$", f"${exact_latex(row['pi'][a])}$", f"${exact_latex(plus)}$",
                     f"${exact_latex(row['I'])}$" if first else "", f"${exact_latex(row['V_plus'])}$" if first else "",
                     f"${exact_latex(row.get('max_ratio'))}$" if first else ""]
            lines.append(" & ".join(cells) + r" \\")
            first = False
        lines.append(r"\hline")
    lines.append(r"\end{tabular}")
    caption = (f"% {report['model']}: $J(\\pi) = {exact_latex(report['J'])}$, "
               f"$J(\\pi^+) = {exact_latex(report['J_plus'])}$; all claims verified exactly: {report['verified']}")
    return caption + "\n" + "\n".join(lines)
