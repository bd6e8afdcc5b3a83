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

VALUE_ROLES = ("target", "actual", "weight", "score")
_UNIT = r"(?:%|‰|[\u4e00-\u9fff]{1,3}(?:/[\u4e00-\u9fff]{1,2})?)"
_TOKEN = r"([≥≤><=]*\d+(?:\.\d+)?" + _UNIT + r"?)"


@lru_cache(maxsize=8)
def _pattern(count: int) -> re.Pattern[str]:
    return re.compile(r"^(?P<name>.*?[^\d.≥≤><=])" + _TOKEN * count + "$")


def split_fused(cell: str, count: int) -> list[str] | None:
    """[name, value, …] when `cell` is a name followed by exactly `count` fused values, else None."""
    text = matching_copy(cell)  # folded one character for one: cuts fall where they do in `cell`
    if count < 2 or not re.search(r"\d$|%$", text) or text.count("%") + len(re.findall(r"\d+", text)) < count:
        return None
    match = _pattern(count).match(text)
    if not match:
        return None
    values = [cell[match.start(index) : match.end(index)] for index in range(2, count + 2)]
    if sum(1 for value in values if value.endswith("%") or re.search(r"[^\d.]$", value)) < count - 1:
        return None  # only the last value may be a bare number (the score); the rest must carry a unit
    return [cell[: match.end("name")], *values]


def unfuse(line: Line, roles: list[str]) -> Line:
    """The line with each fused name+values cell cut into its cells."""
    count = sum(1 for role in roles if role in VALUE_ROLES)
    cells: list[str] = []
    changed = False
    for cell in line.nonempty:
        pieces = split_fused(cell, count)
        if pieces:
            cells.extend(pieces)
            changed = True
        else:
            cells.append(cell)
    return Line(cells, line.raw, line.lineno, line.delimited) if changed else line
