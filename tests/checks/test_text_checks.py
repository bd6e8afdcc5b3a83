"""Text checks: each with the smallest form that fails it and the look-alike that passes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evalaudit.checks import run_checks
from evalaudit.model import Goal
from evalaudit.text.index import append_run, load_history
from tests.forms import check_ids, consistent_form, findings, only, with_indicator

GOAL = "完成全县12所学校校舍维修改造，组织教师全员培训，提升义务教育办学条件和教学质量。"
RESULT = "完成11所学校校舍维修，1所因设计变更顺延；教师培训2100人次，义务教育巩固率99.1%。"
OTHER_GOALS = Goal(
    "新建东山县第二幼儿园一所，新增学位三百个，配齐保教人员并完成开园验收。",
    "第二幼儿园主体完工，因消防验收推迟至次年三月开园，保教人员招聘到位。",
)
GOAL_VARIANTS = (
    "推进城区学校扩容，新建教学楼两栋，缓解大班额问题。",
    "实施农村学校营养改善计划，覆盖全部寄宿制学生。",
    "开展县域教研活动，组织送教下乡二十场次。",
    "完成校园安防设施升级，实现视频监控全覆盖。",
    "推进教育信息化，完成多媒体教室改造一百间。",
    "组织特殊教育送教上门，服务残疾儿童六十名。",
)
PASTE = "纳税人办税时间压缩三成，税费征收与代征社保费系统运行稳定，征收成本降低，退税办理提速。"


def school(index: int = 1, unit: str = "清溪县教育局", year: int = 2023, **changes):
    form = consistent_form(index, unit=unit, year=year, goals=[Goal(GOAL, RESULT)], project_name="校舍维修与教师培训")
    return replace(form, evaluation_id=f"{unit}-{year}-{index}", **changes)


class TestWithinAForm:
    def test_result_that_repeats_the_goal_is_a_copy(self):
        [finding] = only("text_copy.goal_repeats_target", school(goals=[Goal(GOAL, "（一）" + GOAL)]))
        assert finding.location == "年度总体目标/实际完成情况"
        assert "相似度100%" in finding.message

    def test_a_summary_of_what_was_done_that_repeats_the_goal_is_named_by_its_cell(self):
        summary = Goal(GOAL, GOAL, actual_label="项目实施内容及过程概述")
        [finding] = only("text_copy.goal_repeats_target", school(goals=[Goal(GOAL, RESULT), summary]))
        assert finding.location == "年度总体目标/项目实施内容及过程概述"
        assert finding.message.startswith("项目实施内容及过程概述与预期目标几乎相同")

    def test_result_that_reports_what_was_done_passes(self):
        assert check_ids(school()) == set()

    def test_one_explanation_reused_under_two_indicators_is_a_copy(self):
        reason = "受疫情影响部分学校施工推迟，已调整计划于次年春季完成。"
        form = with_indicator(school(), 1, explanation=reason)
        form = with_indicator(form, 0, actual="95个", score=28.5, explanation=reason)
        [finding] = only("text_copy.explanation_reused", replace(form, stated_total=97))
        assert finding.message == "“合格率”的偏差原因与“完成数量”完全相同，请针对本指标分别说明"

    def test_trivial_explanations_repeated_everywhere_pass(self):
        assert check_ids(school()) == set()  # four rows of 无偏差 / short reasons

    def test_a_repeated_row_is_a_copy(self):
        form = school()
        form = replace(
            form, indicators=form.indicators[:1] + [replace(form.indicators[0], name="")] + form.indicators[1:]
        )
        found = {f.check_id for f in findings(form)}
        assert "text_copy.row_duplicated" in found

    def test_rows_with_equal_values_but_their_own_names_pass(self):
        form = school()
        twin = replace(form.indicators[3], name="企业满意度")
        form = replace(
            form,
            indicators=[
                *form.indicators[:3],
                replace(form.indicators[3], weight=5, score=5),
                replace(twin, weight=5, score=5),
            ],
        )
        assert "text_copy.row_duplicated" not in check_ids(form)


class TestAcrossForms:
    def test_the_same_explanation_in_another_units_form_names_that_form(self):
        reason = "受汛期影响施工停工两周，项目已调整计划并于次年一季度完成全部收尾工作。"
        first = with_indicator(school(1), 1, explanation=reason)
        second = with_indicator(school(2, unit="东山县教育局"), 1, explanation="（1）" + reason)
        copies = [f for f in findings(first, second) if f.check_id == "text_copy.other_unit"]
        assert {f.unit for f in copies} == {"清溪县教育局", "东山县教育局"}
        assert any("东山县教育局《sample.txt》第2张表（2023）" in f.message for f in copies)

    def test_numbered_units_are_other_units_for_copying(self):
        reason = "受汛期影响施工停工两周，项目已调整计划并于次年一季度完成全部收尾工作。"
        first = with_indicator(school(1, unit="清溪县中心学校（一）"), 1, explanation=reason)
        second = with_indicator(school(2, unit="清溪县中心学校（二）"), 1, explanation=reason)
        assert "text_copy.other_unit" in check_ids(first, second)

    def test_different_explanations_of_the_same_kind_pass(self):
        first = with_indicator(school(1), 1, explanation="受汛期影响施工停工两周，项目已调整计划并于次年一季度完成。")
        second = with_indicator(
            school(2, unit="东山县教育局", goals=[OTHER_GOALS]),
            1,
            explanation="设计方案变更导致招标延后，两所学校改造顺延至寒假实施。",
        )
        assert "text_copy.other_unit" not in check_ids(first, second)

    def test_the_same_units_previous_year_is_found_through_the_index(self, tmp_path):
        folder = tmp_path / "index"
        last_year = school(1, year=2022)
        run = run_checks([last_year])
        append_run(folder, "2023-spring", run.frames.texts, load_history(folder))
        this_year = school(1, year=2023)
        found = run_checks([this_year], history=load_history(folder)).findings
        previous = [f for f in found if f.check_id == "text_copy.previous_year"]
        assert previous and all("与上年度表述相同" in f.message for f in previous)

    def test_a_form_is_never_a_copy_of_itself_on_a_second_run(self, tmp_path):
        folder = tmp_path / "index"
        form = school()
        run = run_checks([form])
        append_run(folder, "first", run.frames.texts, load_history(folder))
        assert check_ids(form) == {f.check_id for f in run_checks([form], history=load_history(folder)).findings}

    def test_the_same_unit_reusing_its_goal_in_a_project_form_is_only_info(self):
        department = school(1, form_type="department", project_name="")
        project = school(2, form_type="project")
        same = [f for f in findings(department, project) if f.check_id.startswith("text_copy")]
        assert same and {f.check_id for f in same} == {"text_copy.same_unit_other_form"}
        assert {f.severity for f in same} == {"info"}


class TestIrrelevance:
    def test_an_explanation_about_another_kind_of_unit_is_irrelevant(self):
        [finding] = only("text_irrelevant.explanation", with_indicator(school(), 1, explanation=PASTE))
        assert "税务" in finding.message and "纳税" in finding.message

    def test_an_explanation_about_the_units_own_work_passes(self):
        own = "部分学校教师参加培训时间冲突，校舍维修验收顺延，已督促学校整改。"
        assert check_ids(with_indicator(school(), 1, explanation=own)) == set()

    def test_a_tax_bureau_may_talk_about_tax(self):
        form = with_indicator(school(unit="清溪县税务局", project_name="办税服务厅运行"), 1, explanation=PASTE)
        assert "text_irrelevant.explanation" not in check_ids(form)


class TestTemplate:
    @pytest.mark.parametrize(
        "notes",
        ["请在此处简要说明发现的问题及其所涉及的金额，如没有填无。", "（100字以内）", "……", "指标2:", "本单位XX项目"],
    )
    def test_instructions_and_placeholders_left_in(self, notes):
        [finding] = only("text_template.instruction", school(notes=notes))
        assert finding.location == "其他需要说明的问题"

    def test_notes_in_the_units_own_words_pass(self):
        assert check_ids(school(notes="审计发现的公务卡使用问题已于2023年6月整改完毕。")) == set()

    def test_text_that_recurs_in_many_units_forms_is_the_template(self):
        sample = "按照年度绩效目标要求，认真组织实施，各项工作有序推进，取得了较好成效。"
        forms = [school(i, unit=f"第{i}教育局", goals=[Goal(GOAL_VARIANTS[i - 1], sample)]) for i in range(1, 7)]
        recurring = [f for f in findings(*forms) if f.check_id == "text_template.recurring"]
        assert len(recurring) == 6
        assert not [f for f in findings(*forms) if f.check_id == "text_copy.other_unit"]


def test_a_form_without_any_text_is_checked_without_error():
    form = consistent_form(goals=[], indicators=[replace(i, explanation="") for i in consistent_form().indicators])
    assert check_ids(form) == {"consistency.deduction_unexplained"}  # 合格率 lost a point and says nothing


def test_arbitrary_texts_never_break_the_text_analysis():
    odd = ["", "……", "ab", "𠀀𠀁𠀂𠀃𠀄𠀅𠀆𠀇𠀈𠀉𠀊𠀋𠀌", "<p>&nbsp;</p>", "目标1：", "一是", "x" * 5000]
    forms = [school(i, unit=f"单位{i}", goals=[Goal(text, text)], notes=text) for i, text in enumerate(odd)]
    assert run_checks(forms).frames.texts is not None
