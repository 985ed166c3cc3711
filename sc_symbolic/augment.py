"""Model layer — the analysed model: time-indexing and return augmentation (docs/math.md §1, §6).

* Horizon H: states ``(s, t)`` named ``"s|t=k"`` for t < H; a non-terminal state
  reached at t = H is the cut, a terminal failure named ``"s|t=H"``.  Terminal
  states keep their names.
* Threshold τ: states ``(x, c)`` named ``"x|G=c"`` (c the accumulated return, in
  lowest terms); success = an original terminal state with c ≥ τ.  Both at
  once: ``"s|t=k|G=c"``.

Only states reachable from ρ (from states with ρ ≠ 0, through outcomes with
p ≠ 0 of any action) are built.  The policy lifts: π(a | (s, t, c)) = π(a | s).  Imports model, exact, errors.
"""

from __future__ import annotations

from collections import deque

from .errors import ModelError, UnsupportedModelError
from .exact import rational, rational_to_str
from .graph import reachable_from, strongly_connected_components
from .model import Model, Outcome

DEFAULT_MAX_AUGMENTED_STATES = 200_000


def analysed_model(model: Model, max_states: int | None = None) -> tuple[Model, dict]:
    """The model every claim is checked on, and ``origin``: analysed state → (s, t, c).

    Without a horizon and with success states it is ``model`` itself.
    """
    if not isinstance(model, Model):
        raise ModelError("model", f"a {type(model).__name__} is not a Model",
                         "give a Model (load_model(path), from_dict(data) or build_model(...) makes one)")
    if max_states is not None and (isinstance(max_states, bool) or not isinstance(max_states, int) or max_states < 1):
        raise ModelError("max_return_states", f"{max_states!r}", "None or a positive integer")
    limit = max_states or DEFAULT_MAX_AUGMENTED_STATES
    if model.horizon is None and model.threshold is None:
        return model, {s: (s, None, None) for s in model.states}
    if model.threshold is not None and model.horizon is None:
        _refuse_infinite_returns(model)
    zero = rational(0)
    track_return = model.threshold is not None
    track_time = model.horizon is not None

    def key(s, t, c):
        """Terminal states are not time-indexed; untracked coordinates are None."""
        return (s, t if (track_time and model.states[s]) else None, c if track_return else None)

    def name(k):
        s, t, c = k
        return s + (f"|t={t}" if t is not None else "") + (f"|G={rational_to_str(c)}" if c is not None else "")

    origin: dict[str, tuple] = {}
    keys: dict[tuple, str] = {}
    cut: set[str] = set()

    def visit(s, t, c):
        k = key(s, t, c)
        if k in keys:
            return keys[k], False
        label = name(k)
        if label in origin:
            raise UnsupportedModelError(
                f"state name {label!r} is produced twice by the {'time' if track_time else 'return'} "
                "augmentation (rename the states that contain '|t=' or '|G=')")
        if len(origin) >= limit:
            raise UnsupportedModelError(
                f"the augmented model has more than {limit} states (raise --max-return-states "
                "or add a horizon)")
        keys[k] = label
        origin[label] = (s, k[1], k[2])
        return label, True

    initial = {}
    queue = deque()
    for s in model.initial_support:
        p = model.initial[s]
        label, new = visit(s, 0, zero)
        initial[label] = initial.get(label, model.domain.zero) + p
        if new:
            queue.append(label)
    states: dict[str, dict] = {}
    while queue:
        label = queue.popleft()
        s, t, c = origin[label]
        if not model.states[s] or (track_time and t == model.horizon):
            states[label] = {}
            if track_time and model.states[s]:
                cut.add(label)
            continue
        actions = {}
        for a, outs in model.states[s].items():
            new_outs = []
            for o in outs:
                if model.domain.is_zero(o.p):
                    continue  # an impossible outcome creates no state
                target, new = visit(o.to, (t + 1) if track_time else None, (c + o.r) if track_return else None)
                new_outs.append(Outcome(target, o.p, o.r))
                if new:
                    queue.append(target)
            actions[a] = tuple(new_outs)
        states[label] = actions
    policy = {label: model.policy[origin[label][0]] for label, acts in states.items() if acts}
    if track_return:
        success = frozenset(label for label, acts in states.items()
                            if not acts and label not in cut and origin[label][2] >= model.threshold)
    else:
        success = frozenset(label for label in states if label not in cut and origin[label][0] in model.success_states)
    analysed = Model(model.name, model.domain, model.parameters, initial, states, success, None, None,
                     policy, model.source)
    return analysed, origin


def _refuse_infinite_returns(model: Model) -> None:
    """Refuse a reachable cycle with non-zero total reward (the augmented model would be infinite).

    Inside each strongly connected component, assign potentials φ with
    φ(to) = φ(s) + r along edges; a conflict is a cycle with non-zero reward sum.
    """
    successors = {s: [o.to for outs in acts.values() for o in outs if not model.domain.is_zero(o.p)]
                  for s, acts in model.states.items()}
    reachable = reachable_from(model.initial_support, successors)
    graph = {s: [t for t in successors[s] if t in reachable] for s in reachable}
    for component in strongly_connected_components(graph):
        members = set(component)
        potential = {component[0]: rational(0)}
        stack = [component[0]]
        while stack:
            s = stack.pop()
            for a, outs in model.states[s].items():
                for o in outs:
                    if o.to not in members or model.domain.is_zero(o.p):
                        continue
                    value = potential[s] + o.r
                    if o.to not in potential:
                        potential[o.to] = value
                        stack.append(o.to)
                    elif potential[o.to] != value:
                        raise UnsupportedModelError(
                            f"state {s!r}, action {a!r}: a reachable cycle through {o.to!r} has non-zero "
                            "total reward, so the return-augmented model is infinite (add a horizon)")
