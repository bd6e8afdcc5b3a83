"""Funds headers an extraction spread over lines: lettered columns (名称 / (A) / … / (E/C×100%)) over numbered,
wrapped rows, and column heads stacked over lines; each on a small form written for the test."""

from __future__ import annotations

from evalaudit.ingest.text import text_blocks
from evalaudit.parse.lines import Line, to_lines
from evalaudit.parse.spread_funds import (
    leading_amounts,
    lettered_header,
    place_lettered,
    same_decimals,
    stacked_fund_roles,
    written_decimals,
)
from tests.parse.texts import one_form as _form

_LETTERED_HEADER = [
    "行次 全年预算数",
    "(A)",
    "统筹整合资金数",
    "(B)",
    "扣除统筹整合资金后预算金额",
    "(C)",
    "全年到位资金",
    "(D)",
    "预算到位",
    "(D/C×100%)",
    "全年执行资金",
    "(E)",
    "预算执行",
    "(E/C×100%)",
    "佐证材料",
    "列次 0 1 2 3 4 5 6 7",
]

_LETTERED_FORM = "\n".join(
    [
        "某市某区农业农村局2023年度产业发展资金绩效评价表",
        "年度:2023年",
        "资金投入情况",
        "(万元)",
        *_LETTERED_HEADER,
        "年度资金总额(万元): 1 150.0000",
        "30.0000 120.0000 120.0000 100.00% 96.0000 80.00%",
        "其中:中央财政资金(万元) 2 90.0000",
        "90.0000 90.0000 100.00% 72.0000 80.00% 拨付凭证",
        "地方财政资金(万元) 3 60.0000",
        "30.0000 30.0000 30.0000 100.00% 24.0000 80.00%",
        "其他资金(万元,自有资金等) 4",
        "资金管理情况",
        "情况说明 存在问题 改进措施",
        "列次 8 9 10",
        "分配科学性 5 资金分配规范性 按办法分配",
    ]
)


def test_a_lettered_header_maps_its_columns_by_the_rate_formula() -> None:
    header = lettered_header(" ".join(_LETTERED_HEADER))
    assert header is not None
    # the execution rate is E/C: the budget it is computed on is C, not 全年预算数 (A); D/C is money arrived
    assert (header.budget, header.executed) == ("C", "E")
    assert header.numbered
    assert lettered_header("全年预算数 (A) 全年到位资金 (B) 预算到位 (B/A×100%)") is None  # no spending rate


def test_lettered_rows_are_numbered_wrapped_and_placed_by_their_letters() -> None:
    form = _form(_LETTERED_FORM)
    rows = {row.label: row for row in form.funds}
    assert list(rows) == ["年度资金总额", "其中:中央财政资金", "地方财政资金", "其他资金"]
    total = rows["年度资金总额"]
    assert (total.budget, total.executed, total.stated_rate) == (120.0, 96.0, 80.0)  # C, E, E/C; not A = 150
    assert total.initial_budget is None
    central = rows["其中:中央财政资金"]  # 统筹整合资金数 (B) blank: the arithmetic places the rest
    assert (central.budget, central.executed, central.stated_rate) == (90.0, 72.0, 80.0)
    local = rows["地方财政资金"]
    assert (local.budget, local.executed) == (30.0, 24.0)
    assert rows["其他资金"].budget is None and rows["其他资金"].item == "其他资金"
    codes = [warning.code for warning in form.warnings]
    assert "funds_unread" not in codes
    assert "fund_row_unplaced" not in codes  # the qualitative table after the funds is no fund row
    assert form.cut_off == "end"  # the text stops inside the form's tables


def test_a_short_lettered_row_is_read_only_when_the_arithmetic_proves_one_reading() -> None:
    header = lettered_header(" ".join(_LETTERED_HEADER))
    assert header is not None
    # 6 values for 7 columns: whether A or B is the blank one, C = 40, E = 10 and E/C = 25 %
    assert place_lettered(["40", "40", "40", "100.00%", "10", "25.00%"], header) == {
        "budget": "40",
        "executed": "10",
        "rate": "25.00%",
    }
    # the stated rates agree with no placement of these amounts
    assert place_lettered(["40", "40", "40", "100.00%", "10", "60.00%"], header) is None
    # amounts without any rate: nothing confirms where they go
    assert place_lettered(["40", "10"], header) is None
    assert place_lettered([], header) == {}


def test_a_row_wrapped_after_a_number_keeps_its_numbers_apart_in_paragraph_text() -> None:
    # paragraph layout (a blank line after most lines): lines inside a paragraph are joined, a number is not
    # glued to the number the next line starts with, a word still is
    text = "\n\n".join(["标题一", "标题二", "标题三", "标题四", "经济效\n益", "甲项 1 12.50\n12.50 100.00%", "尾"])
    cells = [line.cells for line in to_lines(text_blocks(text))]
    assert ["甲项", "1", "12.50", "12.50", "100.00%"] in cells
    assert ["经济效益"] in cells


def test_amounts_run_together_split_only_at_one_number_of_decimals() -> None:
    assert same_decimals("7.25003.1000") == ["7.2500", "3.1000"]
    assert same_decimals("7.2500") is None
    assert same_decimals("7.25003.100") is None  # no one number of decimals reads it all


def test_the_amounts_of_a_run_the_text_stops_in_are_its_complete_leading_ones() -> None:
    assert leading_amounts("903.254410.", 2) == ["903.25"]
    assert leading_amounts("903.254410.", 3) == ["903.254"]  # the decimals decide, so they must be the form's
    assert leading_amounts("903.2504410.", 2) is None  # '04410.' starts no amount
    lines = [Line([cell], cell, 1, False) for cell in ("甲 12.50", "乙 7.25", "丙 30.10", "丁 3.5")]
    assert written_decimals(lines) == 2
    assert written_decimals(lines[:2]) is None  # too few to tell


def test_column_heads_stacked_over_lines_are_read_column_by_column() -> None:
    assert stacked_fund_roles(["年初预算全年预算全年执行", "数数数执行率"]) == [
        "initial_budget",
        "budget",
        "executed",
        "rate",
    ]
    assert stacked_fund_roles(["年初预算数全年预算数", "执行率"]) is None  # whole words on each line: not stacked
    assert stacked_fund_roles(["年初全年预算全年", "分值执行率得分", "预算数数执行"]) is None  # text left over


_STACKED_FORM = [
    "基础数据表",
    "一般支出 12.50 7.25 30.10",
    "附件2",
    "部门整体支出绩效自评表",
    "(2022年度)",
    "部门名称 某县水利局",
    "年初全年预算全年",
    "分值执行率得分",
    "预算数数执行数",
]


def test_a_stacked_header_row_cut_by_the_end_of_the_text_keeps_its_complete_leading_amounts() -> None:
    form = _form("\n".join([*_STACKED_FORM, "年度资金总额903.254410."]))
    (row,) = form.funds
    assert (row.initial_budget, row.budget, row.executed) == (903.25, None, None)
    assert form.cut_off == "end"
    assert "funds_unread" not in [warning.code for warning in form.warnings]
    assert "funds_cut" in form.unread.split()  # its blanks are off the page, not left unfilled


def test_a_cut_run_is_not_read_without_the_decimals_the_document_writes() -> None:
    lines = [line for line in _STACKED_FORM if not line.startswith("一般支出")]
    form = _form("\n".join([*lines, "年度资金总额903.254410."]))
    assert all(row.initial_budget is None and row.budget is None for row in form.funds)
