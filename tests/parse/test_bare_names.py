"""Indicator rows whose numbers are not in the text (names run together), and values written alike run together."""

from __future__ import annotations

from evalaudit.checks import run_checks
from evalaudit.parse.bare_names import bare_rows, cut_names, is_residue, values_absent
from evalaudit.parse.fused_rows import repeated_value_rows
from evalaudit.parse.indicators import LevelState, parse_flow_rows
from evalaudit.parse.lines import Line
from tests.parse.texts import one_form as _form

ROLES = ["level1", "level2", "name", "target", "actual", "weight", "score", "explanation"]
WEIGHT_FIRST = ["level1", "level2", "name", "weight", "target", "actual", "score", "explanation"]


def _lines(*cells: str) -> list[Line]:
    return [Line([cell], cell, number, False) for number, cell in enumerate(cells, start=1)]


# a one-line form whose host site stripped every digit: weights and scores leave '分', units '()'
STRIPPED = (
    "1/1年农村饮水项目绩效目标自评表填报日期:总分:分项目名称某县农村饮水项目主管部门某县水利局"
    "项目实施单位某县供水中心预算执行情况(万元)(分)预算数()执行数()执行率()得分(分*执行率)年度财政资金总额分"
    "一级指标二级指标三级指标年初目标值()实际完成值()得分产出指标数量受益群众人数分(因部分村组搬迁,受益范围调整)"
    "培训管水员人数巡检人员人数成本指标供水站单位造价管网单位造价效益指标(分)社会效益指标水质检测合格率分"
    "供水保证率服务对象满意度指标群众评价指标供水是否稳定可靠是是"
)


def test_names_run_together_are_cut_after_the_ending_they_share() -> None:
    assert cut_names("甲类补助人数分(因报名人数减少,名额随之调整)乙类补助人数丙类补助人数") == [
        ("甲类补助人数", "因报名人数减少,名额随之调整"),
        ("乙类补助人数", ""),
        ("丙类补助人数", ""),
    ]
    assert cut_names("图书馆单位成本档案馆单位成本") == [("图书馆单位成本", ""), ("档案馆单位成本", "")]
    # the '分' a stripped score left between two names is no part of the next name
    assert cut_names("校舍维修完工率分设备采购验收率") == [("校舍维修完工率", ""), ("设备采购验收率", "")]


def test_a_name_is_not_cut_where_its_clause_repeats_the_ending() -> None:
    assert cut_names("学生满意度及家长满意度") == [("学生满意度及家长满意度", "")]
    assert cut_names("项目验收通过情况") == [("项目验收通过情况", "")]
    assert cut_names("覆盖率") is None  # too short for a row name: a fragment


def test_only_a_text_without_digits_is_read_as_bare_names() -> None:
    assert values_absent(_lines("产出指标", "受益群众人数分"))
    assert not values_absent(_lines("产出指标", "受益群众人数100人"))
    assert is_residue("(分)") and is_residue("()") and is_residue("(分*") and not is_residue("分类率")
    assert bare_rows(_lines("数量指标", "受益群众人数98人98人"), ROLES) is None
    assert bare_rows(_lines("数量指标", "受益群众人数", "是"), ROLES) is None  # a value cell: another layout
    assert bare_rows(_lines("数量指标", "受益群众人数培训人员人数"), ["name", "target", "actual"]) is None


def test_a_form_stripped_of_its_digits_keeps_its_rows_and_levels() -> None:
    form = _form(STRIPPED)
    rows = [(row.level1, row.level2, row.name) for row in form.indicators]
    assert rows == [
        ("产出指标", "数量", "受益群众人数"),
        ("产出指标", "数量", "培训管水员人数"),
        ("产出指标", "数量", "巡检人员人数"),
        ("产出指标", "成本指标", "供水站单位造价"),
        ("产出指标", "成本指标", "管网单位造价"),
        ("效益指标", "社会效益指标", "水质检测合格率"),
        ("效益指标", "社会效益指标", "供水保证率"),
        ("服务对象满意度指标", "群众评价指标", "供水是否稳定可靠"),
    ]
    assert form.indicators[0].explanation == "因部分村组搬迁,受益范围调整"
    last = form.indicators[-1]
    assert (last.target.raw, last.actual.raw, last.weight, last.score) == ("是", "是", None, None)
    assert all(row.weight is None and row.score is None for row in form.indicators)
    codes = [warning.code for warning in form.warnings]
    assert codes.count("indicator_values_absent") == 1
    assert "indicators_unread" not in codes and "indicator_text_unplaced" not in codes
    assert "values" in form.unread.split()


def test_missing_numbers_are_said_once_not_row_by_row() -> None:
    checks = {finding.check_id for finding in run_checks([_form(STRIPPED)], with_text=False).findings}
    assert "completeness.parse.indicator_values_absent" in checks
    assert (
        not {
            "completeness.indicator_actual_missing",
            "completeness.indicator_score_missing",
            "completeness.indicator_weight_missing",
            "completeness.scores_blank",
            "completeness.actuals_blank",
            "completeness.budget_missing",
            "completeness.executed_missing",
        }
        & checks
    )


def test_values_written_alike_and_run_together_are_cut_into_the_row() -> None:
    lines = _lines(
        "数量指标", "完成年度检查次数8.58.58.5完成值达到指标值的,给满分;未达的按比例", "分值", "扣减。8.5", "质量指标"
    )
    cut, warnings = repeated_value_rows(lines)
    assert cut[1].nonempty == ["完成年度检查次数", "8.5", "8.5", "8.5", "8.5"]
    assert not cut[2].nonempty and not cut[3].nonempty  # the 得分计算方法 sentence is no cell
    assert [warning.code for warning in warnings] == ["indicator_run_together"]
    assert repeated_value_rows(_lines("覆盖村庄数量6.56.56.56.5"))[0][0].nonempty == [
        "覆盖村庄数量",
        "6.5",
        "6.5",
        "6.5",
        "6.5",
    ]


def test_values_alike_are_not_cut_without_their_score_confirming_them() -> None:
    other_score = _lines("完成年度检查次数8.58.58.5完成值达到指标值的,给满分", "扣减。6")
    assert repeated_value_rows(other_score) == (other_score, [])
    next_group = _lines("完成年度检查次数8.58.58.5完成值达到指标值的,给满分", "质量指标", "验收合格率9")
    assert repeated_value_rows(next_group) == (next_group, [])
    short = _lines("某某编号555")
    assert repeated_value_rows(short) == (short, [])


def test_the_row_the_text_stops_in_may_be_a_short_question() -> None:
    rows = parse_flow_rows(_lines("质量指标", "是否符合规范"), LevelState(), [], WEIGHT_FIRST, text_ends=True)
    assert [(row.level2, row.name) for row in rows] == [("质量指标", "是否符合规范")]
