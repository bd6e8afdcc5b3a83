"""Evaluations → the `texts` frame: one row per piece of free text a unit wrote (goals, explanations, notes)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from evalaudit.display import indicator_labels
from evalaudit.frames import COUNT, POSITION, TEXT, distinct_forms, map_distinct, typed
from evalaudit.model import Evaluation
from evalaudit.resubmission import unit_key
from evalaudit.text.normalize import TRIVIAL, normalize
from evalaudit.textnorm import fold

FIELD_LABELS = {
    "goal_expected": "年度总体目标/预期目标",
    "goal_actual": "年度总体目标/实际完成情况",
    "explanation": "偏差原因分析",
    "notes": "其他需要说明的问题",
}


def build_texts(evaluations: Sequence[Evaluation]) -> pd.DataFrame:
    evaluations = distinct_forms(evaluations)  # a form passed twice must not look like a copy of itself
    rows: dict[str, list] = {key: [] for key in ("evaluation_id", "field", "row", "label", "text")}

    def add(evaluation: Evaluation, field: str, row: int, label: str, text: str) -> None:
        if isinstance(text, str) and text.strip():
            rows["evaluation_id"].append(evaluation.evaluation_id)
            rows["field"].append(field)
            rows["row"].append(row)
            rows["label"].append(label)
            rows["text"].append(text)

    for evaluation in evaluations:
        for index, goal in enumerate(evaluation.goals or ()):
            add(evaluation, "goal_expected", index, "预期目标", goal.expected)
            add(evaluation, "goal_actual", index, goal.actual_label or "实际完成情况", goal.actual)
        for index, indicator in enumerate(evaluation.indicators or ()):
            add(evaluation, "explanation", index, indicator.name, indicator.explanation)
        add(evaluation, "notes", 0, "其他需要说明的问题", evaluation.notes)

    texts = pd.DataFrame({key: typed(values, POSITION if key == "row" else TEXT) for key, values in rows.items()})
    forms = pd.DataFrame(
        {
            "evaluation_id": typed([e.evaluation_id for e in evaluations], TEXT),
            "source_file": typed([e.source_file for e in evaluations], TEXT),
            "form_index": typed([e.form_index for e in evaluations], COUNT),
            "unit": typed([e.unit for e in evaluations], TEXT),
            "year": typed([e.year for e in evaluations], COUNT),
            "form_type": typed([e.form_type for e in evaluations], TEXT),
            # one category per form: row operations copy codes, not each form's long context string
            "context": pd.Categorical([form_context(e) for e in evaluations]),
        }
    )
    texts = texts.merge(forms, on="evaluation_id", how="left")
    texts["norm"] = map_distinct(texts["text"], normalize, TEXT)
    # 无偏差 says nothing to compare; a result that only says 已完成 stays, to be judged against its goal
    trivial = texts["norm"].isin(TRIVIAL - {""}) & (texts["field"] != "goal_actual")
    texts = texts[~trivial].reset_index(drop=True)
    texts["unit_key"] = map_distinct(texts["unit"], unit_key, TEXT)  # the same unit as alerts and resubmissions
    texts["field_label"] = texts["field"].map(FIELD_LABELS)
    is_explanation = texts["field"] == "explanation"
    texts["label"] = texts["label"].where(~is_explanation, indicator_labels(texts["label"], texts["row"]))
    texts["location"] = texts["field_label"].where(~is_explanation, "指标/" + texts["label"] + "/偏差原因分析")
    texts.loc[texts["field"] == "goal_actual", "location"] = "年度总体目标/" + texts["label"]  # 实际完成情况 or its kin
    texts["excerpt"] = texts["text"].str.replace(r"\s+", " ", regex=True).str.slice(0, 40)
    return texts


def form_context(evaluation: Evaluation) -> str:
    """What the form says about its own work, explanations excluded: the words an explanation should share."""
    parts = [evaluation.unit, evaluation.supervising_department, evaluation.project_name]
    parts += [text for goal in evaluation.goals or () for text in (goal.expected, goal.actual)]
    for i in evaluation.indicators or ():
        parts += [i.level1, i.level2, i.name, i.target.raw, i.actual.raw]
    return fold("".join(part for part in parts if isinstance(part, str)))
