"""Report layer — ``sc-symbolic/report-1`` and ``sc-symbolic/certificate-1`` (FORMAT.md).

The only place where domain elements become text: rationals as lowest-terms
strings (``"3/4"``), parametric values as SymPy expression strings.  Builds
plain dicts (JSON-ready) and the human-readable table; never prints.
"""

from __future__ import annotations

from .checks import abbreviated

REPORT_FORMAT = "sc-symbolic/report-1"
CERTIFICATE_FORMAT = "sc-symbolic/certificate-1"
TABLE_STATES = 40


def _text(domain, value):
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return {k: _text(domain, v) for k, v in value.items()}
    return domain.to_str(value)


def _witness(domain, violation) -> dict:
    return {"state": violation.state, "relation": violation.relation,
            "lhs": _text(domain, violation.lhs), "rhs": _text(domain, violation.rhs)}


def build_report(analysis, checks: dict, iterations=None) -> dict:
    """The report-1 dict of an analysis and its checks (every number an exact string); the kernel's
    verdict is added by ``kernel_checked_report``."""
    d = analysis.domain
    model = analysis.model
    report = {"format": REPORT_FORMAT, "model": analysis.source.name,
              "J": d.to_str(analysis.J), "J_plus": d.to_str(analysis.J_plus)}
    if analysis.source.has_rewards:
        report["expected_return"] = _text(d, analysis.expected_return)
        report["expected_return_plus"] = _text(d, analysis.expected_return_plus)
    states = {}
    for s in model.nonterminal:
        states[s] = {"V": d.to_str(analysis.V[s]), "V_plus": d.to_str(analysis.V_plus[s]),
                     "Q": _text(d, analysis.Q[s]), "pi": _text(d, analysis.policy[s]),
                     "pi_plus": _text(d, analysis.pi_plus[s]), "R": _text(d, analysis.R[s]),
                     "chi2": _text(d, analysis.chi2[s]), "I": _text(d, analysis.I[s]),
                     "max_ratio": _text(d, analysis.max_ratio.get(s))}
    report["states"] = states
    report["checks"] = {name: check.proved for name, check in checks.items()}
    report["verified"] = all(check.proved for check in checks.values()) and not analysis.undecided
    report["route"] = analysis.route
    if analysis.source.threshold is not None:
        report["threshold"] = d.to_str(d.from_rational(analysis.source.threshold))
    if analysis.source.horizon is not None:
        report["horizon"] = analysis.source.horizon
    if d.parametric:
        report["parameters"] = {k: [str(lo), str(hi)] for k, (lo, hi) in analysis.source.parameters.items()}
        report["proofs"] = {name: {"status": check.status, "how": list(check.proofs)} for name, check in checks.items()}
        undecided = [{"claim": name, "state": item.state, "quantity": item.quantity, "expression": item.expression,
                      "how": item.how} for name, check in checks.items() for item in check.undecided]
        if undecided:
            report["undecided"] = undecided
    if analysis.notes:
        report["notes"] = list(analysis.notes)
    witnesses = {name: [_witness(d, v) for v in check.witness] for name, check in checks.items() if not check.holds}
    if witnesses:
        report["witnesses"] = witnesses
    if iterations is not None:
        report["iterations"] = [d.to_str(J) for J, _ in iterations]
    if "x-data" in (analysis.source.source or {}):
        from .data_route import add_data_section

        add_data_section(report, analysis)
    return report


def kernel_checked_report(analysis, checks: dict, iterations=None) -> dict:
    """The report after the trusted kernel re-verified its certificate (numeric models).

    Parametric models are outside the kernel; their report carries no ``kernel`` entry.
    """
    draft = build_report(analysis, checks, iterations=iterations)
    if analysis.domain.parametric:
        return draft
    from .kernel import verify_certificate

    kernel = verify_certificate(None, build_certificate(analysis, draft))  # the embedded model is the source
    report = {}
    for key, value in draft.items():  # the draft's text, with the kernel's verdict just before "verified"
        if key == "verified":
            report["kernel"] = {"ok": kernel.ok, "failures": kernel.failures[:20]}
            value = value and kernel.ok
        report[key] = value
    return report


#: The claims whose every relation the trusted kernel re-derives from the certificate (kernel.py: Bellman
#: and zero sets of V and V⁺, π⁺ = πQ/V, R = χ² = I, Cauchy–Schwarz and KKT, V⁺ ≥ V, the flow equations
#: of η and η⁺, the performance difference, the distribution-shift claim).  ``trajectory_route`` is not
#: among them: the kernel never sees the trajectory-pooled π⁺, so the engine always checks it.
KERNEL_VERIFIED = ("identity", "trust_region", "improvement", "performance_difference", "distribution_shift")
KERNEL_PROOF = "re-verified by the trusted kernel (each relation from its definition, exactly)"


def checked_report(analysis, iterations=None, extra=None, kernel: bool = True) -> tuple:
    """``(report, {name: Check})``: ``check``'s one verdict on ``analysis`` (issue #13: one pass, not two).

    ``kernel=False`` or a parametric model: every claim of ``checks.CHECKS`` is run by the engine
    (then ``extra``, e.g. ``{"iteration": Check}``, is appended).  A numeric model under the kernel:
    the engine runs only the claims outside ``KERNEL_VERIFIED``; the others are claimed and the kernel
    re-verifies each of their relations (the two fields it cannot see, the radius and the executed policy,
    are compared first: ``checks.fields_the_kernel_cannot_see_agree``).  If anything disagrees, every claim is run by the
    engine and the kernel re-verifies that report, so a failure always carries the engine's witnesses:
    the report is byte for byte the one of ``run_checks`` + ``kernel_checked_report``.
    """
    from .checks import CHECKS, Check, decide, fields_the_kernel_cannot_see_agree, record_undecided, run_checks

    def complete(checks):
        merged = {**checks, **(extra or {})}
        if extra and analysis.domain.parametric:
            record_undecided(analysis, merged)
        return merged

    if not kernel:
        checks = complete(run_checks(analysis))
        return build_report(analysis, checks, iterations=iterations), checks
    if not analysis.domain.parametric and fields_the_kernel_cannot_see_agree(analysis):
        checks = complete({name: Check(name, True, proofs=(KERNEL_PROOF,)) if name in KERNEL_VERIFIED
                           else decide(analysis, name, claim) for name, claim in CHECKS.items()})
        if all(check.proved for check in checks.values()):
            report = kernel_checked_report(analysis, checks, iterations=iterations)
            if report["kernel"]["ok"]:
                return report, checks
    checks = complete(run_checks(analysis))
    return kernel_checked_report(analysis, checks, iterations=iterations), checks


def build_certificate(analysis, report: dict) -> dict:
    """A self-contained certificate: the model, the report, visit counts and KKT multipliers."""
    d = analysis.domain
    model = analysis.source.to_dict()
    if "x-data" in (analysis.source.source or {}):  # the counts behind a report's data section
        model["x-data"] = analysis.source.source["x-data"]
    return {
        "format": CERTIFICATE_FORMAT,
        "model": model,
        "report": report,
        "visits": {"pi": _text(d, analysis.eta), "pi_plus": _text(d, analysis.eta_plus)},
        "multipliers": {s: {"mu": d.to_str(m["mu"]), "nu": d.to_str(m["nu"]), "kappa": _text(d, m["kappa"])}
                        for s, m in analysis.multipliers.items()},
        "performance_difference": _text(d, analysis.performance_difference),
    }


def _shown(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    return "null" if value is None else str(value)


def _cell(value) -> str:
    return "—" if value is None else str(value)


def render_table(report: dict, decimal: int | None = None) -> str:
    """A readable per-state table of a report-1 dict; parametric closed forms in paper form (``pretty``).

    ``decimal``: significant digits of the ``≈`` approximation shown beside exact values longer than a
    screen line (``decimals.beside``); None shows exact values only."""
    from .decimals import beside
    from .pretty import paper_text

    parameters = tuple(report.get("parameters") or ())

    def form(value):
        return beside(paper_text(value, parameters) if parameters else value, decimal)

    def forms(values):
        return None if values is None else {key: form(value) for key, value in values.items()}

    lines = [f"model: {report['model']}"]
    lines.append(f"J = {form(report['J'])}   J(pi+) = {form(report['J_plus'])}")
    if "expected_return" in report:
        lines.append(f"E[G] = {_cell(form(report['expected_return']))}   "
                     f"E+[G] = {_cell(form(report['expected_return_plus']))}")
    if "threshold" in report:
        names = "s|t=k|G=c" if "horizon" in report else "s|G=c"
        lines.append(f"success: return >= {report['threshold']} (states are {names}: c = return so far)")
    items = list(report["states"].items())
    for s, row in items[:TABLE_STATES]:
        lines.append("")
        V, V_plus = form(row["V"]), form(row["V_plus"])
        if row["R"] is None:
            lines.append(f"state {s}   V = {V}   V+ = {V_plus}   (V = 0: no successful data, pi+ undefined)")
        else:
            same = row["R"] == row["chi2"] == row["I"]
            shown = (f"R = chi2 = I = {form(row['R'])}" if same else
                     f"R = {form(row['R'])}  chi2 = {form(row['chi2'])}  I = {form(row['I'])}")
            lines.append(f"state {s}   V = {V}   V+ = {V_plus}   {shown}")
        actions = list(row["Q"])
        width = max([len(a) for a in actions] + [6])
        columns = [("Q", forms(row["Q"])), ("pi", forms(row["pi"])), ("pi+", forms(row["pi_plus"]) or {})]
        widths = [max([len(name)] + [len(_cell(values.get(a))) for a in actions]) for name, values in columns]
        lines.append("  " + "action".ljust(width) + "".join("  " + name.ljust(w) for (name, _), w in zip(columns, widths)))
        for a in actions:
            lines.append("  " + a.ljust(width) + "".join("  " + _cell(values.get(a)).ljust(w)
                                                        for (_, values), w in zip(columns, widths)))
    if len(items) > TABLE_STATES:
        lines.append(f"\n… {len(items) - TABLE_STATES} more states (use --json for all)")
    lines.append("")
    statuses = {name: proof["status"] for name, proof in report.get("proofs", {}).items()}
    shown = {"proved": "OK", "sampled": "SAMPLED (not proved)", "failed": "FAILED"}
    lines.append("checks: " + "  ".join(f"{name} {shown[statuses.get(name, 'proved' if ok else 'failed')]}"
                                        for name, ok in report["checks"].items()))
    for name, violations in report.get("witnesses", {}).items():
        for v in violations:
            where = f"state {v['state']}: " if v["state"] is not None else ""
            lines.append(f"  {name}: {where}{v['relation']}: {abbreviated(_shown(v['lhs']), 120)} "
                         f"vs {abbreviated(_shown(v['rhs']), 120)}")
    if "kernel" in report:
        lines.append("kernel: " + ("re-verified" if report["kernel"]["ok"] else "REFUSED: " + "; ".join(report["kernel"]["failures"][:5])))
    if "markov_variant" in report:
        mv = report["markov_variant"]
        verdict = "  ".join(f"{name} {'holds' if mv[key] else 'FAILS'}" for name, key in
                            (("identity", "identity_holds"), ("trust region", "trust_region_holds"),
                             ("improvement", "improves")))
        lines.append(f"Markov variant pi_bar (pooled over the return): P(G >= tau) {mv['probability']} -> "
                     f"{mv['probability_bar']} (pi+: {mv['probability_plus']});  {verdict}")
    if "data" in report:
        data = report["data"]
        agree = {True: "coincide", False: "differ", None: "not comparable"}
        lines.append(f"data: {data['episodes']} episodes ({data['successful']} successful), {data['steps']} steps;  "
                     f"filtered imitation vs pi+: {agree[data['coincide']['filt_plus']]}"
                     + (f" (max |diff| {abbreviated(data['max_abs_difference']['filt_plus'], 40)})"
                        if data["coincide"]["filt_plus"] is False else "")
                     + f";  vs pi_bar: {agree[data['coincide']['filt_markov']]}"
                     + (f" (max |diff| {abbreviated(data['max_abs_difference']['filt_markov'], 40)})"
                        if data["coincide"]["filt_markov"] is False else ""))
    if "iterations" in report:
        lines.append("J per iteration: " + ", ".join(form(J) for J in report["iterations"]))
    for note in report.get("notes", []):
        lines.append(f"note: {note}")
    lines.append("verified" if report["verified"] else "NOT verified")
    return "\n".join(lines)
