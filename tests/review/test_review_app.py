"""The review app (issue 17, item 2), a real server on 127.0.0.1 over a real store, driven by Chromium: a
reviewer logs in, dismisses a finding with a reason and returns a form; anonymous and cross-site writes are
refused; the decisions reach the next run's counts and emails."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from evalaudit.alert.compose import compose_alerts
from evalaudit.alert.registry import Registry, Unit
from evalaudit.report import publish, unit_slug
from evalaudit.review.accounts import add_account, load_accounts
from evalaudit.review.app import ReviewConfig, ReviewSetupError, create_app
from evalaudit.review.sessions import load_secret
from evalaudit.store import open_store
from tests.report.test_browser import CHROMIUM
from tests.test_store import audit_into
from tests.township import resubmit, township_store

PASSWORD = "lotus-pond-8"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(config: ReviewConfig) -> Iterator[str]:
    """The review app on a free loopback port in a thread, for as long as the block runs; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the review app did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def review_config(reports: Path, store, tmp_path: Path) -> ReviewConfig:
    """The app over `reports` and `store`, with one reviewer, 王芳."""
    accounts = tmp_path / "reviewers.txt"
    add_account(accounts, "王芳", PASSWORD)
    return ReviewConfig(reports, store, load_accounts(accounts), load_secret(tmp_path / "secret"), "127.0.0.1",
                        tmp_path / "logs" / "review-audit.log")  # fmt: skip


@pytest.fixture
def served(tmp_path):
    store, inbox = township_store(tmp_path)
    publish(store.current_listing("r1"), tmp_path / "reports" / "latest")
    config = review_config(tmp_path / "reports", store, tmp_path)
    with serving(config) as base:
        yield base, store, inbox, config


def login(page, base: str, password: str = PASSWORD) -> None:
    page.goto(base + "/", wait_until="load")
    assert "/login" in page.url
    page.fill('input[name="name"]', "王芳")
    page.fill('input[name="password"]', password)
    page.click('button[type="submit"]')
    page.wait_for_load_state("load")


def reviewed_in_chromium(base: str, finding, reason: str, note: str) -> None:
    """As a reviewer does it: log in, dismiss `finding` on its unit's page with `reason`, return its form with
    `note`, and see the return again after a reload; no script error on the way."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        login(page, base)
        assert page.url.endswith("/report/index.html") and page.locator("h1").count()

        page.goto(f"{base}/report/units/{unit_slug(finding.unit)}.html", wait_until="load")
        row = page.locator(f'tr[data-key="{finding.decision_key}"]')
        page.once("dialog", lambda dialog: dialog.accept(reason))
        row.locator('button[data-verdict="dismissed"]').click()
        page.wait_for_function("document.querySelector('td.review[data-verdict=\"dismissed\"]') !== null")
        assert "不是问题（王芳" in row.locator(".review-note").inner_text()

        page.goto(f"{base}/report/forms/{finding.evaluation_id}.html", wait_until="load")
        page.once("dialog", lambda dialog: dialog.accept(note))
        page.locator('.form-decision button[data-verdict="returned"]').click()
        page.wait_for_function("document.querySelector('.form-decision[data-verdict=\"returned\"]') !== null")
        page.reload(wait_until="load")  # what is in force is shown again on the next visit
        page.wait_for_function("document.querySelector('.form-decision .review-note').textContent.includes('退回')")
        browser.close()
    assert problems == []


def test_a_reviewer_dismisses_a_finding_and_returns_a_form_in_the_browser(served):
    base, store, inbox, config = served
    total = next(f for f in store.current_listing("r1").findings if f.check_id == "arithmetic.total")
    reviewed_in_chromium(base, total, "附表另有加分项，总分以附表为准", "请按资金表更正执行率后重新提交")

    [decided] = [f for f in store.current_listing("r1").findings if f.check_id == "arithmetic.total"]
    assert decided.decision == "dismissed" and not decided.for_unit and "附表另有加分项" in decided.decision_note
    [returned] = store.decisions_on(f"form\u241f{total.evaluation_id}")
    assert (returned.verdict, returned.reviewer, returned.source) == ("returned", "王芳", "web")
    log = [json.loads(line) for line in config.audit_log.read_text(encoding="utf-8").splitlines()]
    assert [entry["action"] for entry in log] == ["login", "decision", "decision"]
    assert log[1]["reviewer"] == "王芳" and log[1]["verdict"] == "dismissed" and "附表" in log[1]["why"]

    # the next run: the dismissed total is neither counted nor told; a changed value brings it back
    unalerted, _ = store.unalerted(fixed=True)
    registry = Registry([Unit("清溪镇人民政府", "town@example.gov.cn", ())])
    unit = compose_alerts("r1", unalerted, [], registry, store.current_listing("r1"))[0]
    assert "[错误] 位置：总分" not in unit.body
    resubmit(inbox, "100\t87\t", "100\t88\t")
    audit_into(store, "r2", inbox)
    [back] = [f for f in store.current_listing("r2").findings if f.check_id == "arithmetic.total"]
    assert back.stated == "88" and back.decision == "" and back.for_unit


@contextmanager
def logged_in(base: str) -> Iterator[httpx.Client]:
    """A client with 王芳's session."""
    with httpx.Client() as client:
        assert client.post(base + "/login", data={"name": "王芳", "password": PASSWORD}).status_code == 303
        yield client


def csrf_of(client: httpx.Client, base: str, path: str) -> str:
    page = client.get(base + path).text
    return re.search(r'<meta name="evalaudit-csrf" content="([^"]+)"', page)[1]


def test_anonymous_cross_site_and_tokenless_writes_are_refused(served):
    base, store, _, config = served
    total = next(f for f in store.current_listing("r1").findings if f.check_id == "arithmetic.total")
    body = {"subject": "finding", "key": total.decision_key, "verdict": "dismissed", "reason": "x"}
    assert httpx.post(base + "/api/decisions", json=body).status_code == 401  # nobody logged in
    assert httpx.get(base + "/report/index.html").status_code == 303  # reading needs a login too

    with httpx.Client() as client:
        wrong = client.post(base + "/login", data={"name": "王芳", "password": "not-it"})
        assert wrong.status_code == 401 and "姓名或口令不正确" in wrong.text
        client.post(base + "/login", data={"name": "王芳", "password": PASSWORD})
        token = csrf_of(client, base, "/report/index.html")
        assert client.post(base + "/api/decisions", json=body).status_code == 403  # no token
        evil = {"X-CSRF-Token": token, "Origin": "http://evil.example"}
        assert client.post(base + "/api/decisions", json=body, headers=evil).status_code == 403
        sneaky = {"X-CSRF-Token": token, "Sec-Fetch-Site": "cross-site"}
        assert client.post(base + "/api/decisions", json=body, headers=sneaky).status_code == 403
        no_reason = client.post(base + "/api/decisions", json={**body, "reason": ""}, headers={"X-CSRF-Token": token})
        assert no_reason.status_code == 400 and "须说明理由" in no_reason.json()["error"]
        assert client.get(base + "/report/../../evalaudit.db").status_code == 404
        ok = client.post(base + "/api/decisions", json=body, headers={"X-CSRF-Token": token})
        assert ok.status_code == 200 and ok.json()["verdict"] == "dismissed"
    assert [d.verdict for d in store.decisions_on(total.decision_key)] == ["dismissed"]  # only the accepted one
    actions = [json.loads(line)["action"] for line in config.audit_log.read_text(encoding="utf-8").splitlines()]
    assert actions.count("refused") == 3 and "login_failed" in actions and actions[-1] == "decision"


def test_without_accounts_the_app_is_for_this_machine_only(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    config = ReviewConfig(tmp_path, store, {}, load_secret(tmp_path / "secret"), "0.0.0.0", tmp_path / "audit.log")
    with pytest.raises(ReviewSetupError, match="必须设置审核人员账户"):
        create_app(config)
    config.host = "127.0.0.1"
    assert create_app(config) is not None


def test_a_password_is_kept_only_as_its_hash(tmp_path):
    accounts = tmp_path / "reviewers.txt"
    add_account(accounts, "王芳", PASSWORD)
    text = accounts.read_text(encoding="utf-8")
    assert PASSWORD not in text and text.startswith("王芳:pbkdf2_sha256$")
    assert oct(Path(accounts).stat().st_mode)[-3:] == "600"
