"""docs/math.md's tables write their formulas in MathJax (``$…$``, MyST dollarmath), not in plain Unicode text.

Outside ``$…$``, code spans and quoted witness texts (the exact strings a check prints), a table cell has
no formula symbol; every ``$…$`` is balanced and free of a bare ``|`` (which would split the table row).
"""

import re
from pathlib import Path

MATH = Path(__file__).resolve().parents[2] / "docs" / "math.md"
FORMULA_SYMBOLS = re.compile(r"[Σ√²⁺⁻‖χηπρεδτμνκ≤≥∞⇒⇔]")


def table_rows() -> list:
    return [(number, line) for number, line in enumerate(MATH.read_text(encoding="utf-8").splitlines(), 1)
            if line.startswith("| ") and not line.startswith("|---")]


def test_table_formulas_are_typeset():
    plain = []
    for number, line in table_rows():
        prose = re.sub(r'\$[^$]*\$|`[^`]*`|"[^"]*"', "", line)
        if FORMULA_SYMBOLS.search(prose):
            plain.append((number, sorted(set(FORMULA_SYMBOLS.findall(prose)))))
    assert plain == []


def test_every_inline_formula_is_closed_and_keeps_the_row_intact():
    for number, line in table_rows():
        assert line.count("$") % 2 == 0, number
        for formula in re.findall(r"\$([^$]*)\$", line):
            assert formula.strip() and "|" not in formula, (number, formula)


def test_the_tables_carry_formulas():
    assert sum(line.count("$") // 2 for _, line in table_rows()) >= 150
    assert "dollarmath" in (MATH.parent / "conf.py").read_text(encoding="utf-8")  # the site renders $…$
