"""Secrets stay secret: the store's password and the SMTP password, set in the environment as an operator sets
them, appear nowhere Prefect keeps a run (its parameters, task runs, logs, artifacts, read back from the real
API server), nor in the run's log file, the reports or the operator's failure email."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evalaudit.settings import secret_values
from evalaudit.store import open_store, runs
from tests.smtp import Mailbox, free_port

STORE_PASSWORD = "Zq-st0re-s3cret-81"
SMTP_PASSWORD = "Mx-smtp-s3cret-47"


def with_password(url: str, password: str) -> str:
    return url.replace("postgres@", f"postgres:{password}@", 1)


def prefect_records(flow_run_id) -> str:
    """Everything the API holds about one flow run, as the UI reads it: the run (its parameters), its task runs,
    every log line and every artifact, as the raw JSON the server returns."""
    import httpx
    from prefect.logging.handlers import APILogWorker
    from prefect.settings import PREFECT_API_URL

    APILogWorker.drain_all(timeout=30)  # the log lines still queued in this process
    api = PREFECT_API_URL.value()
    ids = {"any_": [str(flow_run_id)]}

    def post(path: str, body: dict) -> list:
        found: list = []
        while True:
            response = httpx.post(f"{api}/{path}", json={**body, "limit": 200, "offset": len(found)}, timeout=30)
            response.raise_for_status()
            page = response.json()
            found += page
            if len(page) < 200:
                return found

    flow_run = httpx.get(f"{api}/flow_runs/{flow_run_id}", timeout=30)
    flow_run.raise_for_status()
    task_runs = post("task_runs/filter", {"flow_runs": {"id": ids}, "sort": "EXPECTED_START_TIME_DESC"})
    logs = post("logs/filter", {"logs": {"flow_run_id": ids}, "sort": "TIMESTAMP_ASC"})
    artifacts = post("artifacts/filter", {"artifacts": {"flow_run_id": ids}, "sort": "CREATED_DESC"})
    assert logs  # (a run that failed before its first task has no task runs)
    return "\n".join([flow_run.text, *map(json.dumps, task_runs), *map(json.dumps, logs), *map(json.dumps, artifacts)])


def files_text(folder: Path) -> str:
    return "\n".join(
        path.read_bytes().decode("utf-8", "replace")
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


def test_no_secret_reaches_prefect_the_logs_the_reports_or_the_emails(nightly, postgres_url, monkeypatch, tmp_path):
    box = Mailbox(login=("jixiao", SMTP_PASSWORD)).start()
    try:
        url = with_password(postgres_url, STORE_PASSWORD)
        for name, value in {**box.env(), "EVALAUDIT_OPERATOR_EMAIL": "yunwei@czj.example.gov.cn"}.items():
            monkeypatch.setenv(name, value)
        secrets = secret_values({"EVALAUDIT_STORE_URL": url, "EVALAUDIT_SMTP_PASSWORD": SMTP_PASSWORD})
        assert STORE_PASSWORD in secrets and SMTP_PASSWORD in secrets

        done = nightly(store_url=url)
        assert box.messages, "the alerts went out, so the SMTP login with the password worked"
        with open_store(url).engine.connect() as connection:
            [flow_run_id] = connection.execute(runs.select().with_only_columns(runs.c.flow_run_id)).scalars()
        seen = prefect_records(flow_run_id)
        assert done["run_id"] in seen  # the records are the run's, and they were read
        # a night that fails on its store: the error, the log and the operator's email must not carry the URL
        closed = with_password(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/evalaudit", STORE_PASSWORD)
        failed = nightly(store_url=closed, return_state=True)
        assert failed.is_failed()
        seen += prefect_records(failed.state_details.flow_run_id)
        [notice] = box.to("yunwei@czj.example.gov.cn")
        mail = "\n".join(m.as_string() for m in box.messages) + notice.get_content()
        mail += "\n".join(  # the attachments as their reader sees them, not base64
            part.get_payload(decode=True).decode("utf-8", "replace")
            for m in box.messages
            for part in m.iter_attachments()
        )
        kept = files_text(nightly.reports) + files_text(tmp_path / "logs")
    finally:
        box.stop()
    for secret in secrets:
        assert secret not in seen, "a secret is in Prefect's records"
        assert secret not in kept, "a secret is in the reports or the run log"
        assert secret not in mail, "a secret is in an email"
    assert "store_url" not in json.loads(seen.splitlines()[0])["parameters"]


def test_the_flow_takes_no_store_or_password_parameter():
    from flows.nightly_audit import deployment, nightly_audit

    names = set(nightly_audit.parameters.properties)
    assert names == {"inbox", "reports", "registry", "batch_size", "keep_reports"}
    assert not {"store_url", "password", "smtp"} & set(deployment().parameters)


@pytest.mark.parametrize("name", ["EVALAUDIT_STORE_URL", "EVALAUDIT_SMTP_PASSWORD"])
def test_the_secret_settings_are_never_in_a_repr(name):
    from evalaudit.settings import load_settings

    secret = f"postgresql+psycopg://u:{STORE_PASSWORD}@h/d"
    settings = load_settings({name: secret, "EVALAUDIT_SMTP_HOST": "m", "EVALAUDIT_MAIL_FROM": "a@b.example"})
    assert STORE_PASSWORD not in repr(settings)
