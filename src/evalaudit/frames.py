"""Evaluations → pandas frames, one row per entity, built from column lists in one go.

Four frames: `evaluations` (one row per form), `funds` (资金表 rows), `indicators` (指标 rows) and
`sections` (stated group subtotals such as 产出指标(50分)). Each row carries `evaluation_id` and its
position in the form (`row`), so a failing row maps back to a cell. Building one DataFrame per form and
concatenating is ~20x slower at 100,000 forms; everything here appends to plain lists instead.
Derived fact columns are added by `facts.py`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter

import pandas as pd

from evalaudit.model import Evaluation

EVALUATION_COLUMNS = (
    "evaluation_id",
    "source_file",
    "form_index",
    "form_type",
    "unit",
    "year",
    "amount_unit",
    "stated_total_weight",
    "stated_total",
    "conclusion",
    "raw_text",
)
FUND_COLUMNS = (
    "item",
    "label",
    "initial_budget",
    "budget",
    "executed",
    "weight",
    "stated_rate",
    "stated_rate_raw",
    "stated_score",
)
INDICATOR_COLUMNS = ("name", "level1", "level2", "weight", "score", "explanation", "nature", "parent", "is_subtotal")
MEASURE_FIELDS = ("raw", "op", "value", "unit", "qualitative")
SECTION_COLUMNS = ("name", "weight", "score")


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


def map_distinct(values: pd.Series, function: Callable[[object], object]) -> pd.Series:
    """`values.map(function)`, calling `function` once per distinct value: forms repeat the same few words,
    labels and amounts, and the per-text functions (folding, matching) are the costly part."""
    table = {value: function(value) for value in pd.unique(values)}
    return values.map(table)


def build_frames(evaluations: Sequence[Evaluation]) -> Frames:
    """Flatten the canonical model. Values are copied as stated; nothing is computed here."""
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
        evaluations=_frame(head, numeric=("year", "stated_total_weight", "stated_total")),
        funds=_frame(
            fund_columns, numeric=("initial_budget", "budget", "executed", "weight", "stated_rate", "stated_score")
        ),
        indicators=_frame(indicator_columns, numeric=("weight", "score", "parent", "target_value", "actual_value")),
        sections=_frame(section_columns, numeric=("weight", "score")),
    )


def _rows(evaluations: Sequence[Evaluation], attribute: str) -> tuple[dict[str, list], list]:
    """Every entity of every form, with the id columns saying whose and where it is."""
    eids, rows, entities = [], [], []
    for evaluation in evaluations:
        children = getattr(evaluation, attribute)
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


def _frame(columns: dict[str, list], numeric: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    for column in numeric:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame
