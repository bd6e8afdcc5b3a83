"""The parser reads each real submission exactly as a careful reviewer reads it by hand."""

from __future__ import annotations

import pytest

from evalaudit.ingest import read_source
from evalaudit.parse import parse_document
from tests.conftest import SEEDS
from tests.parse.digest import digest
from tests.parse.expected_seeds import EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_extraction_matches_hand_reading(name: str, seeds_dir) -> None:
    result = parse_document(read_source(seeds_dir / name))
    assert [digest(evaluation) for evaluation in result.evaluations] == EXPECTED[name]


def test_every_seed_has_an_expectation(seeds_dir) -> None:
    assert sorted(path.name for path in seeds_dir.glob("*.txt")) == sorted(EXPECTED)


def _parse(name: str):
    return parse_document(read_source(SEEDS / name)).evaluations


def test_one_file_holds_a_department_form_and_three_project_forms(seeds_dir) -> None:
    evaluations = _parse("001_0ed4b7e3fbc5b049.txt")
    assert [(e.form_index, e.form_type) for e in evaluations] == [
        (1, "department"),
        (2, "project"),
        (3, "project"),
        (4, "project"),
    ]
    assert len({e.evaluation_id for e in evaluations}) == 4


def test_amount_typed_twice_is_dropped_and_reported(seeds_dir) -> None:
    (evaluation,) = _parse("003_ef99cb2997024d40.txt")
    total = evaluation.funds[0]
    assert (total.budget, total.executed, total.weight, total.stated_rate) == (777.68, 758.37, 10, 97.52)
    messages = [w.message for w in evaluation.warnings if w.code == "fund_row_misaligned"]
    assert any("758.37" in message and "得分" in message for message in messages)


def test_project_name_cell_holding_the_department_is_corrected_with_a_warning(seeds_dir) -> None:
    evaluation = _parse("001_0ed4b7e3fbc5b049.txt")[2]
    assert evaluation.project_name == "武威市市级政务服务平台对接改造项目"
    assert [w.code for w in evaluation.warnings] == ["project_name_is_department"]


def test_row_without_indicator_name_is_kept_and_warned(seeds_dir) -> None:
    evaluation = _parse("001_0ed4b7e3fbc5b049.txt")[3]
    nameless = [i for i in evaluation.indicators if not i.name]
    assert len(nameless) == 1 and nameless[0].weight == 6
    assert any("三级指标" in w.message for w in evaluation.warnings)


def test_explanations_are_attached_to_their_rows(seeds_dir) -> None:
    (evaluation,) = _parse("000_c3a91c8ae6e1eab4.txt")
    by_name = {i.name: i for i in evaluation.indicators}
    assert by_name["1.运转类其他项目支出（专项业务费）"].explanation == "严格控制成本支出"
    long = by_name["2.特定目标类-事业发展支出"].explanation
    assert long.startswith("该预算中项目未完成原因") and long.endswith("搬到新的政务大厅")
    tax_text = _parse("001_0ed4b7e3fbc5b049.txt")[0].indicators[10].explanation
    assert tax_text.startswith("1755名代征社保费人员")


def test_raw_text_of_every_form_is_kept(seeds_dir) -> None:
    for path in seeds_dir.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        for evaluation in parse_document(read_source(path)).evaluations:
            assert evaluation.raw_text and evaluation.raw_text.strip().splitlines()[-1] in text
