"""What a reviewer sees (issue 17, acceptance): the overview, a unit page and a form page of the seed audit and of
a 5,000-form inbox, laid out by Chromium and measured there — no label clipped by its chart, no column so narrow
that its text stands one character per line, no table wider than a 1280-pixel screen, check names in Chinese, errors and warnings in distinct colours, a
zero never red — and the search finds a unit by the registry's alias. The screenshots go to reports/screenshots/
for a person to look at."""

from __future__ import annotations

import re
import sys

import pytest

from evalaudit.pipeline import audit
from evalaudit.report import publish
from tests.conftest import ROOT
from tests.report.snapshots import checked
from tests.report.test_browser import SCREENSHOTS, browser, open_page  # noqa: F401 - browser is a fixture

# Every text of a chart inside its chart; every table cell wide enough for three characters a line when it
# wraps (the bug was 第/1/张 and 严/重/程/度 stacked one per line); what each returns is the offenders.
CLIPPED = """() => {
  const out = [];
  for (const svg of document.querySelectorAll("svg.chart")) {
    const box = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll("text")) {
      const r = text.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        out.push(text.textContent);
    }
  }
  return out;
}"""
SQUEEZED = """() => {
  const out = [];
  for (const cell of document.querySelectorAll("th, td")) {
    const text = cell.innerText.trim();
    if ([...text].length < 3 || cell.offsetParent === null) continue;
    const range = document.createRange();
    range.selectNodeContents(cell);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    const size = parseFloat(getComputedStyle(cell).fontSize);
    const style = getComputedStyle(cell);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (lines > 1 && inner < 3 * size) out.push(text.slice(0, 20));
  }
  return out;
}"""
WIDER = """() => [...document.querySelectorAll("table")].filter((t) => t.offsetParent !== null
  && t.getBoundingClientRect().width > t.parentElement.clientWidth + 1).map((t) => t.id || t.className || "table")"""
COLOUR = "(selector) => { const e = document.querySelector(selector); if (!e) return null; const s = getComputedStyle(e); return [s.color, s.backgroundColor, s.outlineColor]; }"  # noqa: E501
RED_ZEROS = """() => [...document.querySelectorAll("td, .card b")].filter((e) => e.innerText.trim() === "0").filter((e) => {
  const [r, g, b] = getComputedStyle(e).color.match(/\\d+/g).map(Number);
  return r > 140 && g < 90 && b < 90;
}).length"""
CJK = re.compile(r"[\u4e00-\u9fff]")
RAW_ID = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


def seed_alias(unit: str) -> tuple[str, ...]:
    return ("武威政务中心",) if unit == "武威市政府政务服务中心" else ()


def synthetic_alias(unit: str) -> tuple[str, ...]:
    return ("东山税务一所",) if unit == "东山县税务局0000" else ()


@pytest.fixture(scope="module")
def seeds(tmp_path_factory, seeds_dir):
    out = tmp_path_factory.mktemp("seeds")
    publish(audit(sorted(seeds_dir.glob("*.txt"))).snapshot(), out, aliases=seed_alias)
    return "seeds", out, "武威政务中心", "武威市政府政务服务中心"


@pytest.fixture(scope="module")
def inbox_5000(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import synthetic_evaluations

    out = tmp_path_factory.mktemp("big")
    publish(checked("big", synthetic_evaluations(5000), with_text=False), out, aliases=synthetic_alias)
    return "5000", out, "东山税务一所", "东山县税务局0000"


@pytest.fixture(params=["seeds", "inbox_5000"])
def report(request):
    return request.getfixturevalue(request.param)


def looked_at(page, name: str) -> None:
    """The page measured: nothing clipped or squeezed, no zero in red; its screenshot kept for a person."""
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert page.evaluate(CLIPPED) == [], f"{name}: chart text outside its chart"
    assert page.evaluate(SQUEEZED) == [], f"{name}: a column too narrow for its text"
    assert page.evaluate(WIDER) == [], f"{name}: a table wider than the page (read by scrolling sideways)"
    assert page.evaluate(RED_ZEROS) == 0, f"{name}: a zero printed in red"


def test_the_overview_a_unit_page_and_a_form_page_read_at_a_glance(browser, report):  # noqa: F811
    label, out, alias, unit = report
    problems: list[str] = []
    overview = open_page(browser, out / "index.html", problems=problems)
    looked_at(overview, f"{label}-overview")

    chart_labels = overview.locator('svg.chart[aria-label^="哪些问题最多"] text.label').all_text_contents()
    check_names = overview.locator("#checks tbody td:first-child").all_inner_texts()
    assert chart_labels and check_names
    for name in [*chart_labels, *check_names]:
        assert CJK.search(name) and not RAW_ID.match(name.split("\n")[0]), name
    error_card, warning_card = (overview.evaluate(COLOUR, f".card.{s}") for s in ("error", "warning"))
    assert error_card and warning_card and error_card[0] != warning_card[0]  # errors and warnings told apart

    overview.fill("#unit-search", alias)
    found = overview.locator("#unit-results li a")
    found.first.wait_for()
    assert found.all_inner_texts() == [unit]

    top = overview.locator("#units tbody tr a").first
    unit_page = open_page(browser, out / "units" / top.get_attribute("href").split("/")[-1], problems=problems)
    looked_at(unit_page, f"{label}-unit")
    error_cell, warning_cell = (unit_page.evaluate(COLOUR, f"#findings td.{s}") for s in ("error", "warning"))
    assert error_cell and warning_cell and error_cell[0] != warning_cell[0]

    form_href = unit_page.locator("a.form-link").first.get_attribute("href")
    form_page = open_page(browser, out / "forms" / form_href.split("/")[-1], problems=problems)
    looked_at(form_page, f"{label}-form")
    flagged = form_page.evaluate(COLOUR, "td.flagged:not(.flagged-warning):not(.flagged-minor)")
    warned = form_page.evaluate(COLOUR, "td.flagged.flagged-warning")
    if flagged and warned:  # a form with both marks them apart
        assert flagged[1:] != warned[1:]
    assert flagged or warned
    assert problems == []
