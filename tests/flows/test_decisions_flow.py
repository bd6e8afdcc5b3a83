"""Reviewers' decisions in the real nightly flow: a workbook dropped after one run, imported by the next before it
publishes, a bad one refused and named in the summary and the digest; a finding dismissed in the review app
(clicked in Chromium) neither open nor told on the next night, until the form states another value there."""

from __future__ import annotations

import re

from openpyxl import load_workbook

from evalaudit.decisions import form_decision_key
from evalaudit.report.workbook import FINDINGS
from evalaudit.store import open_store
from tests.review.test_review_app import review_config, reviewed_in_chromium, serving
from tests.township import TOWNSHIP, resubmit


def dismiss_the_townships_total(book, target, reason="附表另有加分项"):
    workbook = load_workbook(book)
    sheet = workbook[FINDINGS]
    at = {cell.value: cell.column for cell in sheet[1]}
    row = next(
        r for r in range(2, sheet.max_row + 1)
        if sheet.cell(r, at["文件"]).value.startswith("07_") and sheet.cell(r, at["位置"]).value == "总分"
    )  # fmt: skip
    sheet.cell(row, at["审核意见"]).value = "不是问题"
    sheet.cell(row, at["意见说明"]).value = reason
    sheet.cell(row, at["审核人"]).value = "王芳"
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)


def errors_on(index) -> int:
    return int(re.search(r'<div class="card (?:error|none)">错误<b>(\d+)</b>', index.read_text(encoding="utf-8"))[1])


def test_a_workbook_dropped_after_a_run_is_imported_by_the_next(nightly):
    first = nightly()
    before = errors_on(nightly.reports / "latest" / "index.html")
    dismiss_the_townships_total(nightly.reports / "latest" / "findings.xlsx", nightly.decisions / "王芳.xlsx")
    second = nightly()
    assert any("已导入 1 条" in line for line in second["summary"]), second["summary"]
    assert errors_on(nightly.reports / "latest" / "index.html") == before - 1
    assert list((nightly.decisions / "imported").glob("*王芳.xlsx")) and first["run_id"] != second["run_id"]
    store = open_store(nightly.url)
    [total] = [f for f in store.current_listing(second["run_id"]).findings
               if f.source_file.startswith("07_") and f.check_id == "arithmetic.total"]  # fmt: skip
    assert total.decision == "dismissed" and "王芳" in total.decision_note
    again = load_workbook(nightly.reports / "latest" / "findings.xlsx")[FINDINGS]
    column = [cell.value for cell in again[1]].index("现有审核意见")
    notes = [row[column] for row in again.iter_rows(min_row=2, values_only=True) if row[column]]
    assert notes and "附表另有加分项" in notes[0]  # the next workbook shows the decision in force


def test_a_bad_workbook_is_refused_and_the_digest_says_so(nightly):
    nightly()
    dismiss_the_townships_total(nightly.reports / "latest" / "findings.xlsx", nightly.decisions / "坏.xlsx", reason="")
    second = nightly()
    [line] = [line for line in second["summary"] if "坏.xlsx" in line]
    assert "未导入" in line and "须说明理由" in line
    assert list((nightly.decisions / "rejected").glob("*坏.xlsx"))
    with open_store(nightly.url).engine.connect() as connection:
        digest = connection.exec_driver_sql("SELECT body FROM alerts WHERE kind = 'digest' ORDER BY id DESC").first()
    assert digest is not None and "坏.xlsx" in digest[0] and "【注意】" in digest[0]


def township_email(url: str) -> str:
    """The latest email queued for the township."""
    with open_store(url).engine.connect() as connection:
        row = connection.exec_driver_sql(
            "SELECT body FROM alerts WHERE kind = 'unit' AND unit = '清溪镇人民政府' ORDER BY id DESC"
        ).first()
    assert row is not None, "no email to the township"
    return row[0]


def test_a_finding_dismissed_in_the_review_app_is_neither_open_nor_told_the_next_night(nightly, tmp_path):
    first = nightly()
    store = open_store(nightly.url)
    [total] = [f for f in store.current_listing(first["run_id"]).findings
               if f.source_file == TOWNSHIP and f.check_id == "arithmetic.total"]  # fmt: skip
    assert "[错误] 位置：总分" in township_email(nightly.url)  # the first night told the township

    with serving(review_config(nightly.reports, store, tmp_path)) as base:
        reviewed_in_chromium(base, total, "附表另有加分项，总分以附表为准", "请按资金表更正执行率")
    assert [d.verdict for d in store.decisions_on(form_decision_key(total.evaluation_id))] == ["returned"]

    # the township sends the form again with its spending changed (new problems there), the total as it was
    resubmit(nightly.inbox, "64.5\t52.8\t", "64.5\t70\t")
    second = nightly()
    email = township_email(nightly.url)
    assert (
        "【新】" in email and "[错误] 位置：总分" not in email
    )  # told of the new problems, not of the dismissed total
    listing = store.current_listing(second["run_id"])
    [kept] = [f for f in listing.findings if f.check_id == "arithmetic.total" and f.unit == "清溪镇人民政府"]
    assert kept.decision == "dismissed" and not kept.for_unit
    unit_pages = list((nightly.reports / "latest" / "units").glob("*.html"))
    page = next(p.read_text(encoding="utf-8") for p in unit_pages if "清溪镇人民政府</h1>" in p.read_text("utf-8"))
    assert re.search(r'<tr [^>]*data-check="arithmetic.total"[^>]*class="dismissed"', page)
    assert "附表另有加分项" in page

    # a changed total is another finding: open again, and told
    resubmit(nightly.inbox, "100\t87\t", "100\t88\t")
    third = nightly()
    [back] = [f for f in store.current_listing(third["run_id"]).findings
              if f.check_id == "arithmetic.total" and f.unit == "清溪镇人民政府"]  # fmt: skip
    assert back.stated == "88" and back.for_unit and "[错误] 位置：总分" in township_email(nightly.url)
