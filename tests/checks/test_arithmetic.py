"""Arithmetic: each check fails on the smallest wrong form and passes on the right one, rounding included."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evalaudit.model import FundRow, Section
from tests.forms import check_ids, consistent_form, findings, indicator, only, with_fund, with_indicator


def with_subtotal(form, score: float, children: list):
    """The first indicator becomes 数量小计 (weight 30) standing for `children`, linked to it."""
    rows = list(form.indicators)
    rows[0] = replace(rows[0], is_subtotal=True, name="数量小计", score=score)
    rows[1:1] = [replace(child, parent=0) for child in children]
    return replace(form, indicators=rows)


def test_the_consistent_form_has_no_findings():
    assert check_ids(consistent_form()) == set()


class TestTotal:
    def test_stated_total_that_is_not_execution_score_plus_indicator_scores_is_an_error(self):
        [finding] = only("arithmetic.total", consistent_form(stated_total=88, conclusion="良"))
        assert finding.severity == "error"
        assert (finding.location, finding.stated, finding.expected) == ("总分", "88", "98.5")
        assert finding.message == "总分填报为88，按各项得分合计应为98.5（含预算执行率得分9.5分）"

    @pytest.mark.parametrize("stated", [98.5, 98.50001])
    def test_exact_total_passes(self, stated):
        assert check_ids(consistent_form(stated_total=stated)) == set()

    def test_total_rounded_to_the_precision_it_shows_passes(self):
        # 9.52 + 89 = 98.52, shown as 98.5: rounding, not an error.
        form = with_fund(
            consistent_form(), 0, stated_score=9.52, stated_rate=95.2, stated_rate_raw="95.2%", executed=190.4
        )
        form = with_fund(form, 1, executed=145.4)
        assert check_ids(form) == set()

    def test_total_one_tenth_off_at_one_decimal_is_an_error(self):
        assert "arithmetic.total" in check_ids(consistent_form(stated_total=98.6))

    def test_missing_execution_score_is_computed_from_the_rate(self):
        form = with_fund(consistent_form(stated_total=95), 0, stated_score=None)
        [total] = [f for f in findings(form) if f.check_id == "arithmetic.total"]
        assert total.expected == "98.5"
        assert "预算执行率得分未填，按执行率计为9.5分" in total.message

    def test_subtotal_rows_count_once(self):
        # A 小计 row of 30 standing for two linked rows of 15: the total still adds up to 98.5.
        children = [indicator("子项一", "≥50个", "50个", 15, 15), indicator("子项二", "≥50个", "50个", 15, 15)]
        assert check_ids(with_subtotal(consistent_form(), 30, children)) == set()


class TestSubtotals:
    def test_subtotal_score_that_is_not_the_sum_of_its_rows_is_an_error(self):
        children = [
            indicator("子项一", "≥50个", "50个", 15, 15),
            indicator("子项二", "≥50个", "40个", 15, 12, explanation="进度滞后"),
        ]
        [finding] = only("arithmetic.subtotal_score", with_subtotal(consistent_form(), 30, children))
        assert (finding.stated, finding.expected) == ("30", "27")
        assert finding.message == "数量小计得分填报为30，按其下各项得分合计应为27（15 + 12）"

    def test_report_subtotal_with_parts_that_add_up_passes(self):
        form = consistent_form()
        rows = [replace(form.indicators[0], is_subtotal=True, name="预算执行", weight=None, score=10)]
        rows += [indicator(f"第{i}项", "", "", None, 5, parent=0) for i in (1, 2)]
        report = replace(form, form_type="report", funds=[], indicators=rows, sections=[], stated_total=10)
        assert "arithmetic.subtotal_score" not in check_ids(report)


class TestWeights:
    def test_weights_that_do_not_sum_to_100_are_an_error(self):
        form = with_indicator(consistent_form(), 0, weight=27, score=27)
        found = {f.check_id: f for f in findings(replace(form, stated_total=95.5))}
        assert found["arithmetic.weight_total"].stated == ""  # the sum is no number the form prints
        assert "97分" in found["arithmetic.weight_total"].message
        assert found["arithmetic.weight_total"].expected == "100"
        assert found["arithmetic.weight_total"].severity == "error"

    def test_stated_group_weight_that_is_not_the_sum_of_its_rows_is_an_error(self):
        form = replace(consistent_form(), sections=[Section("产出指标", 55), Section("效益指标", 30)])
        [finding] = only("arithmetic.section_weight", form)
        assert (finding.location, finding.stated, finding.expected) == ("指标/产出指标/分值", "55", "50")

    def test_a_group_short_of_its_stated_weight_is_the_one_cause_of_the_weight_sum_and_the_total(self):
        """产出指标 says 50 but its rows add up to 47, the weights to 97, and the total is 3 above the scores:
        one row of 3 points is missing (seed 003), reported once, at the group."""
        form = with_indicator(consistent_form(), 1, weight=17, score=16)  # 合格率 20 → 17; the total stays 98.5
        found = findings(form)
        [cause] = [f for f in found if f.for_unit and f.category == "arithmetic"]
        assert (cause.check_id, cause.stated, cause.expected) == ("arithmetic.section_weight", "50", "47")
        followers = {f.check_id: f.caused_by for f in found if f.caused_by}
        assert followers == {
            "arithmetic.weight_total": "arithmetic.section_weight@指标/产出指标/分值",
            "arithmetic.total": "arithmetic.section_weight@指标/产出指标/分值",
        }

    def test_a_total_off_by_another_amount_than_the_group_stands_on_its_own(self):
        form = with_indicator(consistent_form(stated_total=97.5), 1, weight=17, score=16)  # 2 above, not 3
        found = {f.check_id: f for f in findings(form)}
        assert found["arithmetic.total"].for_unit and found["arithmetic.total"].caused_by == ""
        assert found["arithmetic.weight_total"].caused_by.startswith("arithmetic.section_weight@")

    def test_stated_group_score_that_is_not_the_sum_of_its_rows_is_an_error(self):
        form = replace(
            consistent_form(), sections=[Section("产出指标", 50, score=50), Section("效益指标", 30, score=30)]
        )
        [finding] = only("arithmetic.section_score", form)
        assert (finding.location, finding.stated, finding.expected) == ("指标/产出指标/得分", "50", "49")

    def test_subtotal_weight_that_is_not_the_sum_of_its_rows_is_an_error(self):
        children = [indicator("子项一", "≥50个", "50个", 15, 15), indicator("子项二", "≥50个", "50个", 10, 10)]
        [finding] = only(
            "arithmetic.subtotal_weight", replace(with_subtotal(consistent_form(), 25, children), stated_total=93.5)
        )
        assert (finding.stated, finding.expected) == ("30", "25")

    def test_group_names_match_by_dimension(self):
        # 满意度指标(10分) covers rows whose level-1 label is 服务对象满意度指标.
        form = replace(consistent_form(), sections=[Section("满意度指标", 10)])
        form = with_indicator(form, 3, level1="服务对象满意度指标")
        assert check_ids(form) == set()


class TestScores:
    def test_score_above_its_weight_is_an_error(self):
        form = with_indicator(consistent_form(stated_total=99.5), 1, score=21)
        assert "arithmetic.score_over_weight" in check_ids(form)

    def test_negative_score_is_an_error(self):
        form = with_indicator(consistent_form(stated_total=79.5), 1, score=-1)
        assert "arithmetic.negative_score" in check_ids(form)

    def test_execution_score_above_its_weight_is_an_error(self):
        form = with_fund(consistent_form(stated_total=100), 0, stated_score=11)
        assert {"arithmetic.score_over_weight", "arithmetic.execution_score"} <= check_ids(form)

    def test_execution_score_that_is_not_rate_times_weight_is_an_error(self):
        # 190 of 200 is 95 %: 9.5 points, not 8.
        form = with_fund(consistent_form(stated_total=97), 0, stated_score=8)
        [finding] = only("arithmetic.execution_score", form)
        assert (finding.stated, finding.expected) == ("8", "9.5")
        assert finding.message == "预算执行率得分填报为8，按执行率（最高100%）×分值10应为9.50分"

    def test_an_execution_weight_of_the_whole_forms_full_marks_is_the_error_not_its_score(self):
        """分值 100 beside 95 % and 得分 9.5 (corpus 22_jiangxi): the weight is the slip; 9.5 ÷ 95 % gives 10."""
        found = findings(with_fund(consistent_form(), 0, weight=100))
        [cause] = [f for f in found if f.for_unit and f.category == "arithmetic" and f.cell.startswith("funds/")]
        assert (cause.check_id, cause.location) == (
            "arithmetic.execution_weight_full_marks",
            "资金表/年度资金总额/分值",
        )
        assert (cause.stated, cause.expected) == ("100", "10")
        score = next(f for f in found if f.check_id == "arithmetic.execution_score")
        assert score.caused_by == f"{cause.check_id}@{cause.location}"

    def test_an_execution_weight_below_full_marks_passes(self):
        form = with_fund(consistent_form(stated_total=108.5), 0, weight=20, stated_score=19)  # 20 points, 95 %
        assert "arithmetic.execution_weight_full_marks" not in check_ids(form)

    def test_execution_score_rounded_to_whole_points_passes(self):
        # 9.5 shown as 10 at whole-point precision is rounding.
        assert check_ids(with_fund(consistent_form(stated_total=99), 0, stated_score=10)) == set()

    def test_execution_score_from_the_displayed_rate_passes(self):
        # 592.18 / 752.03 = 78.74 %, displayed as 79 %; 0.79 × 10 = 7.9.
        form = with_fund(
            consistent_form(stated_total=96.9),
            0,
            budget=752.03,
            executed=592.18,
            initial_budget=752.03,
            stated_rate=79,
            stated_rate_raw="79%",
            stated_score=7.9,
        )
        form = replace(form, funds=form.funds[:1])
        form = with_indicator(form, 1, explanation="资金拨付滞后，部分采购未完成")
        assert "arithmetic.execution_score" not in check_ids(form)
        assert "arithmetic.execution_rate" not in check_ids(form)

    def test_score_far_from_the_forms_own_rule_is_a_warning(self):
        # 80 of ≥100 for 30 points: the rule gives 24, the form says 29.
        form = with_indicator(consistent_form(stated_total=97.5), 0, actual="80个", score=29, explanation="进度滞后")
        [finding] = only("arithmetic.score_rule", form)
        assert finding.severity == "warning"
        assert finding.expected == "24"

    @pytest.mark.parametrize("score", [24, 23.9, 24.1])
    def test_score_rounded_or_cut_off_from_the_rule_passes(self, score):
        # 79.9 of ≥100 for 30 points: 23.97; 24 (rounded) and 23.9 (cut off) both pass, at one decimal.
        form = with_indicator(consistent_form(), 0, actual="79.9个", score=score, explanation="进度滞后")
        form = replace(form, stated_total=round(98.5 - 30 + score, 4))
        expected = set() if score != 24.1 else {"arithmetic.score_rule"}
        assert check_ids(form) == expected

    def test_negative_indicator_rule_is_target_over_actual(self):
        # ≤10天 done in 12天 for 20 points: 10/12 × 20 = 16.67.
        form = with_indicator(consistent_form(), 1, target="≤10天", actual="12天", score=20, explanation="无偏差")
        form = replace(form, stated_total=99.5)
        found = {f.check_id: f for f in findings(form)}
        # (the message keeps 16.67; `expected` is written to the form's one decimal)
        assert found["arithmetic.score_rule"].expected == "16.7"
        assert "consistency.full_marks_missed_target" in found

    def test_units_in_ten_thousands_compare_with_plain_numbers(self):
        # ≥80000 件 against 69.76万件 (697,600): met, full marks are right.
        form = with_indicator(consistent_form(), 0, target="≥80000", actual="69.76万件")
        assert check_ids(form) == set()


class TestFunds:
    def test_stated_rate_that_is_not_executed_over_budget_is_an_error(self):
        [finding] = only(
            "arithmetic.execution_rate", with_fund(consistent_form(), 0, stated_rate=97, stated_rate_raw="97%")
        )
        assert (finding.location, finding.stated, finding.expected) == ("资金表/年度资金总额/执行率", "97%", "95%")
        assert finding.message == "年度资金总额执行率填报为97%，按全年执行数190÷全年预算数200应为95.00%"

    @pytest.mark.parametrize(("raw", "value"), [("79%", 79), ("78.7%", 78.7), ("78.74%", 78.74)])
    def test_rate_rounded_to_its_displayed_precision_passes(self, raw, value):
        form = with_fund(consistent_form(), 0, budget=752.03, executed=592.18, stated_rate=value, stated_rate_raw=raw)
        assert "arithmetic.execution_rate" not in check_ids(form)

    def test_rate_wrong_in_its_last_displayed_decimal_is_an_error(self):
        form = with_fund(
            consistent_form(), 0, budget=752.03, executed=592.18, stated_rate=78.76, stated_rate_raw="78.76%"
        )
        assert "arithmetic.execution_rate" in check_ids(form)

    @pytest.mark.parametrize("column", ["initial_budget", "budget", "executed"])
    def test_parts_that_do_not_add_up_to_the_total_row_are_an_error(self, column):
        form = with_fund(consistent_form(), 2, **{column: 40})
        found = [f for f in findings(form) if f.check_id == "arithmetic.fund_parts"]
        assert [f.location.split("/")[-1] for f in found] == [
            {"initial_budget": "年初预算数", "budget": "全年预算数", "executed": "全年执行数"}[column]
        ]
        assert found[0].severity == "error"
        assert "其中：当年财政拨款" in found[0].message

    def test_parts_rounded_to_cents_pass(self):
        form = with_fund(consistent_form(), 1, budget=149.995, initial_budget=149.995)
        form = with_fund(form, 2, budget=50.004, initial_budget=50.004)
        assert "arithmetic.fund_parts" not in check_ids(form)

    def test_a_lone_of_which_row_is_not_a_breakdown(self):
        # 其中：财政拨款 18 of 20: the rest comes from elsewhere; nothing to add up.
        form = replace(consistent_form(), funds=consistent_form().funds[:2])
        form = with_fund(form, 1, budget=180, initial_budget=180, executed=170)
        assert "arithmetic.fund_parts" not in check_ids(form)

    def test_department_breakdown_by_use(self):
        form = consistent_form(form_type="department", project_name="")
        funds = [
            form.funds[0],
            FundRow("基本支出", "基本支出", 120, 120, 118),
            FundRow("项目支出", "项目支出", 80, 80, 70),
        ]
        found = [f for f in findings(replace(form, funds=funds)) if f.check_id == "arithmetic.fund_parts"]
        assert [(f.location, f.stated, f.expected) for f in found] == [("资金表/年度资金总额/全年执行数", "190", "188")]

    def test_indicator_restating_the_execution_rate_must_agree_with_the_funds_table(self):
        form = with_indicator(consistent_form(), 3, name="预算完成率", target="100%", actual="1%", weight=10, score=10)
        found = {f.check_id: f for f in findings(form)}
        assert found["arithmetic.indicator_execution_rate"].expected == "95%"
        assert found["arithmetic.indicator_execution_rate"].severity == "error"
        right = with_indicator(consistent_form(), 3, name="预算完成率", target="≥90%", actual="95%")
        assert "arithmetic.indicator_execution_rate" not in check_ids(right)
