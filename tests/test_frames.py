"""Frames: one row per entity, with the ids that map a failing row back to its form and cell."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from evalaudit.frames import FRAME_SCHEMAS, build_frames, typed
from evalaudit.model import FundRow, Indicator, Measure, Section
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


def dtypes(frames) -> dict[str, dict[str, str]]:
    return {name: frame.dtypes.astype(str).to_dict() for name, frame in frames.named().items()}


def test_no_forms_give_empty_frames_with_their_columns_and_dtypes():
    frames = build_frames([])
    assert frames.indicators.empty
    assert dtypes(frames) == FRAME_SCHEMAS


def blank_form():
    """Every value a form may lack left out, or None where the model has a default of ''."""
    return consistent_form(
        unit=None,
        year=None,
        amount_unit=None,
        stated_total=None,
        stated_total_weight=None,
        conclusion=None,
        raw_text=None,
        funds=[FundRow(None, None)],
        indicators=[Indicator(None, None, None, Measure(None), Measure(None), explanation=None, nature=None)],
        sections=[Section(None)],
    )


def test_all_none_values_keep_the_declared_dtypes_text_empty_and_numbers_nan():
    frames = build_frames([blank_form()])
    assert dtypes(frames) == FRAME_SCHEMAS
    indicator = frames.indicators.iloc[0]
    assert (indicator["name"], indicator["target_raw"], indicator["target_op"], indicator["explanation"]) == ("",) * 4
    assert math.isnan(indicator["weight"]) and math.isnan(indicator["target_value"])
    assert not indicator["is_subtotal"] and not indicator["target_qualitative"]
    assert frames.evaluations.iloc[0]["unit"] == ""


def test_a_form_without_funds_indicators_or_sections_beside_a_full_one_changes_no_dtype():
    frames = build_frames([replace(consistent_form(2), funds=[], indicators=[], sections=[]), consistent_form(1)])
    assert dtypes(frames) == FRAME_SCHEMAS
    assert len(frames.evaluations) == 2 and set(frames.funds["evaluation_id"]) == {consistent_form(1).evaluation_id}


@pytest.mark.parametrize(
    ("stated", "read"),
    [("九十八", None), ("95%", None), ("", None), ("98.5", 98.5), (float("inf"), None), (10**400, None), (True, 1.0)],
)
def test_a_number_field_holding_something_else_is_read_as_a_number_or_missing(stated, read):
    value = build_frames([consistent_form(stated_total=stated)]).evaluations.iloc[0]["stated_total"]
    assert (value == read) if read is not None else math.isnan(value)


def test_a_text_column_of_mixed_values_is_text():
    assert typed(["优", 1, None, float("nan"), 2.5], "str").tolist() == ["优", "1", "", "", "2.5"]


def test_a_form_index_that_is_no_whole_number_is_missing():
    counts = typed([1, 2.0, 1.5, None, "3", 10**30], "Int64")
    assert counts.dtype == "Int64"
    assert counts.fillna(-1).tolist() == [1, 2, -1, -1, 3, -1]


def test_the_same_form_twice_is_one_row_per_entity():
    form = consistent_form()
    assert len(build_frames([form, form]).indicators) == len(form.indicators)
