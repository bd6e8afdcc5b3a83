"""Evaluations → pandas frames, one row per entity, built from column lists in one go.

Four frames: `evaluations` (one row per form), `funds` (资金表 rows), `indicators` (指标 rows) and
`sections` (stated group subtotals such as 产出指标(50分)). Each row carries `evaluation_id` and its
position in the form (`row`), so a failing row maps back to a cell. Building one DataFrame per form and
concatenating is ~20x slower at 100,000 forms; everything here appends to plain lists instead.
Derived fact columns are added by `facts.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
    fund_totals: pd.DataFrame | None = None  # derived by facts.py: sub-rows vs the total row

    def named(self) -> dict[str, pd.DataFrame]:
        """Every frame that exists, by the name its suite carries."""
        names = ("evaluations", "funds", "fund_totals", "indicators", "sections")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}


def build_frames(evaluations: Sequence[Evaluation]) -> Frames:
    """Flatten the canonical model. Values are copied as stated; nothing is computed here."""
    head: dict[str, list] = {column: [] for column in EVALUATION_COLUMNS}
    funds: dict[str, list] = {column: [] for column in ("evaluation_id", "row", *FUND_COLUMNS)}
    indicators: dict[str, list] = {column: [] for column in ("evaluation_id", "row", *INDICATOR_COLUMNS)}
    for side in ("target", "actual"):
        for name in MEASURE_FIELDS:
            indicators[f"{side}_{name}"] = []
    sections: dict[str, list] = {column: [] for column in ("evaluation_id", "row", *SECTION_COLUMNS)}

    for evaluation in evaluations:
        eid = evaluation.evaluation_id
        for column in EVALUATION_COLUMNS:
            head[column].append(getattr(evaluation, column))
        for row, fund in enumerate(evaluation.funds):
            funds["evaluation_id"].append(eid)
            funds["row"].append(row)
            for column in FUND_COLUMNS:
                funds[column].append(getattr(fund, column))
        for row, indicator in enumerate(evaluation.indicators):
            indicators["evaluation_id"].append(eid)
            indicators["row"].append(row)
            for column in INDICATOR_COLUMNS:
                indicators[column].append(getattr(indicator, column))
            for side, measure in (("target", indicator.target), ("actual", indicator.actual)):
                for name in MEASURE_FIELDS:
                    indicators[f"{side}_{name}"].append(getattr(measure, name))
        for row, section in enumerate(evaluation.sections):
            sections["evaluation_id"].append(eid)
            sections["row"].append(row)
            for column in SECTION_COLUMNS:
                sections[column].append(getattr(section, column))

    return Frames(
        evaluations=_frame(head, numeric=("year", "stated_total_weight", "stated_total")),
        funds=_frame(
            funds, numeric=("initial_budget", "budget", "executed", "weight", "stated_rate", "stated_score")
        ),
        indicators=_frame(
            indicators, numeric=("weight", "score", "parent", "target_value", "actual_value")
        ),
        sections=_frame(sections, numeric=("weight", "score")),
    )


def _frame(columns: dict[str, list], numeric: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame(columns)
    for column in numeric:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame
