"""The run history in a real SQLite file, and the same on a real PostgreSQL (`any_url`): what is recorded, what is
read back, and what a crash leaves."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import inspect, select

from evalaudit.model import evaluation_from_dict
from evalaudit.nightly import check_outcomes, record
from evalaudit.pipeline import parse_file, submitted_files
from evalaudit.store import MIGRATIONS, StoreError, alerts, evaluations, files, metadata, open_store, runs
from tests.conftest import INBOX
from tests.postgres import column_types


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'db' / 'evalaudit.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request, tmp_path):
    """The store on SQLite, then on a real PostgreSQL server (`tests/postgres.py`)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'evalaudit.db'}"
    return request.getfixturevalue("postgres_url")


def audit_into(store, run_id, inbox):
    store.begin_run(run_id, str(inbox))
    todo = store.plan(run_id, submitted_files(inbox))
    outcomes = [parse_file(file) for file in todo]
    checked = check_outcomes(store, run_id, outcomes)
    record(store, run_id, checked, outcomes)
    store.finish_run(run_id, "completed")
    return todo


def test_a_new_database_gets_every_table_and_its_folder(url, tmp_path):
    store = open_store(url)
    assert (tmp_path / "db" / "evalaudit.db").exists()
    assert {"runs", "files", "evaluations", "findings", "texts", "alerts", "store_meta"} <= set(
        inspect(store.engine).get_table_names()
    )


def test_migrations_run_once_each_in_order(url):
    open_store(url)
    added = []

    def add_column(connection):
        added.append(1)
        connection.exec_driver_sql("ALTER TABLE runs ADD COLUMN operator TEXT")

    store = open_store(url, migrations=(*MIGRATIONS, add_column))
    open_store(url, migrations=(*MIGRATIONS, add_column))
    assert added == [1]
    assert "operator" in {column["name"] for column in inspect(store.engine).get_columns("runs")}


def test_an_older_store_learns_each_forms_budget_from_the_forms_it_holds(url, tmp_path):
    """Step 7 adds the budget column and fills it by decoding the forms stored before it."""
    store = open_store(url)
    _audit_one(store, tmp_path / "inbox", tmp_path)
    with store.engine.begin() as connection:  # the store as step 6 left it: no budget column
        connection.exec_driver_sql("ALTER TABLE evaluations DROP COLUMN budget")
        connection.exec_driver_sql("UPDATE store_meta SET value = '6' WHERE key = 'schema_version'")
    upgraded = open_store(url)
    assert [e.budget for e in upgraded.current_listing("r1").evaluations] == [64.5]


def test_opening_a_store_that_is_up_to_date_takes_no_write_lock(url):
    """The review app, a report or a poller opens the store while the nightly run writes: opening only reads, so
    it neither waits for the writer nor makes the writer wait (a writer's upgraded read would be refused)."""
    open_store(url)
    writer = open_store(url).engine.connect().execution_options(sqlite_begin="BEGIN IMMEDIATE")
    with writer, writer.begin():  # the nightly run, holding the write lock
        writer.execute(runs.delete())
        assert open_store(url).count(runs) == 0  # waited out busy_timeout and raised "database is locked" before


def test_a_database_from_a_newer_version_is_refused(url):
    open_store(url, migrations=(*MIGRATIONS, lambda connection: None))
    with pytest.raises(StoreError, match="高于本程序支持"):
        open_store(url)


def test_a_run_left_running_by_a_killed_process_is_marked_interrupted(any_url):
    store = open_store(any_url)
    store.begin_run("20260101T000000Z-aaaaaa", "inbox")
    assert store.begin_run("20260102T000000Z-bbbbbb", "inbox") == ["20260101T000000Z-aaaaaa"]
    assert store.run("20260101T000000Z-aaaaaa")["status"] == "interrupted"
    assert store.run("20260102T000000Z-bbbbbb")["status"] == "running"


def test_only_new_content_is_audited_and_each_content_once(url, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for source in sorted(INBOX.iterdir())[:3]:
        (inbox / source.name).write_bytes(source.read_bytes())
    store = open_store(url)
    assert len(audit_into(store, "r1", inbox)) == 3
    first = sorted(INBOX.iterdir())[0]
    (inbox / f"copy_of_first{first.suffix}").write_bytes(first.read_bytes())  # known content under a new name
    (inbox / "sub").mkdir()
    (inbox / "sub" / "a.txt").write_bytes(b"PK\x03\x04\x00\x00binary")  # new, unreadable
    (inbox / "sub" / "b.txt").write_bytes(b"PK\x03\x04\x00\x00binary")  # same bytes, second name
    todo = audit_into(store, "r2", inbox)
    assert [(file.name, file.duplicates) for file in todo] == [("sub/a.txt", ["sub/b.txt"])]
    assert store.count(files) == 6 and store.count(files, files.c.last_seen_run == "r2") == 6
    assert store.count(files, files.c.status == "unreadable") == 2
    state = store.current_state("r2")
    assert state.files == 6 and len(state.evaluations) == 3
    assert sorted(p.source_file for p in state.problems) == ["sub/a.txt", "sub/b.txt"]


def test_evaluations_and_findings_come_back_as_they_went_in(any_url, tmp_path):
    store = open_store(any_url)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    source = INBOX / "07_township_party_building_errors.txt"
    (inbox / source.name).write_bytes(source.read_bytes())
    store.begin_run("r1", str(inbox))
    [file] = store.plan("r1", submitted_files(inbox))
    outcome = parse_file(file)
    checked = check_outcomes(store, "r1", [outcome])
    record(store, "r1", checked, [outcome])
    state = store.current_state("r1")
    assert state.evaluations == outcome.evaluations
    assert [(f.check_id, f.location, f.stated, f.expected, f.message, f.cell) for f in state.findings] == [
        (f.check_id, f.location, f.stated, f.expected, f.message, f.cell) for f in checked.findings
    ]
    assert {f.change for f in state.findings} == {"new"} and state.audited_this_run == {
        e.evaluation_id for e in outcome.evaluations
    }
    [evaluation] = outcome.evaluations
    assert state.computed_totals[evaluation.evaluation_id] == pytest.approx(95.2)


def test_a_form_the_store_cannot_save_costs_that_form_and_leaves_nothing_half_saved(any_url):
    store = open_store(any_url)
    store.begin_run("r1", str(INBOX))
    todo = store.plan("r1", submitted_files(INBOX))
    outcomes = [parse_file(file) for file in todo]
    checked = check_outcomes(store, "r1", outcomes)
    broken = checked.findings[5]
    broken.check_id = None  # NOT NULL: the insert of that form's findings fails after its file and form went in
    recorded = record(store, "r1", checked, outcomes)
    [failed] = [outcome for outcome in recorded if outcome.status == "check_failed"]
    assert failed.file.sha256 == next(o.file.sha256 for o in outcomes if broken in _findings_of(checked, o))
    assert "保存时出错" in failed.reason and "IntegrityError" in failed.reason
    assert store.count(files) == len(todo)
    assert store.count(files, files.c.status == "check_failed") == 1
    assert store.count(evaluations, evaluations.c.sha256 == failed.file.sha256) == 0  # nothing of it half-saved
    assert store.count(evaluations) == sum(len(o.evaluations) for o in outcomes) - len(failed_forms(outcomes, failed))
    # a failed file is retried by the next run
    assert [file.name for file in store.plan("r2", submitted_files(INBOX))] == [failed.file.name]


def test_a_store_file_deleted_under_a_run_stops_it(url, tmp_path):
    store = open_store(url)
    store.begin_run("r1", str(INBOX))
    todo = store.plan("r1", submitted_files(INBOX))
    outcomes = [parse_file(file) for file in todo]
    checked = check_outcomes(store, "r1", outcomes)
    (tmp_path / "db" / "evalaudit.db").unlink()
    with pytest.raises(StoreError, match="被删除或替换"):
        record(store, "r1", checked, outcomes)
    with pytest.raises(StoreError):
        store.finish_run("r1", "completed")


def _findings_of(checked, outcome):
    ids = {evaluation.evaluation_id for evaluation in outcome.evaluations}
    return [finding for finding in checked.findings if finding.evaluation_id in ids]


def failed_forms(outcomes, failed):
    return next(o.evaluations for o in outcomes if o.file.sha256 == failed.file.sha256)


def test_evaluation_json_round_trips_for_every_real_seed(seeds_dir):
    from evalaudit.pipeline import parse_files

    for evaluation in parse_files(sorted(seeds_dir.glob("*.txt"))).evaluations:
        assert evaluation_from_dict(evaluation.to_dict()) == evaluation


def test_the_schema_is_the_metadata(any_url):
    store = open_store(any_url)
    for table in metadata.sorted_tables:
        assert {c["name"] for c in inspect(store.engine).get_columns(table.name)} == {c.name for c in table.columns}


def test_processes_opening_a_new_store_together_migrate_it_once(any_url):
    url = any_url
    import subprocess
    import sys

    script = "import sys; from evalaudit.store import open_store; open_store(sys.argv[1])"
    starters = [subprocess.Popen([sys.executable, "-c", script, url], stderr=subprocess.PIPE) for _ in range(4)]
    errors = [starter.communicate()[1].decode() for starter in starters]
    assert [starter.returncode for starter in starters] == [0, 0, 0, 0], errors
    store = open_store(url)
    with store.engine.connect() as connection:
        from evalaudit.store import schema_version

        assert schema_version(connection) == len(MIGRATIONS)


def _audit_one(store, inbox, tmp_path):
    inbox.mkdir()
    source = INBOX / "07_township_party_building_errors.txt"
    (inbox / source.name).write_bytes(source.read_bytes())
    audit_into(store, "r1", inbox)
    store.queue_alerts("r1", [({"kind": "digest", "unit": "", "recipient": "", "subject": "s", "body": "b"}, [], [])])


def test_sqlite_keeps_timestamps_and_forms_as_the_text_it_always_stored(url, tmp_path):
    """Existing store files stay readable and unchanged: ISO-8601 text, JSON text as `json.dumps` wrote it."""
    store = open_store(url)
    _audit_one(store, tmp_path / "inbox", tmp_path)
    with store.engine.connect() as connection:
        raw = connection.exec_driver_sql(
            "SELECT started_at, typeof(started_at), finished_at, data, typeof(data) FROM runs, evaluations"
        ).one()
        created = connection.exec_driver_sql("SELECT created_at, typeof(created_at) FROM alerts").one()
        [ddl] = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'runs'").scalars()
    iso = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"
    assert re.fullmatch(iso, raw[0]) and raw[1] == "text" and re.fullmatch(iso, raw[2])
    assert re.fullmatch(iso, created[0]) and created[1] == "text"
    assert "started_at VARCHAR(32) NOT NULL" in ddl
    [evaluation] = store.current_state("r1").evaluations
    assert raw[4] == "text" and raw[3] == json.dumps(evaluation.to_dict(), ensure_ascii=False)
    assert store.run("r1")["started_at"] == raw[0]


def test_postgresql_stores_timestamps_as_timestamptz_and_forms_as_jsonb(postgres_url, tmp_path):
    store = open_store(postgres_url)
    _audit_one(store, tmp_path / "inbox", tmp_path)
    with store.engine.connect() as connection:
        types = column_types(connection)
        kind = connection.exec_driver_sql("SELECT jsonb_typeof(data), data->>'unit' FROM evaluations").one()
        started = connection.execute(select(runs.c.started_at)).scalar_one()
        created = connection.execute(select(alerts.c.created_at)).scalar_one()
    assert types["evaluations.data"] == "jsonb"
    for column in ("runs.started_at", "runs.finished_at", "alerts.created_at", "alerts.sent_at"):
        assert types[column] == "timestamp with time zone", column
    [evaluation] = store.current_state("r1").evaluations
    assert kind == ("object", evaluation.unit)  # a real document, queryable in SQL
    # read back as the same ISO strings SQLite holds
    iso = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"
    assert re.fullmatch(iso, started) and re.fullmatch(iso, created) and store.run("r1")["started_at"] == started


def test_files_and_forms_are_listed_by_code_point_whatever_the_database_collation(any_url, tmp_path):
    """A zh_CN or en_US database sorts names its own way; the report's order must not depend on it."""
    store = open_store(any_url)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    source = (INBOX / "07_township_party_building_errors.txt").read_bytes()
    names = ["b.txt", "B.txt", "_a.txt", "a-b.txt", "ab.txt", "清溪.txt", "七里.txt"]
    for index, name in enumerate(names):
        (inbox / name).write_bytes(source + f"\n{index}".encode())
    audit_into(store, "r1", inbox)
    state = store.current_state("r1")
    assert [evaluation.source_file for evaluation in state.evaluations] == sorted(names)


def test_step_5_adds_the_attachments_and_counts_fixes_stored_before_it_as_told(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = open_store(url, migrations=MIGRATIONS[:4])
    with old.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE alerts DROP COLUMN attachments")  # as a step-4 store was made
        connection.exec_driver_sql(
            "INSERT INTO findings (run_id, evaluation_id, source_file, unit, form_type, check_id, category, severity,"
            " location, stated, expected, message, cell, change) VALUES ('r1', 'e1', 'a.txt', '清溪镇', 'project',"
            " 'arithmetic.total', 'arithmetic', 'error', '总分', '87', '95', '总分有误', 'total', 'fixed')"
        )
    store = open_store(url)
    assert "attachments" in {column["name"] for column in inspect(store.engine).get_columns("alerts")}
    assert store.unalerted(fixed=True) == ([], [])  # a fix from before the upgrade is not emailed now
