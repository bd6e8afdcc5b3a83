"""Cells run together by PDF or spreadsheet extraction: '监测数据质量合格100%100%10' is a name and its values.

The header says how many values follow a row's name (年初目标值, 实际完成值, [分值], 得分). A cell that ends in
exactly that many value tokens — a number with its % or unit, an optional ≥/≤ before it — is cut into the
name and those values. Percent signs and units are what make the cut unambiguous; a run of bare digits
('1010100') is left alone here (the funds table splits those by its own arithmetic).
"""

from __future__ import annotations

import re
from functools import lru_cache

from evalaudit.parse.flatten import matching_copy
from evalaudit.parse.lines import Line
from evalaudit.parse.vocab import STOCK_EXPLANATIONS

VALUE_ROLES = ("target", "actual", "weight", "score")
_UNIT = r"(?:%|‰|[\u4e00-\u9fff]{1,3}(?:/[\u4e00-\u9fff]{1,2})?)"
_OPERATOR = r"(?:[≥≤><=]+|不低于|不少于|不高于|不超过|大于|小于|低于|高于)?"
_TOKEN = r"(" + _OPERATOR + r"\d+(?:\.\d+)?" + _UNIT + r"?)"


_VALUE = re.compile(_TOKEN + "$")


def is_value_token(cell: str) -> bool:
    """'不少于12种', '≥95%', '38508人': one value with its unit or operator, as a fused row writes it."""
    return bool(_VALUE.match(matching_copy(cell.strip())))


@lru_cache(maxsize=8)
def _pattern(count: int) -> re.Pattern[str]:
    return re.compile(r"^(?P<name>.*?[^\d.≥≤><=])" + _TOKEN * count + "$")


def split_fused(cell: str, count: int, bare_last: bool = True) -> list[str] | None:
    """[name, value, …] when `cell` is a name followed by exactly `count` fused values, else None.

    Every value but a last 分值/得分 (`bare_last`) must carry its % or unit: that is what marks where it ends."""
    text = matching_copy(cell)  # folded one character for one: cuts fall where they do in `cell`
    if count < 2 or text.count("%") + len(re.findall(r"\d+", text)) < count:
        return None
    match = _pattern(count).match(text)
    if not match:
        return None
    values = [cell[match.start(index) : match.end(index)] for index in range(2, count + 2)]
    marked = [value.endswith("%") or bool(re.search(r"[^\d.]$", value)) for value in values]
    if not all(marked[:-1]) or not (marked[-1] or bare_last):
        return None
    return [cell[: match.end("name")], *values]


_REPEATED = re.compile(
    r"^(?P<name>.*?[^\d.])(?P<weight>\d{1,2}(?:\.\d+)?)(?P<value>[≥≤><=]*\d[\d.]*(?:%|[\u4e00-\u9fff]{1,3}))"
    r"(?P=value)(?P<score>\d{1,2}(?:\.\d+)?)$"
)


def split_weight_repeat(cell: str) -> list[str] | None:
    """'无偿发放原原种8550万粒550万粒8' (分值 | 指标值 | 实际值 | 得分 run together, the target met):
    the value written twice shows where the weight before it and the score after it end."""
    match = _REPEATED.match(matching_copy(cell))
    if not match or float(match.group("score")) > float(match.group("weight")) or float(match.group("weight")) > 100:
        return None
    value = cell[match.start("value") : match.end("value")]
    return [
        cell[: match.end("name")],
        cell[match.start("weight") : match.end("weight")],
        value,
        value,
        cell[match.start("score") : match.end("score")],
    ]


def split_stock_explanation(cell: str) -> tuple[str, str]:
    """'扑火设备配置率100%1000件达成预期指标' → ('扑火设备配置率100%1000件', '达成预期指标')."""
    copy = matching_copy(cell)
    for phrase in STOCK_EXPLANATIONS:
        if copy.endswith(phrase) and len(copy) > len(phrase):
            return cell[: -len(phrase)], cell[-len(phrase) :]
    return cell, ""


def unfuse(line: Line, roles: list[str]) -> Line:
    """The line with each fused name+values cell cut into its cells (a stock explanation after them kept as
    the row's last cell; a row whose actual value is missing may carry one value fewer)."""
    value_roles = [role for role in roles if role in VALUE_ROLES]
    count = len(value_roles)
    bare_last = bool(value_roles) and value_roles[-1] in ("weight", "score")
    cells: list[str] = []
    changed = False
    for cell in line.nonempty:
        body, explanation = split_stock_explanation(cell)
        weight_first = value_roles[:4] == ["weight", "target", "actual", "score"]
        pieces = (
            (split_weight_repeat(body) if weight_first else None)
            or split_fused(body, count, bare_last)
            or (split_fused(body, count - 1, bare_last) if explanation and count > 2 else None)
        )
        if explanation and not pieces and count == 2:
            pieces = name_and_value(body)
        if pieces or explanation:
            cells.extend(pieces or [body])
            cells.extend([explanation] if explanation else [])
            changed = True
        else:
            cells.append(cell)
    return Line(cells, line.raw, line.lineno, line.delimited) if changed else line


def name_and_value(body: str) -> list[str] | None:
    """'森林火灾起因查明率不低于95%' (its 实际完成值 left empty): the name and its one value. A bare number
    needs its unit in the name ('成本控制额(万元)63'); a yes/no needs a question in it ('…是否明显提升是')."""
    copy = matching_copy(body)
    if asked := re.match(r"^(?P<name>.*是否.+?)(?P<answer>是|否)$", copy):
        return [body[: asked.end("name")], body[asked.start("answer") :]]
    if unit_named := re.match(r"^(?P<name>.*[(（][^)）]*[)）])(?P<value>\d+(?:\.\d+)?)$", copy):
        return [body[: unit_named.end("name")], body[unit_named.start("value") :]]
    match = re.match(r"^(?P<name>.*?[^\d.≥≤><=])" + _TOKEN + "$", copy)
    if not match or not re.search(r"%|[^\d.]$", match.group(2)):
        return None
    return [body[: match.end("name")], body[match.start(2) : match.end(2)]]
