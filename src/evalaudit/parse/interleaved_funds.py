"""A funds table by source of money whose columns a PDF extraction interleaved with the cells around it:

    中央 省、地 本级 其他 合计 执行数 执行
    (万元) (万元) (万元) (万元) (万元) (万元) 率
    120 120 <other cells of the page> 96 80 %

The header's second line is zipped onto its first column by column ('执行' + '率' = 执行率, '中央' + '(万元)');
its one row's values follow in column order, blanks not printed, with other cells between them, up to the rate.
Which columns the printed amounts sit in is not visible, so the form's own arithmetic decides: a placement is
kept only when the sources add up to the 合计 column and 执行数 / 合计 gives the stated rate. Only the total
(合计, 执行数, 执行率) is read, and only when every placement that holds agrees on it: which source holds an
amount is seldom provable.
"""

from __future__ import annotations

import re
from itertools import combinations

from evalaudit.model import FundRow, ParseWarning
from evalaudit.parse.lines import Line
from evalaudit.parse.numbers import parse_percent
from evalaudit.parse.vocab import (
    AMOUNT_UNIT_CELLS,
    FUND_COLUMNS,
    FUND_SOURCE_SUFFIXES,
    FUND_SOURCE_WORDS,
    FUND_TOTAL_COLUMN_WORDS,
    column_role,
)
from evalaudit.textnorm import fold

_AMOUNT = re.compile(r"^\d+(?:,\d{3})*(?:\.\d+)?$")
_SOURCE = re.compile(
    "^(?:{w})(?:[、/](?:{w}))*(?:{s})?$".format(
        w="|".join(map(re.escape, FUND_SOURCE_WORDS)), s="|".join(map(re.escape, FUND_SOURCE_SUFFIXES))
    )
)
_UNITS = frozenset(fold(cell) for cell in AMOUNT_UNIT_CELLS)
_COLUMN_WORDS = [fold(word) for word, _ in FUND_COLUMNS]
_RATE_TOLERANCE = 0.51  # a rate printed to the percent
_CENT = 0.005


def interleaved_funds(lines: list[Line]) -> tuple[list[FundRow], list[ParseWarning]]:
    """The total row of the first interleaved source-column funds table whose arithmetic places its values."""
    tokens = tokenize(lines)
    start = 0
    while start < len(tokens):
        found = wrapped_header(tokens, start)
        if found is None:
            start += 1
            continue
        columns, end = found
        row = confirmed_total(columns, tokens[end:])
        if row is not None:
            warning = ParseWarning(
                "fund_row_interleaved",
                f"资金表各列在文本中交错，已按“来源之和 = {row.label}、执行数/{row.label} = 执行率”读出合计行，"
                "各来源列未读，请核对原表",
                "资金表",
                row.raw,
            )
            return [row], [warning]
        start = end
    return [], []


def tokenize(lines: list[Line]) -> list[str]:
    """The form's cells split at spaces, a percent sign printed apart glued back ('80 %' → '80%')."""
    tokens: list[str] = []
    for line in lines:
        for cell in line.nonempty:
            for token in cell.split():
                if fold(token) == "%" and tokens and _AMOUNT.match(fold(tokens[-1])):
                    tokens[-1] += "%"
                else:
                    tokens.append(token)
    return tokens


def column_kind(column: str) -> str | None:
    """What a (zipped) header column holds: 'source', 'total', 'executed' or 'rate'; None for anything else."""
    text = fold(column)
    bare = text
    for unit in sorted(_UNITS, key=len, reverse=True):
        bare = bare.removesuffix(unit)
    role = column_role(text, FUND_COLUMNS)
    if role in ("executed", "rate"):
        return role
    if bare in FUND_TOTAL_COLUMN_WORDS or role == "budget":
        return "total"
    if _SOURCE.match(bare):
        return "source"
    return None


def _is_fragment(token: str) -> bool:
    """'执行' of '执行率' wrapped in a narrow column: the start of a fund column word, nothing on its own."""
    text = fold(token)
    return len(text) >= 2 and any(word.startswith(text) and word != text for word in _COLUMN_WORDS)


def _is_tail(token: str) -> bool:
    """A header's second line: the unit under an amount column, or the last characters of a wrapped word."""
    text = fold(token)
    return text in _UNITS or (len(text) <= 2 and not re.search(r"[\d%]", text))


def wrapped_header(tokens: list[str], start: int) -> tuple[list[str], int] | None:
    """The columns of a fund header starting at `start` (its second line zipped on) and where it ends."""
    end = start
    while end < len(tokens) and (column_kind(tokens[end]) or _is_fragment(tokens[end])):
        end += 1
    words = tokens[start:end]
    if len(words) < 3:
        return None
    tail_end = end
    while tail_end < len(tokens) and _is_tail(tokens[tail_end]) and tail_end - end < len(words):
        tail_end += 1
    tails = tokens[end:tail_end]
    if len(tails) == len(words):
        columns = [word + tail for word, tail in zip(words, tails)]
    elif all(fold(tail) in _UNITS for tail in tails):
        columns = [word + tail for word, tail in zip(words, tails)] + words[len(tails) :]  # units under amounts
    else:
        return None
    return (columns, tail_end) if _is_source_header(columns) else None


def _is_source_header(columns: list[str]) -> bool:
    """Source columns, then one 合计, one 执行数 and the 执行率 last: a header whose every column is known."""
    kinds = [column_kind(column) for column in columns]
    if None in kinds or kinds[-1] != "rate" or kinds.count("rate") != 1:
        return False
    return kinds.count("total") == 1 and kinds.count("executed") == 1 and "source" in kinds


def confirmed_total(columns: list[str], after: list[str]) -> FundRow | None:
    """The total row read from the amounts printed after the header up to the first rate, when every
    placement of them into the amount columns (in order, blanks not printed) that the arithmetic confirms
    gives the same 合计 and 执行数."""
    amounts: list[str] = []
    rate_raw = ""
    for token in after:
        text = fold(token)
        if parse_percent(text) is not None:
            rate_raw = text
            break
        if _AMOUNT.match(text):
            amounts.append(text)
    rate = parse_percent(rate_raw)
    kinds = [column_kind(column) for column in columns[:-1]]
    if rate is None or not 2 <= len(amounts) <= len(kinds):
        return None
    readings = set()
    for chosen in combinations(range(len(kinds)), len(amounts)):
        placed = {at: float(value.replace(",", "")) for at, value in zip(chosen, amounts)}
        reading = _reading(kinds, placed, rate)
        if reading is not None:
            readings.add(reading)
    if len(readings) != 1:
        return None
    budget, executed = readings.pop()
    label = columns[kinds.index("total")]
    for unit in sorted(_UNITS, key=len, reverse=True):
        label = label.removesuffix(unit)
    raw = " ".join([*columns, *amounts, rate_raw])
    return FundRow(
        item="年度资金总额",
        label=label,
        budget=budget,
        executed=executed,
        stated_rate=rate,
        stated_rate_raw=rate_raw,
        raw=raw,
    )


def _reading(kinds: list[str | None], placed: dict[int, float], rate: float) -> tuple[float, float] | None:
    """(合计, 执行数) of one placement when its arithmetic holds: the sources printed add up to the total and
    执行数 / 合计 is the rate."""
    by_kind = {kinds[at]: value for at, value in placed.items() if kinds[at] != "source"}
    total, executed = by_kind.get("total"), by_kind.get("executed")
    if not total or executed is None:
        return None
    if abs(executed / total * 100 - rate) > _RATE_TOLERANCE:
        return None
    sources = [value for at, value in placed.items() if kinds[at] == "source"]
    if sources and abs(sum(sources) - total) > _CENT:
        return None
    return total, executed
