"""Layouts real forms use that the seeds do not show, written by the project in data/inbox."""

from __future__ import annotations

import pytest

from evalaudit.ingest import read_source
from evalaudit.parse import parse_document
from tests.conftest import INBOX, TEXT_SAMPLES
from tests.parse.digest import digest
from tests.parse.expected_samples import EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_extraction(name: str) -> None:
    result = parse_document(read_source(INBOX / name))
    assert [digest(evaluation) for evaluation in result.evaluations] == EXPECTED[name]


def test_every_inbox_sample_has_its_expected_extraction() -> None:
    assert [path.name for path in TEXT_SAMPLES] == sorted(EXPECTED)  # the other formats: test_inbox_formats
    assert len(EXPECTED) >= 6


def test_run_together_numbers_are_split_by_the_forms_own_arithmetic() -> None:
    (evaluation,) = parse_document(read_source(INBOX / "04_transport_run_together.txt")).evaluations
    assert [w.code for w in evaluation.warnings] == ["fund_run_together"]
    assert "20 | 20 | 10 | 100.00% | 10" in evaluation.warnings[0].message


def test_traditional_characters_are_kept_but_matched() -> None:
    (evaluation,) = parse_document(read_source(INBOX / "06_tax_weight_first.html")).evaluations
    assert evaluation.unit == "清溪縣稅務局"
    assert evaluation.funds[0].item == "年度资金总额" and evaluation.funds[0].label == "年度資金總額"
    second = evaluation.indicators[1]
    assert (second.target.raw, second.target.op, second.target.value) == ("＞＝12次", "≥", 12.0)
    assert evaluation.indicators[-1].explanation == "<無偏差> & 持續改進"  # entities decoded, text kept


def test_sichuan_nature_value_and_unit_cells_make_one_target() -> None:
    (evaluation,) = parse_document(read_source(INBOX / "05_sichuan_template.txt")).evaluations
    first = evaluation.indicators[0]
    assert (first.nature, first.target.op, first.target.value, first.target.unit) == ("≥", "≥", 12.0, "万人")
    assert (first.actual.value, first.actual.unit) == (12.4, "万人")
    assert evaluation.funds[0].weight == 10  # 预算执行情况（万元）（10分）
