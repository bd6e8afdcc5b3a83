"""Evaluations → pandas frames, one row per entity, built from column lists in one go.

Four frames: `evaluations` (one row per form), `funds` (资金表 rows), `indicators` (指标 rows) and
`sections` (stated group subtotals such as 产出指标(50分)). Each row carries `evaluation_id` and its
position in the form (`row`), so a failing row maps back to a cell. Building one DataFrame per form and
concatenating is ~20x slower at 100,000 forms; everything here appends to plain lists instead.
Derived fact columns are added by `facts.py`.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np
import pandas as pd

from evalaudit.model import Evaluation

# Every column's dtype, declared once: a frame has the same columns and dtypes whatever the data — no forms,
# no indicator rows, a column that is None everywhere, text where a number belongs. With pandas 3 a column
# built from an empty or all-None list is `object`, and the facts' arithmetic and `.str` matching then break.
TEXT = "str"  # '' where the form says nothing; never None or NaN, so `.str` and `==` work on every row
NUMBER = "float64"  # NaN where there is no number, or the value is not one (text in a number field)
FLAG = "bool"  # None is False
POSITION = "int64"  # the entity's place in its form, always known
COUNT = "Int64"  # a whole number the form may lack
ID_SCHEMA = {"evaluation_id": TEXT, "row": POSITION}
EVALUATION_SCHEMA = {
    "evaluation_id": TEXT,
    "source_file": TEXT,
    "form_index": COUNT,
    "form_type": TEXT,
    "unit": TEXT,
    "year": NUMBER,
    "amount_unit": TEXT,
    "stated_total_weight": NUMBER,
    "stated_total": NUMBER,
    "cut_off": TEXT,
    "unread": TEXT,
    "unscored": FLAG,
    "ocr": FLAG,
    "conclusion": TEXT,
    "raw_text": TEXT,
}
FUND_SCHEMA = {
    "item": TEXT,
    "label": TEXT,
    "initial_budget": NUMBER,
    "budget": NUMBER,
    "executed": NUMBER,
    "weight": NUMBER,
    "stated_rate": NUMBER,
    "stated_rate_raw": TEXT,
    "stated_score": NUMBER,
}
INDICATOR_SCHEMA = {
    "name": TEXT,
    "level1": TEXT,
    "level2": TEXT,
    "weight": NUMBER,
    "score": NUMBER,
    "explanation": TEXT,
    "criteria": TEXT,
    "nature": TEXT,
    "parent": NUMBER,  # the subtotal's `row`; NaN for a top-level row
    "is_subtotal": FLAG,
}
MEASURE_SCHEMA = {"raw": TEXT, "op": TEXT, "value": NUMBER, "unit": TEXT, "qualitative": FLAG}
SECTION_SCHEMA = {"name": TEXT, "weight": NUMBER, "score": NUMBER}
# Column names, in frame order (kept for readers that only need the names).
EVALUATION_COLUMNS = tuple(EVALUATION_SCHEMA)
FUND_COLUMNS = tuple(FUND_SCHEMA)
INDICATOR_COLUMNS = tuple(INDICATOR_SCHEMA)
MEASURE_FIELDS = tuple(MEASURE_SCHEMA)
SECTION_COLUMNS = tuple(SECTION_SCHEMA)
# The four frames as `build_frames` makes them: an indicator's target and actual become target_* / actual_*.
FRAME_SCHEMAS = {
    "evaluations": EVALUATION_SCHEMA,
    "funds": ID_SCHEMA | FUND_SCHEMA,
    "indicators": ID_SCHEMA
    | INDICATOR_SCHEMA
    | {f"{side}_{name}": dtype for side in ("target", "actual") for name, dtype in MEASURE_SCHEMA.items()},
    "sections": ID_SCHEMA | SECTION_SCHEMA,
}


@dataclass
class Frames:
    evaluations: pd.DataFrame
    funds: pd.DataFrame
    indicators: pd.DataFrame
    sections: pd.DataFrame
    fund_totals: pd.DataFrame | None = None  # derived by facts/: sub-rows vs the total row
    texts: pd.DataFrame | None = None  # derived by text/: goals, explanations and notes with their facts

    def named(self) -> dict[str, pd.DataFrame]:
        """Every frame that exists, by the name its suite carries."""
        names = ("evaluations", "funds", "fund_totals", "indicators", "sections", "texts")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of short-lived lists and tuples are made.

    With 100,000 forms alive, every generation-2 pass walks millions of objects; building frames with
    the collector running took 3× as long. Nothing built here forms reference cycles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def map_distinct(values: pd.Series, function: Callable[[Any], object], dtype: str | type) -> pd.Series:
    """`values.map(function)`, calling `function` once per distinct value: forms repeat the same few words,
    labels and amounts, and the per-text functions (folding, matching) are the costly part.

    `dtype` declares the result, so that no values (an empty frame) still give a column the next step
    can do arithmetic or `.str` on; for TEXT a None result stays missing (NaN), it does not become ''.
    """
    table = {value: function(value) for value in pd.unique(values)}
    return values.map(table).astype(dtype)


def distinct_forms(evaluations: Sequence[Evaluation]) -> list[Evaluation]:
    """Each form once, in order: an id is the file's content hash + position, so the same id is the same form
    (a file given twice); counting it twice would duplicate every finding and make its texts look copied."""
    unique: dict[str, Evaluation] = {}
    for evaluation in evaluations:
        unique.setdefault(evaluation.evaluation_id, evaluation)
    return list(unique.values())


def build_frames(evaluations: Sequence[Evaluation]) -> Frames:
    """Flatten the canonical model. Values are copied as stated; nothing is computed here."""
    evaluations = distinct_forms(evaluations)
    head = _columns(evaluations, EVALUATION_COLUMNS)

    ids, funds = _rows(evaluations, "funds")
    fund_columns = ids | _columns(funds, FUND_COLUMNS)

    ids, indicators = _rows(evaluations, "indicators")
    indicator_columns = ids | _columns(indicators, INDICATOR_COLUMNS)
    for side in ("target", "actual"):
        measures = _columns(indicators, (side,))[side]
        indicator_columns |= {f"{side}_{name}": values for name, values in _columns(measures, MEASURE_FIELDS).items()}

    ids, sections = _rows(evaluations, "sections")
    section_columns = ids | _columns(sections, SECTION_COLUMNS)

    return Frames(
        evaluations=typed_frame(head, FRAME_SCHEMAS["evaluations"]),
        funds=typed_frame(fund_columns, FRAME_SCHEMAS["funds"]),
        indicators=typed_frame(indicator_columns, FRAME_SCHEMAS["indicators"]),
        sections=typed_frame(section_columns, FRAME_SCHEMAS["sections"]),
    )


def typed_frame(columns: Mapping[str, Sequence], schema: dict[str, str]) -> pd.DataFrame:
    """A frame with exactly the schema's columns and dtypes, whatever the lists hold."""
    return pd.DataFrame({name: typed(columns[name], dtype) for name, dtype in schema.items()})


def empty_frame(schema: dict[str, str]) -> pd.DataFrame:
    """No rows, but every column of the schema in its dtype."""
    return typed_frame({name: [] for name in schema}, schema)


def typed(values: Sequence, dtype: str) -> pd.Series:
    """One column in its declared dtype; values that cannot be of that type become its missing value."""
    if dtype == TEXT:
        return text_series(values)
    if dtype == FLAG:
        return pd.Series(values, dtype="object").fillna(False).astype(bool)
    if dtype == POSITION:
        return pd.Series(values, dtype=POSITION)
    numbers = number_series(values)
    if dtype == COUNT:
        whole = numbers.abs().le(2**53) & (numbers == numbers.round())  # 1.5, inf or 1e30 is no count
        return numbers.where(whole).astype(COUNT)
    return numbers


def number_series(values: Sequence | pd.Series) -> pd.Series:
    """float64, NaN where a value is no finite number ('95%', '', None, inf); numeric text such as '7' is read."""
    series = pd.Series(values, dtype="object")
    try:
        numbers = pd.to_numeric(series, errors="coerce").astype(NUMBER)
    except OverflowError:  # an int beyond float range (10**400) stops pandas; only such a column goes slowly
        numbers = series.map(_number).astype(NUMBER)
    return numbers.where(np.isfinite(numbers))  # no form states infinity ('1e400' is a typo)


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        return math.inf if value > 0 else -math.inf  # type: ignore[operator]
    except (TypeError, ValueError):
        return math.nan


def text_series(values: Sequence | pd.Series) -> pd.Series:
    """Text as the facts read it: `str` dtype, '' for None/NaN, anything else written as text."""
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype="object")
    return series.astype(TEXT).fillna("")


def _rows(evaluations: Sequence[Evaluation], attribute: str) -> tuple[dict[str, list], list]:
    """Every entity of every form, with the id columns saying whose and where it is."""
    eids: list[str] = []
    rows: list[int] = []
    entities: list = []
    for evaluation in evaluations:
        children = getattr(evaluation, attribute) or ()
        eids.extend([evaluation.evaluation_id] * len(children))
        rows.extend(range(len(children)))
        entities.extend(children)
    return {"evaluation_id": eids, "row": rows}, entities


def _columns(objects: Sequence[object], names: Sequence[str]) -> dict[str, list]:
    """Transpose objects into one list per attribute, in a single pass."""
    if not objects:
        return {name: [] for name in names}
    if len(names) == 1:
        return {names[0]: list(map(attrgetter(names[0]), objects))}
    return dict(zip(names, map(list, zip(*map(attrgetter(*names), objects)))))
