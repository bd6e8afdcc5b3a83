"""Excel both ways (issue 17, item 3): each run's findings.xlsx, and a filled-in copy dropped into the decisions
folder read back as decisions — whole or not at all, bad rows named."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from evalaudit.check_names import check_name
from evalaudit.decision_import import import_decisions
from evalaudit.report import publish
from evalaudit.report.workbook import FINDINGS, SUMMARY, units_of, write_workbook
from tests.township import township_store


@pytest.fixture
def run(tmp_path):
    store, _ = township_store(tmp_path)
    listing = store.current_listing("r1")
    out = tmp_path / "report"
    publish(listing, out)
    book = write_workbook(out / "findings.xlsx", listing.findings, units_of(listing.evaluations))
    return store, listing, book, tmp_path / "decisions"


def columns(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1]}


def row_of(sheet, location: str) -> int:
    """The row of the first finding at `location` ("总分": the wrong total, listed before the warning there)."""
    at = columns(sheet)
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, at["位置"]).value == location)


def test_findings_xlsx_has_its_sheets_filters_links_and_typed_numbers(run):
    store, listing, book, _ = run
    workbook = load_workbook(book)
    assert workbook.sheetnames == [SUMMARY, FINDINGS]
    sheet = workbook[FINDINGS]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:Q{len(listing.findings) + 1}"
    at = columns(sheet)
    rate = row_of(sheet, "资金表/年度资金总额/执行率")
    assert (
        sheet.cell(rate, at["填报"]).value == pytest.approx(0.85) and "%" in sheet.cell(rate, at["填报"]).number_format
    )
    total = row_of(sheet, "总分")
    assert (
        sheet.cell(total, at["填报"]).value == 87 and sheet.cell(total, at["应为"]).value == 95.2
    )  # numbers, not text
    link = sheet.cell(total, at["表"]).hyperlink.target
    assert (book.parent / link).is_file()  # the form's page, beside the workbook
    [choices] = sheet.data_validations.dataValidation
    assert "不是问题" in choices.formula1 and str(choices.sqref).startswith(
        f"{sheet.cell(1, at['审核意见']).column_letter}2"
    )
    assert sheet.column_dimensions[sheet.cell(1, at["键"]).column_letter].hidden
    assert sheet.column_dimensions[sheet.cell(1, at["说明"]).column_letter].width >= 60  # fits Chinese sentences
    assert sheet.cell(total, at["检查"]).value == check_name("arithmetic.total")  # the check in words
    summary = workbook[SUMMARY]
    assert [c.value for c in summary[2]][:4] == ["清溪镇人民政府", 1, 4, 5]


def fill(book, location: str, verdict: str, reason: str = "", reviewer: str = "王芳"):
    workbook = load_workbook(book)
    sheet = workbook[FINDINGS]
    at, row = columns(sheet), row_of(sheet, location)
    sheet.cell(row, at["审核意见"]).value = verdict
    sheet.cell(row, at["意见说明"]).value = reason
    sheet.cell(row, at["审核人"]).value = reviewer
    workbook.save(book)


def test_a_filled_workbook_imports_as_decisions_and_is_filed_away(run):
    store, listing, book, folder = run
    fill(book, "总分", "不是问题", "附表另有加分项")
    fill(book, "资金表/年度资金总额/执行率", "确认")
    folder.mkdir()
    dropped = folder / "王芳-审核意见.xlsx"
    shutil.copy(book, dropped)
    [result] = import_decisions(store, folder)
    assert (result.recorded, result.problems) == (2, []) and "已导入 2 条" in result.line
    assert not dropped.exists() and len(list((folder / "imported").glob("*王芳-审核意见.xlsx"))) == 1
    decided = {f.location: f for f in reversed(store.current_listing("r1").findings)}  # the first at each place
    assert decided["总分"].decision == "dismissed" and not decided["总分"].for_unit
    assert "附表另有加分项" in decided["总分"].decision_note
    assert decided["资金表/年度资金总额/执行率"].decision == "confirmed"
    [history] = [store.decisions_on(decided["总分"].decision_key)]
    assert [d.source for d in history] == ["excel:王芳-审核意见.xlsx"]

    shutil.copy(book, dropped)  # the same workbook again: nothing new to record
    [again] = import_decisions(store, folder)
    assert (again.recorded, again.unchanged) == (0, 2)
    assert len(store.decisions_on(decided["总分"].decision_key)) == 1


def test_a_workbook_with_a_bad_row_is_refused_whole_and_names_it(run):
    store, listing, book, folder = run
    fill(book, "资金表/年度资金总额/执行率", "确认")
    fill(book, "总分", "不是问题", "")  # no reason
    fill(book, "资金表/年度资金总额/全年预算数", "可能")  # no such opinion
    folder.mkdir()
    shutil.copy(book, folder / "审核意见.xlsx")
    [result] = import_decisions(store, folder)
    assert result.recorded == 0 and len(result.problems) == 2
    assert any(p.startswith("第") and "（总分）" in p and "须说明理由" in p for p in result.problems)
    assert any("（资金表/年度资金总额/全年预算数）" in p and "“可能”无法识别" in p for p in result.problems)
    assert all(f.decision == "" for f in store.current_listing("r1").findings)  # not even the good row
    [refused] = (folder / "rejected").glob("*审核意见.xlsx")
    assert "须说明理由" in refused.with_name(refused.name + ".txt").read_text(encoding="utf-8")
    assert "未导入" in result.line


def test_a_file_that_is_no_workbook_is_refused_with_a_reason(run):
    store, _, _, folder = run
    folder.mkdir()
    (folder / "坏文件.xlsx").write_bytes(b"not a zip")
    [result] = import_decisions(store, folder)
    assert "无法作为 Excel 工作簿打开" in result.problems[0]
    assert import_decisions(store, folder) == []  # filed away: not read again
