"""The job as an operator runs it: told once when a night fails, told when nights never ran and when the job
recovered, never two runs at once. Real flow runs, a real SQLite store, a real SMTP server on localhost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from evalaudit.nightly import NightlyFailure
from evalaudit.store import alerts, files, findings, open_store, runs
from evalaudit.store.schema import run_lease
from tests.conftest import ROOT
from tests.flows.test_killed_run import HANG_GUARD_SECONDS, fill

OPERATOR = "yunwei@czj.example.gov.cn"
BUREAU = "shenhe@czj.example.gov.cn"


@pytest.fixture
def told(mailbox, monkeypatch):
    """The SMTP server and the operator's address in the environment; returns the operator's messages."""
    for name, value in {**mailbox.env(), "EVALAUDIT_OPERATOR_EMAIL": OPERATOR}.items():
        monkeypatch.setenv(name, value)
    return lambda: mailbox.to(OPERATOR)


def test_a_night_that_fails_midway_tells_the_operator_once_and_the_next_good_night_says_it_recovered(
    nightly, told, mailbox, monkeypatch
):
    import flows.nightly_audit as module

    real = module.check_outcomes

    def broken(*args):
        raise RuntimeError("检查程序内部错误")

    monkeypatch.setattr(module, "check_outcomes", broken)
    with pytest.raises(NightlyFailure, match="检查时出错"):
        nightly()
    store = open_store(nightly.url)
    with store.engine.connect() as connection:
        [(run_id, flow_run_id)] = connection.execute(select(runs.c.run_id, runs.c.flow_run_id)).all()
    [notice] = told()
    body = notice.get_content()
    assert "本次审核失败" in notice["Subject"] and run_id in notice["Subject"]
    assert "检查时出错" in body and "检查程序内部错误" in body
    assert [m["To"] for m in mailbox.messages] == [OPERATOR]  # no unit was told anything by a failed night
    # the log the email points to is there, with the run's own lines
    [log] = [line.strip() for line in body.splitlines() if line.strip().endswith(".log")]
    assert run_id in log and "检查时出错" in open(log, encoding="utf-8").read()
    assert flow_run_id  # the store knows which Prefect run it was

    monkeypatch.setattr(module, "check_outcomes", real)
    recovered = nightly()
    assert [m["Subject"] for m in told()][1:] == [f"【绩效自评审核】审核已恢复：{recovered['run_id']}"]
    assert run_id in told()[1].get_content() and "失败" in told()[1].get_content()
    assert any(m["To"] != OPERATOR for m in mailbox.messages)  # the units' alerts went out as usual
    nightly()
    assert len(told()) == 2


def test_nights_that_never_ran_are_told_to_the_operator_and_the_bureau_and_checked_in_the_morning(
    nightly, told, mailbox, monkeypatch
):
    import flows.nightly_audit as module

    nightly()
    store = open_store(nightly.url)
    three_days_ago = (datetime.now(UTC) - timedelta(days=3)).isoformat(timespec="seconds")
    with store.engine.begin() as connection:
        connection.execute(update(runs).values(started_at=three_days_ago, finished_at=three_days_ago))
    # the morning check: told once, however often the timer fires
    assert module.overdue() == 1 and module.overdue() == 1
    [missed] = told()
    assert "审核未运行" in missed["Subject"] and "截至 07:00" in missed.get_content()

    result = nightly()
    assert any("审核未运行" in line for line in result["summary"])
    [digest] = [m for m in mailbox.to(BUREAU) if "未运行" in mailbox.text(m)]  # (with findings.csv attached)
    assert "【注意】" in mailbox.text(digest)
    assert [m["Subject"] for m in told()][-1].startswith("【绩效自评审核】审核已恢复")
    assert module.overdue() == 0


def test_two_runs_started_together_one_audits_and_the_other_exits_saying_why(prefect_api, mailbox, tmp_path):
    from prefect.settings import PREFECT_API_URL

    inbox, url = tmp_path / "inbox", f"sqlite:///{tmp_path / 'evalaudit.db'}"
    total = fill(inbox)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "EVALAUDIT_"))}
    env.update(mailbox.env())
    env.update(
        PREFECT_API_URL=PREFECT_API_URL.value(),  # the test's server, as `make serve` and a manual run share one
        PREFECT_HOME=str(tmp_path / "prefect"),
        EVALAUDIT_STORE_URL=url,
        EVALAUDIT_ENV_FILE=os.devnull,
        EVALAUDIT_LOG_DIR=str(tmp_path / "logs"),
        EVALAUDIT_CACHE_DIR=os.environ.get("EVALAUDIT_CACHE_DIR", str(tmp_path / "cache")),
    )
    command = [sys.executable, "-m", "flows.nightly_audit", "run", "--inbox", str(inbox), "--reports",
               str(tmp_path / "reports"), "--registry", str(ROOT / "data" / "units.csv"), "--batch-size", "5"]  # fmt: skip

    def start(name: str) -> subprocess.Popen:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=(tmp_path / name).open("w"), text=True
        )

    first = start("first.stderr")
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while time.monotonic() < deadline and first.poll() is None and not holding(url):
        time.sleep(0.05)
    second = start("second.stderr")  # while the first holds the store
    second.wait(timeout=HANG_GUARD_SECONDS)
    first.wait(timeout=HANG_GUARD_SECONDS)
    said = (tmp_path / "second.stderr").read_text()
    assert second.returncode == 75, said
    assert "另一次审核" in said and "本次未运行" in said and "Traceback" not in said
    assert first.returncode == 0, (tmp_path / "first.stderr").read_text()

    store = open_store(url)
    with store.engine.connect() as connection:
        assert list(connection.execute(select(runs.c.status)).scalars()) == ["completed"]
        keys = connection.execute(select(findings.c.evaluation_id, findings.c.check_id, findings.c.location)).all()
        recipients = list(connection.execute(select(alerts.c.recipient).where(alerts.c.kind == "unit")).scalars())
    assert store.count(files) == total and len(keys) == len(set(keys))
    assert len(recipients) == len(set(recipients))
    sent = [m["To"] for m in mailbox.messages]
    assert len(sent) == len(set(sent)) and set(recipients) <= set(sent)
    assert not holding(url)  # released at the end


def holding(url: str) -> bool:
    try:
        store = open_store(url)
        with store.engine.connect() as connection:
            return connection.execute(select(run_lease.c.run_id)).first() is not None
    except Exception:  # noqa: BLE001 - the first run has not created the store yet
        return False
