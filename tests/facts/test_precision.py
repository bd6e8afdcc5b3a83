"""Tolerances follow the precision the form displays."""

from __future__ import annotations

import pandas as pd

from evalaudit.facts.precision import displayed_decimals, half_unit, money_half_unit


def test_displayed_decimals_read_back_from_parsed_floats():
    values = pd.Series([96.4, 7.0, 97.752, 0.05, 78.74, float("nan")])
    assert list(displayed_decimals(values).fillna(-1)) == [1, 0, 3, 2, 2, -1]


def test_half_unit_is_half_of_the_last_place():
    assert list(half_unit(pd.Series([96.4, 10.0, 97.752]))) == [0.05, 0.5, 0.0005]


def test_whole_amounts_are_budgets_exact_to_the_cent_and_zero_is_exact():
    assert list(money_half_unit(pd.Series([245.0, 0.0, 752.03, 592.2]))) == [0.005, 0.0, 0.005, 0.05]
