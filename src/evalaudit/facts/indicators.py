"""Facts on indicator rows: subtotals, deductions and their explanations, the form's own scoring rule,
missed targets, targets echoed as actuals, and cost indicators stated as execution rates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalaudit.display import format_number, indicator_labels
from evalaudit.facts.precision import EPSILON, WEIGHT_TOLERANCE, half_unit
from evalaudit.facts.words import GRADE_RANK, bare, explanation_kind, grade, says_missed, states_bound
from evalaudit.frames import FLAG, NUMBER, TEXT, map_distinct, text_series
from evalaudit.text.template import template_phrase

# Indicators that restate a budget execution rate, and the fund row whose B/A they restate.
_RATE_NAMES = (("基本支出", "基本支出"), ("项目支出", "项目支出"), ("", "年度资金总额"))
_RATE_WORDS = ("预算执行率", "预算完成率", "资金执行率", "支出执行率")
_SCALE = {"万": 1e4, "亿": 1e8}
_DATE_UNITS = ("年", "月", "日", "底", "前", "初", "旬", "季度")
_CHILDREN_SCHEMA = {
    "children_score_sum": NUMBER,
    "children_weight_sum": NUMBER,
    "children_count": NUMBER,  # NaN on rows that are no subtotal
    "children_half": NUMBER,
    "children_scores_text": object,
}


def indicator_facts(
    indicators: pd.DataFrame,
    form_type: pd.Series,
    funds: pd.DataFrame,
    cut_off: pd.Series | None = None,
    unread: pd.Series | None = None,
) -> pd.DataFrame:
    """`form_type`, `cut_off` and `unread` map evaluation_id → department / project / report and the form's
    Evaluation.cut_off and Evaluation.unread; `funds` carries its own facts."""
    cut_off = cut_off if cut_off is not None else pd.Series(dtype="object")
    unread = unread if unread is not None else pd.Series(dtype="object")
    ind = indicators.copy()
    ind["form_type"] = text_series(ind["evaluation_id"].map(form_type))
    ind["label"] = indicator_labels(ind["name"], ind["row"])
    ind["is_table_form"] = ind["form_type"] != "report"
    ind["is_leaf"] = ~ind["is_subtotal"].astype(bool)
    ind["is_top"] = ind["parent"].isna()
    ind["needs_values"] = ind["is_table_form"] & ind["is_leaf"]  # table rows must state actual, weight, score
    # the row the text stops in (Evaluation.cut_off "end") is not missing its values: they are off the page
    last_row = ind.groupby("evaluation_id", sort=False)["row"].transform("max")
    ind["needs_values"] &= ~((ind["row"] == last_row) & ind["evaluation_id"].map(cut_off).isin(["end", "both"]))
    # a text whose numbers were stripped (Evaluation.unread "values") is said once, not row by row
    ind["needs_values"] &= ~ind["evaluation_id"].map(unread).fillna("").astype(str).str.contains("values")
    ind["target_words"], ind["actual_words"] = _words(ind["target_raw"]), _words(ind["actual_raw"])
    ind["has_actual"] = ind["actual_value"].notna() | (ind["actual_words"] != "")
    ind["has_target"] = ind["target_raw"].fillna("").astype(str).str.strip() != ""  # scoring rows have none
    # a column left blank on every row is one finding on the form (facts.forms), not one per row; a table
    # with no 分值 column at all (scored 20 × 执行率 + per row) asks no row for a weight
    ids = ind["evaluation_id"]
    for column, present in (
        ("weight", ind["weight"].notna()),
        ("score", ind["score"].notna()),
        ("actual", ind["has_actual"]),
    ):
        ind[f"needs_{column}"] = ind["needs_values"] & _any_row_of_form(present, ids)
    ind["weight_tolerance"] = WEIGHT_TOLERANCE
    # '★农村低保保障标准(≥**元/人·月)', '指标1:': the template's placeholders left in a row
    ind["placeholder"] = map_distinct(ind["name"] + " " + ind["target_raw"].fillna(""), template_phrase, TEXT)
    # a score may pass its points where the scoring rule gives bonus points (…的，加1分，最多加2分)
    bonus = ind["criteria"].str.contains(r"加\s*\d+(?:\.\d+)?\s*分|最多加|加分", regex=True)
    ind["score_cap"] = ind["weight"].where(~bonus)

    _children(ind)
    _deductions(ind)
    _quantities(ind)
    _rule_and_misses(ind)
    _echoed_targets(ind)
    _cost_rates(ind)
    _stated_execution_rates(ind, funds)
    _duplicated_rows(ind)
    return ind


def _duplicated_rows(ind: pd.DataFrame) -> None:
    """A row repeated in the same form (values and explanation identical, name the same or left blank)."""
    columns = [
        ind[c].astype(str).fillna("") for c in ("level2", "target_raw", "actual_raw", "weight", "score", "explanation")
    ]
    key = columns[0].str.cat(columns[1:], sep="|")
    filled = ind["target_raw"].fillna("").astype(str).str.strip() != ""
    grouped = ind[filled].assign(key=key[filled]).groupby(["evaluation_id", "key"], sort=False)
    first_label = grouped["label"].transform("first")
    first_name = grouped["name"].transform("first").fillna("")
    later = grouped.cumcount() > 0
    name = ind.loc[later.index, "name"].fillna("")
    repeated = later & ((name == first_name) | (name == "") | (first_name == ""))
    ind["duplicate_of"] = None
    ind.loc[repeated[repeated].index, "duplicate_of"] = first_label[repeated]
    ind["is_duplicate_row"] = ind["duplicate_of"].notna()


def _children(ind: pd.DataFrame) -> None:
    """On each subtotal row: the sum of the scores and weights of the rows linked to it."""
    children = ind[ind["parent"].notna()].assign(score_half=lambda f: half_unit(f["score"]))
    grouped = children.groupby(["evaluation_id", "parent"], sort=False)
    sums = pd.DataFrame(
        {
            "children_score_sum": grouped["score"].sum(min_count=1),
            "children_weight_sum": grouped["weight"].sum(min_count=1),
            "children_count": grouped["score"].size(),
            "children_half": grouped["score_half"].max(),
            "children_scores_text": grouped["score"].agg(lambda s: " + ".join(format_number(v) for v in s.dropna())),
        }
    )
    sums.index = sums.index.set_names(["evaluation_id", "row"])
    keyed = ind[["evaluation_id", "row"]].astype({"row": "float64"})
    joined = keyed.join(sums, on=["evaluation_id", "row"])
    for column, dtype in _CHILDREN_SCHEMA.items():  # a form without subtotals still gets typed columns
        ind[column] = joined[column].astype(dtype).to_numpy()
    ind["children_score_tolerance"] = (ind["children_count"] + 1) * np.maximum(
        ind["children_half"].fillna(0.0), half_unit(ind["score"]).fillna(0.0)
    ) + EPSILON


def _deductions(ind: pd.DataFrame) -> None:
    ind["explanation_kind"] = map_distinct(ind["explanation"], explanation_kind, TEXT)
    ind["deducted"] = ind["is_leaf"] & (ind["score"] < ind["weight"] - EPSILON)
    ind["full_marks"] = ind["is_leaf"] & (ind["score"] >= ind["weight"] - EPSILON)
    ind["lost_points"] = (ind["weight"] - ind["score"]).where(ind["deducted"])
    # A table of targets has its 偏差原因 column; a scoring table (分值 / 评分标准 / 得分, no targets) that explains
    # none of its rows has none: its deductions are read against its criteria, not asked for a reason.
    asks = _any_row_of_form(ind["has_target"] | (ind["explanation_kind"] != "empty"), ind["evaluation_id"])
    ind["deduction_to_explain"] = ind["deducted"] & asks


def _any_row_of_form(flags: pd.Series, ids: pd.Series) -> pd.Series:
    """True on every row of a form where any of its rows is: what one row shows of the form's table (a column
    filled, a column there at all) holds for all of them."""
    return flags.groupby(ids).transform("any").astype(bool)


def _quantities(ind: pd.DataFrame) -> None:
    """Target and actual as comparable quantities: 1.5万件 → 15000 件; dates and mixed units left out."""
    for side in ("target", "actual"):
        unit = ind[f"{side}_unit"].fillna("").astype(str)
        scale = unit.str[:1].map(_SCALE).astype(NUMBER).fillna(1.0)
        ind[f"{side}_base_unit"] = unit.where(scale == 1.0, unit.str[1:])
        ind[f"{side}_quantity"] = ind[f"{side}_value"] * scale
        # 2023年11月底前 parses as 2023 with unit 年…, 12月底前 as 12 with unit 月底前: both are dates.
        ind[f"{side}_is_date"] = map_distinct(unit, _is_date_unit, FLAG)
    target_unit, actual_unit = ind["target_base_unit"], ind["actual_base_unit"]
    percent_mismatch = (target_unit == "%") != (actual_unit == "%")
    units_agree = (target_unit == actual_unit) | (target_unit == "") | (actual_unit == "")
    nature = ind["nature"].fillna("").astype(str)
    nature_words = map_distinct(nature, bare, TEXT)
    ind["negative"] = ind["target_op"].isin(["≤", "<"]) | nature_words.str.contains("反向")
    ind["comparable"] = (
        ind["is_leaf"]
        & ind["target_quantity"].notna()
        & ind["actual_quantity"].notna()
        & (ind["target_quantity"] > 0)
        & ~ind["target_is_date"]
        & ~ind["actual_is_date"]
        & units_agree
        & ~percent_mismatch
        & ~nature_words.str.contains("定性")
    )


def _rule_and_misses(ind: pd.DataFrame) -> None:
    """The form's own rule: positive B/A × weight, negative A/B × weight, capped at the weight."""
    target, actual = ind["target_quantity"], ind["actual_quantity"]
    positive_ratio = actual / target
    negative_ratio = (target / actual).where(actual > 0, 1.0)
    ratio = positive_ratio.where(~ind["negative"], negative_ratio).clip(upper=1.0)
    ind["rule_score"] = (ratio * ind["weight"]).where(ind["comparable"] & ind["score"].notna())
    # Rounding the rule's result to the precision shown, or cutting it off there, are both fine.
    half = half_unit(ind["score"]).fillna(0.0)
    ind["rule_tolerance"] = np.where(ind["score"] > ind["rule_score"], half, 2 * half) + EPSILON
    # The rule gives all the points (the target is met): a deduction then needs correcting, not explaining.
    ind["rule_full_marks"] = (ind["rule_score"] >= ind["weight"] - EPSILON).astype(FLAG)

    quantitative_miss = ind["comparable"] & np.where(
        ind["negative"], actual > target * (1 + 1e-9), actual < target * (1 - 1e-9)
    )
    # Only values in words can say "missed" or carry a grade; numbers are compared above.
    target_words, actual_words = ind["target_words"], ind["actual_words"]
    worded_miss = (
        ind["is_leaf"] & map_distinct(actual_words, says_missed, FLAG) & ~map_distinct(target_words, says_missed, FLAG)
    )
    target_grade = map_distinct(target_words, _grade_rank, NUMBER)
    actual_grade = map_distinct(actual_words, _grade_rank, NUMBER)
    graded_miss = ind["is_leaf"] & (actual_grade < target_grade)
    ind["missed_target"] = quantitative_miss | worded_miss | graded_miss
    ind["full_marks_missed_target"] = ind["full_marks"] & ind["missed_target"]


def _echoed_targets(ind: pd.DataFrame) -> None:
    """A scored row whose actual repeats a target that states a bound (≥95% / ≥95%, ≤平均成本 / ≤平均成本):
    the actual is still a target, not a result. Values (100% / 100%) may well be met exactly and are left alone."""
    target = map_distinct(ind["target_raw"], bare, TEXT)
    same = (target != "") & (target == map_distinct(ind["actual_raw"], bare, TEXT))
    bound = same & map_distinct(ind["target_raw"].where(same, ""), states_bound, FLAG)
    ind["actual_repeats_target"] = bound & (ind["score"] > 0)


def _cost_rates(ind: pd.DataFrame) -> None:
    """A cost indicator whose actual is a percentage of an amount target is an execution rate (106 %).

    `score_at_weight`: the row (a 小计 too) got all its points, so an overspent cost row lost none."""
    labels = ind["level1"].fillna("") + ind["level2"].fillna("")
    groups = map_distinct(labels, bare, TEXT)
    is_cost = groups.str.contains("成本") | ind["name"].fillna("").str.contains("支出", regex=False)
    applies = is_cost & (ind["actual_base_unit"] == "%") & (ind["target_base_unit"] != "%")
    ind["cost_rate"] = ind["actual_value"].where(applies)
    ind["score_at_weight"] = (ind["score"] >= ind["weight"] - EPSILON).astype(FLAG)


def _words(raw: pd.Series) -> pd.Series:
    """The folded words of cells that hold no number; '' for numbers and blanks."""
    raw = raw.fillna("").astype(str)
    wordy = ~raw.str.contains(r"\d", regex=True) & (raw != "")
    return map_distinct(raw.where(wordy, ""), bare, TEXT)


def _is_date_unit(unit: str) -> bool:
    return unit not in ("天", "个工作日", "工作日", "個工作日") and any(word in unit for word in _DATE_UNITS)


def _grade_rank(text: str) -> float:
    label = grade(text)
    return float(GRADE_RANK[label]) if label else np.nan


def _stated_execution_rates(ind: pd.DataFrame, funds: pd.DataFrame) -> None:
    """An indicator such as 预算完成率 1% restates B/A of a fund row: it must agree with the funds table."""
    # Fold only the few names that might restate a rate (執行率 in traditional characters included).
    raw_name = ind["name"].fillna("").astype(str)
    candidate = (ind["actual_base_unit"] == "%") & raw_name.str.contains("率", regex=False)
    name = raw_name.where(~candidate, map_distinct(raw_name.where(candidate, ""), bare, TEXT))
    restates = candidate & name.str.contains("|".join(_RATE_WORDS))
    item = pd.Series(None, index=ind.index, dtype="object")
    for word, fund_item in reversed(_RATE_NAMES):
        item = item.mask(restates & name.str.contains(word), fund_item)
    rates = funds.drop_duplicates(["evaluation_id", "item"]).set_index(["evaluation_id", "item"])["computed_rate"]
    keys = pd.MultiIndex.from_arrays([ind["evaluation_id"], item])
    ind["fund_rate"] = rates.reindex(keys).to_numpy()
    ind["fund_rate_label"] = item
    ind["fund_rate_tolerance"] = half_unit(ind["actual_value"]).fillna(0.0) + 0.01 + EPSILON
