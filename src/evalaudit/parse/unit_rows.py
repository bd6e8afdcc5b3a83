"""A funds table by sub-unit or city: 序号 | 单位/地区 | 全年预算数 | 全年执行数 | 预算执行率, row after row.

Province reports on transfer payments list every recipient this way, often flattened onto one line with the
numbers fused ('14信湖市684.7568.3883.01%15庐岭市…'). The rate closes each row, so the rows can be found
again; the amounts before it are split where B/A gives the stated rate (`funds.split_run_together`).
"""

from __future__ import annotations

import re

from evalaudit.model import FundRow
from evalaudit.parse.funds import split_run_together
from evalaudit.parse.lines import Line
from evalaudit.parse.numbers import parse_number, parse_percent
from evalaudit.parse.vocab import fund_item
from evalaudit.textnorm import fold

_HEADER = re.compile(
    r"(序号)?(各设区市名称|设区市名称|单位名称|地区名称|单位|地区|市县)?(全年)?预算数(全年)?执行数(预算)?执行率"
)
_ROW = re.compile(r"(?:\d{1,3})?(?P<name>[^\d%()（）,，。;；:：]{2,20}?)(?P<run>\d[\d.,]*%)")
_ROLES = ["budget", "executed", "rate"]


def unit_rows(lines: list[Line]) -> list[FundRow]:
    """Every row of a by-unit funds table, the 合计 row as 年度资金总额; [] when the form has no such table."""
    text = "".join(fold(cell) for line in lines for cell in line.nonempty)
    header = _HEADER.search(text)
    if header is None:
        return []
    body = _HEADER.sub("", text[header.end() :])  # the header repeated on the next page
    rows: list[FundRow] = []
    position = 0
    while match := _ROW.match(body, position):
        split = split_run_together(match.group("run"), _ROLES)
        if split is None:
            break
        name = match.group("name")
        budget, executed, rate = split
        rows.append(
            FundRow(
                item="年度资金总额" if name in ("合计", "总计") else (fund_item(name) or name),
                label=name,
                budget=parse_number(budget),
                executed=parse_number(executed),
                stated_rate=parse_percent(rate),
                stated_rate_raw=rate,
                raw=match.group(0),
            )
        )
        position = match.end()
    return rows if len(rows) >= 2 else []
