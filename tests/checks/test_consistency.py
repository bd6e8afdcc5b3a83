"""Consistency: grade vs score band, full marks for a missed target, unexplained deductions, low execution."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evalaudit.model import Indicator
from tests.forms import check_ids, consistent_form, findings, indicator, only, with_fund, with_indicator


class TestGrade:
    @pytest.mark.parametrize(
        ("total", "conclusion"), [(98.5, "优"), (98.5, "优秀"), (85, "良"), (85, "良好"), (70, "中"), (50, "差")]
    )
    def test_grade_in_its_band_passes(self, total, conclusion):
        assert "consistency.grade_band" not in check_ids(consistent_form(stated_total=total, conclusion=conclusion))

    def test_grade_outside_its_band_is_a_warning(self):
        form = consistent_form(stated_total=85, conclusion="优")
        [finding] = [f for f in findings(form) if f.check_id == "consistency.grade_band"]
        assert (finding.stated, finding.expected, finding.severity) == ("优", "良", "warning")

    def test_bands_the_form_states_itself_win(self):
        raw = "评价等级：85分（含）以上为优，70-85分为良，60-70分为中，60分以下为差。"
        assert "consistency.grade_band" not in check_ids(
            consistent_form(stated_total=86, conclusion="优", raw_text=raw)
        )
        assert "consistency.grade_band" in check_ids(consistent_form(stated_total=84, conclusion="优", raw_text=raw))

    def test_boundary_90_is_excellent(self):
        assert "consistency.grade_band" not in check_ids(consistent_form(stated_total=90, conclusion="优"))


class TestFullMarks:
    def test_full_marks_for_a_missed_quantitative_target_is_a_warning(self):
        form = with_indicator(consistent_form(), 3, actual="89.9%")  # ≥90% missed, 10 of 10 kept
        found = {f.check_id: f for f in findings(form)}
        assert found["consistency.full_marks_missed_target"].location == "指标/满意度/得分"
        assert found["consistency.full_marks_missed_target"].severity == "warning"
        # the cell is the score: what it says and what the form's rule gives (89.9 / 90 × 10), not the actual
        assert (
            found["consistency.full_marks_missed_target"].stated,
            found["consistency.full_marks_missed_target"].expected,
        ) == ("10", "9.99")  # 9.989: to the form's one decimal it would read "10, 应为 10"

    def test_full_marks_for_a_target_met_exactly_passes(self):
        assert check_ids(with_indicator(consistent_form(), 3, actual="90%")) == set()

    @pytest.mark.parametrize(
        ("target", "actual"), [("市级以上", "无"), ("按期完成", "未完成"), ("优", "良好"), ("提升", "有待提升")]
    )
    def test_full_marks_for_a_target_the_words_say_was_missed_is_a_warning(self, target, actual):
        form = with_indicator(consistent_form(), 2, target=target, actual=actual)
        assert only("consistency.full_marks_missed_target", form)

    @pytest.mark.parametrize(("target", "actual"), [("无", "无"), ("优", "优秀"), ("良", "优"), ("及时", "及时")])
    def test_words_that_meet_the_target_pass(self, target, actual):
        assert check_ids(with_indicator(consistent_form(), 2, target=target, actual=actual)) == set()


class TestDeductions:
    def test_deduction_without_any_explanation_is_a_warning(self):
        [finding] = only("consistency.deduction_unexplained", with_indicator(consistent_form(), 1, explanation=""))
        assert finding.location == "指标/合格率/偏差原因分析"
        assert finding.message == "合格率扣1分（分值20，得分19），但未填写偏差原因"
        assert (finding.stated, finding.expected) == ("", "")  # the explanation is empty; the points are in words

    def test_points_taken_off_a_met_target_are_the_score_rules_not_a_missing_explanation(self):
        """4 of 10 points for a target met (≥90% / 93%): the score is wrong, not the explanation missing."""
        form = with_indicator(consistent_form(stated_total=92.5), 3, score=4, explanation="")
        found = findings(form)
        [rule] = [f for f in found if f.check_id == "arithmetic.score_rule"]
        [unexplained] = [f for f in found if f.check_id == "consistency.deduction_unexplained"]
        assert (rule.stated, rule.expected, rule.for_unit) == ("4", "10", True)
        assert unexplained.caused_by == f"arithmetic.score_rule@{rule.location}" and not unexplained.for_unit
        assert "指标/满意度/偏差原因分析" in rule.message

    def test_points_taken_off_a_missed_target_still_need_their_reason(self):
        """89 % of ≥90 %: the rule gives 9.9 of 10, so a deduction to 8 is the rule's and its reason is missing."""
        form = with_indicator(consistent_form(stated_total=96.5), 3, actual="89%", score=8, explanation="")
        [unexplained] = [f for f in findings(form) if f.check_id == "consistency.deduction_unexplained"]
        assert unexplained.for_unit and unexplained.caused_by == ""

    def test_a_scoring_table_with_no_explanation_column_is_not_asked_for_reasons(self):
        """分值 / 评分标准 / 得分 and no 偏差原因: 0 of 2 is read against its criteria. Once a row of such a table
        explains itself the column is there, and a deduction left blank is unexplained; a table of targets always
        has the column."""

        def scoring_row(name: str, weight: float, score: float, explanation: str = "") -> Indicator:
            criteria = f"{name}符合要求的，得{weight:g}分；否则不得分"
            return indicator(name, "", "", weight, score, explanation=explanation, criteria=criteria)

        rows = [scoring_row("民主议事", 2, 2), scoring_row("资金整合", 2, 0)]
        no_column = replace(consistent_form(1), indicators=rows)
        column = replace(consistent_form(2), indicators=[scoring_row("民主议事", 2, 2, "记录齐全"), rows[1]])
        targets = consistent_form(3)
        targets = replace(targets, indicators=[replace(row, explanation="") for row in targets.indicators])
        asked = [
            f.evaluation_id
            for f in findings(no_column, column, targets)
            if f.check_id == "consistency.deduction_unexplained"
        ]
        assert asked == [column.evaluation_id, targets.evaluation_id]

    @pytest.mark.parametrize("explanation", ["无偏差", "無偏差。", "无", "暂无"])
    def test_deduction_explained_as_no_deviation_is_a_warning(self, explanation):
        [finding] = only(
            "consistency.deduction_explained_as_none", with_indicator(consistent_form(), 1, explanation=explanation)
        )
        assert finding.stated == explanation

    def test_full_marks_with_no_deviation_passes(self):
        assert check_ids(with_indicator(consistent_form(), 0, explanation="无偏差")) == set()


class TestExecution:
    def low_execution(self, explanation: str):
        # 150 of 200 spent (75 %), scores kept low enough not to look padded.
        form = with_fund(consistent_form(), 0, executed=150, stated_rate=75, stated_rate_raw="75%", stated_score=7.5)
        form = with_fund(form, 1, executed=110)
        form = with_fund(form, 2, executed=40)
        form = with_indicator(form, 0, actual="70个", score=21, explanation=explanation)
        form = with_indicator(form, 2, actual="基本提升", score=21, explanation="部分成效尚未显现")
        return replace(form, stated_total=78.5, conclusion="中")

    def test_execution_below_90_with_a_reason_passes(self):
        assert check_ids(self.low_execution("项目资金拨付滞后，采购延期至次年")) == set()

    def test_execution_below_90_without_a_reason_is_a_warning(self):
        [finding] = only("consistency.low_execution_unexplained", self.low_execution("工作量减少"))
        assert finding.stated == "75%"  # as the form prints it (the rate found is in the message)

    def test_high_score_with_low_execution_is_a_warning(self):
        form = with_fund(
            consistent_form(stated_total=97), 0, executed=160, stated_rate=80, stated_rate_raw="80%", stated_score=8
        )
        form = with_fund(form, 1, executed=120)
        form = with_fund(form, 2, executed=40)
        form = with_indicator(form, 1, explanation="资金未执行完毕，部分批次返工")
        [finding] = only("consistency.high_score_low_execution", form)
        assert finding.message.startswith("指标得分率为98.9%，比预算执行率80.0%高出18.9个百分点")

    def test_score_ratio_within_five_points_of_execution_passes(self):
        assert check_ids(consistent_form()) == set()  # 98.9 % of points, 95 % spent
