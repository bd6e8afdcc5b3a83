"""`make serve`: a real local Prefect server, the nightly deployment on its cron schedule, a run triggered
through the API and executed by the served process."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from zoneinfo import ZoneInfo

import pytest

from evalaudit.store import files, open_store
from tests.conftest import INBOX, ROOT, SUBMISSIONS
from tests.smtp import free_port

HANG_GUARD_SECONDS = 900  # only so that a hung server cannot hang the suite; no test depends on how fast it is


def test_the_deployment_schedule_is_configurable_and_defaults_to_two_at_night_in_shanghai(monkeypatch):
    from flows.nightly_audit import deployment

    monkeypatch.delenv("EVALAUDIT_CRON", raising=False)
    monkeypatch.delenv("EVALAUDIT_TIMEZONE", raising=False)
    [default] = deployment().schedules
    assert (default.schedule.cron, default.schedule.timezone) == ("0 2 * * *", "Asia/Shanghai")
    monkeypatch.setenv("EVALAUDIT_CRON", "30 1 * * 1-5")
    [configured] = deployment(timezone="Asia/Urumqi", inbox="/srv/inbox").schedules
    assert (configured.schedule.cron, configured.schedule.timezone) == ("30 1 * * 1-5", "Asia/Urumqi")
    assert deployment(inbox="/srv/inbox", reports=None).parameters == {"inbox": "/srv/inbox"}
    assert deployment().concurrency_limit == 1  # a run due while one runs waits its turn


def _scheduled_runs(deployment_id, deadline: float) -> list:
    from prefect import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateName,
    )
    from prefect.client.schemas.sorting import FlowRunSort

    while time.monotonic() < deadline:
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(name=FlowRunFilterStateName(any_=["Scheduled"]))
                ),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC,
                limit=10,
            )
        if runs:
            return runs
        time.sleep(1)
    return []


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_make_serve_serves_the_nightly_deployment_and_runs_it_on_demand(tmp_path):
    from prefect import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    inbox, reports, url = tmp_path / "inbox", tmp_path / "reports", f"sqlite:///{tmp_path / 'evalaudit.db'}"
    shutil.copytree(INBOX, inbox)
    port, reports_port = free_port(), free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "EVALAUDIT_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_RUNNER_POLL_FREQUENCY="2", EVALAUDIT_STORE_URL=url)
    log = (tmp_path / "serve.log").open("w")
    # exactly what `make serve` runs
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flows.nightly_audit",
            "serve",
            "--port",
            str(port),
            "--inbox",
            str(inbox),
            "--reports",
            str(reports),
            "--reports-port",
            str(reports_port),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        with temporary_settings({PREFECT_API_URL: api}):
            deployment = None
            deadline = time.monotonic() + HANG_GUARD_SECONDS
            while deployment is None and time.monotonic() < deadline:
                assert serve.poll() is None, (tmp_path / "serve.log").read_text()
                if _healthy(api):
                    with get_client(sync_client=True) as client:
                        try:
                            deployment = client.read_deployment_by_name("nightly-audit/nightly")
                        except Exception:  # noqa: BLE001 - not registered yet
                            pass
                time.sleep(1)
            assert deployment is not None, (tmp_path / "serve.log").read_text()
            [schedule] = deployment.schedules
            assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 2 * * *", "Asia/Shanghai")
            assert schedule.active and deployment.parameters["inbox"] == str(inbox)
            # the server's scheduler has put the next nights on the calendar, at 02:00 in Shanghai
            upcoming = _scheduled_runs(deployment.id, deadline)
            assert upcoming, (tmp_path / "serve.log").read_text()
            for flow_run in upcoming:
                local = flow_run.expected_start_time.astimezone(ZoneInfo("Asia/Shanghai"))
                assert (local.hour, local.minute) == (2, 0)

            flow_run = run_deployment("nightly-audit/nightly", timeout=HANG_GUARD_SECONDS, poll_interval=2)
            assert flow_run.state is not None and flow_run.state.is_completed(), (tmp_path / "serve.log").read_text()
            # the report's link in the Prefect UI is served over http and opens
            with urllib.request.urlopen(f"{api}/artifacts/audit-report/latest", timeout=30) as response:
                [link] = re.findall(r"\((http[^)]+)\)", json.loads(response.read())["data"])  # [审核报告](…)
            assert link.startswith(f"http://127.0.0.1:{reports_port}/runs/") and link.endswith("/index.html"), link
            with urllib.request.urlopen(link, timeout=30) as page:
                assert page.status == 200 and "审核" in page.read().decode("utf-8")
        assert open_store(url).count(files) == len(SUBMISSIONS)
        assert (reports / "latest" / "index.html").exists()
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=HANG_GUARD_SECONDS)
        except subprocess.TimeoutExpired:
            serve.kill()
            pytest.fail("make serve did not stop on SIGTERM")
        log.close()
    deadline = time.monotonic() + 30
    while _healthy(api) and time.monotonic() < deadline:
        time.sleep(1)
    assert not _healthy(api), "the Prefect server outlived make serve"
    said = (tmp_path / "serve.log").read_text()
    assert "部署保持启用" in said and "never awaited" not in said and "Traceback" not in said, said
    with sqlite3.connect(tmp_path / "prefect" / "prefect.db") as prefect_db:  # the server is gone: its database
        assert prefect_db.execute("SELECT paused FROM deployment").fetchall() == [(0,)]  # not paused by stopping


def test_make_serve_refuses_a_port_that_is_already_taken_in_one_line(tmp_path):
    """An orphaned server still on the port would otherwise pass the health check in its place."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "EVALAUDIT_"))}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "flows.nightly_audit", "serve", "--port", str(port), "--inbox", str(tmp_path)],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert str(port) in line and "--port" in line
