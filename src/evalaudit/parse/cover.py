"""The funds block of the 项目基本概况 / 项目基本情况 cover (Hunan, Hainan and others):

    计划安排资金(万元) 55 | 实际到位资金(万元) 55 | 实际支出(万元) 55 | 结余(万元) 0
    其中:中央财政 … 其中:中央财政 … (once per column) | 省财政 … | 县市区财政 55 县市区财政 55 …

The column heads come first, each with the total; then every source of funds is listed once per column, in
column order, each with its amount when there is one. Read on the form's text run together, so it does not
matter whether the cells came one per line, one per paragraph or flattened.
"""

from __future__ import annotations

import re

from evalaudit.model import FundRow
from evalaudit.parse.lines import Line
from evalaudit.parse.numbers import parse_number
from evalaudit.parse.vocab import COVER_COLUMNS, COVER_SOURCES
from evalaudit.textnorm import fold

_AMOUNT = r"\s*(?:[(（]万?元[)）])?\s*[:：]?\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)?(?![\d,.])"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(fold(word)) for word in sorted(words, key=len, reverse=True))


_HEAD = re.compile(f"({_alternation([word for word, _ in COVER_COLUMNS])})" + _AMOUNT)
_SOURCE = re.compile(f"(其中[:：]?)?({_alternation([word for word, _ in COVER_SOURCES])})" + _AMOUNT)
_END = re.compile(r"(二、|支出内容|支出明细|绩效评价指标|绩效目标|一级指标)")


def cover_funds(lines: list[Line]) -> list[FundRow]:
    """Total and source rows of a cover funds block, or [] when the form has none."""
    text = " ".join(fold(cell) for line in lines for cell in line.nonempty)  # cells apart: '6.84 100.00'
    heads = _heads(text)
    if len(heads) < 2:
        return []
    roles = [dict(COVER_COLUMNS)[_canonical(match.group(1), COVER_COLUMNS)] for match in heads]
    first, last = heads[0], heads[-1]
    stop = _END.search(text, last.end())
    block = text[last.end() : stop.start() if stop else len(text)]
    total = FundRow(item="年度资金总额", label=first.group(1), raw=text[first.start() : last.end()])
    for role, match in zip(roles, heads):
        _put(total, role, match.group(2))
    _stated_rate(total, text[last.end() :])
    rows = [total]
    seen: dict[str, list[str | None]] = {}
    order: list[str] = []
    for match in _SOURCE.finditer(block):
        label = match.group(2)
        if label not in seen:
            seen[label], order = [], [*order, label]
        seen[label].append(match.group(3))
    for label in order:
        values = seen[label]
        row = FundRow(
            item=dict(COVER_SOURCES)[_canonical(label, COVER_SOURCES)],
            label=("其中:" if label == order[0] else "") + label,
            raw=label,
        )
        for role, value in zip(roles, values):
            _put(row, role, value)
        rows.append(row)
    return rows


def _heads(text: str) -> list[re.Match[str]]:
    """The run of column heads that starts at a budget head (计划安排资金 …), each close after the last."""
    matches = list(_HEAD.finditer(text))
    for start, match in enumerate(matches):
        if dict(COVER_COLUMNS)[_canonical(match.group(1), COVER_COLUMNS)] != "budget":
            continue
        run = [match]
        for following in matches[start + 1 :]:
            if following.start() - run[-1].end() > 14:
                break
            run.append(following)
        if len(run) >= 2 and any(head.group(2) for head in run):
            return run
    return []


def _stated_rate(total: FundRow, after: str) -> None:
    """'执行数 6.84 100.00' under a 预算执行进度(%) head: the rate, taken when B/A confirms it."""
    match = re.match(r"\s*(\d+(?:\.\d+)?)\s*%?(?![\d.])", after)
    if not match or not total.budget or total.executed is None:
        return
    rate = float(match.group(1))
    if abs(total.executed / total.budget * 100 - rate) <= 0.51:
        total.stated_rate, total.stated_rate_raw = rate, match.group(1)


def _canonical(word: str, table: list[tuple[str, str]]) -> str:
    return next(key for key, _ in table if fold(key) == word)


def _put(row: FundRow, role: str, value: str | None) -> None:
    if value is None or role not in ("budget", "executed"):
        return
    setattr(row, role, parse_number(value))
