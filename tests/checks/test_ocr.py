"""A form read by OCR: findings on its numbers carry the mark, and are errors only where its arithmetic holds."""

from __future__ import annotations

from dataclasses import replace

from evalaudit.checks import run_checks
from evalaudit.checks.ocr import OCR_MARK
from tests.parse.texts import one_form

HEADER = "2023年度项目支出绩效自评表\n项目名称\t道路养护\n实施单位\t清溪县公路站\n项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
ROWS = (
    "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施\n"
    "产出指标\t数量指标\t养护里程\t≥100公里\t100公里\t50\t50\t无偏差\n"
    "效益指标\t社会效益指标\t通行条件\t改善\t改善\t40\t40\t无偏差\n"
)
# 总分 says 95 where 9 + 50 + 40 = 99: a sum that does not add up
WRONG_TOTAL = HEADER + "\t年度资金总额\t100\t100\t90\t10\t90%\t9\n" + ROWS + "总分\t\t\t\t\t100\t95\t\n"
# spending over the budget, the stated rate confirming 执行数/预算数, and every sum adding up
OVERSPENT = HEADER + "\t年度资金总额\t100\t100\t120\t10\t120%\t10\n" + ROWS + "总分\t\t\t\t\t100\t100\t\n"


def _findings(text: str, ocr: bool):
    return run_checks([replace(one_form(text), ocr=ocr)], with_text=False).findings


def _numeric(findings):
    """The findings about the form's numbers (not what is missing from it)."""
    return [f for f in findings if f.category != "completeness"]


def test_the_same_form_typed_and_scanned_gets_the_same_findings_the_scan_marked() -> None:
    typed, scanned = _numeric(_findings(WRONG_TOTAL, False)), _numeric(_findings(WRONG_TOTAL, True))
    assert [f.check_id for f in scanned] == [f.check_id for f in typed] and typed
    assert all(f.message.endswith(OCR_MARK) for f in scanned)
    assert not any(OCR_MARK in f.message for f in typed)


def test_a_sum_that_does_not_add_up_on_a_scan_is_a_warning_not_an_error() -> None:
    typed = [f for f in _findings(WRONG_TOTAL, False) if f.severity == "error"]
    assert any(f.category == "arithmetic" for f in typed)
    scanned = _findings(WRONG_TOTAL, True)
    assert not any(f.severity == "error" for f in scanned)
    assert {f.check_id for f in typed} <= {f.check_id for f in scanned if f.severity == "warning"}


def test_an_error_the_forms_own_arithmetic_confirms_stays_an_error_on_a_scan() -> None:
    scanned = _findings(OVERSPENT, True)
    assert not any(f.category == "arithmetic" for f in scanned)
    errors = [f for f in scanned if f.severity == "error"]
    assert errors and all(f.category == "execution_rate" and f.message.endswith(OCR_MARK) for f in errors)
