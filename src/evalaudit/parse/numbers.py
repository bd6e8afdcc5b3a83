"""Numbers, rates and targets as forms write them: 1,268.72 · 100.00% · ≥95% · ≤平均成本 · 69.76万件."""

from __future__ import annotations

import re

from evalaudit.model import Measure
from evalaudit.textnorm import fold

# Cells that mean "nothing here" on real forms.
EMPTY_MARKS = {"", "—", "——", "-", "--", "/", "／", "\\", "无数据", "—%", "－", "一"}

_NUMBER = re.compile(r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?")
_PLAIN_NUMBER = re.compile(r"^[-+]?\d+(?:,\d{3})*(?:\.\d+)?$")
_PERCENT = re.compile(r"^([-+]?\d+(?:\.\d+)?)%$")
_OPS = ("≥", "≤", ">", "<", "=")
_QUALITATIVE_WORDS = (
    "优",
    "良",
    "中",
    "差",
    "合格",
    "达标",
    "及时",
    "按时",
    "按期",
    "完成",
    "健全",
    "规范",
    "完善",
    "完备",
    "提升",
    "提高",
    "降低",
    "下降",
    "稳定",
    "正常",
    "标准",
    "长效",
    "满意",
    "足额",
    "有效",
    "明显",
    "显著",
    "持续",
    "是",
    "否",
    "无",
    "有",
)


def is_empty(cell: str) -> bool:
    return fold(cell) in EMPTY_MARKS


def parse_number(cell: str) -> float | None:
    """A plain number (752.03, 1,268.72, ７５２), or None for anything else, including blanks and dashes."""
    text = fold(cell).removesuffix("万元").removesuffix("元").removesuffix("分")
    if not _PLAIN_NUMBER.match(text):
        return None
    return float(text.replace(",", ""))


def parse_percent(cell: str) -> float | None:
    """100% → 100.0, 97.52% → 97.52; None when the cell is not a percentage."""
    match = _PERCENT.match(fold(cell))
    return float(match.group(1)) if match else None


def decimals(cell: str) -> int:
    """How many decimals a number is displayed with: the precision the form claims."""
    match = _NUMBER.search(fold(cell))
    if not match or "." not in match.group(0):
        return 0
    return len(match.group(0).split(".")[1])


def is_plain_number(cell: str) -> bool:
    return parse_number(cell) is not None


def is_numeric_value(cell: str) -> bool:
    """A number or a percentage, with nothing else around it."""
    return parse_number(cell) is not None or parse_percent(cell) is not None


def parse_measure(raw: str) -> Measure:
    """Split a target/actual cell into comparison operator, number and unit, or mark it qualitative."""
    text = fold(raw)
    measure = Measure(raw=raw)
    if text in EMPTY_MARKS:
        return measure
    op = None
    for candidate in _OPS:
        if candidate in text:
            op = candidate
            break
    match = _NUMBER.search(text)
    if match is None:
        measure.op = op
        measure.qualitative = True
        return measure
    measure.op = op
    measure.value = float(match.group(0).replace(",", ""))
    rest = text[match.end() :]
    unit = re.match(r"^(%|[^\d\s,，。;；、()（）]{1,4})", rest)
    measure.unit = unit.group(1) if unit else None
    return measure


def looks_like_value(cell: str) -> bool:
    """Would a reviewer read this cell as a target/actual value rather than an indicator name?"""
    text = fold(cell)
    if not text or text in EMPTY_MARKS:
        return False
    if is_numeric_value(text):
        return True
    if any(op in text for op in _OPS):
        # '★救助对象满意度(≥**%)': a name whose template note in brackets holds the comparison
        outside = re.sub(r"[(（][^)）]*[)）]", "", text)
        return len(re.findall(r"[\u4e00-\u9fff]", outside)) < 4 or any(op in outside for op in _OPS)
    if re.match(r"^[\d.,]+(%|[^\d]{1,3})$", text):  # 11人, 12个月, 69.76万件, 5544.13m²
        return True
    if re.search(
        r"\d+月(\d+日)?(底)?前|\d{4}年.*前|年底前|月底前|^\d{4}年\d{1,2}月(\d{1,2}日|底|初|中旬|上旬|下旬)?$", text
    ):
        return True
    if len(text) <= 8 and text.endswith(("以上", "以下", "以内", "之内", "以下水平")):
        return True
    if len(text) <= 6 and any(word in text for word in _QUALITATIVE_WORDS):
        return True
    return False
