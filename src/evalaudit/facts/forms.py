"""Facts on whole forms: the recomputed total, weight sums, grade, execution, and stated sections."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from evalaudit.display import format_number
from evalaudit.facts.precision import EPSILON, WEIGHT_TOLERANCE, half_unit
from evalaudit.facts.words import DEFAULT_BANDS, band_grade, dimension, grade, stated_bands
from evalaudit.frames import TEXT, map_distinct

# Words an explanation uses when it accounts for money not spent.
_EXECUTION_REASON = re.compile(r"执行|支出|资金|预算|结余|结转|拨付|支付|未完成|进度|采购|延期|推迟|未到位")


def form_facts(evaluations: pd.DataFrame, funds: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """`funds` and `indicators` must already carry their own facts."""
    forms = evaluations.copy()
    forms["is_table_form"] = forms["form_type"] != "report"
    forms["unit_filled"] = forms["unit"].fillna("").astype(str).str.strip() != ""

    total_rows = funds[funds["is_total"]].drop_duplicates("evaluation_id").set_index("evaluation_id")
    for column, source in (
        ("total_budget", "budget"),
        ("total_executed", "executed"),
        ("exec_weight", "weight"),
        ("exec_stated_score", "stated_score"),
        ("exec_expected_score", "expected_score"),
        ("exec_score_tolerance", "score_tolerance"),
    ):
        forms[column] = forms["evaluation_id"].map(total_rows[source]).astype("float64")
    rate = total_rows["computed_rate"].fillna(total_rows["stated_rate"])
    forms["exec_rate"] = forms["evaluation_id"].map(rate).astype("float64")

    _totals(forms, indicators)
    _grades(forms)
    _execution(forms, indicators)
    return forms


def _totals(forms: pd.DataFrame, indicators: pd.DataFrame) -> None:
    """Stated total vs execution score + Σ top-level indicator scores (a subtotal stands for its rows)."""
    top = indicators[indicators["is_top"]]
    grouped = top.groupby("evaluation_id", sort=False)
    score_sum = grouped["score"].sum(min_count=1)
    weight_sum = grouped["weight"].sum(min_count=1)
    weights_complete = grouped["weight"].count() == grouped["weight"].size()
    forms["indicator_score_sum"] = forms["evaluation_id"].map(score_sum).astype("float64")
    forms["indicator_weight_sum"] = forms["evaluation_id"].map(weight_sum).astype("float64")

    has_exec = forms["exec_weight"].notna()
    exec_computed = has_exec & forms["exec_stated_score"].isna()
    forms["exec_score_used"] = forms["exec_stated_score"].fillna(forms["exec_expected_score"])
    forms["computed_total"] = forms["indicator_score_sum"] + np.where(has_exec, forms["exec_score_used"], 0.0)
    forms["total_tolerance"] = (
        half_unit(forms["stated_total"]).fillna(0.0)
        + np.where(exec_computed, forms["exec_score_tolerance"].fillna(0.0), 0.0)
        + EPSILON
    )
    exec_text = forms["exec_score_used"].map(format_number).astype(TEXT)
    note = np.select(
        [exec_computed & forms["exec_score_used"].notna(), has_exec],
        ["（预算执行率得分未填，按执行率计为" + exec_text + "分）", "（含预算执行率得分" + exec_text + "分）"],
        default="",
    )
    forms["total_note"] = pd.Series(note, index=forms.index, dtype="object").astype(TEXT)

    complete = forms["evaluation_id"].map(weights_complete).eq(True)  # NaN: no rows
    forms["weight_target"] = forms["stated_total_weight"].fillna(100.0)
    forms["computed_weight_total"] = (forms["indicator_weight_sum"] + forms["exec_weight"].fillna(0.0)).where(
        complete & forms["is_table_form"]
    )
    forms["weight_tolerance"] = WEIGHT_TOLERANCE


def _grades(forms: pd.DataFrame) -> None:
    """Conclusion grade vs the band its stated total falls in (the form's own bands when it states them)."""
    conclusion = forms["conclusion"].fillna("").astype(str)
    forms["grade"] = map_distinct(conclusion, grade, TEXT)  # NaN: no grade stated
    expected = []
    for stated, raw, has_grade in zip(forms["stated_total"], forms["raw_text"], forms["grade"].notna()):
        if not has_grade or stated != stated:
            expected.append(None)
            continue
        expected.append(band_grade(stated, stated_bands(raw) or DEFAULT_BANDS))
    forms["expected_grade"] = pd.Series(expected, index=forms.index, dtype="object").astype(TEXT)  # NaN: none


def _execution(forms: pd.DataFrame, indicators: pd.DataFrame) -> None:
    """Low execution needs a reason; a high score with low execution is suspicious."""
    texts = indicators["explanation_kind"].eq("text")
    explained = texts & indicators["explanation"].where(texts, "").fillna("").str.contains(
        _EXECUTION_REASON.pattern, regex=True
    )
    reasons = explained.groupby(indicators["evaluation_id"]).any()
    forms["execution_reason_given"] = forms["evaluation_id"].map(reasons).eq(True)
    score_ratio = forms["indicator_score_sum"] / forms["indicator_weight_sum"] * 100
    forms["indicator_score_ratio"] = score_ratio.where(forms["indicator_weight_sum"] > 0)
    forms["score_exec_gap"] = forms["indicator_score_ratio"] - forms["exec_rate"].clip(upper=100)


def section_facts(sections: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """A stated group weight (产出指标 50分) vs the weights of the indicators in that group."""
    sections = sections.copy()
    top = indicators[indicators["is_top"]]
    dims = map_distinct(top["level1"], dimension, TEXT)
    grouped = top.assign(dimension=dims).groupby(["evaluation_id", "dimension"], sort=False)
    weights = pd.DataFrame(
        {
            "computed_weight": grouped["weight"].sum(min_count=1),
            "computed_score": grouped["score"].sum(min_count=1),
            "weights_complete": grouped["weight"].count() == grouped["weight"].size(),
        }
    )
    sections["dimension"] = map_distinct(sections["name"], dimension, TEXT)
    joined = sections[["evaluation_id", "dimension"]].join(weights, on=["evaluation_id", "dimension"])
    complete = joined["weights_complete"].eq(True).to_numpy()
    sections["computed_weight"] = joined["computed_weight"].where(complete).to_numpy()
    sections["computed_score"] = joined["computed_score"].to_numpy()
    sections["weight_tolerance"] = WEIGHT_TOLERANCE
    sections["score_tolerance"] = half_unit(sections["score"]).fillna(0.0) + EPSILON
    return sections
