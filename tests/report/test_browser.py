"""The real pages in headless Chromium (Debian's package at /usr/bin/chromium, driven by Playwright).

Screenshots go to reports/screenshots/ (git-ignored) for a person to look at. How fast the pages load is measured
by benchmarks/report_load.py, not asserted here: a busy machine is not a broken page.
"""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from evalaudit.report import UNITS_ON_INDEX, publish
from tests.conftest import ROOT
from tests.forms import consistent_form, with_indicator
from tests.report.snapshots import checked

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "reports" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's chromium is required for the browser tests: `make test` installs it (apt-get install chromium)"
        )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def open_page(browser, path: Path, javascript: bool = True, problems: list[str] | None = None):
    """The page, loaded; what went wrong while loading it (script errors, missing files) goes to `problems`."""
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    if problems is not None:
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
        page.on("requestfailed", lambda request: problems.append(f"not loaded: {request.url} {request.failure}"))
    page.goto(path.as_uri(), wait_until="load")
    return page


def findings_page(out: Path, check_id: str) -> Path:
    [page] = sorted((out / "findings").glob(f"{check_id}-*.html"))[:1]
    return page


def test_overview_finds_a_unit_by_part_of_its_name_and_opens_its_page(browser, seed_report):
    run, out = seed_report
    problems: list[str] = []
    page = open_page(browser, out / "index.html", problems=problems)
    page.fill("#unit-search", "政务服务")
    results = page.locator("#unit-results li a")
    results.first.wait_for()
    names = {f.unit for f in run.findings} | {e.unit for e in run.batch.evaluations}
    assert sorted(results.all_inner_texts()) == sorted(name for name in names if "政务服务" in name)
    page.screenshot(path=str(SCREENSHOTS / "overview-search.png"), full_page=True)
    results.filter(has_text="武威市政府政务服务中心").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "武威市政府政务服务中心"
    assert problems == []

    opened = open_page(browser, out / "index.html", problems=problems)
    opened.goto((out / "index.html").as_uri() + "?unit=武威市", wait_until="load")
    opened.locator("#unit-results li a").first.wait_for()
    assert opened.locator("#unit-results li a").all_inner_texts() == ["武威市政府政务服务中心"]


def test_a_findings_page_filters_to_a_unit_and_opens_a_form(browser, seed_report):
    run, out = seed_report
    page = open_page(browser, out / "index.html")
    page.locator("#checks a", has_text="第1页").first.wait_for()
    page.locator('#checks tr:has-text("arithmetic.total") a').first.click()
    page.wait_for_load_state("load")
    total = [f for f in run.findings if f.check_id == "arithmetic.total"]
    rows = page.locator("#findings tbody tr")
    assert rows.count() == len(total)
    unit = "武威市政府政务服务中心"
    page.fill('input[data-filter="unit"]', unit)
    visible = page.locator("#findings tbody tr:visible")
    assert visible.count() == sum(1 for f in total if f.unit == unit) >= 1
    page.screenshot(path=str(SCREENSHOTS / "findings-filtered.png"), full_page=True)

    visible.locator("a.form-link").first.click()
    page.wait_for_load_state("load")
    flagged = page.locator("td.flagged")
    assert flagged.count() >= 1
    assert flagged.first.is_visible()
    assert page.locator(".finding-note").first.is_visible()
    assert "总分填报为88" in page.locator('td[data-cell="total"]').inner_text()
    page.screenshot(path=str(SCREENSHOTS / "form-001-1.png"), full_page=True)


def test_every_page_of_the_seed_audit_loads_without_errors(browser, seed_report):
    _, out = seed_report
    pages = sorted(out.rglob("*.html"))
    assert any(path.parent.name == "forms" for path in pages) and any(path.parent.name == "units" for path in pages)
    for path in pages:
        problems: list[str] = []
        page = open_page(browser, path, problems=problems)
        assert page.locator("h1").count() >= 1, path.name
        page.context.close()
        assert problems == [], f"{path.relative_to(out)}: {problems}"


def test_pages_read_without_javascript(browser, seed_report):
    run, out = seed_report
    shown = 0
    for path in sorted((out / "findings").glob("*.html")):
        page = open_page(browser, path, javascript=False)
        shown += page.locator("#findings tbody tr:visible").count()
        page.context.close()
    assert shown == len(run.findings)
    index = open_page(browser, out / "index.html", javascript=False)
    assert index.locator("#units tbody tr:visible").count() == len(
        {f.unit for f in run.findings} | {e.unit for e in run.batch.evaluations}
    )


def test_a_form_with_an_injected_script_shows_the_text_and_runs_nothing(browser, tmp_path):
    hostile = '<script>window.__pwned = 1</script>"><img src=x onerror="window.__pwned = 2">'
    form = with_indicator(consistent_form(unit=hostile), 1, explanation=hostile)
    publish(checked("xss", [form]), tmp_path)
    page = open_page(browser, tmp_path / "forms" / f"{form.evaluation_id}.html")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.reload(wait_until="load")
    assert page.evaluate("window.__pwned === undefined")
    assert not dialogs
    assert hostile in page.locator('td[data-cell="indicators/1/explanation"]').inner_text()
    page.screenshot(path=str(SCREENSHOTS / "form-injected.png"), full_page=True)


def test_a_5000_form_audit_pages_its_findings_and_finds_any_unit(browser, tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import synthetic_evaluations

    run = checked("big", synthetic_evaluations(5000), with_text=False)
    publish(run, tmp_path)
    problems: list[str] = []
    page = open_page(browser, tmp_path / "index.html", problems=problems)
    assert page.locator("#units tbody tr").count() == UNITS_ON_INDEX
    unit = next(finding.unit for finding in run.findings[len(run.findings) // 2 :] if finding.unit)
    page.fill("#unit-search", unit)
    page.locator("#unit-results li a").first.wait_for()
    assert page.locator("#unit-results li a").all_inner_texts() == [unit]
    page.screenshot(path=str(SCREENSHOTS / "overview-5000.png"))
    page.locator("#unit-results li a").first.click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == unit
    assert page.locator("#findings tbody tr").count() == sum(1 for f in run.findings if f.unit == unit)

    check, count = Counter(f.check_id for f in run.findings).most_common(1)[0]
    listed = 0
    for path in sorted((tmp_path / "findings").glob(f"{check}-*.html")):
        findings = open_page(browser, path, problems=problems)
        listed += findings.locator("#findings tbody tr").count()
        findings.context.close()
    assert listed == count
    page.locator("a.form-link").first.click()
    page.wait_for_load_state("load")
    assert unit in page.locator("h1").inner_text()
    assert problems == []


@pytest.mark.parametrize(
    ("typed", "unit"),
    [
        ("县疾控中心", "清溪县疾病预防控制中心"),  # the registry's alias
        ("清溪镇政府", "清溪镇人民政府"),
        ("清溪縣文化館", "清溪县文化馆"),  # traditional characters
        ("清溪县　文化 馆", "清溪县文化馆"),  # a full-width and a plain space
    ],
)
def test_the_search_folds_what_a_reviewer_types_and_knows_the_registrys_aliases(browser, tmp_path, typed, unit):
    from evalaudit.alert.registry import registry_aliases
    from evalaudit.pipeline import audit
    from tests.conftest import INBOX

    run = audit(sorted(INBOX.iterdir()))
    publish(run.snapshot(), tmp_path, aliases=registry_aliases(ROOT / "data" / "units.csv"))
    page = open_page(browser, tmp_path / "index.html")
    page.fill("#unit-search", typed)
    results = page.locator("#unit-results li a")
    results.first.wait_for()
    assert results.all_inner_texts() == [unit]
