from __future__ import annotations

import pytest

from evalaudit.parse.numbers import decimals, looks_like_value, parse_measure, parse_number, parse_percent


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("752.03", 752.03),
        ("1,268.72", 1268.72),
        ("７５２．０３", 752.03),
        ("10分", 10.0),
        ("—", None),
        ("", None),
        ("100%", None),
        ("12个", None),
    ],
)
def test_parse_number(cell: str, expected: float | None) -> None:
    assert parse_number(cell) == expected


@pytest.mark.parametrize(("cell", "expected"), [("79%", 79.0), ("97.52%", 97.52), ("１００％", 100.0), ("79", None)])
def test_parse_percent(cell: str, expected: float | None) -> None:
    assert parse_percent(cell) == expected


@pytest.mark.parametrize(
    ("raw", "op", "value", "unit", "qualitative"),
    [
        ("≥95%", "≥", 95.0, "%", False),
        ("≧95%", "≥", 95.0, "%", False),
        ("＞＝12次", "≥", 12.0, "次", False),
        ("$\\geq 99\\%$", "≥", 99.0, "%", False),
        ("≤平均成本", "≤", None, None, True),
        ("69.76万件", None, 69.76, "万件", False),
        ("5544.13m²", None, 5544.13, "m²", False),
        ("按时保质完成", None, None, None, True),
        ("＝7个", "=", 7.0, "个", False),
    ],
)
def test_parse_measure(raw, op, value, unit, qualitative) -> None:
    measure = parse_measure(raw)
    assert (measure.raw, measure.op, measure.value, measure.unit, measure.qualitative) == (
        raw,
        op,
        value,
        unit,
        qualitative,
    )


def test_decimals_is_the_displayed_precision() -> None:
    assert [decimals(c) for c in ("79%", "97.52%", "96.4", "7.9")] == [0, 2, 1, 1]


@pytest.mark.parametrize(
    "cell", ["100%", "≥5次", "12月底前", "优秀", "市级以上", "2023年8月底", "11人", "≥95%(含)", "≥90%(满意)"]
)
def test_values_look_like_values(cell: str) -> None:
    assert looks_like_value(cell)


@pytest.mark.parametrize(
    "cell",
    [
        "财务管理制度健全性",
        "对全州各县市政府政务服务中心的有关工作进行业务指导",
        "",
        "★受助群众满意度(≥**%)",  # the template's note on the target, in brackets after the name
    ],
)
def test_names_do_not_look_like_values(cell: str) -> None:
    assert not looks_like_value(cell)
