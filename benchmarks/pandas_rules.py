"""The floor: the same suites evaluated as plain vectorised pandas masks, no GX.

Interprets the handful of expectation types our suites use, so the rules stay the ones in
`expectations/*.json`. Used by `checks.py` to time the floor and to confirm GX found the same rows.
"""

from __future__ import annotations

import operator

import pandas as pd

_OPERATORS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def failing_rows(frames: dict[str, pd.DataFrame], suites: dict[str, dict]) -> dict[tuple[str, str, int], list[int]]:
    """(frame, check_id, position in suite) → failing row positions."""
    found = {}
    for name, suite in suites.items():
        frame = frames[name].reset_index(drop=True)
        for position, expectation in enumerate(suite["expectations"]):
            kwargs = expectation["kwargs"]
            applies = _condition(frame, kwargs.get("row_condition"))
            bad = _unexpected(frame, expectation["type"], kwargs) & applies
            rows = list(bad[bad].index)
            if rows:
                found[(name, expectation["meta"]["check_id"], position)] = rows
    return found


def _condition(frame: pd.DataFrame, condition: dict | None) -> pd.Series:
    if condition is None:
        return pd.Series(True, index=frame.index)
    kind = condition["type"]
    if kind == "and":
        mask = pd.Series(True, index=frame.index)
        for part in condition["conditions"]:
            mask &= _condition(frame, part)
        return mask
    column = frame[condition["column"]["name"]]
    if kind == "nullity":
        return column.isna() if condition["is_null"] else column.notna()
    return _OPERATORS[condition["operator"]](column, condition["parameter"]).fillna(False).astype(bool)


def _unexpected(frame: pd.DataFrame, kind: str, kwargs: dict) -> pd.Series:
    if kind == "expect_stated_value_to_match_within_tolerance":
        stated, expected, tolerance = (frame[c] for c in kwargs["column_list"])
        judged = stated.notna() & expected.notna() & tolerance.notna()
        return judged & ~((stated - expected).abs() <= tolerance + 1e-9 * stated.abs().clip(lower=1.0))
    if kind == "expect_column_values_to_not_be_null":
        return frame[kwargs["column"]].isna()
    if kind == "expect_column_values_to_be_between":
        column = frame[kwargs["column"]]
        bad = pd.Series(False, index=frame.index)
        if kwargs.get("min_value") is not None:
            bad |= column < kwargs["min_value"]
        if kwargs.get("max_value") is not None:
            bad |= column > kwargs["max_value"]
        return bad & column.notna()
    if kind in ("expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set"):
        column = frame[kwargs["column"]]
        inside = column.isin(kwargs["value_set"])
        return column.notna() & (~inside if kind.endswith("_be_in_set") and "not" not in kind else inside)
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = frame[kwargs["column_A"]], frame[kwargs["column_B"]]
        ok = a >= b if kwargs.get("or_equal") else a > b
        return a.notna() & b.notna() & ~ok
    if kind == "expect_column_pair_values_to_be_equal":
        a, b = frame[kwargs["column_A"]], frame[kwargs["column_B"]]
        return a.notna() & b.notna() & (a != b)
    raise NotImplementedError(kind)
