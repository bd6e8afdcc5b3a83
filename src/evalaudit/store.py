"""The run history: every run, every submitted file, every evaluation, finding and alert.

SQLite by default (`data/evalaudit.db`), any SQLAlchemy URL (PostgreSQL) by setting. A batch of files is
recorded in one transaction, so a run killed halfway leaves the store as if it had never touched the files it
did not finish, and the next run audits them. The schema is created and migrated by `open_store`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError

from evalaudit.inbox import (
    AUDITED,
    CHECK_FAILED,
    UNPARSEABLE,
    UNREADABLE,
    FileProblem,
    Inbox,
    SubmittedFile,
    access_key,
    suffix,
)
from evalaudit.model import FINDING_COLUMNS, Evaluation, Finding, evaluation_from_dict
from evalaudit.pipeline import FileOutcome, Snapshot, one_per_content
from evalaudit.resubmission import FIXED, NEW, compare, form_key
from evalaudit.text.index import COLUMNS as TEXT_COLUMNS

DEFAULT_URL = "sqlite:///data/evalaudit.db"
PENDING, SENT, FAILED = "pending", "sent", "failed"  # failed: can never be sent as it is, not retried

metadata = MetaData()

store_meta = Table("store_meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text))

runs = Table(
    "runs",
    metadata,
    Column("run_id", String(64), primary_key=True),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("status", String(16), nullable=False),  # running | completed | failed | interrupted
    Column("inbox", Text, nullable=False),
    Column("files_seen", Integer),
    Column("files_audited", Integer),
    Column("findings_new", Integer),
    Column("findings_fixed", Integer),
    Column("alerts_sent", Integer),
    Column("alerts_queued", Integer),
    Column("report", Text),
    Column("error", Text),
)

files = Table(
    "files",
    metadata,
    Column("name", Text, primary_key=True),  # relative to the inbox
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # audited | unreadable | unparseable | skipped | check_failed
    Column("reason", Text, nullable=False, default=""),
    Column("audited_run", String(64), nullable=False),  # the run that read this content
    Column("first_seen_run", String(64), nullable=False),
    Column("last_seen_run", String(64), nullable=False, index=True),  # present in the inbox at that run
    Column("alert_id", Integer),  # the digest that reported an unreadable or unparseable file
)

evaluations = Table(
    "evaluations",
    metadata,
    Column("evaluation_id", String(64), primary_key=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("run_id", String(64), nullable=False),
    Column("form_key", Text, nullable=False, index=True),
    Column("previous_evaluation_id", String(64)),  # the unit's previous submission of the same form
    Column("source_file", Text, nullable=False),
    Column("form_index", Integer, nullable=False),
    Column("unit", Text, nullable=False),
    Column("year", Integer),
    Column("form_type", String(16), nullable=False),
    Column("computed_total", Float),
    Column("exec_rate", Float),
    Column("data", Text, nullable=False),  # the evaluation as JSON (Evaluation.to_dict)
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False, index=True),
    Column("evaluation_id", String(64), nullable=False, index=True),
    Column("source_file", Text, nullable=False),
    Column("form_index", Integer),
    Column("unit", Text, nullable=False),
    Column("year", Integer),
    Column("form_type", String(16), nullable=False),
    Column("check_id", String(128), nullable=False),
    Column("category", String(32), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("location", Text, nullable=False),
    Column("stated", Text, nullable=False),
    Column("expected", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("cell", Text, nullable=False),
    Column("change", String(16), nullable=False),  # new | still_open | fixed (a fixed row is kept for the record)
    Column("alert_id", Integer, index=True),  # the email that told the unit (or the digest, for unknown units)
)

texts = Table(
    "texts",
    metadata,
    Column("evaluation_id", String(64), nullable=False, index=True),
    Column("source_file", Text),
    Column("form_index", Integer),
    Column("unit", Text),
    Column("unit_key", Text),
    Column("year", Integer),
    Column("form_type", String(16)),
    Column("field", String(32), nullable=False),
    Column("row", Integer, nullable=False),
    Column("label", Text),
    Column("norm", Text, nullable=False),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # unit | digest
    Column("unit", Text, nullable=False),
    Column("recipient", Text, nullable=False),  # empty for a digest until the bureau's address is set
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("attachment_name", Text),
    Column("attachment", LargeBinary),
    Column("status", String(16), nullable=False),  # pending | sent
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("created_at", String(32), nullable=False),
    Column("sent_at", String(32)),
)


def _create_tables(connection: Connection) -> None:
    metadata.create_all(connection)


# One function per schema version, applied in order and recorded in store_meta. Never edit a released step:
# add the next one (e.g. `lambda c: c.exec_driver_sql("ALTER TABLE runs ADD COLUMN …")`).
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_create_tables,)


class StoreError(Exception):
    """The store cannot be used as it is (a newer schema, an unreachable database)."""


# Errors of the store itself, not of one file: a run that meets one stops (it cannot record anything).
GLOBAL_ERRORS: tuple[type[BaseException], ...] = (StoreError, OperationalError, InterfaceError)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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


def schema_version(connection: Connection) -> int:
    store_meta.create(connection, checkfirst=True)
    value = connection.execute(select(store_meta.c.value).where(store_meta.c.key == "schema_version")).scalar()
    return int(value) if value is not None else 0


def migrate(engine: Engine, migrations: Sequence[Callable[[Connection], None]] = MIGRATIONS) -> int:
    """Apply the migrations this database has not had, each in its own transaction; returns the version.

    Each step holds the database's write lock (SQLite) or an advisory lock (PostgreSQL) from reading the
    version to recording the new one, so processes starting together migrate once, one after the other.
    """
    for target, step in enumerate(migrations, start=1):
        with engine.connect().execution_options(sqlite_begin="BEGIN IMMEDIATE") as connection, connection.begin():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7420391)")
            version = schema_version(connection)
            if version > len(migrations):
                raise StoreError(
                    f"数据库结构版本为 {version}，高于本程序支持的 {len(migrations)}：请升级 evalaudit 后再运行"
                )
            if version >= target:
                continue
            step(connection)
            if version == 0:
                connection.execute(insert(store_meta).values(key="schema_version", value=str(target)))
            else:
                connection.execute(
                    update(store_meta).where(store_meta.c.key == "schema_version").values(value=str(target))
                )
    return len(migrations)


@dataclass
class PendingAlert:
    id: int
    kind: str
    unit: str
    recipient: str
    subject: str
    body: str
    attachment_name: str | None
    attachment: bytes | None
    attempts: int


@dataclass
class Store:
    engine: Engine
    database: Path | None = None  # the SQLite file, when the store is one
    identity: tuple[int, int] | None = None  # that file's device and inode when opened

    def ensure_intact(self) -> None:
        """A SQLite file deleted or replaced while a run holds it open would swallow the run's writes (they go
        to the unlinked file); the run must stop and say so instead of reporting success."""
        if self.database is not None and _identity(self.database) != self.identity:
            raise StoreError(
                f"数据库文件 {self.database} 在运行中被删除或替换：本次审核结果未能保存，请恢复数据库文件后重新运行"
            )

    # runs ---------------------------------------------------------------------------------------------------

    def begin_run(self, run_id: str, inbox: str) -> list[str]:
        """Record a new run; runs left `running` by a killed process become `interrupted` (returned)."""
        with self.engine.begin() as connection:
            stale = list(connection.execute(select(runs.c.run_id).where(runs.c.status == "running")).scalars())
            if stale:
                connection.execute(
                    update(runs).where(runs.c.run_id.in_(stale)).values(status="interrupted", finished_at=now())
                )
            connection.execute(insert(runs).values(run_id=run_id, started_at=now(), status="running", inbox=inbox))
        return stale

    def finish_run(self, run_id: str, status: str, **counts) -> None:
        if status == "completed":
            self.ensure_intact()
        with self.engine.begin() as connection:
            connection.execute(
                update(runs).where(runs.c.run_id == run_id).values(status=status, finished_at=now(), **counts)
            )

    def run(self, run_id: str) -> dict:
        with self.engine.connect() as connection:
            row = connection.execute(select(runs).where(runs.c.run_id == run_id)).mappings().one()
        return dict(row)

    # files ----------------------------------------------------------------------------------------------------

    def plan(self, run_id: str, inbox: Inbox) -> list[SubmittedFile]:
        """Mark the entries already recorded as seen by this run; return the files to audit, one per content.

        A known file (same name, same content) is not read again, unless its checks failed (it is retried
        every run). New content is audited once even when it sits under several names; a known content under
        a new name with the same suffix is recorded with its earlier outcome. Entries that cannot be read are
        recorded by name and reason (`inbox.access_key`), never by content.
        """
        self.ensure_intact()
        with self.engine.begin() as connection:
            status = {
                (row.name, row.sha256): row.status
                for row in connection.execute(select(files.c.name, files.c.sha256, files.c.status))
            }
            earlier_by_content = {
                (row.sha256, suffix(row.name)): row
                for row in connection.execute(
                    select(files.c.name, files.c.sha256, files.c.status, files.c.reason, files.c.audited_run).where(
                        files.c.status.in_((AUDITED, UNREADABLE, UNPARSEABLE))
                    )
                )
            }
            known = {key for key, value in status.items() if value != CHECK_FAILED}
            for problem in inbox.problems:
                row = {
                    "name": problem.source_file,
                    "sha256": access_key(problem.source_file, problem.reason),
                    "size": 0,
                    "status": problem.status,
                    "reason": problem.reason,
                }
                if (row["name"], row["sha256"]) not in status:
                    connection.execute(
                        insert(files).values(**row, audited_run=run_id, first_seen_run=run_id, last_seen_run=run_id)
                    )
                    status[(row["name"], row["sha256"])] = problem.status
            seen = [{"seen_name": f.name, "seen_sha": f.sha256} for f in inbox.files if (f.name, f.sha256) in known]
            seen += [
                {"seen_name": p.source_file, "seen_sha": access_key(p.source_file, p.reason)} for p in inbox.problems
            ]
            if seen:
                connection.execute(
                    update(files)
                    .where(files.c.name == bindparam("seen_name"), files.c.sha256 == bindparam("seen_sha"))
                    .values(last_seen_run=run_id),
                    seen,
                )
            todo: list[SubmittedFile] = []
            for file in one_per_content([f for f in inbox.files if (f.name, f.sha256) not in known]):
                earlier = earlier_by_content.get((file.sha256, suffix(file.name)))
                if earlier is None:
                    todo.append(file)
                    continue
                for name in file.names:
                    connection.execute(
                        insert(files).values(
                            **_file_row(file, run_id, earlier.status, earlier.reason, name=name),
                            audited_run=earlier.audited_run,
                        )
                    )
        return todo

    # audited batches --------------------------------------------------------------------------------------

    def save_batch(
        self,
        run_id: str,
        outcomes: Sequence[FileOutcome],
        batch_findings: Sequence[Finding],
        computed_totals: dict[str, float],
        exec_rates: dict[str, float],
        batch_texts: pd.DataFrame | None,
    ) -> None:
        """Record a batch of files with their evaluations, findings (compared with each form's previous
        submission) and texts — all or nothing."""
        self.ensure_intact()
        by_evaluation: dict[str, list[Finding]] = defaultdict(list)
        for finding in batch_findings:
            by_evaluation[finding.evaluation_id].append(finding)
        saved: set[str] = set()
        with self.engine.begin() as connection:
            for outcome in outcomes:
                for name in outcome.file.names:
                    _put_file(connection, _file_row(outcome.file, run_id, outcome.status, outcome.reason, name=name))
                if (
                    outcome.evaluations
                    and connection.execute(
                        select(func.count()).select_from(evaluations).where(evaluations.c.sha256 == outcome.file.sha256)
                    ).scalar_one()
                ):
                    continue  # this content was audited before (under another name): its forms are stored
                for evaluation in outcome.evaluations:
                    saved.add(evaluation.evaluation_id)
                    self._save_evaluation(
                        connection,
                        run_id,
                        evaluation,
                        by_evaluation.get(evaluation.evaluation_id, []),
                        computed_totals.get(evaluation.evaluation_id),
                        exec_rates.get(evaluation.evaluation_id),
                    )
            if batch_texts is not None:
                batch_texts = batch_texts[batch_texts["evaluation_id"].isin(saved)]
            if batch_texts is not None and not batch_texts.empty:
                rows = batch_texts[list(TEXT_COLUMNS)].astype(object).where(batch_texts[list(TEXT_COLUMNS)].notna())
                connection.execute(insert(texts), rows.to_dict("records"))

    def _save_evaluation(
        self,
        connection: Connection,
        run_id: str,
        evaluation: Evaluation,
        current: list[Finding],
        computed_total: float | None,
        exec_rate: float | None,
    ) -> None:
        key = form_key(evaluation)
        previous_id = connection.execute(
            select(evaluations.c.evaluation_id)
            .where(evaluations.c.form_key == key, evaluations.c.sha256 != evaluation.source_sha256)
            .order_by(evaluations.c.run_id.desc(), evaluations.c.evaluation_id.desc())
            .limit(1)
        ).scalar()
        previous = self._findings(connection, [previous_id]) if previous_id else []
        changes, fixed = compare(previous, current)
        connection.execute(
            insert(evaluations).values(
                evaluation_id=evaluation.evaluation_id,
                sha256=evaluation.source_sha256,
                run_id=run_id,
                form_key=key,
                previous_evaluation_id=previous_id,
                source_file=evaluation.source_file,
                form_index=evaluation.form_index,
                unit=evaluation.unit,
                year=evaluation.year,
                form_type=evaluation.form_type,
                computed_total=computed_total,
                exec_rate=exec_rate,
                data=json.dumps(evaluation.to_dict(), ensure_ascii=False),
            )
        )
        rows = [_finding_row(f, run_id, change) for f, change in zip(current, changes, strict=True)]
        rows += [_finding_row(f, run_id, FIXED, evaluation_id=evaluation.evaluation_id) for f in fixed]
        if rows:
            connection.execute(insert(findings), rows)

    @staticmethod
    def _findings(connection: Connection, evaluation_ids: Iterable[str], fixed: bool = False) -> list[Finding]:
        query = select(findings).where(findings.c.evaluation_id.in_(list(evaluation_ids)))
        query = query.where(findings.c.change == FIXED) if fixed else query.where(findings.c.change != FIXED)
        return [_finding(row) for row in connection.execute(query.order_by(findings.c.id)).mappings()]

    # reading back -----------------------------------------------------------------------------------------

    def history_texts(self, exclude_form_keys: Iterable[str] = ()) -> pd.DataFrame:
        """Texts of every form audited before, except earlier submissions of the forms being audited now
        (a resubmission repeats its own words and is not a copy)."""
        excluded = set(exclude_form_keys)
        with self.engine.connect() as connection:
            frame = pd.read_sql(
                select(texts, evaluations.c.form_key).join(
                    evaluations, evaluations.c.evaluation_id == texts.c.evaluation_id
                ),
                connection,
            )
        frame = frame[~frame["form_key"].isin(excluded)].drop(columns="form_key").reset_index(drop=True)
        frame["year"] = frame["year"].astype("Int64")
        return frame

    def current_state(self, run_id: str) -> Snapshot:
        """The submissions present in the inbox at `run_id`, with their findings and file problems."""
        with self.engine.connect() as connection:
            present = connection.execute(
                select(files.c.name, files.c.sha256, files.c.status, files.c.reason)
                .where(files.c.last_seen_run == run_id)
                .order_by(files.c.name)
            ).all()
            rows = (
                connection.execute(
                    select(evaluations)
                    .where(
                        evaluations.c.sha256.in_(
                            select(files.c.sha256).where(files.c.last_seen_run == run_id, files.c.status == AUDITED)
                        )
                    )
                    .order_by(evaluations.c.source_file, evaluations.c.form_index)
                )
                .mappings()
                .all()
            )
            ids = [row["evaluation_id"] for row in rows]
            current: list[Finding] = []
            fixed: list[Finding] = []
            for chunk in _chunks(ids, 500):
                current += self._findings(connection, chunk)
                fixed += self._findings(connection, chunk, fixed=True)
        names = defaultdict(list)  # content -> its names in the inbox now (a renamed file shows its new name)
        for entry in present:
            if entry.status == AUDITED:
                names[entry.sha256].append(entry.name)
        forms = [evaluation_from_dict(json.loads(row["data"])) for row in rows]
        source = {}
        for evaluation in forms:
            here = names[evaluation.source_sha256]
            first = evaluation.source_file if evaluation.source_file in here else here[0]
            evaluation.source_file = first
            evaluation.also_submitted_as = [name for name in here if name != first]
            source[evaluation.evaluation_id] = first
        for finding in current + fixed:
            finding.source_file = source.get(finding.evaluation_id, finding.source_file)
        return Snapshot(
            run_id=run_id,
            files=len(present),
            evaluations=forms,
            findings=current,
            fixed=fixed,
            problems=[FileProblem(f.name, f.status, f.reason) for f in present if f.status != AUDITED],
            computed_totals={r["evaluation_id"]: r["computed_total"] for r in rows if r["computed_total"] is not None},
            exec_rates={r["evaluation_id"]: r["exec_rate"] for r in rows if r["exec_rate"] is not None},
            audited_this_run={r["evaluation_id"] for r in rows if r["run_id"] == run_id},
        )

    # alerts ---------------------------------------------------------------------------------------------

    def unalerted(self) -> tuple[list[tuple[int, Finding]], list[FileProblem]]:
        """New errors and warnings no email has reported yet, and problem files no digest has listed."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(findings)
                .where(
                    findings.c.alert_id.is_(None),
                    findings.c.change == NEW,
                    findings.c.severity.in_(("error", "warning")),
                )
                .order_by(findings.c.id)
            ).mappings()
            found = [(row["id"], _finding(row)) for row in rows]
            problems = [
                FileProblem(row.name, row.status, row.reason)
                for row in connection.execute(
                    select(files.c.name, files.c.status, files.c.reason)
                    .where(files.c.status != AUDITED, files.c.alert_id.is_(None))
                    .order_by(files.c.name)
                )
            ]
        return found, problems

    def queue_alerts(self, run_id: str, queued: Sequence[tuple[dict, list[int], list[str]]]) -> list[int]:
        """Insert the composed alerts and mark what each one reports, in one transaction.

        `queued` holds (alert fields, finding ids, problem file names) per alert.
        """
        ids = []
        with self.engine.begin() as connection:
            for fields, finding_ids, file_names in queued:
                alert_id = connection.execute(
                    insert(alerts).values(run_id=run_id, status=PENDING, attempts=0, created_at=now(), **fields)
                ).inserted_primary_key[0]
                ids.append(alert_id)
                for chunk in _chunks(finding_ids, 500):
                    connection.execute(update(findings).where(findings.c.id.in_(chunk)).values(alert_id=alert_id))
                for chunk in _chunks(file_names, 500):
                    connection.execute(
                        update(files)
                        .where(files.c.name.in_(chunk), files.c.status != AUDITED, files.c.alert_id.is_(None))
                        .values(alert_id=alert_id)
                    )
        return ids

    def pending_alerts(self) -> list[PendingAlert]:
        """The outbox, oldest first: neither sent nor given up on."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(alerts).where(alerts.c.status == PENDING).order_by(alerts.c.id)).mappings()
            return [PendingAlert(**{key: row[key] for key in PendingAlert.__dataclass_fields__}) for row in rows]

    def mark_sent(self, alert_id: int, recipient: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(alerts)
                .where(alerts.c.id == alert_id)
                .values(
                    status=SENT, sent_at=now(), recipient=recipient, attempts=alerts.c.attempts + 1, last_error=None
                )
            )

    def mark_failed(self, alert_id: int, error: str) -> None:
        """An attempt that may succeed later (server down, recipient refused): the alert stays pending."""
        with self.engine.begin() as connection:
            connection.execute(
                update(alerts).where(alerts.c.id == alert_id).values(attempts=alerts.c.attempts + 1, last_error=error)
            )

    def mark_undeliverable(self, alert_id: int, error: str) -> None:
        """An alert that can never be sent as it is (its message cannot be built): out of the outbox for good,
        with the reason, so it no longer holds back or repeats on every run."""
        with self.engine.begin() as connection:
            connection.execute(
                update(alerts)
                .where(alerts.c.id == alert_id)
                .values(status=FAILED, attempts=alerts.c.attempts + 1, last_error=error)
            )

    def run_counts(self, run_id: str) -> dict[str, int]:
        """What a run added: files read, and its findings by change."""
        with self.engine.connect() as connection:
            audited = connection.execute(
                select(func.count())
                .select_from(files)
                .where(files.c.audited_run == run_id, files.c.first_seen_run == run_id)
            ).scalar_one()
            changes = dict(
                connection.execute(
                    select(findings.c.change, func.count())
                    .where(findings.c.run_id == run_id)
                    .group_by(findings.c.change)
                ).all()
            )
        return {
            "files_audited": audited,
            "findings_new": changes.get(NEW, 0),
            "findings_fixed": changes.get(FIXED, 0),
        }

    def count(self, table: Table, *where) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def _put_file(connection: Connection, row: dict) -> None:
    """Insert a file's row, or update it when this (name, content) was recorded before (a retried file):
    the digest's mark is kept while the outcome stays the same, so a file failing every night is reported once."""
    key = (files.c.name == row["name"]) & (files.c.sha256 == row["sha256"])
    earlier = connection.execute(select(files.c.status, files.c.reason).where(key)).first()
    if earlier is None:
        connection.execute(insert(files).values(**row, audited_run=row["last_seen_run"]))
        return
    unchanged = (earlier.status, earlier.reason) == (row["status"], row["reason"])
    values = {k: v for k, v in row.items() if k not in ("name", "sha256", "first_seen_run")}
    connection.execute(
        update(files)
        .where(key)
        .values(**values, audited_run=row["last_seen_run"], **({} if unchanged else {"alert_id": None}))
    )


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _file_row(file: SubmittedFile, run_id: str, status: str, reason: str, name: str | None = None) -> dict:
    return {
        "name": name or file.name,
        "sha256": file.sha256,
        "size": file.size,
        "status": status,
        "reason": reason,
        "first_seen_run": run_id,
        "last_seen_run": run_id,
    }


def _finding_row(finding: Finding, run_id: str, change: str, evaluation_id: str | None = None) -> dict:
    row = {column: getattr(finding, column) for column in FINDING_COLUMNS}
    row.update(
        run_id=run_id,
        evaluation_id=evaluation_id or finding.evaluation_id,
        cell=finding.cell,
        change=change,
        stated=finding.stated or "",
        expected=finding.expected or "",
        message=finding.message or "",
    )
    return row


def _finding(row) -> Finding:
    return Finding(
        **{column: row[column] for column in FINDING_COLUMNS if column != "run_id"},
        cell=row["cell"],
        run_id=row["run_id"],
        change=row["change"],
    )
