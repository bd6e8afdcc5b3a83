"""The shared process pool: its workers start without the caller's main module, one pool however many ask."""

from __future__ import annotations

import sys
import threading
import types

import pytest

from evalaudit import workers


def modules_loaded(names: str) -> list[str]:
    """In a worker: which of the comma-separated modules it has imported."""
    return sorted(name for name in names.split(",") if name in sys.modules)


@pytest.fixture
def fresh_pools(monkeypatch):
    monkeypatch.setattr(workers, "_POOLS", {})
    yield workers._POOLS
    for pool in workers._POOLS.values():
        pool.shutdown(cancel_futures=True)


def test_workers_do_not_import_what_the_callers_main_module_imports(tmp_path, monkeypatch, fresh_pools):
    # a main module like the CLI's or the flow's: it imports heavy modules at its top
    script = tmp_path / "heavy_main.py"
    script.write_text("import json\nimport xml.dom.minidom\nimport email.mime.multipart\n", encoding="utf-8")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    main.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", main)

    loaded = workers.on_every_core(modules_loaded, ["xml.dom.minidom,email.mime.multipart"] * 2, workers=2)

    assert loaded == [[], []]
    assert sys.modules["__main__"] is main  # set back once the workers have started


def test_threads_asking_at_once_share_one_pool(fresh_pools):
    results: list[list[list[str]]] = []
    threads = [
        threading.Thread(target=lambda: results.append(workers.on_every_core(modules_loaded, ["json"] * 4, workers=2)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    assert len(fresh_pools) == 1


def test_released_workers_exit_and_the_next_call_starts_new_ones(fresh_pools):
    assert workers.on_every_core(modules_loaded, ["json"] * 2, workers=2) == [["json"], ["json"]]
    [pool] = fresh_pools.values()
    processes = list(pool._processes.values())
    assert processes and all(process.is_alive() for process in processes)
    workers.release()
    assert not fresh_pools
    assert not any(process.is_alive() for process in processes)  # their memory is back
    assert workers.on_every_core(modules_loaded, ["json"] * 2, workers=2) == [["json"], ["json"]]
    assert len(fresh_pools) == 1
