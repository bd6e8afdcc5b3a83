"""Problems a reviewer sees at once and the earlier checks missed (issue 16, item 6): a target written again as
the actual, a stock phrase as the result of a long goal, the two goal columns swapped, a unit reusing its own
goal between its forms, and full marks on an overspent cost row. Each: a form that fails, one that passes, and
the real seed where the problem is."""

from __future__ import annotations

import pytest

from evalaudit.checks.suites import load_suites
from evalaudit.model import Goal
from evalaudit.pipeline import audit
from evalaudit.text.normalize import jaccard, normalize
from tests.forms import check_ids, consistent_form, findings, only, with_indicator

NEW_CHECKS = (
    "consistency.actual_repeats_target",
    "text_template.boilerplate_result",
    "consistency.goal_columns_swapped",
    "consistency.full_marks_cost_overrun",
)
# a goal of several parts, in words of our own
LONG_GOAL = "一是完成全县二十所中小学校舍维修；二是组织全体教师参加业务培训；三是更新实验室教学设备，改善办学条件。"


@pytest.fixture(scope="module")
def seeds(seeds_dir):
    return audit(sorted(seeds_dir.glob("*.txt"))).findings


def at(found, check_id: str) -> set[tuple[str, int | None, str]]:
    return {(f.source_file[:3], f.form_index, f.location) for f in found if f.check_id == check_id}


def test_the_consistent_form_raises_nothing():
    assert check_ids(consistent_form()) == set()


def test_every_new_check_is_for_the_unit():
    metas = [e["meta"] for suite in load_suites().values() for e in suite["expectations"]]
    new = [meta for meta in metas if meta["check_id"] in NEW_CHECKS]
    assert {meta["check_id"] for meta in new} == set(NEW_CHECKS)
    assert {meta["audience"] for meta in new} == {"unit"}
    assert {meta["severity"] for meta in new} == {"warning"}


class TestActualRepeatsTarget:
    @pytest.mark.parametrize("bound", ["≥90%", "≧90%", "不低于90%", "90%以上"])
    def test_a_bound_written_again_as_the_actual_on_a_scored_row(self, bound):
        form = with_indicator(consistent_form(), 3, target=bound, actual=bound)
        [finding] = only("consistency.actual_repeats_target", form)
        assert finding.location == "指标/满意度/实际完成值"
        assert (finding.stated, finding.expected) == (bound, "")  # what the actual should be, only the unit knows

    def test_a_cost_bound_in_words(self):
        form = with_indicator(
            consistent_form(),
            0,
            level2="成本指标",
            name="和社会成本相比较",
            target="≤平均成本",
            actual="≤平均成本",
        )
        [finding] = only("consistency.actual_repeats_target", form)
        assert "照抄年度指标值" in finding.message

    def test_a_value_met_exactly_passes(self):
        form = with_indicator(consistent_form(), 3, target="93%", actual="93%")
        assert check_ids(form) == set()

    def test_a_result_beside_a_bound_passes(self):
        assert "consistency.actual_repeats_target" not in check_ids(consistent_form())  # ≥90% / 93%

    def test_the_seed_that_copies_its_targets(self, seeds):
        found = at(seeds, "consistency.actual_repeats_target")
        assert ("001", 2, "指标/指标1: 和社会成本相比较/实际完成值") in found  # ≦平均成本 / ≦平均成本
        assert ("001", 3, "指标/指标1: 政务服务水平/实际完成值") in found  # ≥95% / ≥95%
        assert {form for _, form, _ in found} == {2, 3, 4}
        assert len(found) == 11  # four rows on forms 2 and 3, three on form 4


class TestBoilerplateResult:
    @pytest.mark.parametrize("result", ["按时保质完成预期目标", "年度目标基本完成。", "已全部完成"])
    def test_a_stock_phrase_against_a_goal_of_several_parts(self, result):
        [finding] = only("text_template.boilerplate_result", consistent_form(goals=[Goal(LONG_GOAL, result)]))
        assert finding.location == "年度总体目标/实际完成情况"
        assert finding.stated == result

    def test_a_result_with_its_numbers_passes(self):
        result = "完成校舍维修20所，培训教师1260人次，更新实验室设备8套。"
        assert check_ids(consistent_form(goals=[Goal(LONG_GOAL, result)])) == set()

    def test_a_short_goal_may_be_answered_shortly(self):
        assert check_ids(consistent_form(goals=[Goal("完成示例任务。", "已完成")])) == set()

    def test_the_seed_with_one_line_for_eleven_goals(self, seeds):
        assert at(seeds, "text_template.boilerplate_result") == {("003", 1, "年度总体目标/实际完成情况")}


class TestGoalColumnsSwapped:
    DONE = "目标1完成情况：已完成校舍维修20所；目标2完成情况：完成了教师培训1260人次，累计更新设备8套。"
    PLANNED = "目标1：计划维修校舍20所；目标2：力争培训教师1200人次，确保更新设备8套。"

    def test_results_under_the_goal_and_plans_under_the_result(self):
        [finding] = only("consistency.goal_columns_swapped", consistent_form(goals=[Goal(self.DONE, self.PLANNED)]))
        assert finding.location == "年度总体目标"
        assert "两栏疑似填反" in finding.message

    def test_the_right_way_round_passes(self):
        assert check_ids(consistent_form(goals=[Goal(self.PLANNED, self.DONE)])) == set()

    def test_one_column_alone_pointing_the_wrong_way_passes(self):
        """A goal that says what was done before the year, beside a result that reports: not swapped."""
        assert "consistency.goal_columns_swapped" not in check_ids(consistent_form(goals=[Goal(self.DONE, self.DONE)]))

    def test_the_seed_department_form_with_its_columns_swapped(self, seeds):
        assert at(seeds, "consistency.goal_columns_swapped") == {("001", 1, "年度总体目标")}


class TestSameUnitOtherForm:
    GOAL = (
        "推行一窗受理集成服务改革，便民服务热线实行二十四小时人工接听，规范事项名称类型依据编码，拓展政务服务移动应用。"
    )
    EDITED = (
        "推行一窗受理集成服务改革，便民热线实行二十四小时人工接听，规范事项名称类型依据编码，拓展政务服务移动端应用。"
    )

    def test_the_unit_reusing_its_goal_with_small_edits_is_reported(self):
        assert 0.7 < jaccard(normalize(self.GOAL), normalize(self.EDITED)) < 0.9  # below the old 0.9 line
        department = consistent_form(1, form_type="department", project_name="", goals=[Goal(self.GOAL, "")])
        project = consistent_form(2, goals=[Goal(self.EDITED, "")])
        same = [f for f in findings(department, project) if f.check_id == "text_copy.same_unit_other_form"]
        assert {(f.form_index, f.location, f.severity) for f in same} == {
            (1, "年度总体目标/预期目标", "info"),
            (2, "年度总体目标/预期目标", "info"),
        }

    def test_the_seed_units_department_and_project_forms(self, seeds):
        found = at(seeds, "text_copy.same_unit_other_form")
        # the department's 预期目标 is the project's 实际完成情况 (Jaccard 0.85), its 实际完成情况 the
        # project's 预期目标 reworded (0.71): the same texts, in columns swapped on the department form
        assert found == {
            ("001", 1, "年度总体目标/预期目标"),
            ("001", 1, "年度总体目标/实际完成情况"),
            ("001", 2, "年度总体目标/预期目标"),
            ("001", 2, "年度总体目标/实际完成情况"),
        }


class TestFullMarksCostOverrun:
    def overspent(self, form=None, **changes):
        row = {"level2": "成本指标", "name": "运转类公用支出", "target": "27.6", "actual": "131%"} | changes
        return with_indicator(consistent_form(**(form or {})), 0, **row)

    def test_full_marks_on_a_cost_row_over_100_percent(self):
        found = [f for f in findings(self.overspent()) if f.severity != "info"]
        assert {(f.check_id, f.location, f.severity) for f in found} == {
            ("execution_rate.cost_indicator_over_100", "指标/运转类公用支出/实际完成值", "error"),
            ("consistency.full_marks_cost_overrun", "指标/运转类公用支出/得分", "warning"),
        }
        [warning] = [f for f in found if f.check_id == "consistency.full_marks_cost_overrun"]
        assert "应扣减得分" in warning.message and "131%" in warning.message
        assert (warning.stated, warning.expected) == (
            "30",
            "",
        )  # not "30, 应为 30": how much to take off is a judgement

    def test_points_taken_off_pass(self):
        form = self.overspent(score=25, explanation="公用支出超出预算，已按超支比例扣分", form={"stated_total": 93.5})
        assert check_ids(form) == {"execution_rate.cost_indicator_over_100"}

    def test_a_cost_row_within_budget_passes(self):
        assert check_ids(self.overspent(actual="98%")) == set()

    def test_the_seed_agrees_with_the_overspend_check(self, seeds):
        """Seed 000: 106 %, 104 %, 131 %, every row with all its points; the same rows as the overspend."""
        scores = {location.rsplit("/", 1)[0] for _, _, location in at(seeds, "consistency.full_marks_cost_overrun")}
        rates = {location.rsplit("/", 1)[0] for _, _, location in at(seeds, "execution_rate.cost_indicator_over_100")}
        assert scores == rates == {"指标/基本支出小计", "指标/1.人员类项目支出", "指标/2.运转类公用项目支出"}
