"""Layer 1 — graph passes on finite directed graphs (no numbers involved).

Strongly connected components (iterative Tarjan, sinks first), reachability
and the "prob0" backward search of probabilistic model checking (docs/math.md §2).
"""

from __future__ import annotations

from collections import deque


def strongly_connected_components(successors: dict) -> list[list]:
    """SCCs of ``successors`` (node → iterable of nodes) in reverse topological order.

    A component comes before every component that can reach it, so solving
    components in this order only ever needs values already computed.

    >>> strongly_connected_components({1: [2], 2: [1, 3], 3: []})
    [[3], [1, 2]]
    """
    index: dict = {}
    low: dict = {}
    on_stack: set = set()
    stack: list = []
    result: list[list] = []
    for root in successors:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(successors[root]))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors.get(child, ()))))
                    break
                if child in on_stack and index[child] < low[node]:
                    low[node] = index[child]
            else:
                work.pop()
                lowest = low[node]
                if work and lowest < low[work[-1][0]]:
                    low[work[-1][0]] = lowest
                if lowest == index[node]:  # the stack holds the component in discovery (index) order
                    member = stack.pop()
                    component = [member]
                    while member != node:
                        member = stack.pop()
                        component.append(member)
                    on_stack.difference_update(component)
                    component.reverse()
                    result.append(component)
    return result


def reachable_from(sources, successors: dict) -> set:
    """Every node reachable from ``sources`` (the sources included).

    >>> sorted(reachable_from([1], {1: [2], 2: [], 3: [1]}))
    [1, 2]
    """
    seen = set(sources)
    queue = deque(seen)
    while queue:
        node = queue.popleft()
        for child in successors.get(node, ()):
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return seen


def can_reach(targets, successors: dict) -> set:
    """Nodes from which some node of ``targets`` is reachable (``targets`` included)."""
    predecessors: dict = {}
    for node, children in successors.items():
        for child in children:
            predecessors.setdefault(child, []).append(node)
    return reachable_from(targets, predecessors)


def bottom_components(successors: dict, nodes) -> list[list]:
    """The closed SCCs among ``nodes``: components with no edge leaving them.

    >>> bottom_components({1: [2], 2: [2], 3: []}, [1, 2])
    [[2]]
    """
    nodes = set(nodes)
    graph = {n: [c for c in successors.get(n, ()) if c in nodes] for n in nodes}
    bottoms = []
    for component in strongly_connected_components(graph):
        members = set(component)
        if all(c in members for n in component for c in successors.get(n, ())):
            bottoms.append(component)
    return bottoms
