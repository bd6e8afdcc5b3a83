"""The words that decide facts, matched on folded text."""

from __future__ import annotations

import pytest

from evalaudit.facts.words import band_grade, dimension, explanation_kind, grade, says_missed, stated_bands


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "empty"),
        ("—", "empty"),
        ("无偏差", "no_deviation"),
        ("無偏差。", "no_deviation"),
        ("<無偏差>", "no_deviation"),
        ("暂无", "no_deviation"),
        ("资金拨付滞后", "text"),
    ],
)
def test_explanation_kinds(text, kind):
    assert explanation_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "missed"),
    [("无", True), ("未完成", True), ("有待提升", True), ("完成", False), ("提升", False), ("", False)],
)
def test_actual_values_that_admit_a_miss(text, missed):
    assert says_missed(text) is missed


@pytest.mark.parametrize(
    ("text", "label"),
    [("优", "优"), ("优秀", "优"), ("優秀", "优"), ("良好", "良"), ("合格", "中"), ("", None), ("优化服务", None)],
)
def test_grades(text, label):
    assert grade(text) == label


def test_default_bands_and_stated_bands():
    assert [band_grade(s) for s in (90, 89.99, 80, 60, 59.9)] == ["优", "良", "良", "中", "差"]
    bands = stated_bands("总分85分（含）以上为优，70-85分为良，60-70分为中")
    assert band_grade(85, bands) == "优" and band_grade(84, bands) == "良"
    assert stated_bands("没有等级说明") is None


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("满意度指标", "满意"),
        ("服务对象满意度指标", "满意"),
        ("產出指標", "产出"),
        ("产出及效率", "产出"),
        ("效益指标", "效益"),
    ],
)
def test_dimensions(label, key):
    assert dimension(label) == key
