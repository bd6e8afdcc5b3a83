"""Completeness: required fields, missing cells, and everything the parser could not place."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evalaudit.model import ParseWarning
from tests.forms import check_ids, consistent_form, findings, only, with_fund, with_indicator


@pytest.mark.parametrize(
    ("changes", "check_id"),
    [
        ({"unit": ""}, "completeness.unit_missing"),
        ({"year": None}, "completeness.year_missing"),
        ({"stated_total": None}, "completeness.total_missing"),
    ],
)
def test_missing_form_fields(changes, check_id):
    [finding] = only(check_id, consistent_form(**changes))
    assert finding.category == "completeness"


def test_missing_budget_and_executed_amounts():
    form = with_fund(consistent_form(), 0, budget=None, executed=None)
    assert {"completeness.budget_missing", "completeness.executed_missing"} <= check_ids(form)


def test_missing_execution_score_names_what_it_should_be():
    form = with_fund(consistent_form(), 0, stated_score=None)
    [finding] = only("completeness.execution_score_missing", form)
    assert finding.expected == "9.5"


def test_a_report_needs_no_funds_table():
    report = replace(consistent_form(), form_type="report", funds=[], sections=[], stated_total=89)
    assert not {c for c in check_ids(report) if c.startswith("completeness")}


def test_a_checklist_states_no_scores_no_total_and_no_execution() -> None:
    """自评内容 / 完成情况 with nothing scored by design: its blank 得分 and 总分 are no findings."""
    form = consistent_form(stated_total=None)
    form = replace(form, indicators=[replace(i, score=None, weight=None) for i in form.indicators])
    form = with_fund(form, 0, executed=None, weight=None, stated_rate=None, stated_score=None)
    assert {"completeness.scores_blank", "completeness.total_missing", "completeness.executed_missing"} <= check_ids(
        form
    )
    checklist = replace(form, unscored=True)
    assert not {"completeness.scores_blank", "completeness.total_missing", "completeness.executed_missing"} & check_ids(
        checklist
    )


@pytest.mark.parametrize(
    ("changes", "check_id"),
    [
        ({"weight": None}, "completeness.indicator_weight_missing"),
        ({"score": None}, "completeness.indicator_score_missing"),
        ({"actual": ""}, "completeness.indicator_actual_missing"),
    ],
)
def test_missing_indicator_cells(changes, check_id):
    assert check_id in check_ids(with_indicator(consistent_form(), 0, **changes))


def test_parse_warnings_become_completeness_findings_with_the_raw_text():
    warning = ParseWarning(
        "row_extra_cell", "指标行“合格率”多出单元格：100%", "指标/合格率", "合格率\t≥95%\t90%\t100%\t20\t19"
    )
    [finding] = findings(consistent_form(warnings=[warning]))
    assert (finding.check_id, finding.category, finding.severity) == (
        "completeness.parse.row_extra_cell",
        "completeness",
        "warning",
    )
    assert (finding.location, finding.stated, finding.message) == (warning.location, warning.raw, warning.message)
