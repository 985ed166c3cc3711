"""Search layer — random search on a dask.distributed cluster (optional extra ``distributed``).

The same batches ``Random(f"{seed}:{batch}")`` as the local engine, submitted
``4 × workers`` at a time and consumed in batch order, so a cluster run finds
the same witness as a local one.  Imports dask only inside functions;
without dask, ``require_dask`` raises ``MissingDependencyError`` (exit 2).
"""

from __future__ import annotations

from ..errors import UnsupportedModelError


def require_dask():
    """The ``dask.distributed`` module, or MissingDependencyError naming the ``distributed`` extra."""
    from ..optional_deps import require

    return require("dask.distributed", "--scheduler")


#: Seconds to wait for a scheduler before giving up with a clear message.
CONNECT_TIMEOUT = 10


def run_random_distributed(address, batch, property_name, bounds, seed, clock, batch_size, progress) -> tuple:
    """(checked, smallest witness of the first batch holding one, or None) on the cluster at ``address``.

    ``address`` is a scheduler address string or an existing ``Client``/``LocalCluster``;
    ``batch(job) -> (index, checked, best)`` is the engine's worker entry point, run on each worker.
    """
    distributed = require_dask()
    own = isinstance(address, str)
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT) if own else (
            address if isinstance(address, distributed.Client) else distributed.Client(address))
    except (ValueError, TypeError, OSError, TimeoutError) as exc:
        shown = address if own and len(address) <= 200 else type(address).__name__
        raise UnsupportedModelError(f"--scheduler: cannot connect to {shown!r}: {str(exc)[:200]} "
                                    "(give the address of a running dask scheduler, e.g. tcp://host:8786)") from None
    try:
        width = max(1, 4 * max(1, len(client.scheduler_info().get("workers", {}))))
        checked = 0
        index = 0
        issued = 0
        while (clock.budget is None or issued < clock.budget) and not clock.over_time():
            jobs = []
            while len(jobs) < width and (clock.budget is None or issued < clock.budget):
                size = batch_size if clock.budget is None else min(batch_size, clock.budget - issued)
                jobs.append((property_name, bounds, seed, index, size))
                issued += size
                index += 1
            futures = client.map(batch, jobs, pure=False)
            for _, n, best in client.gather(futures):
                checked += n
                progress(checked, None)
                if best is not None:
                    return checked, best
        return checked, None
    finally:
        if own:
            client.close()
