"""How the corpus benchmark scores a parse against the hand reading."""

from __future__ import annotations

from evalaudit.parse.accuracy import compare


def test_a_row_without_a_name_is_paired_by_its_cells_whatever_the_number_type() -> None:
    row = {"level1": "", "level2": "", "name": "", "target": "5个", "actual": "5个"}
    want = [{"form_type": "project", "indicators": [{**row, "weight": 2, "score": 2}]}]
    got = [{"form_type": "project", "indicators": [{**row, "weight": 2.0, "score": 2.0}]}]
    tally = compare(want, got)
    assert tally.correct["indicators"] == 5 and not tally.misses  # the row and its four cells


def test_a_row_paired_by_its_cells_but_named_otherwise_is_a_wrong_name() -> None:
    row = {"level1": "投入", "level2": "", "target": "", "actual": "", "weight": 6, "score": 6}
    want = [{"form_type": "report", "indicators": [{**row, "name": "资金到位率"}]}]
    got = [{"form_type": "report", "indicators": [{**row, "name": "资金落实"}]}]
    tally = compare(want, got)
    assert tally.wrong_claims == 1
    assert tally.misses == ["#1/指标/资金到位率/name: 应为 资金到位率，读出 资金落实"]
