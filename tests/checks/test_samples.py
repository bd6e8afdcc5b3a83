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
    # the samples of other formats (tests/samples/formats.py): the same checks, whatever the file
    ("08_agriculture_word_template.docx", "arithmetic.total"),  # 98.5 stated, 9.5 + 90 = 99.5
    ("09_culture_excel_template.xlsx", "execution_rate.spending_over_budget"),  # 126 of 120
    ("09_culture_excel_template.xlsx", "execution_rate.stated_over_100"),  # 105%
    ("10_forestry_word97.doc", "arithmetic.execution_rate"),  # 80% stated, 150 / 200 = 75%
    ("11_civil_affairs_printed.pdf", "arithmetic.score_over_weight"),  # 12 of 10
    # 12_health_scanned.png: its wrong total is a warning, read by OCR and contradicted by the form's arithmetic
}
SCANNED = "12_health_scanned.png"


def test_planted_errors_and_nothing_else():
    run = audit([INBOX])
    assert {(f.source_file, f.check_id) for f in run.findings if f.severity == "error"} == PLANTED_ERRORS


def test_clean_samples_have_no_findings_at_all():
    run = audit([INBOX])
    noisy = {f.source_file for f in run.findings if f.check_id != "completeness.parse.fund_run_together"}
    zipped = "13_sports_bundle.zip/体育中心/全民健身设施建设项目自评表.xls"
    assert zipped in {e.source_file for e in run.batch.evaluations}
    clean = {"01_water_project_pipes.md", "02_education_one_cell_per_line.txt", "06_tax_weight_first.html", zipped}
    assert not noisy & clean


def test_the_scanned_sample_is_marked_and_its_wrong_total_waits_for_a_person():
    run = audit([INBOX])
    found = {f.check_id: f for f in run.findings if f.source_file == SCANNED}
    assert found["arithmetic.total"].severity == "warning" and "识别自扫描件" in found["arithmetic.total"].message
    assert "completeness.parse.file_ocr" in found
