"""Export layer — a validated model as a PRISM program that Storm parses (docs/math.md §1–§2).

One integer variable ``s : [0..N-1]`` numbers the states in model order;
each action ``a`` of state ``i`` is one command
``[a] s=i -> p1:(s'=j1) + p2:(s'=j2);`` with the exact rational
probabilities (duplicate targets merged).  Terminal states get a self-loop
command ``[] s=j -> (s'=j);`` (PRISM would otherwise flag a deadlock); the
success states carry the labels ``"success"`` and ``"goal"``.  The program is
a ``dtmc`` when every state has at most one action, an ``mdp`` otherwise.
``induced=True`` writes the DTMC of the policy instead:
``P(j | i) = Σ_a π(a|i) P(j | i, a)``, so ``P=? [F "success"]`` in Storm is
``V`` (docs/math.md §2).  Horizon / return-threshold models are exported as their
analysed (time-indexed / return-augmented) model.

Rewards are not exported (PRISM rewards sit on state-action pairs, ours on
outcomes).  Parametric models and non-uniform initial distributions are
refused.  This module never solves anything and never uses floats.
"""

from __future__ import annotations

import re

from ..errors import UnsupportedModelError

PRISM_KEYWORDS = frozenset(
    "A bool clock const ctmc C double dtmc E endinit endinvariant endmodule endobservables endrewards "
    "endsystem false formula filter func F global G init invariant I int label max mdp min module X "
    "nondeterministic observable observables of Pmax Pmin P pomdp popt probabilistic prob pta R "
    "rate rewards Rmax Rmin S stochastic system true U W smg player endplayer coalition "
    # Storm also reserves these (it refuses them as action labels): model types and function names
    "ctmdp ma floor ceil pow mod log round".split())
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def prism_action_name(action: str) -> str:
    """A PRISM action label for ``action``: itself when it is a PRISM identifier, else mangled.

    The mangling is injective: ``a_`` then the ASCII letters and digits as they are and every
    other character as ``_<hex code point>_`` (so ``&03`` → ``a__26_03`` and ``☃`` → ``a__2603_``);
    names that start with ``a_`` are always mangled, so no two actions share a label.

    >>> prism_action_name("left"), prism_action_name("c0"), prism_action_name("go right"), prism_action_name("init")
    ('left', 'c0', 'a_go_20_right', 'a_init')
    """
    if _IDENTIFIER.fullmatch(action) and action not in PRISM_KEYWORDS and not action.startswith("a_"):
        return action
    mangled = "".join(c if c.isalnum() and c.isascii() else f"_{ord(c):x}_" for c in action)
    return "a_" + mangled


def _plain(model):
    """The model whose states are exported: the analysed model when there is a horizon or threshold."""
    if model.domain.parametric:
        raise UnsupportedModelError("PRISM export of parametric models is not supported (exact numbers only)")
    if model.horizon is not None or model.threshold is not None:
        from ..augment import analysed_model

        model, _ = analysed_model(model)
    return model


def _initial_line(model, index) -> tuple[str, str]:
    """(``init`` clause of ``s``, ``init … endinit`` block): one state, or uniform over a set.

    States listed with initial probability 0 are not initial (``{"s": "1", "t": "0"}`` starts in ``s``).
    """
    support = {s: p for s, p in model.initial.items() if p != 0}
    states = list(support)
    shares = set(model.domain.to_str(p) for p in support.values())
    if len(states) == 1:
        return f" init {index[states[0]]}", ""
    if len(shares) != 1:
        raise UnsupportedModelError("PRISM export needs one initial state or a uniform initial distribution "
                                    "(PRISM initial states form a set)")
    block = "init\n  " + " | ".join(f"s={index[s]}" for s in states) + "\nendinit\n"
    return "", block


INT64_LIMIT = 2 ** 63


def prism_number(text: str) -> str:
    """An exact rational string as a PRISM literal; integers beyond 64 bits get Storm's ``.0`` form.

    Storm parses ``123.0`` as an arbitrary-precision rational literal but refuses
    integer literals that overflow 64 bits, so ``n/d`` becomes ``n.0/d.0`` then.

    >>> prism_number("1/3"), prism_number("9223372036854775808/9223372036854775809")
    ('1/3', '9223372036854775808.0/9223372036854775809.0')
    """
    parts = text.split("/")
    if all(len(part.lstrip("-")) <= 19 and abs(int(part)) < INT64_LIMIT for part in parts):
        return text
    return "/".join(f"{part}.0" for part in parts)


def _update(domain, outcomes: dict, index) -> str:
    """``p1:(s'=j1) + …`` with targets merged, in state order."""
    parts = []
    for to, p in sorted(outcomes.items(), key=lambda item: index[item[0]]):
        if domain.is_zero(p):
            continue
        parts.append(f"{prism_number(domain.to_str(p))}:(s'={index[to]})")
    return " + ".join(parts)


def _merged(domain, outcomes) -> dict:
    merged = {}
    for o in outcomes:
        merged[o.to] = merged.get(o.to, domain.zero) + o.p
    return merged


def _labels(model, index) -> list[str]:
    success = [s for s in model.states if s in (model.success_states or ())]
    expression = " | ".join(f"s={index[s]}" for s in success) or "false"
    return [f'label "success" = {expression};', f'label "goal" = {expression};']


def to_prism(model, induced: bool = False) -> str:
    """The PRISM program of a validated ``Model`` (an ``mdp``/``dtmc``), or its induced ``dtmc``.

    >>> from sc_symbolic.model import build_model
    >>> m = build_model({"s": {"go": {"win": "1/3", "lose": "2/3"}, "stay": {"s": 1}}, "win": {}, "lose": {}},
    ...                 {"s": 1}, success_states=["win"])
    >>> print(to_prism(m, induced=True).split("module")[1].strip())
    sc
      s : [0..2] init 0;
      [] s=0 -> 1/2:(s'=0) + 1/6:(s'=1) + 1/3:(s'=2);
      [] s=1 -> (s'=1);
      [] s=2 -> (s'=2);
    end
    """
    model = _plain(model)
    domain = model.domain
    index = {s: i for i, s in enumerate(model.states)}
    deterministic = induced or all(len(acts) <= 1 for acts in model.states.values())
    init_clause, init_block = _initial_line(model, index)
    lines = [f"// exported by sc_symbolic from model {model.name!r}",
             "// state s=i is the i-th state of the model, in model order:"]
    lines += [f"//   {i}: {s}" for s, i in index.items()]
    lines += ["dtmc" if deterministic else "mdp", "", "module sc", f"  s : [0..{len(index) - 1}]{init_clause};"]
    for s, acts in model.states.items():
        i = index[s]
        if not acts:
            lines.append(f"  [] s={i} -> (s'={i});")
            continue
        if induced:
            row = {}
            for a, outcomes in acts.items():
                weight = model.policy[s][a]
                if domain.is_zero(weight):
                    continue
                for to, p in _merged(domain, outcomes).items():
                    row[to] = row.get(to, domain.zero) + weight * p
            lines.append(f"  [] s={i} -> {_update(domain, row, index)};")
            continue
        for a, outcomes in acts.items():
            label = "" if deterministic else prism_action_name(a)
            lines.append(f"  [{label}] s={i} -> {_update(domain, _merged(domain, outcomes), index)};")
    lines += ["endmodule", ""]
    if init_block:
        lines.append(init_block)
    lines += _labels(model, index)
    return "\n".join(lines) + "\n"
