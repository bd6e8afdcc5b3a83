"""Frames: one row per entity, with the ids that map a failing row back to its form and cell."""

from __future__ import annotations

from dataclasses import replace

from evalaudit.frames import build_frames
from tests.forms import consistent_form


def test_one_row_per_form_fund_row_indicator_and_section():
    forms = [consistent_form(1), consistent_form(2, indicators=consistent_form().indicators[:2])]
    frames = build_frames(forms)
    assert list(frames.evaluations["evaluation_id"]) == [forms[0].evaluation_id, forms[1].evaluation_id]
    assert len(frames.funds) == 6
    assert len(frames.indicators) == 4 + 2
    assert len(frames.sections) == 6
    assert list(frames.indicators["row"]) == [0, 1, 2, 3, 0, 1]


def test_values_are_copied_as_stated_with_target_and_actual_split():
    frames = build_frames([consistent_form()])
    row = frames.indicators.iloc[1]
    assert (row["name"], row["target_raw"], row["target_op"], row["target_value"], row["target_unit"]) == (
        "合格率",
        "≥95%",
        "≥",
        95.0,
        "%",
    )
    assert (row["actual_value"], row["weight"], row["score"]) == (90.0, 20.0, 19.0)
    assert frames.funds.iloc[0]["stated_rate_raw"] == "95%"


def test_missing_numbers_are_nan_floats_not_objects():
    form = consistent_form(stated_total=None)
    form = replace(form, indicators=[replace(i, weight=None) for i in form.indicators])
    frames = build_frames([form])
    assert frames.evaluations["stated_total"].dtype == "float64"
    assert frames.indicators["weight"].isna().all()


def test_no_forms_give_empty_frames_with_their_columns():
    frames = build_frames([])
    assert frames.indicators.empty
    assert "target_value" in frames.indicators.columns
