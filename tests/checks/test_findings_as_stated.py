"""Findings a unit can act on (issue 16, items 1–3), on the real seeds and the sample inbox: every `stated` is
printed on the form, no `expected` is more precise than the form, one finding per cause, parser notes for the
reviewers."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from evalaudit.checks.causes import group_causes, under_causes
from evalaudit.model import Finding
from evalaudit.pipeline import audit
from tests.conftest import INBOX


@pytest.fixture(scope="module")
def audited(seeds_dir):
    return audit([*sorted(seeds_dir.glob("*.txt")), *sorted(INBOX.iterdir())])


def squeezed(text: str) -> str:
    """Letters, digits and signs only: an excerpt of several cells is quoted with its own separators."""
    return re.sub(r"[\s:：;；,，、|]+", "", re.sub(r"<[^>]+>", "", text))  # (a page's cells keep their tags)


def form_texts(result) -> dict[str, str]:
    return {e.evaluation_id: squeezed(e.raw_text or "") for e in result.batch.evaluations}


def test_every_stated_value_is_printed_on_its_form(audited):
    texts = form_texts(audited)
    unprinted = [
        (f.source_file, f.check_id, f.stated)
        for f in audited.findings
        if f.stated
        and f.evaluation_id in texts
        and squeezed(f.stated).rstrip("…") not in texts[f.evaluation_id]
        and not f.check_id.startswith("completeness.parse.")  # a parser note quotes the raw line it could not place
    ]
    assert unprinted == []


def decimals(text: str) -> int:
    match = re.fullmatch(r"-?\d+(?:\.(\d+))?%?", text)
    return len(match[1] or "") if match else 0


def test_no_expected_value_is_more_precise_than_its_form(audited):
    shown = {}
    for evaluation in audited.batch.evaluations:  # the most decimals of any number the form prints (or implies)
        numbers = re.findall(r"\d\.(\d{1,4})(?!\d)", evaluation.raw_text or "")
        shown[evaluation.evaluation_id] = max((len(n) for n in numbers), default=0)
    too_precise = [
        (f.source_file, f.check_id, f.expected)
        for f in audited.findings
        if decimals(f.expected) > max(shown.get(f.evaluation_id, 0), decimals(f.stated))
    ]
    assert too_precise == []
    assert {f.expected for f in audited.findings if f.check_id == "arithmetic.execution_rate"} >= {"81.9%", "75%"}


def by_file(result, prefix: str) -> list[Finding]:
    return [f for f in result.findings if f.source_file.startswith(prefix)]


def test_one_overspend_is_one_finding_with_its_consequences_listed(audited):
    seed = by_file(audited, "000")
    [cause] = [f for f in seed if f.for_unit and f.category == "execution_rate"]
    assert (cause.check_id, cause.location) == ("execution_rate.spending_over_budget", "资金表/基本支出/全年执行数")
    followers = [f for f in seed if f.caused_by]
    assert len(followers) == 3 and {f.caused_by for f in followers} == {f"{cause.check_id}@{cause.location}"}
    assert all(f.location in cause.message for f in followers)
    # the culture centre: a part's overspend, the total's, and both stated rates over 100 %: one cause
    culture = [f for f in by_file(audited, "09_") if f.category == "execution_rate"]
    assert [f.location for f in culture if f.for_unit] == ["资金表/其中：当年财政拨款/全年执行数"]
    assert len(culture) == 4


def test_a_duplicated_row_is_the_cause_of_the_weight_sum_and_the_total(audited):
    form = [f for f in by_file(audited, "001") if f.form_index == 4]
    [cause] = [f for f in form if f.check_id == "text_copy.row_duplicated"]
    assert cause.severity == "error" and cause.for_unit
    caused = {f.check_id for f in form if f.caused_by.startswith("text_copy.row_duplicated@")}
    assert caused == {"arithmetic.total", "arithmetic.weight_total"}


def test_a_wrong_total_is_the_cause_of_the_grade_it_leads_to(audited):
    township = by_file(audited, "07_")
    [band] = [f for f in township if f.check_id == "consistency.grade_band"]
    assert band.caused_by == "arithmetic.total@总分"
    assert "自评结论" in next(f for f in township if f.check_id == "arithmetic.total").message


def test_two_checks_on_one_cell_are_one_finding(audited):
    for prefix, cause in (("03_", "consistency.full_marks_missed_target"), ("11_", "arithmetic.score_over_weight")):
        [rule] = [f for f in by_file(audited, prefix) if f.check_id == "arithmetic.score_rule"]
        assert rule.caused_by.startswith(cause + "@") and not rule.for_unit
    causes = [f for f in audited.findings if f.for_unit and f.cell and f.cell != "raw"]
    keys = [(f.evaluation_id, f.category, f.cell) for f in causes]  # no two causes of one kind on one cell
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_layout_notes_are_for_the_reviewers_and_a_cut_off_form_for_the_unit(audited):
    notes = [f for f in audited.findings if f.check_id.startswith("completeness.parse.")]
    assert notes and all(f.audience == "reviewer" for f in notes if "misaligned" in f.check_id)
    assert all(not f.for_unit for f in notes if f.check_id.endswith(("misaligned", "run_together", "file_ocr")))
    # seed 001's form 2: the template's merged 绩效指标 side column is in the rows, not in the header line
    assert not [f for f in notes if "多出单元格：绩效指标" in f.message]
    assert [f for f in notes if f.source_file.startswith("001") and f.form_index == 1 and "多出单元格" in f.message]


def finding(check_id: str, location: str, caused_by: str = "", severity: str = "warning", cell: str = "") -> Finding:
    return Finding("e1", "a.txt", 1, "某单位", 2024, "project", check_id, check_id.split(".")[0], severity,
                   location, message=f"{location}有误", cell=cell, caused_by=caused_by)  # fmt: skip


def test_a_cause_that_did_not_fail_leaves_its_consequence_standing():
    alone = group_causes([finding("consistency.grade_band", "自评结论", "?form:arithmetic.total")])
    assert alone[0].caused_by == "" and alone[0].for_unit


def test_a_consequence_raises_its_cause_to_its_severity_and_is_listed_in_it():
    cause, consequence = group_causes(
        [
            finding("text_copy.row_duplicated", "指标/第3行"),
            finding("arithmetic.total", "总分", "?form:text_copy.row_duplicated", severity="error"),
        ]
    )
    assert (cause.severity, consequence.caused_by) == ("error", "text_copy.row_duplicated@指标/第3行")
    assert "总分：总分有误" in cause.message


def test_a_cell_scoped_rule_needs_the_same_cell():
    cause, other = group_causes(
        [
            finding("consistency.full_marks_missed_target", "指标/甲/得分", cell="indicators/0/score"),
            finding("arithmetic.score_rule", "指标/乙/得分", "?cell:consistency.full_marks_missed_target",
                    cell="indicators/1/score"),
        ]
    )  # fmt: skip
    assert other.caused_by == "" and cause.message == "指标/甲/得分有误"


def test_a_table_lists_each_consequence_just_under_its_cause():
    grouped = group_causes(
        [
            finding("arithmetic.total", "总分", "?form:text_copy.row_duplicated", severity="error"),
            finding("consistency.high_score_low_execution", "总分"),
            finding("text_copy.row_duplicated", "指标/第3行"),
            finding("arithmetic.weight_total", "分值合计", "?form:text_copy.row_duplicated"),
        ]
    )
    ordered = under_causes(grouped)
    assert [f.check_id for f in ordered] == [
        "consistency.high_score_low_execution",
        "text_copy.row_duplicated",
        "arithmetic.total",
        "arithmetic.weight_total",
    ]
    assert sorted(map(id, ordered)) == sorted(map(id, grouped))  # nothing lost, nothing twice
    lone = [replace(grouped[0], evaluation_id="e2")]  # its cause not among the rows: it keeps its place
    assert under_causes(lone) == lone


CAUSES = {  # every error a unit is told of on the seeds and the sample inbox, one per cause (checked by hand)
    ("000", 1, "execution_rate.spending_over_budget", "资金表/基本支出/全年执行数"),  # → the 3 cost rows over 100 %
    ("001", 1, "arithmetic.total", "总分"),
    ("001", 1, "arithmetic.weight_total", "分值合计"),  # 95 of 100: no row explains both
    ("001", 2, "arithmetic.total", "总分"),
    ("001", 3, "arithmetic.total", "总分"),
    ("001", 4, "text_copy.row_duplicated", "指标/第14行（未填指标名称）"),  # → the weights' 106 and the total's 104
    ("003", 1, "arithmetic.section_weight", "指标/产出指标/分值"),  # → weights 97 and the total 3 above its scores
    ("004", 1, "arithmetic.indicator_execution_rate", "指标/预算完成率/实际完成值"),
    ("004", 1, "arithmetic.subtotal_score", "指标/预算执行/得分"),
    ("03_", 1, "execution_rate.spending_over_budget", "资金表/年度资金总额/全年执行数"),  # → its 105 %
    ("07_", 1, "arithmetic.execution_rate", "资金表/年度资金总额/执行率"),
    ("07_", 1, "arithmetic.fund_parts", "资金表/年度资金总额/全年预算数"),
    ("07_", 1, "arithmetic.total", "总分"),  # → the grade 优
    ("07_", 1, "execution_rate.spending_over_budget", "资金表/上年结转资金/全年执行数"),
    ("08_", 1, "arithmetic.total", "总分"),
    ("09_", 1, "execution_rate.spending_over_budget", "资金表/其中：当年财政拨款/全年执行数"),  # → the total's, 2 rates
    ("10_", 1, "arithmetic.execution_rate", "资金表/年度资金总额/执行率"),
    ("11_", 1, "arithmetic.score_over_weight", "指标/补贴发放及时率/得分"),  # → the score rule on that cell
}


def test_the_errors_units_are_told_of_are_one_per_cause(audited):
    told = {
        (f.source_file[:3], f.form_index, f.check_id, f.location)
        for f in audited.findings
        if f.for_unit and f.severity == "error"
    }
    assert told == CAUSES
