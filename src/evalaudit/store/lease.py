"""One run at a time: the lease every run — served, triggered by hand, `make audit` — takes before it touches
the store, held until it ends.

SQLite: one row in `run_lease`, taken in a write transaction and kept alive by a heartbeat. A holder whose
heartbeat has stopped for `STALE_AFTER` seconds (killed, machine off), or whose process on this machine is
gone, is taken over. PostgreSQL: a session advisory lock, which the server drops with the holder's
connection, so a dead holder never blocks; the same row says who holds it, for the message a second run gives.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, insert, select, update

from evalaudit.store.schema import StoreError, now, run_lease

HEARTBEAT_SECONDS = 15.0
STALE_AFTER = 120.0  # eight missed heartbeats: the holder is gone
ADVISORY_KEY = 7420392  # (migrations use 7420391)
NAME = "nightly"


class RunInProgress(StoreError):
    """Another run holds the lease: this one did nothing. The message says who, since when."""


@dataclass
class Holder:
    run_id: str
    host: str
    pid: int
    taken_at: str
    heartbeat_at: str

    def gone(self, at: datetime) -> bool:
        """Its heartbeat stopped, or it was a process of this machine that no longer exists."""
        beat = datetime.fromisoformat(self.heartbeat_at)
        if at - beat > timedelta(seconds=STALE_AFTER):
            return True
        return self.host == socket.gethostname() and not _alive(self.pid)

    def describe(self) -> str:
        return (
            f"另一次审核（批次 {self.run_id}，{self.host} 上的进程 {self.pid}，开始于 {_local(self.taken_at)}）正在运行"
        )


@dataclass
class Lease:
    """A held lease: `release()` when the run ends (also on failure); `ensure_held()` before trusting it."""

    engine: Engine
    run_id: str
    taken_over: Holder | None = None  # the dead holder this lease replaced
    _connection: Connection | None = None  # PostgreSQL: the session that holds the advisory lock
    _stop: threading.Event = field(default_factory=threading.Event)
    _lost: str = ""

    def ensure_held(self) -> None:
        if self._lost:
            raise StoreError(self._lost)

    def release(self) -> None:
        """Never raises: it runs in the run's `finally`, where the store may be what failed (the error to report
        is that one). A row left behind is a dead holder's to the next run (its process is gone)."""
        self._stop.set()
        try:
            with self.engine.begin() as connection:
                connection.execute(delete(run_lease).where(run_lease.c.name == NAME, run_lease.c.run_id == self.run_id))
        except Exception:  # noqa: BLE001
            pass
        finally:
            if self._connection is not None:
                try:
                    self._connection.exec_driver_sql(f"SELECT pg_advisory_unlock({ADVISORY_KEY})")
                except Exception:  # noqa: BLE001 - closing the session releases it anyway
                    pass
                finally:
                    self._connection.close()
                    self._connection = None

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            try:
                with self.engine.begin() as connection:
                    kept = connection.execute(
                        update(run_lease)
                        .where(run_lease.c.name == NAME, run_lease.c.run_id == self.run_id)
                        .values(heartbeat_at=now())
                    ).rowcount
            except Exception:  # noqa: BLE001 - a store briefly unreachable: the next beat tries again
                continue
            if not kept:
                self._lost = (
                    "本次审核的运行锁已被另一次审核接管（本进程曾长时间无响应）：本次结果不再保存，请查看另一次审核"
                )
                return


def take_lease(engine: Engine, run_id: str, wait: float = 0.0, poll: float = 2.0) -> Lease:
    """The lease for `run_id`, waiting up to `wait` seconds for a live holder to finish; `RunInProgress` if it
    does not."""
    deadline = time.monotonic() + wait
    while True:
        lease, holder = _try(engine, run_id)
        if lease is not None:
            threading.Thread(target=lease._beat, name=f"lease-{run_id}", daemon=True).start()
            return lease
        if time.monotonic() >= deadline:
            assert holder is not None
            waited = f"，已等待 {wait:.0f} 秒" if wait else ""
            raise RunInProgress(f"{holder.describe()}{waited}：本次未运行，请等它结束后再运行")
        time.sleep(min(poll, max(0.0, deadline - time.monotonic())))


def _try(engine: Engine, run_id: str) -> tuple[Lease | None, Holder | None]:
    session = None
    if engine.dialect.name == "postgresql":
        session = engine.connect()
        if not session.exec_driver_sql(f"SELECT pg_try_advisory_lock({ADVISORY_KEY})").scalar():
            session.rollback()
            session.close()
            return None, _holder(engine) or Holder("?", "?", 0, now(), now())
        session.commit()  # the lock is the session's, not the transaction's
    with engine.connect().execution_options(sqlite_begin="BEGIN IMMEDIATE") as connection, connection.begin():
        holder = _holder_in(connection)
        if holder is not None and session is None and not holder.gone(datetime.now(UTC)):
            return None, holder
        # PostgreSQL: the advisory lock is ours, so a row left behind is a dead holder's
        connection.execute(delete(run_lease).where(run_lease.c.name == NAME))
        stamp = now()
        connection.execute(
            insert(run_lease).values(
                name=NAME, run_id=run_id, host=socket.gethostname(), pid=os.getpid(), taken_at=stamp, heartbeat_at=stamp
            )
        )
    return Lease(engine, run_id, taken_over=holder, _connection=session), None


def _holder(engine: Engine) -> Holder | None:
    with engine.connect() as connection:
        return _holder_in(connection)


def _holder_in(connection: Connection) -> Holder | None:
    row = connection.execute(select(run_lease).where(run_lease.c.name == NAME)).mappings().one_or_none()
    return Holder(**{key: row[key] for key in Holder.__dataclass_fields__}) if row else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _local(stamp: str) -> str:
    """A UTC timestamp as the operator's local time reads it."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return stamp
