"""How numbers are written back to people: as the form would write them, without float noise."""

from __future__ import annotations

import math

import pandas as pd

LABEL_LENGTH = 20


def format_money(value: float | None) -> str:
    """An amount in 万元 as a reviewer reads money: 1234.5 → 1,234.50; None/NaN → ''."""
    if value is None or value != value:
        return ""
    return f"{value:,.2f}"


def format_number(value: object) -> str:
    """97.75200000001 → 97.752, 10.0 → 10, None/NaN → ''. Strings pass through."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return ""
        text = f"{float(value):.4f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return str(value)


def indicator_labels(names: pd.Series, rows: pd.Series) -> pd.Series:
    """How findings name an indicator row: its name, shortened; a row without a name by its position."""
    name = names.fillna("").astype(str).str.strip()
    short = name.where(name.str.len() <= LABEL_LENGTH, name.str[:LABEL_LENGTH] + "…")
    return short.where(name != "", "第" + (rows + 1).astype(str) + "行（未填指标名称）")
