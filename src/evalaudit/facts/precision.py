"""The precision a form displays, so that rounding is never reported as an error."""

from __future__ import annotations

import numpy as np
import pandas as pd

EPSILON = 1e-6  # floating-point slack added to every tolerance
WEIGHT_TOLERANCE = 0.01  # weights are whole or half points: any difference is real
FULL_MARKS = 100.0  # a form's full marks where it states none
MAX_DECIMALS = 4


def displayed_decimals(values: pd.Series) -> pd.Series:
    """Decimals each number was written with (96.4 → 1, 7 → 0), read back from the parsed float.

    A trailing zero (96.40) is lost in parsing, which only makes the tolerance wider: rounding
    is still never reported, while real differences are far larger than half a unit.
    """
    magnitude = values.abs().to_numpy(dtype="float64", na_value=np.nan)
    result = np.full(magnitude.shape, MAX_DECIMALS, dtype="float64")
    for places in range(MAX_DECIMALS - 1, -1, -1):
        with np.errstate(over="ignore", invalid="ignore"):  # 1e308 × 10³ is inf: not exact at that place
            scaled = magnitude * 10.0**places
            exact = np.abs(scaled - np.round(scaled)) < 1e-6
        result = np.where(exact, places, result)
    result[np.isnan(magnitude)] = np.nan
    return pd.Series(result, index=values.index)


def half_unit(values: pd.Series) -> pd.Series:
    """Half of the last displayed place: 96.4 → 0.05, 7 → 0.5; NaN where there is no number."""
    return 0.5 * 10.0 ** (-displayed_decimals(values))


def money_half_unit(values: pd.Series) -> pd.Series:
    """Rounding slack of an amount: half its last decimal place; whole amounts (245, 0) are exact budgets,
    taken as accurate to the cent (0.005)."""
    decimals = displayed_decimals(values)
    half = 0.5 * 10.0 ** (-decimals)
    return half.where(decimals != 0, 0.005).where(values != 0, 0.0)


def truncation_slack(stated: pd.Series, computed: pd.Series, raw: pd.Series | None = None) -> pd.Series:
    """How far `stated` lies below `computed` when it is `computed` cut off at the places it shows
    (57.89 for 57.8985, 9 for 9.78): forms that cut instead of rounding are not wrong. 0 elsewhere.
    `raw` gives the places as written (31.00% shows two, which the parsed 31.0 does not)."""
    scale = 10.0 ** (displayed_decimals(stated) if raw is None else _written_decimals(raw, stated))
    with np.errstate(invalid="ignore"):
        cut = np.floor(computed * scale + 1e-9) / scale
    is_cut = (cut - stated).abs() < 1e-9
    return (computed - stated).where(is_cut & (computed > stated), 0.0).fillna(0.0)


def _written_decimals(raw: pd.Series, values: pd.Series) -> pd.Series:
    decimals = raw.fillna("").astype(str).str.extract(r"\d+\.(\d+)", expand=False).str.len()
    shown = displayed_decimals(values)
    return decimals.astype("float64").where(decimals.notna(), np.where(raw.fillna("").astype(str) != "", 0.0, shown))


def written_half_unit(raw: pd.Series, values: pd.Series) -> pd.Series:
    """Half of the last place as written ('31.00%' → 0.005), which parsing loses (31.0); from the value
    where there is no raw text."""
    return (0.5 * 10.0 ** (-_written_decimals(raw, values))).where(values.notna())
