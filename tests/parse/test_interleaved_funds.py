"""A PDF's funds table by source of money, its two-line header and its one row interleaved with the cells
around it; header labels cut at a space and values printed after their labels. Small forms written for the test."""

from __future__ import annotations

from evalaudit.parse.interleaved_funds import column_kind, confirmed_total, tokenize, wrapped_header
from evalaudit.parse.lines import Line
from tests.parse.texts import one_form

HEAD = "中央 省级 县级 其他 合计 执行数 执行 (万元) (万元) (万元) (万元) (万元) (万元) 率"
COLUMNS = ["中央(万元)", "省级(万元)", "县级(万元)", "其他(万元)", "合计(万元)", "执行数(万元)", "执行率"]


VALUES = "80 40 来源 单位领导审签: 农田灌溉渠道维修项目 项目属性 项目资金 日 120 96 80 %"


def _form(head: str = HEAD, values: str = VALUES, pair: str = "某县水利局 某县水利局"):
    text = (
        "某县农田灌溉项目自评表.pdf\n"
        "某县财政预算支出项目绩效目标自评表 填报日期:2023 年 3 月 5 项目名称 项目主管单 位 自评总分: 90 "
        f"项目实施单位 {pair} 项目负责人 李四 1、常年性 2、延续性□ {head} {values} "
        "1.维修渠道 20 公里; 2. 项目权重 评价内容 分值 自评分 项目决策 5 分 决策依据 5 5 复核分 评价标准及依据 "
        "有计划得 5 分。 项目管理 10 分 资金管理 10 8 按规定使用得 10 分。"
    )
    return one_form(text)


def _tokens(text: str) -> list[str]:
    return tokenize([Line(text.split(" "), text, 1, False)])


def test_the_total_of_an_interleaved_source_table_is_placed_by_its_sums() -> None:
    evaluation = _form()
    (row,) = evaluation.funds
    assert (row.label, row.item, row.budget, row.executed, row.stated_rate) == ("合计", "年度资金总额", 120, 96, 80)
    assert row.initial_budget is None and row.weight is None
    codes = [warning.code for warning in evaluation.warnings]
    assert "fund_row_interleaved" in codes and "funds_unread" not in codes


def test_the_second_header_line_is_zipped_onto_the_first() -> None:
    tokens = _tokens(HEAD + " 80 40")
    columns, end = wrapped_header(tokens, 0)  # type: ignore[misc]
    assert columns == COLUMNS and tokens[end] == "80"
    assert [column_kind(c) for c in columns] == ["source"] * 4 + ["total", "executed", "rate"]
    assert _tokens("120 96 80 %")[-1] == "80%"


def test_a_header_with_an_unknown_column_is_not_read() -> None:
    assert wrapped_header(_tokens("中央 年初预算 合计 执行数 执行 (万元) (万元) (万元) (万元) 率"), 0) is None
    assert wrapped_header(_tokens("中央 本级 合计 执行数 (万元) (万元) (万元) (万元)"), 0) is None  # no rate


def test_amounts_the_arithmetic_does_not_place_are_not_read() -> None:
    assert confirmed_total(COLUMNS, _tokens("70 40 120 96 80%")) is None  # the sources do not make the total
    assert confirmed_total(COLUMNS, _tokens("80 40 120 90 80%")) is None  # B/A is not the rate
    assert confirmed_total(COLUMNS, _tokens("80 2023 40 120 96 80%")) is None  # a stray number between
    assert confirmed_total(COLUMNS, _tokens("120 96")) is None  # no rate
    row = confirmed_total(COLUMNS, _tokens("50 来源 50 50 100%"))  # one source holds it, which one is unknown
    assert row is not None and (row.budget, row.executed, row.stated_rate) == (50, 50, 100)


def test_a_form_whose_fund_values_do_not_add_up_has_no_fund_row() -> None:
    evaluation = _form(values="80 30 来源 日 120 96 80 %")
    assert evaluation.funds == []
    assert "funds_unread" in [warning.code for warning in evaluation.warnings]


def test_a_label_cut_at_a_space_and_values_printed_after_their_labels() -> None:
    evaluation = _form()
    assert evaluation.unit == "某县水利局"
    assert evaluation.supervising_department == "某县水利局"  # the unit's value printed twice
    assert evaluation.project_name == "农田灌溉渠道维修项目"  # the one project-shaped cell of the head
    assert "project_name_apart" in [warning.code for warning in evaluation.warnings]


def test_two_project_shaped_cells_leave_the_project_name_blank() -> None:
    values = "80 40 来源 农田灌溉渠道维修项目 河道清淤疏浚工程 日 120 96 80 %"
    assert _form(values=values).project_name not in {"农田灌溉渠道维修项目", "河道清淤疏浚工程"}


def test_two_different_values_after_the_unit_label_leave_the_supervising_department_blank() -> None:
    evaluation = _form(pair="某县水利局 某县农业农村局")
    assert evaluation.unit == "某县水利局" and evaluation.supervising_department == ""
