"""A reviewer's workbook in the real nightly flow: dropped after one run, imported by the next before it publishes;
a bad one refused and named in the summary and the digest."""

from __future__ import annotations

import re

from openpyxl import load_workbook

from evalaudit.report.workbook import FINDINGS
from evalaudit.store import open_store


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
    notes = [row[11] for row in again.iter_rows(min_row=2, values_only=True) if row[11]]
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
