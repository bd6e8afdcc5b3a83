"""Fact columns have one dtype whatever the batch holds, so a suite and the next fact can always use them.

With pandas 3 a column computed over no rows, or over values that are all None, silently becomes `object`;
arithmetic and `.str` matching on it then raise (the crash of a batch whose forms had no indicator table).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from evalaudit.facts import derive_facts
from evalaudit.frames import build_frames
from evalaudit.model import FundRow, Indicator, Measure, Section
from evalaudit.text.facts import text_facts
from evalaudit.text.frame import build_texts
from tests.forms import consistent_form


def facts(forms) -> dict[str, dict[str, str]]:
    frames = derive_facts(build_frames(forms))
    named = frames.named() | {"texts": text_facts(build_texts(forms))}
    return {name: frame.dtypes.astype(str).to_dict() for name, frame in named.items()}


FULL = facts([consistent_form()])

BATCHES = {
    "no forms": [],
    "no indicators": [replace(consistent_form(), indicators=[], sections=[])],
    "no funds": [replace(consistent_form(), funds=[])],
    "only a report": [replace(consistent_form(), form_type="report", funds=[], indicators=[], goals=[])],
    "all None": [
        consistent_form(
            unit=None,
            year=None,
            stated_total=None,
            conclusion=None,
            raw_text=None,
            notes=None,
            funds=[FundRow(None, None)],
            indicators=[Indicator(None, None, None, Measure(None), Measure(None), explanation=None)],
            sections=[Section(None)],
        )
    ],
    "text in number fields": [
        consistent_form(
            stated_total="九十八",
            year="二〇二三",
            funds=[FundRow("年度资金总额", "合计", "一百", "二百", "x", "十", "95%", "95%", "九")],
        )
    ],
}


@pytest.mark.parametrize("batch", BATCHES, ids=str)
def test_every_fact_column_has_the_dtype_it_has_on_a_full_form(batch):
    found = facts(BATCHES[batch])
    for name, columns in FULL.items():
        assert found[name] == columns, name


def test_a_full_form_declares_its_derived_columns_as_numbers_text_or_flags():
    """The few object columns are the ones that hold labels or None on purpose (which row, which fund)."""
    objects = {
        (name, column) for name, columns in FULL.items() for column, dtype in columns.items() if dtype == "object"
    }
    assert objects <= {
        ("indicators", "children_scores_text"),
        ("indicators", "duplicate_of"),
        ("indicators", "fund_rate_label"),
        ("texts", "reused_from"),
        ("texts", "foreign_kind"),
        ("texts", "foreign_words"),
        ("texts", "other_unit_form"),
        ("texts", "previous_year_form"),
        ("texts", "same_unit_form"),
    }
