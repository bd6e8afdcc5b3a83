"""The nightly job as the bureau runs it: real Prefect flow runs, a real SQLite file, a real SMTP server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evalaudit.store import alerts, files, findings, open_store
from tests.conftest import INBOX, SUBMISSIONS

FORMS = len(SUBMISSIONS)  # one form each

ERRORS_FORM = "07_township_party_building_errors.txt"
TOWNSHIP = "qingxizhen@qingxi.example.gov.cn"
BUREAU = "shenhe@czj.example.gov.cn"


def latest_artifact(key: str) -> dict:
    """The newest artifact with this key, read from the API the flow wrote it to."""
    import httpx
    from prefect.settings import PREFECT_API_URL

    response = httpx.get(f"{PREFECT_API_URL.value()}/artifacts/{key}/latest", timeout=30)
    response.raise_for_status()
    return response.json()


def counts(url: str) -> dict[str, int]:
    store = open_store(url)
    return {
        "files": store.count(files),
        "findings": store.count(findings),
        "alerts": store.count(alerts),
        "sent": store.count(alerts, alerts.c.status == "sent"),
    }


def test_first_run_audits_every_file_reports_it_and_tells_each_unit(nightly, mailbox, monkeypatch):
    for name, value in mailbox.env().items():
        monkeypatch.setenv(name, value)
    result = nightly()
    store = open_store(nightly.url)
    run = store.run(result["run_id"])
    assert (run["status"], run["files_seen"], run["files_audited"]) == ("completed", FORMS, FORMS)
    assert run["findings_new"] == store.count(findings, findings.c.caused_by == "", findings.c.audience == "unit") > 0
    index = nightly.reports / "latest" / "index.html"
    assert index.resolve() == (nightly.reports / "runs" / result["run_id"] / "index.html").resolve()
    html = index.read_text(encoding="utf-8")
    for source in INBOX.iterdir():
        assert source.name in (nightly.reports / "latest" / "evaluations.jsonl").read_text(encoding="utf-8")
    assert "清溪镇人民政府" in html
    # one email per registered unit with new errors or warnings, and the digest
    recipients = sorted(message["To"] for message in mailbox.messages)
    assert recipients.count(TOWNSHIP) == 1 and recipients.count(BUREAU) == 1
    [township] = mailbox.to(TOWNSHIP)
    text = mailbox.text(township)
    assert "位置：总分" in text and "填报值：87；应为：95.2" in text
    [page] = [part for part in township.iter_attachments() if part.get_content_type() == "text/html"]
    assert "基层党组织阵地提升项目" in page.get_content()
    [digest] = mailbox.to(BUREAU)
    assert "清溪县社会保险事业中心" in mailbox.text(digest).split("三、")[1]  # not in the registry
    assert run["alerts_sent"] == len(mailbox.messages) and run["alerts_queued"] == 0
    # the run's Prefect artifacts: summary, units with errors, link to the report
    summary = latest_artifact("nightly-audit-summary")
    causes = store.count(findings, findings.c.caused_by == "", findings.c.audience == "unit")  # one per cause
    assert 0 < causes < store.count(findings)
    assert result["run_id"] in summary["data"] and f"现有审核发现 {causes} 条" in summary["data"]
    rows = json.loads(latest_artifact("units-with-errors")["data"])
    assert {"单位": "清溪镇人民政府", "错误": 4, "其中新发现": 4} in rows
    link = latest_artifact("audit-report")
    assert (nightly.reports / "runs" / result["run_id"] / "index.html").as_uri() in link["data"]


def test_the_same_inbox_twice_adds_no_finding_and_no_alert(nightly, mailbox, monkeypatch):
    for name, value in mailbox.env().items():
        monkeypatch.setenv(name, value)
    nightly()
    before, emails = counts(nightly.url), len(mailbox.messages)
    second = nightly()
    assert counts(nightly.url) == before and len(mailbox.messages) == emails
    run = open_store(nightly.url).run(second["run_id"])
    assert (run["files_audited"], run["findings_new"], run["alerts_sent"]) == (0, 0, 0)
    # the report still covers the whole inbox
    assert (nightly.reports / "latest" / "index.html").resolve().parent.name == second["run_id"]
    assert f"<b>{FORMS}</b>" in (nightly.reports / "latest" / "index.html").read_text(encoding="utf-8")


def test_a_resubmitted_form_is_compared_with_its_previous_submission(nightly, mailbox, monkeypatch):
    for name, value in mailbox.env().items():
        monkeypatch.setenv(name, value)
    nightly()
    form = nightly.inbox / ERRORS_FORM
    text = form.read_text(encoding="utf-8")
    fixed = text.replace("60\t64.5\t52.8", "60\t64\t52.8")  # budget parts now add up
    fixed = fixed.replace("请在此处简要说明审计和财政监督中发现的问题及其所涉及的金额，如没有填无。", "无。")
    fixed = fixed.replace("≥4期\t4期\t10\t10", "≥4期\t4期\t10\t12")  # a new error: 12 points of 10
    assert fixed.count("\t12") == 1 and fixed != text
    form.write_text(fixed, encoding="utf-8")
    emails = len(mailbox.messages)

    result = nightly()
    state = open_store(nightly.url).current_state(result["run_id"])
    township = [f for f in state.findings if f.source_file == ERRORS_FORM]
    by_change = {
        change: {(f.check_id, f.location) for f in township if f.change == change} for change in ("new", "still_open")
    }
    fixed_now = {(f.check_id, f.location) for f in state.fixed}
    assert ("arithmetic.fund_parts", "资金表/年度资金总额/全年预算数") in fixed_now
    assert ("text_template.instruction", "其他需要说明的问题") in fixed_now
    assert ("arithmetic.total", "总分") in by_change["still_open"]
    assert any(location == "指标/党员集中轮训期数/得分" for _, location in by_change["new"])
    assert len(state.evaluations) == FORMS  # the old submission is no longer in the inbox

    _, email = mailbox.to(TOWNSHIP)  # the first run's email, and this one
    assert len(mailbox.messages) == emails + 2  # the township's email and the digest, nobody else
    body = mailbox.text(email)
    assert f"已修正 {len(state.fixed)} 处" in body and "指标/党员集中轮训期数/得分" in body
    assert "[错误] 位置：总分" in body and "【新】[错误] 位置：总分" not in body  # still open, listed, not new
    unit_page = (nightly.reports / "latest" / "units").glob("*.html")
    assert any("已修正的问题" in page.read_text(encoding="utf-8") for page in unit_page)


def test_alerts_wait_while_smtp_is_down_and_go_out_once_when_it_is_up(nightly, mailbox_down, monkeypatch):
    for name, value in mailbox_down.env().items():
        monkeypatch.setenv(name, value)
    first = nightly()
    store = open_store(nightly.url)
    queued = store.count(alerts, alerts.c.status == "pending")
    assert queued >= 2 and store.run(first["run_id"])["alerts_queued"] == queued
    assert any("排队待发" in line and "无法连接邮件服务器" in line for line in first["summary"])

    mailbox_down.start()
    nightly()
    assert store.count(alerts, alerts.c.status == "sent") == queued == len(mailbox_down.messages)
    nightly()
    assert len(mailbox_down.messages) == queued  # nothing is sent twice
    assert sorted(m["To"] for m in mailbox_down.messages).count(TOWNSHIP) == 1


def test_a_run_that_dies_halfway_is_completed_by_the_next(nightly, mailbox, monkeypatch):
    import flows.nightly_audit as module

    for name, value in mailbox.env().items():
        monkeypatch.setenv(name, value)
    calls = []

    def dies_on_second_batch(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("进程在保存第二批时中断")
        return real_record(*args)

    real_record = module.record
    monkeypatch.setattr(module, "record", dies_on_second_batch)
    monkeypatch.setattr(module, "store_batch", module.store_batch.with_options(retries=0))
    with pytest.raises(RuntimeError, match="第二批"):
        nightly(batch_size=3)
    store = open_store(nightly.url)
    assert store.count(files) == 3  # the first batch is stored, the rest as if never started
    assert store.count(alerts) == 0 and not mailbox.messages
    assert not (nightly.reports / "latest").exists()
    [failed] = [r for r in [store.run(r) for r in _run_ids(store)] if r["status"] == "failed"]
    assert "第二批" in failed["error"]

    monkeypatch.setattr(module, "record", real_record)
    resumed = nightly(batch_size=3)
    run = store.run(resumed["run_id"])
    assert (run["status"], run["files_audited"], store.count(files)) == ("completed", FORMS - 3, FORMS)
    assert len(store.current_state(resumed["run_id"]).evaluations) == FORMS
    assert sorted(m["To"] for m in mailbox.messages).count(TOWNSHIP) == 1
    nightly(batch_size=3)
    assert sorted(m["To"] for m in mailbox.messages).count(TOWNSHIP) == 1


def _run_ids(store) -> list[str]:
    from sqlalchemy import select

    from evalaudit.store import runs

    with store.engine.connect() as connection:
        return list(connection.execute(select(runs.c.run_id)).scalars())


POISON = "清溪县中毒测试单位"


def test_one_poisoned_form_costs_that_form_and_the_next_run_audits_it_once_fixed(nightly, mailbox, monkeypatch):
    """A form that makes the checks raise is set apart; every other form is audited, stored, reported and
    alerted as if it were not there, and the fixed file is audited by the next run."""
    import evalaudit.pipeline as pipeline

    for name, value in mailbox.env().items():
        monkeypatch.setenv(name, value)
    form = nightly.inbox / ERRORS_FORM
    poisoned = nightly.inbox / "poisoned.txt"
    poisoned.write_text(form.read_text(encoding="utf-8").replace("清溪镇人民政府", POISON), encoding="utf-8")
    real_check_forms = pipeline.check_forms

    def raises_on_the_poison(evaluations, checker):
        if any(evaluation.unit == POISON for evaluation in evaluations):
            raise ValueError("测试：此表使检查出错")
        return real_check_forms(evaluations, checker)

    monkeypatch.setattr(pipeline, "check_forms", raises_on_the_poison)
    result = nightly()
    store = open_store(nightly.url)
    run = store.run(result["run_id"])
    assert run["status"] == "completed"
    state = store.current_state(result["run_id"])
    assert len(state.evaluations) == FORMS and POISON not in {e.unit for e in state.evaluations}
    [problem] = state.problems
    assert (problem.source_file, problem.status) == ("poisoned.txt", "check_failed")
    assert "测试：此表使检查出错" in problem.reason
    csv = (nightly.reports / "latest" / "findings.csv").read_text(encoding="utf-8-sig")
    assert "completeness.file_check_failed" in csv and "poisoned.txt" in csv
    assert any("poisoned.txt" in line and "审核出错" in line for line in result["summary"])
    assert mailbox.to(TOWNSHIP)  # the good forms' units are still told
    [digest] = mailbox.to(BUREAU)
    assert "poisoned.txt" in mailbox.text(digest)

    # the unit fixes the file: the next run audits it
    poisoned.write_text(
        form.read_text(encoding="utf-8").replace("清溪镇人民政府", "清溪县修正后单位"), encoding="utf-8"
    )
    second = nightly()
    state = store.current_state(second["run_id"])
    assert "清溪县修正后单位" in {e.unit for e in state.evaluations} and not state.problems


def test_a_store_deleted_mid_run_fails_the_run_loudly(nightly, monkeypatch):
    import flows.nightly_audit as module
    from evalaudit.nightly import NightlyFailure

    real_check = module.check_outcomes

    def deletes_the_store(store, run_id, outcomes):
        Path(store.database).unlink()
        return real_check(store, run_id, outcomes)

    monkeypatch.setattr(module, "check_outcomes", deletes_the_store)
    with pytest.raises(NightlyFailure, match="被删除或替换"):
        nightly()
    assert not (nightly.reports / "latest").exists()


def test_a_missing_registry_is_said_and_its_units_are_told_once_it_is_back(nightly, mailbox, monkeypatch, tmp_path):
    for name, value in mailbox.env().items():
        monkeypatch.setenv(name, value)
    first = nightly(registry=str(tmp_path / "没有这个名录.csv"))
    assert any("单位名录有问题" in line for line in first["summary"])
    [digest] = mailbox.to(BUREAU)
    assert "没有这个名录.csv" in mailbox.text(digest) and not mailbox.to(TOWNSHIP)

    nightly()  # the registry is back: the units are emailed about what they were never told
    [township] = mailbox.to(TOWNSHIP)
    assert "位置：总分" in mailbox.text(township)
