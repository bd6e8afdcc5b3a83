"""Custom GX expectations, for what the built-ins cannot say.

Importing this module registers them; suites in `expectations/*.json` refer to them by type name.
"""

from __future__ import annotations

from typing import ClassVar, Literal

# The paths GX's guide to custom multicolumn map expectations imports from (the package re-exports, not the
# modules behind them); the version is pinned by requirements.lock and the expectation is tested
# (tests/checks/test_suites.py).
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    MulticolumnMapMetricProvider,
    multicolumn_condition_partial,
)


class StatedValueWithinTolerance(MulticolumnMapMetricProvider):
    """Row-wise |stated − expected| ≤ tolerance, over the columns [stated, expected, tolerance]."""

    condition_metric_name = "multicolumn_values.stated_within_tolerance"
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")
    condition_value_keys = ()

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, **kwargs):
        stated, expected, tolerance = (column_list.iloc[:, position] for position in range(3))
        return (stated - expected).abs() <= tolerance + 1e-9 * stated.abs().clip(lower=1.0)  # float noise


class ExpectStatedValueToMatchWithinTolerance(MulticolumnMapExpectation):
    """A value the form states equals the value its own numbers imply, within the precision it displays.

    `column_list` is [stated, expected, tolerance]: three columns of the same frame, because the tolerance
    differs per row (a total shown as 96.4 has slack 0.05, one shown as 97.752 has 0.0005). Rows where any of
    the three is missing are not judged: another check reports what is missing.
    """

    map_metric = "multicolumn_values.stated_within_tolerance"
    success_keys = ("mostly",)
    args_keys = ("column_list",)
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "any_value_is_missing"
    library_metadata: ClassVar[dict] = {"maturity": "production", "tags": ["evalaudit"], "contributors": []}
