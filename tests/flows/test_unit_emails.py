"""A unit's emails as it reads them, from real flow runs and a real SMTP server: after a resubmission the email
still lists what is open, marks what is new and names what was fixed; its page opens alone in Chromium."""

from __future__ import annotations

import codecs
import csv
import io
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from evalaudit.settings import DEFAULT_TIMEZONE
from evalaudit.store import open_store
from tests.flows.test_nightly_audit import BUREAU, ERRORS_FORM, TOWNSHIP

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CONTACT = "绩效科 王芳 0935-1234567"
CHANNEL = "https://upload.czj.example.gov.cn/jixiao"


def attachments(message) -> dict[str, object]:
    return {part.get_content_type(): part for part in message.iter_attachments()}


def resubmit(inbox: Path) -> None:
    """The township fixes its fund parts and the template text, and makes a new error (12 points of 10)."""
    form = inbox / ERRORS_FORM
    text = form.read_text(encoding="utf-8")
    fixed = text.replace("60\t64.5\t52.8", "60\t64\t52.8")
    fixed = fixed.replace("请在此处简要说明审计和财政监督中发现的问题及其所涉及的金额，如没有填无。", "无。")
    fixed = fixed.replace("≥4期\t4期\t10\t10", "≥4期\t4期\t10\t12")
    assert fixed.count("\t12") == 1 and fixed != text
    form.write_text(fixed, encoding="utf-8")


def test_a_units_second_email_lists_what_is_open_marks_what_is_new_and_names_what_was_fixed(
    nightly, mailbox, monkeypatch, tmp_path
):
    for name, value in mailbox.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("EVALAUDIT_RESUBMIT_DAYS", "10")
    monkeypatch.setenv("EVALAUDIT_BUREAU_CONTACT", CONTACT)
    monkeypatch.setenv("EVALAUDIT_RESUBMIT_CHANNEL", CHANNEL)
    monkeypatch.setenv("EVALAUDIT_REPORTS_SHARE", r"\\czj-fs\审核报告")
    nightly()
    resubmit(nightly.inbox)
    before = len(mailbox.messages)
    result = nightly()
    assert len(mailbox.messages) == before + 2  # the township's email and the digest, nobody else

    state = open_store(nightly.url).current_state(result["run_id"])
    township = [f for f in state.findings if f.source_file == ERRORS_FORM and f.for_unit]
    errors = sum(1 for f in township if f.severity == "error")
    warnings = sum(1 for f in township if f.severity == "warning")
    new = [f for f in township if f.change == "new"]
    [total] = [f for f in township if f.location == "总分" and f.severity == "error"]
    assert total.change == "still_open"

    first, second = mailbox.to(TOWNSHIP)
    subject, body = second["Subject"], mailbox.text(second)
    print(f"\n--- subject ---\n{subject}\n--- body ---\n{body}")
    assert f"错误 {errors} 处" in subject and f"新发现 {len(new)} 处" in subject and "已修正" in subject
    # the still-open error, listed in full, not marked new; the new one marked; the fixed ones named
    assert "[错误] 位置：总分" in body and "【新】[错误] 位置：总分" not in body
    assert f"填报值：{total.stated}；应为：{total.expected}" in body  # (97.2 now: the new score counts)
    assert "【新】[错误] 位置：指标/党员集中轮训期数/得分" in body
    fixed_part = body.split("已修正")[1].split("尚未修正的问题")[0]
    assert "资金表/年度资金总额/全年预算数" in fixed_part and "其他需要说明的问题" in fixed_part
    assert f"尚有错误 {errors} 处" in body and (not warnings or f"警告 {warnings} 处" in body)
    deadline = datetime.now(ZoneInfo(DEFAULT_TIMEZONE)).date() + timedelta(days=10)  # the bureau's day
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in body
    assert CONTACT in body and CHANNEL in body
    assert second["From"] == "jixiao@czj.example.gov.cn"

    parts = attachments(second)
    assert set(parts) == {"text/html", "text/csv"}
    sheet = parts["text/csv"]
    raw = sheet.get_payload(decode=True)
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {(row["check_id"], row["location"]) for row in rows} >= {(f.check_id, f.location) for f in township}
    assert all(row["audience"] == "unit" for row in rows)
    page = tmp_path / "审核结果.html"
    page.write_bytes(parts["text/html"].get_payload(decode=True))
    _opens_alone(page, {"总分", "指标/党员集中轮训期数/得分"})

    [_, digest] = mailbox.to(BUREAU)
    text = mailbox.text(digest)
    print(f"--- digest ---\n{digest['Subject']}\n{text}")
    assert "清溪县社会保险事业中心" in text.split("三、")[1].split("四、")[0]  # listed again, nothing new for it
    assert "已发送提醒至 qingxizhen@qingxi.example.gov.cn" in text
    assert "\\\\czj-fs\\审核报告\\runs\\" + result["run_id"] + "\\index.html" in text
    [table] = [p for p in digest.iter_attachments() if p.get_content_type() == "text/csv"]
    assert table.get_filename() == f"findings-{result['run_id']}.csv"
    assert table.get_payload(decode=True) == (nightly.reports / "latest" / "findings.csv").read_bytes()


def _opens_alone(page: Path, locations: set[str]) -> None:
    """The attachment in headless Chromium, from a folder with nothing else: no request but the page, no dead link."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            view = browser.new_context().new_page()
            view.on("request", lambda request: requests.append(request.url))
            view.on("requestfailed", lambda request: problems.append(request.url))
            view.on("pageerror", lambda error: problems.append(str(error)))
            view.goto(page.as_uri(), wait_until="load")
            links = view.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
            ids = set(view.eval_on_selector_all("[id]", "nodes => nodes.map(n => n.id)"))
            text = view.inner_text("body")
            flagged = view.locator("td.flagged").count()
            assert view.locator("h1").inner_text().startswith("清溪镇人民政府")
        finally:
            browser.close()
    assert requests == [page.as_uri()] and problems == []
    assert links and all(href.startswith("#") and href[1:] in ids for href in links), links
    assert all(location in text for location in locations) and flagged >= 2
