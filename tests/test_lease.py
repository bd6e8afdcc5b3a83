"""One run at a time: the store's run lease (SQLite here; PostgreSQL in test_lease_postgres.py)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import update

from evalaudit.store import RunInProgress, StoreError, open_store
from evalaudit.store import lease as leases
from evalaudit.store.schema import run_lease


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'evalaudit.db'}"


def test_a_second_run_is_refused_naming_the_first_until_it_releases(url):
    first, second = open_store(url), open_store(url)
    first.take_lease("20261202T020000-aaaa")
    with pytest.raises(RunInProgress, match="20261202T020000-aaaa.*本次未运行"):
        second.take_lease("20261202T020001-bbbb")
    first.release_lease()
    assert second.take_lease("20261202T020001-bbbb").taken_over is None
    second.release_lease()


def test_a_waiting_run_takes_the_lease_when_the_holder_finishes(url):
    first, second = open_store(url), open_store(url)
    first.take_lease("first")
    threading.Timer(0.5, first.release_lease).start()
    lease = second.take_lease("second", wait=30)
    assert lease.run_id == "second"
    second.release_lease()


def test_the_lease_of_a_process_that_died_is_taken_over(url):
    store = open_store(url)
    holder = subprocess.run(
        [sys.executable, "-c", f"from evalaudit.store import open_store; open_store({url!r}).take_lease('killed')"],
        check=True,
    )  # exits without releasing, as a killed run would
    assert holder.returncode == 0
    lease = store.take_lease("next")
    assert lease.taken_over is not None and lease.taken_over.run_id == "killed"
    store.release_lease()


def test_a_holder_elsewhere_whose_heartbeat_stopped_is_taken_over_and_a_live_one_is_not(url):
    store = open_store(url)
    store.take_lease("other-machine")
    with store.engine.begin() as connection:
        connection.execute(update(run_lease).values(host="elsewhere", pid=1))
    with pytest.raises(RunInProgress, match="elsewhere"):
        open_store(url).take_lease("too-soon")
    with store.engine.begin() as connection:
        connection.execute(update(run_lease).values(heartbeat_at="2026-01-01T00:00:00+00:00"))
    later = open_store(url)
    assert later.take_lease("later").taken_over.run_id == "other-machine"
    later.release_lease()


def test_a_run_whose_lease_was_taken_over_stops_before_it_saves_anything(url, monkeypatch):
    monkeypatch.setattr(leases, "HEARTBEAT_SECONDS", 0.05)
    store = open_store(url)
    store.take_lease("frozen")
    with store.engine.begin() as connection:  # what a takeover after a long freeze leaves
        connection.execute(update(run_lease).values(run_id="taker"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not store.lease._lost:
        time.sleep(0.05)
    with pytest.raises(StoreError, match="已被另一次审核接管"):
        store.ensure_intact()


def test_the_heartbeat_keeps_a_long_run_s_lease_fresh(url, monkeypatch):
    monkeypatch.setattr(leases, "HEARTBEAT_SECONDS", 0.05)
    store = open_store(url)
    store.take_lease("long")
    taken = leases._holder(store.engine).heartbeat_at
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and leases._holder(store.engine).heartbeat_at == taken:
        time.sleep(0.1)
    assert leases._holder(store.engine).heartbeat_at > taken
    store.release_lease()
    assert leases._holder(store.engine) is None


def test_on_postgresql_the_advisory_lock_holds_and_dies_with_its_holder_s_connection(postgres_url):
    first, second = open_store(postgres_url), open_store(postgres_url)
    first.take_lease("first")
    with pytest.raises(RunInProgress, match="first"):
        second.take_lease("second")
    first.lease._connection.invalidate()  # the holder's session gone, as when its process or machine dies
    first.lease._stop.set()
    lease = second.take_lease("second")
    assert lease.taken_over is not None and lease.taken_over.run_id == "first"
    second.release_lease()
    third = open_store(postgres_url)
    third.take_lease("third")
    third.release_lease()
