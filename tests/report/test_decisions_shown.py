"""What reviewers decided, in the static report (issue 17, items 1 and 5): a returned form says so on its page
and its unit's page without the review app; the overview counts returned forms and the money at issue, and its
queue puts the larger budget first among findings of one severity."""

from __future__ import annotations

import re
from dataclasses import replace

from evalaudit.decisions import RETURNED, Decision, form_decision_key
from evalaudit.facts.money import form_budget
from evalaudit.model import Evaluation, Finding, FundRow
from evalaudit.report import morning_queue, publish, unit_slug
from evalaudit.report.listing import FormEntry, Listing
from tests.township import township_store


def test_a_returned_form_is_shown_returned_on_its_page_its_units_page_and_the_overview(tmp_path):
    store, _ = township_store(tmp_path)
    [form] = store.current_listing("r1").evaluations
    store.decide([Decision("form", form_decision_key(form.evaluation_id), RETURNED, "王芳", "请更正执行率")])
    listing = store.current_listing("r1")
    [entry] = listing.evaluations
    assert entry.decision == RETURNED and entry.decision_note.startswith("退回（王芳，")
    assert entry.budget == 64.5  # the total row's 全年预算数, 万元

    out = publish(listing, tmp_path / "report").parent
    page = (out / "forms" / f"{form.evaluation_id}.html").read_text(encoding="utf-8")
    assert re.search(r'class="form-decision"[^>]*data-verdict="returned"><strong>本表审核结论：</strong>', page)
    assert "审核意见：退回（王芳，" in page and "请更正执行率" in page
    unit_page = (out / "units" / f"{unit_slug(form.unit)}.html").read_text(encoding="utf-8")
    assert '<td class="verdict-returned">退回（王芳，' in unit_page and '<td class="num">64.50</td>' in unit_page
    index = (out / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr><td><a href="units/[^"]+">清溪镇人民政府</a>.*?</tr>', index)[0]
    assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)[-2:] == ["1", "64.50"]  # returned, 万元 at issue

    # a decision after the report was published changes those pages, and only them, on the next publish
    store.decide([Decision("form", form_decision_key(form.evaluation_id), "passed", "李强")])
    again = publish(store.current_listing("r1"), tmp_path / "report2", previous=out)
    assert "通过（李强，" in (again.parent / "forms" / f"{form.evaluation_id}.html").read_text(encoding="utf-8")


def test_an_undecided_form_page_shows_no_conclusion(tmp_path):
    store, _ = township_store(tmp_path)
    listing = store.current_listing("r1")
    out = publish(listing, tmp_path / "report").parent
    page = (out / "forms" / f"{listing.evaluations[0].evaluation_id}.html").read_text(encoding="utf-8")
    assert re.search(r'class="form-decision"[^>]*></div>', page) and "本表审核结论" not in page


def test_a_budget_is_read_from_the_total_row_in_wan_yuan():
    form = Evaluation("e-1", "a.txt", "sha", 1, "project", amount_unit="元",
                      funds=[FundRow("项目支出", "项目支出", budget=5.0),
                             FundRow("年度资金总额", "年度资金总额", initial_budget=1_200_000.0)])  # fmt: skip
    assert form_budget(form) == 120.0  # 元 → 万元, 年初预算数 when 全年预算数 is blank
    assert form_budget(replace(form, amount_unit="万元")) == 1_200_000.0
    assert form_budget(replace(form, funds=form.funds[:1])) is None  # no total row: no amount to weigh


def finding(evaluation_id: str, unit: str, severity: str) -> Finding:
    return Finding(evaluation_id, f"{unit}.txt", 1, unit, 2025, "project", "arithmetic.total", "arithmetic",
                   severity, "总分", run_id="r1", change="new")  # fmt: skip


def test_the_queue_puts_the_larger_budget_first_within_a_severity():
    small, large = (FormEntry(f"e-{n}", f"{n}.txt", 1, "project", f"单位{n}", 2025, budget=b) for n, b in ((1, 10.0), (2, 900.0)))  # fmt: skip
    found = [
        finding("e-1", "单位1", "error"),
        finding("e-2", "单位2", "error"),
        finding("e-2", "单位2", "warning"),
    ]
    listing = Listing("r1", 2, [small, large], found, [])
    units = [{"name": "单位1", "errors": 5}, {"name": "单位2", "errors": 1}]
    queue = morning_queue(listing, units)
    assert [(f.evaluation_id, f.severity) for f in queue] == [("e-2", "error"), ("e-1", "error"), ("e-2", "warning")]
