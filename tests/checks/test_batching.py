"""One GX validation per suite per run, whatever the number of evaluations (DESIGN.md §4)."""

from __future__ import annotations

import pytest
from great_expectations.datasource.fluent.interfaces import Batch

from evalaudit.checks import run_checks
from evalaudit.checks.suites import load_suites
from tests.forms import consistent_form, with_fund


@pytest.fixture
def validations(monkeypatch):
    calls: list[int] = []
    original = Batch.validate

    def counting(self, expect, **kwargs):
        calls.append(len(self.data.dataframe))
        return original(self, expect, **kwargs)

    monkeypatch.setattr(Batch, "validate", counting)
    return calls


def forms(count: int):
    # Every third form overspends, so failures are spread over many evaluations.
    return [
        with_fund(consistent_form(index), 2, executed=60) if index % 3 == 0 else consistent_form(index)
        for index in range(1, count + 1)
    ]


def test_validations_do_not_grow_with_the_number_of_evaluations(validations):
    run_checks(forms(3))
    few = len(validations)
    validations.clear()
    result = run_checks(forms(60))
    assert len(validations) == few == len(load_suites())
    # Each validation saw every row of its frame: 60 forms, 4 indicators each.
    assert {60, 240} <= set(validations)
    overspent = {f.evaluation_id for f in result.findings if f.check_id == "execution_rate.spending_over_budget"}
    assert len(overspent) == 20


def test_the_numeric_checks_can_run_without_the_text_analysis(validations):
    result = run_checks(forms(3), with_text=False)
    assert len(validations) == len(load_suites()) - 1
    assert result.frames.texts is None
