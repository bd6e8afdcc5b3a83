"""The run history: every run, every submitted file, every evaluation, finding and alert.

SQLite by default (`data/evalaudit.db`), any SQLAlchemy URL (PostgreSQL) by setting. A batch of files is
recorded in one transaction, so a run killed halfway leaves the store as if it had never touched the files it
did not finish, and the next run audits them. The schema is created and migrated by `open_store`.

One module per job: `schema` (tables, migrations), `ledger` (runs, files, batches), `view` (the inbox as
stored now), `outbox` (alerts), `decisions` (the reviewers' decisions); `rows` converts between rows and
findings/files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from evalaudit.store.decisions import DecisionLog
from evalaudit.store.lease import Lease, RunInProgress, take_lease
from evalaudit.store.ledger import RunLedger
from evalaudit.store.outbox import Outbox, PendingAlert
from evalaudit.store.schema import (
    DEFAULT_URL,
    FAILED,
    GLOBAL_ERRORS,
    MIGRATIONS,
    OPERATOR,
    PENDING,
    SENDING,
    SENT,
    StoreError,
    alerts,
    evaluations,
    files,
    findings,
    metadata,
    migrate,
    now,
    runs,
    schema_version,
    store_meta,
    text_bands,
    text_keys,
    texts,
)
from evalaudit.store.view import InboxView

__all__ = [  # the store's names, as they were before it was split by job
    "DEFAULT_URL",
    "FAILED",
    "GLOBAL_ERRORS",
    "MIGRATIONS",
    "OPERATOR",
    "PENDING",
    "SENDING",
    "SENT",
    "Lease",
    "PendingAlert",
    "RunInProgress",
    "Store",
    "StoreError",
    "alerts",
    "evaluations",
    "files",
    "findings",
    "metadata",
    "migrate",
    "now",
    "open_store",
    "runs",
    "schema_version",
    "store_meta",
    "text_bands",
    "text_keys",
    "texts",
]


@dataclass
class Store(RunLedger, InboxView, Outbox, DecisionLog):
    engine: Engine
    database: Path | None = None  # the SQLite file, when the store is one
    identity: tuple[int, int] | None = None  # that file's device and inode when opened
    lease: Lease | None = None  # held by this run (`take_lease`)

    def take_lease(self, run_id: str, wait: float = 0.0) -> Lease:
        """One run at a time: the lease for `run_id`, or `RunInProgress` naming the live run that holds it."""
        self.lease = take_lease(self.engine, run_id, wait)
        return self.lease

    def release_lease(self) -> None:
        if self.lease is not None:
            lease, self.lease = self.lease, None
            lease.release()

    def ensure_intact(self) -> None:
        """A SQLite file deleted or replaced while a run holds it open would swallow the run's writes (they go
        to the unlinked file); the run must stop and say so instead of reporting success. So must a run whose
        lease another run took over."""
        if self.lease is not None:
            self.lease.ensure_held()
        if self.database is not None and _identity(self.database) != self.identity:
            raise StoreError(
                f"数据库文件 {self.database} 在运行中被删除或替换：本次审核结果未能保存，请恢复数据库文件后重新运行"
            )


def open_store(url: str | None = None, migrations: Sequence[Callable[[Connection], None]] = MIGRATIONS) -> Store:
    """Connect, then create or migrate the schema. A SQLite file's folder is created when missing."""
    url = url or DEFAULT_URL
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    migrate(engine, migrations)
    database = (
        Path(parsed.database)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")
        else None
    )
    return Store(engine, database=database, identity=_identity(database) if database else None)


def _identity(database: Path) -> tuple[int, int] | None:
    try:
        info = database.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _sqlite_connect(connection, _record) -> None:
    connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below), so DDL is transactional too
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (the report) do not block the nightly writer
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # a migration takes the write lock before it reads the schema version (two processes may start at once)
    connection.exec_driver_sql(connection.get_execution_options().get("sqlite_begin", "BEGIN"))
