"""Rows of a real table (Word, Excel: Block.grid) are read by the column each cell stands in.

A unit leaves a cell blank where the form states nothing; in a table the blank keeps its place, so the cell
after it is not taken for the blank one, as aligning by content alone would do.
"""

from __future__ import annotations

from evalaudit.ingest.blocks import Block, SourceDocument, numbered
from evalaudit.model import Evaluation
from evalaudit.parse import parse_document

FUNDS_HEADER = ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
INDICATOR_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析"]


def _form(*rows: list[str], grid: bool = True) -> Evaluation:
    blocks = [Block("text", ["2023年度项目支出绩效自评表"], "2023年度项目支出绩效自评表")]
    blocks += [Block("row", row, " | ".join(row), grid=grid) for row in (["项目名称", "道路养护", *[""] * 6], *rows)]
    document = SourceDocument("t.docx", "0" * 64, "binary", "", numbered(blocks))
    (evaluation,) = parse_document(document).evaluations
    return evaluation


def test_a_fund_row_with_blank_scoring_cells_keeps_its_amounts_in_their_columns() -> None:
    form = _form(
        FUNDS_HEADER,
        ["", "年度资金总额", "100", "100", "95", "10", "95%", "9.5"],
        ["", "其中：财政拨款", "60", "60", "59.8", "", "", ""],
        ["", "其他资金", "40", "40", "", "", "", ""],
    )
    amounts = [(row.initial_budget, row.budget, row.executed, row.weight, row.stated_score) for row in form.funds]
    assert amounts == [(100, 100, 95, 10, 9.5), (60, 60, 59.8, None, None), (40, 40, None, None, None)]
    # a blank between values is stated blank; the columns after a row's last value are what it lacks
    assert [w.location for w in form.warnings if w.code == "fund_row_misaligned"] == ["资金表/其他资金"]


def test_a_fund_row_shifted_against_its_header_is_aligned_by_content() -> None:
    # the label's merged cell missing: every value stands a column to the left of its own
    form = _form(FUNDS_HEADER, ["年度资金总额", "100", "100", "95", "10", "95%", "9.5"])
    (row,) = form.funds
    assert (row.initial_budget, row.budget, row.executed, row.weight, row.stated_rate) == (100, 100, 95, 10, 95)


def test_an_indicator_row_with_blank_values_keeps_its_name_and_points_in_their_columns() -> None:
    form = _form(
        INDICATOR_HEADER,
        ["投入", "项目立项", "立项规范性", "", "", "", "2", ""],
        ["", "", "资金到位率", "", "100%", "3", "", ""],
        ["预算执行率", "", "预算执行率", "", "", "", "", ""],
        ["总分", "", "", "", "", "100", "", ""],
    )
    rows = [(i.level1, i.level2, i.name, i.actual.raw, i.weight, i.score) for i in form.indicators]
    assert rows == [
        ("投入", "项目立项", "立项规范性", "", None, 2),
        ("投入", "项目立项", "资金到位率", "100%", 3, None),
        ("预算执行率", "", "预算执行率", "", None, None),  # the cell in the 一级指标 column is the level
    ]
    assert (form.stated_total_weight, form.stated_total) == (100, None)  # 总分 states the weights' total only


def test_the_total_row_of_a_table_without_scores_is_read_in_the_score_column() -> None:
    form = _form(
        INDICATOR_HEADER,
        ["效益指标", "", "阅读率", "", "80%", "", "", ""],
        ["总分", "", "", "", "", "", "100", ""],
    )
    assert (form.stated_total_weight, form.stated_total) == (None, 100)
