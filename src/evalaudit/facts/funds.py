"""Facts on the funds table: execution rates, expected execution score, and sub-rows vs the total row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalaudit.display import format_number
from evalaudit.facts.precision import (
    EPSILON,
    FULL_MARKS,
    half_unit,
    money_half_unit,
    truncation_slack,
    written_half_unit,
)
from evalaudit.frames import FLAG, NUMBER, POSITION, TEXT, empty_frame, map_distinct

TOTAL = "年度资金总额"
# A total row is broken down by use (基本/项目) and, on project forms, by source (财政拨款/结转/其他).
BREAKDOWNS = {
    "use": ("基本支出", "项目支出"),
    "source": ("本年财政拨款", "上年结转", "其他资金"),
    "level": ("中央资金", "省级资金", "市县资金", "地方资金", "其他资金"),  # 中央 / 地方 (省, 市县) / 其他
}
# The source and level breakdowns are only meaningful when their main part is filled in.
BREAKDOWN_ANCHOR = {"use": None, "source": "本年财政拨款", "level": None}
MONEY_COLUMNS = {"initial_budget": "年初预算数", "budget": "全年预算数", "executed": "全年执行数"}
FUND_TOTALS_SCHEMA = {
    "evaluation_id": TEXT,
    "row": POSITION,  # the total row's
    "label": TEXT,
    "stated": NUMBER,
    "parts_sum": NUMBER,
    "parts_count": POSITION,
    "parts_half": NUMBER,
    "parts_text": TEXT,
    "breakdown": TEXT,
    "column": TEXT,
    "column_label": TEXT,
    "tolerance": NUMBER,
    "amount_unit": TEXT,
}


def fund_facts(funds: pd.DataFrame) -> pd.DataFrame:
    """Per fund row: computed rate B/A with its tolerance; for the total row, the expected score."""
    funds = funds.copy()
    budget, executed = funds["budget"], funds["executed"]
    positive = budget > 0
    funds["computed_rate"] = (executed / budget * 100).where(positive)
    funds["rate_tolerance"] = (
        written_half_unit(funds["stated_rate_raw"], funds["stated_rate"])  # 31.00% is exact to 0.005
        + 100 * (money_half_unit(executed) / budget + executed * money_half_unit(budget) / budget**2)
        + EPSILON
    ).where(positive) + truncation_slack(funds["stated_rate"], funds["computed_rate"], funds["stated_rate_raw"])
    funds["is_total"] = funds["item"] == TOTAL
    # how the overspend message states the rate: B/A, or why there is none ('全年预算数 0' beside spending)
    rate = funds["computed_rate"]
    rate_text = pd.Series(np.char.mod("%.2f", rate.fillna(0.0).to_numpy(dtype=float)), index=funds.index)
    funds["rate_note"] = (
        ("（执行率" + rate_text + "%）").where(rate.notna(), "（全年预算数为0，执行率无从计算）").astype(TEXT)
    )

    # The execution score: min(rate, 100 %) × weight. Forms compute it from the rate they display, so the
    # stated rate is used when B/A confirms it; B/A when it contradicts it; the stated rate when B/A is unknown.
    confirmed = (funds["stated_rate"] - funds["computed_rate"]).abs() <= funds["rate_tolerance"]
    rate = funds["stated_rate"].where(confirmed, funds["computed_rate"]).fillna(funds["stated_rate"])
    rate_slack = half_unit(funds["stated_rate"]).fillna(0.0)
    expected = rate.clip(upper=100) / 100 * funds["weight"]
    funds["expected_score"] = expected.where(funds["is_total"])
    # an execution weight of the whole form's full marks (分值 100 beside 得分 10) is a slip in the weight: the
    # weight the stated score and rate imply is what the form meant
    funds["weight_is_full_marks"] = (funds["is_total"] & (funds["weight"] >= FULL_MARKS - EPSILON)).astype(FLAG)
    funds["implied_weight"] = (funds["stated_score"] / rate.clip(upper=100) * 100).where(
        funds["weight_is_full_marks"] & (rate > 0)
    )
    funds["score_tolerance"] = (
        half_unit(funds["stated_score"]).fillna(0.0)
        + funds["weight"] * rate_slack / 100
        + truncation_slack(funds["stated_score"], funds["expected_score"])
        + EPSILON
    ).where(funds["is_total"])
    return funds


def fund_totals(funds: pd.DataFrame, amount_unit: pd.Series) -> pd.DataFrame:
    """One row per (form, breakdown, money column): the total row's value beside the sum of its parts.

    `amount_unit` maps evaluation_id → 万元/元 for the messages.
    """
    totals = funds[funds["is_total"]].drop_duplicates("evaluation_id")
    frames = []
    for breakdown, items in BREAKDOWNS.items():
        parts = funds[funds["item"].isin(items)]
        anchor = BREAKDOWN_ANCHOR[breakdown]
        # A lone "其中：财政拨款" row is "of which", not a breakdown: at least two of its rows must be printed.
        printed = parts.groupby("evaluation_id")["item"].nunique()
        parts = parts[parts["evaluation_id"].map(printed) >= 2]
        for column, column_label in MONEY_COLUMNS.items():
            filled = parts[parts[column].notna()]
            if anchor is not None:
                anchored = filled.loc[filled["item"] == anchor, "evaluation_id"].unique()
                filled = filled[filled["evaluation_id"].isin(anchored)]
            if filled.empty:
                continue
            values = filled[column]
            terms = " + " + filled["label"].astype(str) + " " + map_distinct(values, format_number, object)
            grouped = filled.assign(term=terms.astype(object), half=money_half_unit(values)).groupby(
                "evaluation_id", sort=False
            )
            summed = pd.DataFrame(
                {
                    "parts_sum": grouped[column].sum(),
                    "parts_count": grouped[column].size(),
                    "parts_half": grouped["half"].sum(),
                    "parts_text": grouped["term"].sum().str[3:],  # string sum joins; drop the first " + "
                }
            )
            joined = totals[["evaluation_id", "row", "label", column]].join(summed, on="evaluation_id", how="inner")
            joined = joined.rename(columns={column: "stated"})
            joined["breakdown"] = breakdown
            joined["column"] = column
            joined["column_label"] = column_label
            frames.append(joined)
    if not frames:
        return empty_frame(FUND_TOTALS_SCHEMA)
    result = pd.concat(frames, ignore_index=True)
    # Each part and the total may each be rounded by half a unit of the place it shows.
    result["tolerance"] = result["parts_half"] + money_half_unit(result["stated"]).fillna(0.0) + EPSILON
    result["amount_unit"] = result["evaluation_id"].map(amount_unit).fillna("")
    return result[list(FUND_TOTALS_SCHEMA)].astype(FUND_TOTALS_SCHEMA)
