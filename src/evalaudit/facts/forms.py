"""Facts on whole forms: the recomputed total, weight sums, grade, execution, and stated sections."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from evalaudit.display import format_number
from evalaudit.facts.precision import EPSILON, FULL_MARKS, WEIGHT_TOLERANCE, half_unit
from evalaudit.facts.words import DEFAULT_BANDS, band_grade, bare, dimension, grade, stated_bands
from evalaudit.frames import FLAG, NUMBER, TEXT, map_distinct, text_series

# Words an explanation uses when it accounts for money not spent.
_EXECUTION_REASON = re.compile(r"执行|支出|资金|预算|结余|结转|拨付|支付|未完成|进度|采购|延期|推迟|未到位")


def form_facts(evaluations: pd.DataFrame, funds: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """`funds` and `indicators` must already carry their own facts."""
    forms = evaluations.copy()
    forms["is_table_form"] = forms["form_type"] != "report"
    # what is not on the page or could not be read is said once (completeness.parse.*), not value by value
    ids = forms["evaluation_id"]
    has_funds = ids.isin(funds["evaluation_id"])
    has_rows = ids.isin(indicators["evaluation_id"])
    has_targets = ids.isin(indicators.loc[indicators["has_target"], "evaluation_id"])  # not a scoring table
    unscored = forms["unscored"]  # a checklist states no points and no total
    forms["total_expected"] = (
        forms["is_table_form"] & (has_rows | has_funds) & ~forms["cut_off"].isin(["end", "both"]) & ~unscored
    )
    starts_inside = forms["cut_off"].isin(["start", "both"])  # the funds table was on the page before
    # a checklist's funds are the budgets it arranged: no execution table is asked of it
    values_absent = forms["unread"].str.contains("values")  # the text lost its numbers: none is missing
    forms["funds_expected"] = (
        forms["is_table_form"]
        & (has_funds | (has_targets & ~starts_inside & ~values_absent))
        & ~forms["unread"].str.contains("funds")
        & ~unscored
    )
    forms["unit_filled"] = forms["unit"].fillna("").astype(str).str.strip() != ""

    total_rows = funds[funds["is_total"]].drop_duplicates("evaluation_id").set_index("evaluation_id")
    forms["has_total_fund_row"] = forms["evaluation_id"].isin(total_rows.index)
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
    # the rate as the form prints it (85%), for findings' `stated`; empty when the form states none
    forms["stated_exec_rate"] = (
        forms["evaluation_id"].map(total_rows["stated_rate_raw"]).astype(object).fillna("").astype(TEXT)
    )

    # points (weights, scores, totals) and amounts (万元) are written to different precisions on one form
    forms["shown_decimals"] = _shown_decimals(
        forms, ((funds, ("weight", "stated_score")), (indicators, ("weight", "score")), (forms, ("stated_total",)))
    )
    forms["amount_decimals"] = _shown_decimals(forms, ((funds, ("initial_budget", "budget", "executed")),))
    _blank_columns(forms, indicators)
    _totals(forms, indicators)
    _grades(forms)
    _execution(forms, indicators)
    return forms


def _shown_decimals(forms: pd.DataFrame, sources: tuple[tuple[pd.DataFrame, tuple[str, ...]], ...]) -> pd.Series:
    """The most decimals any of the form's numbers in `sources` (frame, columns) is written with (at most 4):
    findings write expected values no more precisely than the form writes numbers of that kind."""
    parts = [
        frame[["evaluation_id", column]].rename(columns={column: "value"})
        for frame, columns in sources
        for column in columns
        if column in frame
    ]
    values = pd.concat(parts, ignore_index=True).dropna(subset=["value"])
    if values.empty:
        return pd.Series(0, index=forms.index, dtype="int64")
    written = values["value"].astype("float64").map(lambda value: f"{value:.4f}".rstrip("0").rstrip("."))
    decimals = written.str.partition(".")[2].str.len()
    most = decimals.groupby(values["evaluation_id"]).max()
    return forms["evaluation_id"].map(most).fillna(0).astype("int64")


def _blank_columns(forms: pd.DataFrame, indicators: pd.DataFrame) -> None:
    """Whether a table form's rows left every 得分 / 实际完成值 blank: one finding for the whole column."""
    rows = indicators[indicators["needs_values"]]
    by_form = rows.groupby("evaluation_id", sort=False)
    has_rows = forms["evaluation_id"].isin(rows["evaluation_id"])
    scored = forms["evaluation_id"].map(by_form["score"].count() > 0).astype("boolean")
    # a scoring table (分值 / 评分标准 / 得分) has no 实际完成值 column: only a table of targets needs actuals
    has_targets = forms["evaluation_id"].map(by_form["has_target"].any()).eq(True)
    acted = forms["evaluation_id"].map(by_form["has_actual"].any()).astype("boolean").where(has_targets, True)
    forms["scores_filled"] = scored.fillna(True).astype(bool) | ~has_rows | forms["unscored"]
    forms["actuals_filled"] = acted.fillna(True).astype(bool) | ~has_rows
    forms["indicator_rows"] = forms["evaluation_id"].map(by_form.size()).fillna(0).astype("int64")
    marked = indicators[indicators["placeholder"].notna()].groupby("evaluation_id", sort=False)
    forms["placeholder_rows"] = forms["evaluation_id"].map(marked.size()).fillna(0).astype("int64")
    forms["placeholder_example"] = text_series(forms["evaluation_id"].map(marked["label"].first()))


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
    # a total row read without its points or score: what it adds to the total is unknown, so is the total
    exec_unknown = (forms["has_total_fund_row"] & ~has_exec & forms["exec_stated_score"].isna()) | forms[
        "unread"
    ].str.contains("rows")
    forms["computed_total"] = (forms["indicator_score_sum"] + np.where(has_exec, forms["exec_score_used"], 0.0)).where(
        ~exec_unknown
    )
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
    forms["weight_target"] = forms["stated_total_weight"].fillna(FULL_MARKS)
    # the weights add up to 100 only over the whole table: a form cut off before its total proves nothing
    read_to_end = (
        (forms["stated_total"].notna() | forms["stated_total_weight"].notna())
        & (forms["cut_off"] != "start")
        & ~forms["unread"].str.contains("rows")
    )
    forms["computed_weight_total"] = (forms["indicator_weight_sum"] + forms["exec_weight"].fillna(0.0)).where(
        complete & forms["is_table_form"] & read_to_end
    )
    forms["weight_tolerance"] = WEIGHT_TOLERANCE


def _grades(forms: pd.DataFrame) -> None:
    """Conclusion grade vs the band its stated total falls in (the form's own bands when it states them)."""
    conclusion = forms["conclusion"].fillna("").astype(str)
    forms["grade"] = map_distinct(conclusion, grade, TEXT)  # NaN: no grade stated
    expected: list[str | None] = []
    fits_computed: list[bool] = []  # the conclusion is right for the total the form's own scores add up to
    rows = zip(forms["stated_total"], forms["computed_total"], forms["raw_text"], forms["grade"])
    for stated, computed, raw, stated_grade in rows:
        if stated_grade != stated_grade or stated_grade is None or stated != stated:
            expected.append(None)
            fits_computed.append(False)
            continue
        bands = stated_bands(raw) or DEFAULT_BANDS
        expected.append(band_grade(stated, bands))
        fits_computed.append(computed == computed and band_grade(computed, bands) == stated_grade)
    forms["expected_grade"] = pd.Series(expected, index=forms.index, dtype="object").astype(TEXT)  # NaN: none
    forms["grade_fits_computed_total"] = pd.Series(fits_computed, index=forms.index, dtype="bool")


def _execution(forms: pd.DataFrame, indicators: pd.DataFrame) -> None:
    """Low execution needs a reason; a high score with low execution is suspicious."""
    texts = indicators["explanation_kind"].eq("text")
    explained = texts & indicators["explanation"].where(texts, "").fillna("").str.contains(
        _EXECUTION_REASON.pattern, regex=True
    )
    reasons = explained.groupby(indicators["evaluation_id"]).any()
    forms["execution_reason_given"] = forms["evaluation_id"].map(reasons).eq(True)
    score_ratio = forms["indicator_score_sum"] / forms["indicator_weight_sum"] * 100
    # over a table cut off at the end, the rows read are not the form's score rate
    whole = ~forms["cut_off"].isin(["end", "both"])
    forms["indicator_score_ratio"] = score_ratio.where((forms["indicator_weight_sum"] > 0) & whole)
    forms["score_exec_gap"] = forms["indicator_score_ratio"] - forms["exec_rate"].clip(upper=100)


def section_facts(sections: pd.DataFrame, indicators: pd.DataFrame, evaluations: pd.DataFrame) -> pd.DataFrame:
    """A stated group weight (产出指标 50分, 预算配置 13) vs the weights of the rows in that group.

    A section is the group whose level-1 or level-2 name it repeats (the level-2 first: 资金管理 under
    项目管理 is not 项目管理), else the level-1 group of its dimension (满意度指标 ~ 服务对象满意度指标).
    A group is only summed when it is whole: the table was read to its total, or another group follows it.
    """
    sections = sections.copy()
    top = indicators[indicators["is_top"]].copy()
    top["order"] = range(len(top))
    top["l1"] = map_distinct(top["level1"], _group_key, TEXT)
    top["l2"] = map_distinct(top["level2"], _group_key, TEXT)
    top["dimension"] = map_distinct(top["level1"], dimension, TEXT)
    last_row = top.groupby("evaluation_id", sort=False)["order"].max()
    by_form = evaluations.set_index("evaluation_id")
    read_to_end = by_form[["stated_total", "stated_total_weight"]].notna().any(axis=1) & (by_form["cut_off"] != "start")
    rows_lost = by_form["unread"].str.contains("rows")  # rows left as text: no group sum is provable

    sections["key"] = map_distinct(sections["name"], _group_key, TEXT)
    sections["dimension"] = map_distinct(sections["name"], dimension, TEXT)
    sections["computed_weight"] = np.nan
    sections["computed_score"] = np.nan
    unmatched = pd.Series(True, index=sections.index)
    for level, section_key in (("l2", "key"), ("l1", "key"), ("dimension", "dimension")):
        groups = _groups(
            top[~top["evaluation_id"].map(rows_lost).fillna(False).astype(bool)], level, last_row, read_to_end
        )
        joined = sections[["evaluation_id", section_key]].join(groups, on=["evaluation_id", section_key])
        found = joined["computed_weight_any"].notna() & unmatched
        sections.loc[found, "computed_weight"] = joined.loc[found, "computed_weight"]
        sections.loc[found, "computed_score"] = joined.loc[found, "computed_score"]
        unmatched &= ~found
    sections["weight_tolerance"] = WEIGHT_TOLERANCE
    sections["score_tolerance"] = half_unit(sections["score"]).fillna(0.0) + EPSILON
    return sections.drop(columns=["key"])


def section_gaps(forms: pd.DataFrame, sections: pd.DataFrame) -> pd.DataFrame:
    """Whether a form's weight sum and total are short by exactly what its sections are short of (产出指标 says
    50 but its rows add up to 47; the weights total 97 and the stated total is 3 above the scores): one missing
    row, reported once, at the section (`checks.causes`)."""
    forms = forms.copy()
    off = sections["weight"] - sections["computed_weight"]
    short = off.where(off.abs() > sections["weight_tolerance"]).groupby(sections["evaluation_id"]).sum(min_count=1)
    gap = forms["evaluation_id"].map(short).astype(NUMBER)
    forms["weights_short_by_sections"] = (
        (forms["weight_target"] - forms["computed_weight_total"] - gap).abs() <= forms["weight_tolerance"]
    ).astype(FLAG)
    forms["total_short_by_sections"] = (
        (forms["stated_total"] - forms["computed_total"] - gap).abs() <= forms["total_tolerance"]
    ).astype(FLAG)
    return forms


def _group_key(name: str) -> str:
    return bare(name).removesuffix("指标")


def _groups(top: pd.DataFrame, level: str, last_row: pd.Series, read_to_end: pd.Series) -> pd.DataFrame:
    """Per (form, group): weight and score sums, NaN where a weight is missing or the group may go on."""
    rows = top[top[level] != ""]
    grouped = rows.groupby(["evaluation_id", level], sort=False)
    groups = pd.DataFrame(
        {
            "computed_weight": grouped["weight"].sum(min_count=1),
            "computed_score": grouped["score"].sum(min_count=1),
            "weights_complete": grouped["weight"].count() == grouped["weight"].size(),
            "ends_at": grouped["order"].max(),
        }
    )
    ids = groups.index.get_level_values(0)
    closed = groups["ends_at"].to_numpy() < ids.map(last_row).to_numpy()
    whole = closed | ids.map(read_to_end).fillna(False).to_numpy().astype(bool)
    groups["computed_weight_any"] = groups["computed_weight"].where(groups["computed_weight"].notna(), 0.0)
    groups["computed_weight"] = groups["computed_weight"].where(groups["weights_complete"] & whole)
    groups["computed_score"] = groups["computed_score"].where(whole)
    return groups[["computed_weight", "computed_score", "computed_weight_any"]]
