"""Cells a spreadsheet extraction printed out of row order: indicator names before their values, column-major
blocks, fund values of several rows after the header with their labels apart. Small forms written for the test."""

from __future__ import annotations

from evalaudit.parse.column_runs import ZippedRow, column_runs
from evalaudit.parse.form import CANONICAL_INDICATOR_ROLES
from evalaudit.parse.funds import split_by_rates
from evalaudit.parse.lines import Line
from tests.parse.texts import one_form as _form

ROLES = list(CANONICAL_INDICATOR_ROLES)
FUND_ROLES = ["budget", "executed", "weight", "rate", "score"]

# one line, as a sheet exported it: 年初预算 数 and its value above the header, the total's label apart, two
# rows' fund values after the header; names 1, 2, 4 among five targets, then five 'actual 分值 得分' triples;
# from 指标5 on rows in order, except 指标6/7 whose values follow both names
SHEET = (
    "农村饮水工程项目支出绩效自评表.xlsx\n"
    "某县项目支出绩效自评表 (2022年度) 项目名称 农村饮水安全维护 主管部门 某县水利局 年初预算 数 50 项目资金 (万元) "
    "年度资金总额 实施单位 某县供水站 全年预算数 全年执行数 分值 执行率 得分 50 45 10 90% 9 27 — 90% — "
    "其中:当年财政拨款 上年结转资金 其他资金 年度 总体 目标 一级 指标 — 保障饮水 保障饮水 年度 实际 指标值 完成值 "
    "指标1:维修管网 120处 指标2:水质检测 不少于8 次 98% 40人 二级指标 三级指标 指标4:培训管护人员 分值 得分 "
    "118处 5 4.9 9次 5 5 97% 5 4.8 42人 5 5 指标5:巡查水源地 12次 12次 5 5 "
    "指标6:入户水质抽检 户数 指标7:供水保障率 90% 93% 10 10 95% 96% 10 10"
)


def _line(text: str) -> Line:
    return Line(text.split(" "), text, 1, False)


def _rows(pieces) -> list[tuple]:
    return [
        (p.name, p.values["target"], p.values["actual"], p.values["weight"], p.values["score"])
        for p in pieces
        if isinstance(p, ZippedRow)
    ]


def test_a_column_major_block_is_zipped_and_names_take_their_numbered_slots() -> None:
    rows = [(i.name, i.target.raw, i.actual.raw, i.weight, i.score) for i in _form(SHEET).indicators]
    assert rows[:5] == [
        ("指标1:维修管网", "120处", "118处", 5.0, 4.9),
        ("指标2:水质检测", "不少于8次", "9次", 5.0, 5.0),  # the wrapped '不少于8 次' joined
        ("", "98%", "97%", 5.0, 4.8),  # 指标3 was never printed: a row without a name
        ("指标4:培训管护人员", "40人", "42人", 5.0, 5.0),
        ("指标5:巡查水源地", "12次", "12次", 5.0, 5.0),
    ]


def test_names_in_a_row_share_the_values_that_follow_them() -> None:
    rows = [(i.name, i.target.raw, i.actual.raw, i.weight, i.score) for i in _form(SHEET).indicators]
    assert rows[5:] == [
        ("指标6:入户水质抽检户数", "90%", "93%", 10.0, 10.0),  # the name wrapped over a space
        ("指标7:供水保障率", "95%", "96%", 10.0, 10.0),
    ]


def test_a_row_without_a_name_is_said_so() -> None:
    warnings = [w for w in _form(SHEET).warnings if w.code == "indicator_row_incomplete"]
    assert len(warnings) == 1 and "98%" in warnings[0].message


def test_fund_values_of_two_rows_after_the_header_are_cut_at_their_rates() -> None:
    funds = {row.item: row for row in _form(SHEET).funds}
    total, grant = funds["年度资金总额"], funds["本年财政拨款"]
    assert (total.initial_budget, total.budget, total.executed) == (50, 50, 45)  # 年初预算数 printed apart
    assert (total.weight, total.stated_rate, total.stated_score) == (10, 90, 9)
    assert (grant.budget, grant.executed, grant.weight, grant.stated_rate, grant.stated_score) == (
        None,
        27,
        None,
        90,
        None,
    )
    assert funds["上年结转"].executed is None and funds["其他资金"].executed is None


def test_split_by_rates_keeps_to_the_rows_own_arithmetic() -> None:
    assert split_by_rates("50 45 10 90% 9 27 — 90% —".split(), FUND_ROLES) == [
        ["50", "45", "10", "90%", "9"],
        ["", "27", "—", "90%", "—"],
    ]
    assert split_by_rates("50 45 10 90% 8 27 — 90% —".split(), FUND_ROLES) is None  # 8 ≠ 90 % × 10
    assert split_by_rates("50 40 10 90% 9 27 — 90% —".split(), FUND_ROLES) is None  # 40/50 ≠ 90 %
    assert split_by_rates("50 45 10 90% 9 27 —".split(), FUND_ROLES) is None  # cells left over
    assert split_by_rates("50 45 10 90% 9".split(), FUND_ROLES) is None  # one row: read as a row
    assert split_by_rates("50 45 10 90% 9 27 甲 90% —".split(), FUND_ROLES) is None  # a word is no value


def test_rows_in_order_after_their_names_need_a_row_per_name() -> None:
    both = _line("指标7:甲 指标8:乙 10个 10个 3 3 95% 90% 3 2.8")
    assert _rows(column_runs([both], ROLES)) == [
        ("指标7:甲", "10个", "10个", "3", "3"),
        ("指标8:乙", "95%", "90%", "3", "2.8"),
    ]
    short = _line("指标7:甲 指标8:乙 10个 10个 3 3 95% 90% 3")
    assert column_runs([short], ROLES) == [[short]]  # 7 values for two rows: left to the row reader
    over = _line("指标7:甲 指标8:乙 10个 10个 3 3 95% 90% 3 3.5")
    assert column_runs([over], ROLES) == [[over]]  # 得分 above 分值: not rows of this table


def test_a_column_major_block_needs_agreeing_counts_units_and_numbering() -> None:
    zipped = _line("指标1:甲 5个 指标2:乙 8次 二级指标 分值 得分 5个 2 2 7次 3 2.5 指标3:丙 1次 1次 1 1")
    assert _rows(column_runs([zipped], ROLES))[:2] == [
        ("指标1:甲", "5个", "5个", "2", "2"),
        ("指标2:乙", "8次", "7次", "3", "2.5"),
    ]
    units_differ = _line("指标1:甲 5个 指标2:乙 8次 5个 2 2 7% 3 2.5 指标3:丙 1次 1次 1 1")
    assert column_runs([units_differ], ROLES) == [[units_differ]]  # 8次 then 7%: not one row's cells
    # 指标2 missing and no row after the block: which name is which cannot be told
    unnumbered = _line("指标1:甲 5个 8次 9人 5个 2 2 7次 3 2.5 9人 1 1")
    assert column_runs([unnumbered], ROLES) == [[unnumbered]]
    # the next row's number places the names: 指标2 is the one printed, 指标1 is missing
    placed = _line("指标2:乙 5个 8次 5个 2 2 7次 3 2.5 指标3:丙 1次 1次 1 1")
    assert _rows(column_runs([placed], ROLES)) == [("", "5个", "5个", "2", "2"), ("指标2:乙", "8次", "7次", "3", "2.5")]


def test_ordinary_rows_come_back_untouched() -> None:
    lines = [_line("指标1:甲 5个 5个 2 2"), _line("指标2:乙 8次 7次 3 2.5")]
    assert column_runs(lines, ROLES) == [lines]
    weight_first = ["name", "weight", "target", "actual", "score"]
    both = _line("指标7:甲 指标8:乙 10个 10个 3 3 95% 90% 3 2.8")
    assert column_runs([both], weight_first) == [[both]]
