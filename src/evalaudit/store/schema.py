"""The store's tables, its schema version and the migrations that bring a database to it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    bindparam,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.exc import InterfaceError, OperationalError

from evalaudit.store.types import JsonDocument, Timestamp

DEFAULT_URL = "sqlite:///data/evalaudit.db"
PENDING, SENT, FAILED = "pending", "sent", "failed"  # failed: can never be sent as it is, not retried
OPERATOR = "operator"  # the alerts' kind of a notice to the operator (a failed or missed night, a recovery)
SENDING = "sending"  # handed to the SMTP server, not yet confirmed: a crash here leaves it for the next run

metadata = MetaData()

store_meta = Table("store_meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text))

runs = Table(
    "runs",
    metadata,
    Column("run_id", String(64), primary_key=True),
    Column("started_at", Timestamp(), nullable=False),
    Column("finished_at", Timestamp()),
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
    Column("flow_run_id", String(64), index=True),  # the Prefect flow run, when Prefect ran it (step 3)
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
    Column("budget", Float),  # step 7: 万元, the total row's (facts.money.form_budget)
    Column("data", JsonDocument(), nullable=False),  # the evaluation as JSON (Evaluation.to_dict)
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
    Column("caused_by", Text, nullable=False, server_default=""),  # step 4: the cause's check_id@location
    Column("audience", String(16), nullable=False, server_default="unit"),  # step 4: unit | reviewer
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

# What a night looks the history's texts up by (`store.signs`), written with the texts, back-filled by step 2:
# each text's norm hash (the counts of units per norm), and each signed norm's LSH band keys, once per norm.
text_keys = Table(
    "text_keys",
    metadata,
    Column("evaluation_id", String(64), nullable=False, index=True),
    Column("field", String(32), nullable=False),
    Column("row", Integer, nullable=False),
    Column("unit_key", Text),
    Column("norm_hash", BigInteger, nullable=False),
    Index("ix_text_keys_norm", "norm_hash", "field", "unit_key"),
)

text_bands = Table(
    "text_bands",
    metadata,
    Column("band", SmallInteger, primary_key=True),
    Column("key", BigInteger, primary_key=True),
    Column("norm_hash", BigInteger, primary_key=True),
    sqlite_with_rowid=False,  # the primary key is the table: one compact index of (band, key, norm)
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # unit | digest | operator
    Column("unit", Text, nullable=False),  # for an operator notice, its key: failed:<run> | missed:<date> | …
    Column("recipient", Text, nullable=False),  # empty for a digest until the bureau's address is set
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("attachment_name", Text),  # an older version's one attachment (an HTML page); still sent
    Column("attachment", LargeBinary),
    Column("attachments", JsonDocument()),  # step 5: [{"name", "type", "data": base64}, …]: every attachment
    Column("status", String(16), nullable=False),  # pending | sending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("created_at", Timestamp(), nullable=False),
    Column("sent_at", Timestamp()),
)


# Reviewers' decisions (`evalaudit.decisions`), never deleted: the latest on a key is the one in force.
decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(16), nullable=False),  # finding | form
    Column("key", Text, nullable=False, index=True),  # decisions.finding_key / form_decision_key
    Column("verdict", String(16), nullable=False),  # confirmed | dismissed | pending | passed | returned
    Column("reason", Text, nullable=False, default=""),
    Column("reviewer", Text, nullable=False),
    Column("source", Text, nullable=False),  # web | excel:<workbook name>
    Column("decided_at", Timestamp(), nullable=False),
    Column("evaluation_id", String(64)),  # what the reviewer looked at, for the record
    Column("unit", Text),
    Column("check_id", String(128)),
    Column("location", Text),
    Column("stated", Text),
)


# One row while a run holds the store (`store.lease`).
run_lease = Table(
    "run_lease",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("run_id", String(64), nullable=False),
    Column("host", Text, nullable=False),
    Column("pid", Integer, nullable=False),
    Column("taken_at", Timestamp(), nullable=False),
    Column("heartbeat_at", Timestamp(), nullable=False),
)


def _create_tables(connection: Connection) -> None:
    metadata.create_all(connection)


# One function per schema version, applied in order and recorded in store_meta. Never edit a released step:
# add the next one (e.g. `lambda c: c.exec_driver_sql("ALTER TABLE runs ADD COLUMN …")`).
def _sign_stored_texts(connection: Connection) -> None:
    """Step 2: the text lookup tables, and every text stored so far signed once into them."""
    from evalaudit.store.signs import sign_stored_texts  # signing needs the text modules, not the schema

    text_keys.create(connection, checkfirst=True)
    text_bands.create(connection, checkfirst=True)
    sign_stored_texts(connection)


def _lease_and_flow_runs(connection: Connection) -> None:
    """Step 3: the run lease, and each run's Prefect flow run (the operator's failure notice links it)."""
    run_lease.create(connection, checkfirst=True)
    if "flow_run_id" not in {column["name"] for column in inspect(connection).get_columns("runs")}:
        connection.exec_driver_sql("ALTER TABLE runs ADD COLUMN flow_run_id VARCHAR(64)")
        connection.exec_driver_sql("CREATE INDEX ix_runs_flow_run_id ON runs (flow_run_id)")


def _causes_and_audiences(connection: Connection) -> None:
    """Step 4: each finding's cause (when it follows from another on the same form) and its audience."""
    present = {column["name"] for column in inspect(connection).get_columns("findings")}
    if "caused_by" not in present:
        connection.exec_driver_sql("ALTER TABLE findings ADD COLUMN caused_by TEXT NOT NULL DEFAULT ''")
    if "audience" not in present:
        connection.exec_driver_sql("ALTER TABLE findings ADD COLUMN audience VARCHAR(16) NOT NULL DEFAULT 'unit'")


REPORTED_BEFORE = 0  # findings.alert_id of fixed rows stored before step 5: counted as told, never emailed now


def _attachments_and_told_fixes(connection: Connection) -> None:
    """Step 5: alerts with several attachments (a JSON list; the old single-attachment columns still send), and
    fixes told by name: a unit's email names each fix it has not been told of. Fixes stored before this step
    were told as a count at most; they are marked reported so an upgraded store does not email them all now."""
    if "attachments" not in {column["name"] for column in inspect(connection).get_columns("alerts")}:
        kind = "JSONB" if connection.dialect.name == "postgresql" else "TEXT"
        connection.exec_driver_sql(f"ALTER TABLE alerts ADD COLUMN attachments {kind}")
    connection.execute(
        update(findings)
        .where(findings.c.change == "fixed", findings.c.alert_id.is_(None))
        .values(alert_id=REPORTED_BEFORE)
    )


def _decisions(connection: Connection) -> None:
    """Step 6: the reviewers' decisions."""
    decisions.create(connection, checkfirst=True)


def _form_budgets(connection: Connection) -> None:
    """Step 7: each form's budget in 万元 beside it, so the overview orders and sums money without decoding
    forms; the forms stored before are decoded once here for theirs."""
    from evalaudit.facts.money import form_budget  # the money fact needs the model, not the schema
    from evalaudit.model import evaluation_from_dict

    if "budget" in {column["name"] for column in inspect(connection).get_columns("evaluations")}:
        return
    connection.exec_driver_sql("ALTER TABLE evaluations ADD COLUMN budget FLOAT")
    ids = connection.execute(select(evaluations.c.evaluation_id)).scalars().all()
    fill = update(evaluations).where(evaluations.c.evaluation_id == bindparam("id")).values(budget=bindparam("amount"))
    for start in range(0, len(ids), 500):  # a few hundred forms decoded at a time, not the whole store
        chunk = ids[start : start + 500]
        rows = connection.execute(
            select(evaluations.c.evaluation_id, evaluations.c.data).where(evaluations.c.evaluation_id.in_(chunk))
        )
        budgets = [{"id": row.evaluation_id, "amount": form_budget(evaluation_from_dict(row.data))} for row in rows]
        budgets = [entry for entry in budgets if entry["amount"] is not None]
        if budgets:
            connection.execute(fill, budgets)


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _create_tables,
    _sign_stored_texts,
    _lease_and_flow_runs,
    _causes_and_audiences,
    _attachments_and_told_fixes,
    _decisions,
    _form_budgets,
)


class StoreError(Exception):
    """The store cannot be used as it is (a newer schema, an unreachable database)."""


# Errors of the store itself, not of one file: a run that meets one stops (it cannot record anything).
GLOBAL_ERRORS: tuple[type[BaseException], ...] = (StoreError, OperationalError, InterfaceError)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def schema_version(connection: Connection) -> int:
    store_meta.create(connection, checkfirst=True)
    value = connection.execute(select(store_meta.c.value).where(store_meta.c.key == "schema_version")).scalar()
    return int(value) if value is not None else 0


def _version_read_only(engine: Engine) -> int:
    """The schema version, read without creating or locking anything (0 on a database with no store yet)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(store_meta.name):
            return 0
        value = connection.execute(select(store_meta.c.value).where(store_meta.c.key == "schema_version")).scalar()
    return int(value) if value is not None else 0


def migrate(engine: Engine, migrations: Sequence[Callable[[Connection], None]] = MIGRATIONS) -> int:
    """Apply the migrations this database has not had, each in its own transaction; returns the version.

    Each step holds the database's write lock (SQLite) or an advisory lock (PostgreSQL) from reading the
    version to recording the new one, so processes starting together migrate once, one after the other. A store
    already up to date is only read: every process that opens it (the review app, a report, a poller) would
    otherwise take the write lock once per step, and a nightly writer upgrading its read would be refused.
    """
    if _version_read_only(engine) == len(migrations):
        return len(migrations)
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
