"""Past one machine: the nightly flow with its parse batches on a Dask cluster of two worker processes and the
store on a real PostgreSQL server, reporting to a real local Prefect server — the same findings as the SQLite run
on the default runner, and a second night that audits nothing and changes nothing."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from evalaudit.store import alerts, evaluations, files, findings, open_store, runs, texts
from flows.nightly_audit import DASK_ENV
from tests.conftest import ROOT, SUBMISSIONS
from tests.postgres import column_types

BATCH = 4  # the 13 sample files in 4 batches, so both workers get some
NO_WORKERS_TIMEOUT = 60  # only so that a broken cluster fails the test instead of hanging it


@pytest.fixture
def dask_cluster(tmp_path):
    """A real Dask cluster on this machine: a scheduler and two worker processes of one thread each. Started after
    the test's settings are in the environment, which the workers inherit (as remote workers get theirs from their
    own environment)."""
    import dask
    from distributed import LocalCluster

    # a worker that cannot run a batch (it cannot unpickle it) leaves the cluster; without workers Dask would wait
    # for one forever, and so would the night: fail instead, as an operator's scheduler should be told to
    with (
        dask.config.set({"distributed.scheduler.no-workers-timeout": f"{NO_WORKERS_TIMEOUT}s"}),
        LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=":0",  # any free port: 8787 may be taken
            local_directory=str(tmp_path / "dask"),
        ) as cluster,
    ):
        yield cluster


def findings_csv(result: dict) -> list[list[str]]:
    """The run's findings.csv without its run_id column (which run found each finding differs between stores)."""
    text = (Path(result["report"]).parent / "findings.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    column = rows[0].index("run_id")
    return [row[:column] + row[column + 1 :] for row in rows]


def store_contents(url: str) -> dict[str, list]:
    """Everything a night records except the runs themselves and when each file was last seen."""
    store = open_store(url)
    with store.engine.connect() as connection:
        return {
            "files": connection.execute(
                select(*(c for c in files.c if c.name != "last_seen_run")).order_by(files.c.name)
            ).all(),
            "evaluations": connection.execute(
                select(evaluations.c.evaluation_id, evaluations.c.run_id).order_by(evaluations.c.evaluation_id)
            ).all(),
            "findings": connection.execute(select(findings).order_by(findings.c.id)).all(),
            "texts": connection.execute(select(func.count()).select_from(texts)).scalar_one(),
            "alerts": connection.execute(
                select(alerts.c.id, alerts.c.status, alerts.c.unit, alerts.c.created_at).order_by(alerts.c.id)
            ).all(),
        }


def test_the_nightly_flow_on_dask_and_postgresql_finds_what_sqlite_finds_and_a_second_night_changes_nothing(
    nightly, postgres_url, dask_cluster, monkeypatch
):
    from distributed import Client
    from prefect.flows import load_flow_from_entrypoint

    on_sqlite = nightly(batch_size=BATCH)
    reports = nightly.reports.parent / "reports-postgresql"
    # the flow as a served run's process gets it (`make serve DASK=…`): loaded from its file, by path, with the
    # address in the environment; its tasks must reach workers that cannot import a module named by that path
    monkeypatch.setenv(DASK_ENV, dask_cluster.scheduler_address)
    flow = load_flow_from_entrypoint(f"{ROOT / 'flows' / 'nightly_audit.py'}:nightly_audit")
    assert flow.fn.__module__ != "flows.nightly_audit"
    assert (type(flow.task_runner).__name__, flow.task_runner.address) == (
        "DaskTaskRunner",
        dask_cluster.scheduler_address,
    )

    monkeypatch.setenv("EVALAUDIT_STORE_URL", postgres_url)

    def on_cluster():
        return flow(
            inbox=str(nightly.inbox),
            reports=str(reports),
            registry=nightly.registry,
            batch_size=BATCH,
        )

    first = on_cluster()
    # the parse batches, and only they, ran on the cluster's two worker processes, not in this one
    with Client(dask_cluster.scheduler_address) as client:
        ran = client.run_on_scheduler(
            lambda dask_scheduler: {name: dict(p.state_counts) for name, p in dask_scheduler.task_prefixes.items()}
        )
        worker_pids = set(client.run(os.getpid).values())
    assert list(ran) == ["parse"] and ran["parse"]["memory"] == -(-len(SUBMISSIONS) // BATCH), ran
    assert len(worker_pids) == 2 and os.getpid() not in worker_pids

    assert findings_csv(first) == findings_csv(on_sqlite)
    assert len(findings_csv(first)) > 1
    store = open_store(postgres_url)
    assert store.count(files) == len(SUBMISSIONS)
    assert store.run(first["run_id"])["status"] == "completed"
    before = store_contents(postgres_url)

    second = on_cluster()
    assert store_contents(postgres_url) == before  # nothing read again, re-found, re-alerted
    night = store.run(second["run_id"])
    assert (night["status"], night["files_audited"], night["findings_new"], night["findings_fixed"]) == (
        "completed",
        0,
        0,
        0,
    )
    assert findings_csv(second) == findings_csv(first)
    assert store.count(runs) == 2

    with store.engine.connect() as connection:
        types = column_types(connection)
    assert types["evaluations.data"] == "jsonb"
    assert {types[c] for c in ("runs.started_at", "runs.finished_at", "alerts.created_at", "alerts.sent_at")} == {
        "timestamp with time zone"
    }


def test_the_dask_address_comes_from_the_command_line_or_the_environment_a_served_run_loads_the_flow_with():
    import subprocess
    import sys

    from flows.nightly_audit import deployment, nightly_flow

    flow = nightly_flow("tcp://10.0.0.6:8786")
    assert (type(flow.task_runner).__name__, flow.task_runner.address) == ("DaskTaskRunner", "tcp://10.0.0.6:8786")
    served = deployment(dask_address="tcp://10.0.0.6:8786", inbox="/srv/inbox")
    assert served.entrypoint == "flows/nightly_audit.py:nightly_audit"
    # `make serve DASK=…` leaves the address in the environment; each served run's process loads the flow from
    # that entrypoint, as Prefect's engine does
    script = (
        "from prefect.flows import load_flow_from_entrypoint; "
        "runner = load_flow_from_entrypoint('flows/nightly_audit.py:nightly_audit').task_runner; "
        "print(type(runner).__name__, getattr(runner, 'address', None))"
    )
    env = {key: value for key, value in os.environ.items() if key != DASK_ENV}
    loaded = [
        subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=extra, capture_output=True, text=True, check=True
        ).stdout.split()
        for extra in ({**env, DASK_ENV: "tcp://10.0.0.5:8786"}, env)
    ]
    assert loaded == [["DaskTaskRunner", "tcp://10.0.0.5:8786"], ["ThreadPoolTaskRunner", "None"]]
