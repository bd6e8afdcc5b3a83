"""The bundled sample inbox: the errors planted in it are found, and the clean samples stay clean."""

from __future__ import annotations

from evalaudit.pipeline import audit
from tests.conftest import INBOX

PLANTED_ERRORS = {
    ("03_health_one_cell_per_paragraph.txt", "execution_rate.spending_over_budget"),  # 903 of 860
    ("03_health_one_cell_per_paragraph.txt", "execution_rate.stated_over_100"),  # 105%
    ("07_township_party_building_errors.txt", "arithmetic.execution_rate"),  # 85% stated, 52.8 / 64.5 = 81.86%
    ("07_township_party_building_errors.txt", "arithmetic.fund_parts"),  # 60 + 4 ≠ 64.5
    ("07_township_party_building_errors.txt", "arithmetic.total"),  # 87 stated, 8.2 + 87 = 95.2
    ("07_township_party_building_errors.txt", "execution_rate.spending_over_budget"),  # 结转 4.5 of 4
}


def test_planted_errors_and_nothing_else():
    run = audit([INBOX])
    assert {(f.source_file, f.check_id) for f in run.findings if f.severity == "error"} == PLANTED_ERRORS


def test_clean_samples_have_no_findings_at_all():
    run = audit([INBOX])
    noisy = {f.source_file for f in run.findings if f.check_id != "completeness.parse.fund_run_together"}
    assert not noisy & {"01_water_project_pipes.md", "02_education_one_cell_per_line.txt", "06_tax_weight_first.html"}
