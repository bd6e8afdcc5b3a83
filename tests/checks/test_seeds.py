"""The real submissions: the arithmetic and execution-rate problems they contain, verified by hand,
and no `error` on any number that is right."""

from __future__ import annotations

import pytest

from evalaudit.pipeline import audit

# (file prefix, form, check_id, location, stated, expected) — each checked against the source by hand.
ERRORS = {
    # 000: 基本支出 399.98 spent of 377.57; cost rows stated 106 %, 104 %, 131 %.
    ("000", 1, "execution_rate.spending_over_budget", "资金表/基本支出/全年执行数", "399.98", "377.57"),
    ("000", 1, "execution_rate.cost_indicator_over_100", "指标/基本支出小计/实际完成值", "106%", ""),
    ("000", 1, "execution_rate.cost_indicator_over_100", "指标/1.人员类项目支出/实际完成值", "104%", ""),
    ("000", 1, "execution_rate.cost_indicator_over_100", "指标/2.运转类公用项目支出/实际完成值", "131%", ""),
    # 001 department: 10 + 20 + 43 + 10 + 10 = 93 points, weights 95; stated 合计 88.
    ("001", 1, "arithmetic.total", "总分", "88", "93"),
    ("001", 1, "arithmetic.weight_total", "分值合计", "", "100"),
    # 001 projects: each total leaves out the 10 points of budget execution (89 → 99, 88 → 98);
    # 党支部 repeats the 时效 row (6 + 6), so its rows add up to 104 points out of 106.
    ("001", 2, "arithmetic.total", "总分", "89", "99"),
    ("001", 3, "arithmetic.total", "总分", "88", "98"),
    ("001", 4, "arithmetic.total", "总分", "88", "104"),
    ("001", 4, "arithmetic.weight_total", "分值合计", "", "100"),  # 106 is no number the form prints
    # 003: no execution score stated; 97.52 % × 10 = 9.752, + 85 = 94.752, not 97.752; weights 87 + 10;
    # 产出指标 is announced as 50 but its rows carry 47.
    ("003", 1, "arithmetic.total", "总分", "97.752", "94.752"),
    ("003", 1, "arithmetic.weight_total", "分值合计", "", "100"),
    ("003", 1, "arithmetic.section_weight", "指标/产出指标/分值", "50", "47"),
    # 004 report: 预算执行 19 分 but its clauses give 5 + 4 + 1; 预算完成率 1 % while 169.92 of 169.92 was spent.
    ("004", 1, "arithmetic.subtotal_score", "指标/预算执行/得分", "19", "10"),
    ("004", 1, "arithmetic.indicator_execution_rate", "指标/预算完成率/实际完成值", "1%", "100%"),
    # the 时效 row typed twice is the cause of 104 and 106 above, so it is an error too
    ("001", 4, "text_copy.row_duplicated", "指标/第14行（未填指标名称）", "及时", ""),
}

WARNINGS = {
    ("000", 1, "consistency.high_score_low_execution"),  # 98.3 % of indicator points at 78.7 % execution
    ("001", 1, "consistency.deduction_unexplained"),  # 政务快速通道免费送达率 5 → 4, no reason
    ("001", 1, "consistency.full_marks_missed_target"),  # 单位获奖情况: 市级以上 → 无, full marks
    ("001", 1, "completeness.executed_missing"),  # the 实际支出数 column is empty
    ("003", 1, "consistency.deduction_unexplained"),  # two 效益 rows 10 → 9 without a reason
    ("003", 1, "completeness.execution_score_missing"),
    ("003", 1, "completeness.indicator_actual_missing"),  # 本单位2023总工作经费 has no actual value
    ("000", 1, "consistency.full_marks_cost_overrun"),  # the 106 %, 104 %, 131 % cost rows kept all their points
    ("001", 1, "consistency.goal_columns_swapped"),  # results under 预期目标, the goals under 实际完成情况
    ("001", 2, "consistency.actual_repeats_target"),  # ≦平均成本 / ≦平均成本, ≧95% / ≧95%, scored
    ("001", 3, "consistency.actual_repeats_target"),
    ("001", 4, "consistency.actual_repeats_target"),
}


@pytest.fixture(scope="module")
def seed_audit(seeds_dir):
    return audit(sorted(seeds_dir.glob("*.txt")))


def test_every_error_in_the_seeds_is_found_and_no_right_number_is_called_an_error(seed_audit):
    errors = {
        (f.source_file[:3], f.form_index, f.check_id, f.location, f.stated, f.expected)
        for f in seed_audit.findings
        if f.severity == "error"
    }
    assert errors == ERRORS


def test_warnings_verified_by_hand_are_found(seed_audit):
    warnings = {(f.source_file[:3], f.form_index, f.check_id) for f in seed_audit.findings if f.severity == "warning"}
    assert WARNINGS <= warnings


def test_right_numbers_stay_quiet(seed_audit):
    """Seed 000's 79 % (592.18 / 752.03 = 78.74 %), 7.9 points and total 96.4 = 7.9 + 88.5 are right."""
    seed_000 = [f for f in seed_audit.findings if f.source_file.startswith("000")]
    locations = {f.location for f in seed_000}
    assert "总分" not in {f.location for f in seed_000 if f.category == "arithmetic"}
    assert "资金表/年度资金总额/执行率" not in locations
    assert "资金表/年度资金总额/得分" not in locations
    assert "consistency.low_execution_unexplained" not in {f.check_id for f in seed_000}  # 未完成原因 is given


def test_the_design_brief_example_message(seed_audit):
    [finding] = [
        f
        for f in seed_audit.findings
        if f.source_file.startswith("001") and f.form_index == 3 and f.check_id == "arithmetic.total"
    ]
    assert finding.message == "总分填报为88，按各项得分合计应为98（含预算执行率得分10分）"
    assert finding.unit == "武威市政府政务服务中心"
    assert finding.year == 2022


TEXT_FINDINGS = {
    ("000", 1, "text_copy.goal_repeats_target", "年度总体目标/实际完成情况"),  # result = goal, word for word
    ("001", 1, "text_irrelevant.explanation", "指标/年办件量/偏差原因分析"),  # a tax bureau's 代征社保费 paragraph
    ("001", 1, "text_irrelevant.explanation", "指标/服务便利化水平/偏差原因分析"),  # 办税环节、办税流程 …
    ("001", 1, "text_template.instruction", "其他需要说明的问题"),  # 请在此处简要说明 … left in
    ("001", 2, "text_template.instruction", "其他需要说明的问题"),
    ("001", 3, "text_template.instruction", "其他需要说明的问题"),
    ("001", 4, "text_template.instruction", "其他需要说明的问题"),
    ("001", 4, "text_copy.row_duplicated", "指标/第14行（未填指标名称）"),  # the 时效 row typed twice
    ("003", 1, "text_template.boilerplate_result", "年度总体目标/实际完成情况"),  # one stock phrase for 11 goals
}


def test_text_problems_verified_by_hand_are_found_and_nothing_else(seed_audit):
    found = {
        (f.source_file[:3], f.form_index, f.check_id, f.location)
        for f in seed_audit.findings
        if f.category.startswith("text_") and f.severity != "info"
    }
    assert found == TEXT_FINDINGS


def test_legitimate_explanations_are_left_alone(seed_audit):
    """Real reasons for real deductions: 热线接通率, 平台支撑能力, 党建创新, 项目未完成原因."""
    text_locations = {f.location for f in seed_audit.findings if f.category.startswith("text_")}
    for location in (
        "指标/指标7: 群众来电咨询接听率/偏差原因分析",
        "指标/指标6: 服务平台支撑能力/偏差原因分析",
        "指标/指标6: 党建工作创新能力/偏差原因分析",
        "指标/2.特定目标类-事业发展支出/偏差原因分析",
    ):
        assert location not in text_locations
