"""A form is the same form across submissions when the same unit files it for the same year."""

from __future__ import annotations

from dataclasses import replace

from evalaudit.model import Finding
from evalaudit.resubmission import FIXED, NEW, STILL_OPEN, compare, form_key, unit_key
from tests.forms import consistent_form


def finding(check_id: str, location: str, stated: str = "") -> Finding:
    return Finding("e", "f.txt", 1, "清溪县某中心", 2023, "project", check_id, "arithmetic", "error", location, stated)


def test_a_resubmitted_form_keeps_its_key_whatever_the_file_or_spelling():
    form = consistent_form()
    again = replace(
        form,
        evaluation_id="a" * 16 + "-1",
        source_file="v2.txt",
        source_sha256="a" * 64,
        unit=" 清溪縣某中心 ",
        project_name="示例项目（修改）",
    )
    assert form_key(again) != form_key(form)  # a different project is a different form
    again.project_name = form.project_name
    assert form_key(again) == form_key(form)


def test_a_unit_name_folds_width_spaces_line_breaks_punctuation_and_traditional_characters():
    assert (
        unit_key("清溪縣 中心衛生院（一）")
        == unit_key("清溪县中心卫生院(一)")
        == unit_key("清溪县\n中心卫生院 （ 一 ）")
    )
    assert unit_key("ＡＢＣ局。") == unit_key("abc局") and unit_key("") == ""


def test_numbers_in_brackets_are_part_of_a_unit_name():
    names = [
        "清溪县中心卫生院（一）",
        "清溪县中心卫生院（二）",
        "清溪县中心卫生院〔3〕",
        "清溪县中心卫生院②",
        "清溪县中心卫生院",
    ]
    assert len({unit_key(name) for name in names}) == len(names)
    form = consistent_form()
    assert form_key(replace(form, unit=names[0])) != form_key(replace(form, unit=names[1]))


def test_forms_of_other_years_types_or_projects_are_different_forms():
    form = consistent_form()
    assert form_key(replace(form, year=2022)) != form_key(form)
    assert form_key(replace(form, form_type="department")) != form_key(form)
    assert form_key(replace(form, project_name="另一项目")) != form_key(form)
    numbered = [replace(form, project_name=f"道路维修项目（{n}）") for n in "一二"]
    assert form_key(numbered[0]) != form_key(numbered[1])  # numbered projects are two projects
    assert form_key(replace(form, project_name="道路維修項目（一）")) == form_key(numbered[0])


def test_unnamed_projects_in_one_file_are_told_apart_by_position():
    first, second = consistent_form(1, project_name=""), consistent_form(2, project_name="")
    assert form_key(first) != form_key(second)


def test_findings_are_new_still_open_or_fixed_by_check_and_place_not_by_value():
    previous = [finding("arithmetic.total", "总分", "88"), finding("arithmetic.fund_parts", "资金表/年度资金总额")]
    current = [finding("arithmetic.total", "总分", "90"), finding("arithmetic.score_over_weight", "指标/甲/得分")]
    changes, fixed = compare(previous, current)
    assert changes == [STILL_OPEN, NEW]
    assert [f.check_id for f in fixed] == ["arithmetic.fund_parts"]


def test_repeated_findings_pair_off_one_by_one():
    reused = finding("text_copy.explanation_reused", "指标/甲/偏差原因分析")
    changes, fixed = compare([reused, reused], [reused])
    assert changes == [STILL_OPEN] and len(fixed) == 1
    changes, fixed = compare([reused], [reused, reused])
    assert changes == [STILL_OPEN, NEW] and fixed == []


def test_a_first_submission_has_only_new_findings():
    changes, fixed = compare([], [finding("arithmetic.total", "总分")])
    assert changes == [NEW] and fixed == [] and FIXED == "fixed"
