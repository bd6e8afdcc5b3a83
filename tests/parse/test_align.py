"""Rows with a cell missing or typed twice are aligned by content, and that is reported."""

from __future__ import annotations

from evalaudit.parse.funds import DEFAULT_ROLES, split_run_together
from evalaudit.parse.indicators import LevelState, RowContext, interpret_delimited_row
from evalaudit.parse.lines import Line

ROLES = ["level1", "level2", "name", "target", "actual", "weight", "score", "explanation"]


def _row(*cells: str, level1: str = "部门管理", level2: str = "财务管理"):
    context = RowContext(roles=ROLES, state=LevelState(level1=level1, level2=level2), warnings=[])
    indicator = interpret_delimited_row(Line(list(cells), "\t".join(cells), 1, True), context)
    return indicator, context.warnings


def test_positional_row_needs_no_warning() -> None:
    indicator, warnings = _row("", "", "资金使用规范性", "规范", "100%", "2", "2", "无偏差")
    assert (indicator.name, indicator.target.raw, indicator.actual.raw, indicator.weight) == (
        "资金使用规范性",
        "规范",
        "100%",
        2,
    )
    assert warnings == []


def test_value_typed_twice_is_dropped_not_shifted_into_the_score() -> None:
    indicator, warnings = _row("", "", "人力资源管理", "100%", "100%", "2", "2", "2", "无偏差")
    assert (indicator.target.raw, indicator.actual.raw, indicator.weight, indicator.score) == ("100%", "100%", 2, 2)
    assert len(warnings) == 1 and "多出单元格：2" in warnings[0].message


def test_level2_label_in_the_name_column_moves_to_level2_and_fixes_level1() -> None:
    # a 效益指标 label printed in the middle of the 产出 rows must not claim the 时效 row
    indicator, warnings = _row(
        "", "", "", "时效", "2023年12月31日前", "按期保质完成", "5", "5", level1="效益指标", level2="质量"
    )
    assert (indicator.level1, indicator.level2, indicator.name) == ("产出指标", "时效", "")
    assert indicator.target.raw == "2023年12月31日前"
    assert "三级指标" in warnings[0].message


def test_run_together_split_needs_a_unique_consistent_reading() -> None:
    roles = ["budget", "executed", "weight", "rate", "score"]
    assert split_run_together("202010100.00%10", roles) == ["20", "20", "10", "100.00%", "10"]
    assert split_run_together("20209999.00%10", roles) is None  # no reading satisfies rate = B/A
    assert DEFAULT_ROLES[:3] == ["initial_budget", "budget", "executed"]
