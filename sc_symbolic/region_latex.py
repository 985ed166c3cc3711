r"""Report layer — a regions-1 report as a LaTeX theorem statement (docs/cli.md, regions).

    \begin{theorem}[model] For q ∈ (0, 1): f(q) = <closed form>, and <words> iff <region>. \end{theorem}

The closed form is the claim's ``f`` (typeset by ``sympy.latex`` from the
recomputed expression, never from report text); endpoints are ``\tfrac{a}{b}``
or "the root of P in [a, b]"; names go through ``latex.escape_text``.
"""

from __future__ import annotations

from .latex import escape_text


def _number(text: str) -> str:
    sign = "-" if text.startswith("-") else ""
    text = text.lstrip("-")
    if "/" in text:
        a, b = text.split("/")
        return rf"{sign}\tfrac{{{a}}}{{{b}}}"
    return sign + text


def _poly_latex(endpoint: dict, symbol) -> str:
    import sympy

    from .exact import domain_for, parse_expression

    domain = domain_for([symbol.name])
    expr = domain.K.to_sympy(parse_expression(endpoint["polynomial"], domain, "LaTeX"))
    a, b = endpoint["interval"]
    return rf"\text{{the root of }} {sympy.latex(expr)} \text{{ in }} [{_number(a)}, {_number(b)}]"


def _end(endpoint: dict, symbol) -> str:
    return _number(endpoint["value"]) if "value" in endpoint else _poly_latex(endpoint, symbol)


LE = r"\le"


def _boundary_latex(text: str, symbols) -> str:
    import sympy

    from .exact import domain_for, parse_expression

    domain = domain_for([s.name for s in symbols])
    return sympy.latex(domain.K.to_sympy(parse_expression(text, domain, "LaTeX")))


def regions_latex(model, report: dict) -> str:
    """The LaTeX statement of ``report`` (computed from ``model``)."""
    import sympy

    from .region_claims import claim_of
    from .region_claims import symbols_of

    claim = claim_of(model, report["claim"], report.get("versus"))
    symbols = symbols_of(model)
    names = ", ".join(sympy.latex(s) for s in symbols)
    box = r" \times ".join(f"({_number(lo)}, {_number(hi)})" for lo, hi in report["parameters"].values())
    relation = ">" if claim.strict else r"\ge"
    words = escape_text(claim.words.replace("τ", "tau").replace("≥", ">=").replace("′", "'").replace("π⁺", "pi+"))
    head = (rf"\begin{{theorem}}[{escape_text(model.name)}]" "\n"
            rf"For $({names}) \in {box}$, let $f = {claim.lhs_latex} = {sympy.latex(sympy.factor(claim.f))}$." "\n")
    if len(symbols) == 1:
        symbol = symbols[0]
        name = sympy.latex(symbol)
        parts = []
        for piece in report["pieces"]:
            if piece["holds"] is not True:
                continue
            lower, upper = piece["lower"], piece["upper"]
            if lower == upper:
                parts.append(f"{name} = {_end(lower, symbol)}")
            else:
                left, right = ("<" if lower["open"] else LE), ("<" if upper["open"] else LE)
                parts.append(f"{_end(lower, symbol)} {left} {name} {right} {_end(upper, symbol)}")
        region = r" \ \text{or}\ ".join(parts) if parts else r"\text{never}"
        body = rf"Then $f {relation} 0$ (\emph{{{words}}}) if and only if ${region}$."
        invalid = [p for p in report["pieces"] if p["holds"] == "invalid"]
        if invalid:
            body += r" The model is invalid (a probability leaves $(0, 1]$) on the remaining " \
                    f"{len(invalid)} piece{'s' if len(invalid) > 1 else ''}."
    else:
        fractions = report["fractions"]
        boundary = ", ".join(_boundary_latex(text, symbols) for text in report.get("boundary", []))
        body = (rf"Then $f {relation} 0$ (\emph{{{words}}}) holds on a certified fraction "
                rf"${_number(fractions.get('true', '0'))}$ of the box and fails on "
                rf"${_number(fractions.get('false', '0'))}$ (undecided: ${_number(report['undecided_fraction'])}$); "
                rf"the boundary lies in the zero sets of ${boundary}$.")
    return head + body + "\n" + r"\end{theorem}"
