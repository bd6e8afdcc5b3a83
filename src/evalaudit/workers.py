"""Work spread over every core: one spawned process pool per process, shared by parsing and reading ahead.

Parsing and OCR scheduling are pure Python: threads share one core under the GIL, processes use all of them.
The pool is spawned, not forked (the flow's tasks run in threads, and forking a threaded process is unsafe),
and kept for the process's life, so a night of many batches starts its workers once. A Dask worker (a daemonic
process, which may not start processes) works in itself: its cluster already has a process per core.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import partial
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

_POOLS: dict[int, ProcessPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()  # the flow's parse tasks run in threads: one pool, however many ask at once


def cores(workers: int | None = None) -> int:
    """`workers`, or the machine's cores."""
    return max(1, workers or os.cpu_count() or 1)


def on_every_core(
    function: Callable[[Item], Result], items: Sequence[Item], workers: int | None = None, chunksize: int = 1
) -> list[Result]:
    """`function` over `items`, results in their order, in the shared pool of `workers` processes.

    One core, or a pool that breaks (a worker killed, a script without a `__main__` guard), and the items are
    done in this process instead: an error of `function` itself is then raised here, as it would be alone.
    The workers were started earlier, so each call carries this process's settings (`EVALAUDIT_*`, `PATH`):
    they read the cache folder, limits and tools the caller reads now.
    """
    workers = cores(workers)
    if workers == 1 or multiprocessing.current_process().daemon:
        return [function(item) for item in items]
    call = partial(_with_settings, _settings(), function)
    try:
        return list(_pool(workers).map(call, items, chunksize=chunksize))
    except (BrokenProcessPool, OSError, RuntimeError):
        _POOLS.pop(workers, None)
        return [function(item) for item in items]


def release() -> None:
    """Stop the pools' workers once a run's files are parsed: its checks and report need the memory more (at
    100,000 forms the idle workers held 0.4 GB), and the next run starts them again in about a second."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.shutdown(wait=True)


def _settings() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key.startswith("EVALAUDIT_") or key == "PATH"}


def reading_settings() -> dict[str, str]:
    """The `EVALAUDIT_*` settings reading a file depends on (cache folder, limits, timeouts), for a process on
    another machine (a Dask worker): not its `PATH`, which is that machine's own, nor the store's URL or the
    mail server's login, which a worker never uses and should not be sent."""
    return {
        key: value
        for key, value in _settings().items()
        if key.startswith("EVALAUDIT_") and not key.startswith(("EVALAUDIT_SMTP_", "EVALAUDIT_STORE_"))
    }


def apply_settings(settings: dict[str, str]) -> None:
    """Make this process's `EVALAUDIT_*` exactly `settings`, so that it reads files as the caller does."""
    for key in [key for key in os.environ if key.startswith("EVALAUDIT_") and key not in settings]:
        del os.environ[key]
    os.environ.update(settings)


def _with_settings(settings: dict[str, str], function: Callable[[Item], Result], item: Item) -> Result:
    apply_settings(settings)
    return function(item)


def _pool(workers: int) -> ProcessPoolExecutor:
    with _POOLS_LOCK:
        if workers not in _POOLS:
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
            with _light_main():
                list(pool.map(_ready, range(workers)))  # every worker started now, while __main__ is set aside
            _POOLS[workers] = pool
        return _POOLS[workers]


def _ready(_: int) -> None:
    """A first task for each worker, so the pool starts all of them at once."""


@contextmanager
def _light_main() -> Iterator[None]:
    """Spawned workers re-run the caller's `__main__` (the CLI, the flow module) before their first task,
    importing Great Expectations, pandas' checks and Prefect (3–5 s of CPU and ~300 MB each) that parsing
    never uses. With an empty `__main__` while they start, they import only what their tasks name
    (`evalaudit.reading`, `evalaudit.ingest.prepare`); the functions sent to them must live in modules."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main
