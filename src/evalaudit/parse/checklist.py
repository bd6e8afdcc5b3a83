"""A checklist form: indicator rows that state what was done, with no target, weight or score columns.

    一级指标 二级指标 三级指标 自评内容 完成情况            (under 指标名称 | 指标解释 | 记录 | …)
    预算管理 资金投入 预算编制 <指标解释, a sentence> <自评内容> <完成情况>
    预算资金安排 <指标解释>                               (level cells merged with the row above)
    资金下达 下达及时性 <指标解释> …

A row opens where one to three short labels (the levels it does not share with the row above, then its name)
are followed by the indicator's definition, a sentence; the lines after it (supporting documents, a second
record, an embedded funds block) belong to the row. The record after the definition is read only when its
cells are exactly the header's record columns and the ones before the result are short: a record cell that
is a sentence may hold spaces of its own, so the result's place in it is unknown.
"""

from __future__ import annotations

import re

from evalaudit.model import Indicator, Measure
from evalaudit.parse.indicators import indicator_roles
from evalaudit.parse.lines import Line, by_content
from evalaudit.parse.numbers import parse_measure, parse_number
from evalaudit.parse.vocab import CHECKLIST_DEFINITION_COLUMNS, CHECKLIST_RESULT_COLUMNS
from evalaudit.textnorm import fold

LEVELS = ("level1", "level2", "name")
_SENTENCE = re.compile(r"[，。；！？、]|[,;](?!\d)")
_MAX_LABEL = 12  # characters of a level or indicator name
_MIN_DEFINITION = 8  # characters of a definition


@by_content
def is_checklist_header(line: Line) -> bool:
    """Level columns (two of 一级/二级/三级指标) and a result column (完成情况), and nothing scored."""
    roles = indicator_roles(line)
    levels = [role for role in roles if role in LEVELS]
    scored = {"target", "actual", "weight", "score"} & set(roles)
    return len(levels) >= 2 and not scored and bool(_record_columns(line)) and _result_index(line) is not None


def _record_columns(line: Line) -> list[str]:
    """The header's cells after its level columns, the definition column left out: the record's columns."""
    roles = indicator_roles(line)
    cells = [fold(cell) for cell in (line.cells if line.delimited else line.nonempty) if cell.strip()]
    last_level = max((index for index, role in enumerate(roles) if role in LEVELS), default=-1)
    return [cell for cell in cells[last_level + 1 :] if cell not in CHECKLIST_DEFINITION_COLUMNS]


def _result_index(line: Line) -> int | None:
    columns = _record_columns(line)
    return next((index for index, cell in enumerate(columns) if cell in CHECKLIST_RESULT_COLUMNS), None)


def parse_checklist(header: Line, lines: list[Line]) -> list[Indicator]:
    """The rows of a checklist table, levels carried down from the row above."""
    columns, result = len(_record_columns(header)), _result_index(header)
    levels = {"level1": "", "level2": ""}
    indicators: list[Indicator] = []
    for line in lines:
        tokens = [token for cell in line.nonempty for token in cell.split()]
        opened = _row_labels(tokens)
        if opened is None:
            continue
        labels, record = tokens[:opened], tokens[opened + 1 :]
        named = dict(zip(LEVELS[len(LEVELS) - len(labels) :], labels))
        if "level1" in named:
            levels = {"level1": named["level1"], "level2": ""}
        if "level2" in named:
            levels["level2"] = named["level2"]
        actual = Measure()
        if result is not None and len(record) == columns and not any(_is_sentence(t) for t in record[:result]):
            actual = parse_measure(record[result])
        indicators.append(
            Indicator(name=named["name"], level1=levels["level1"], level2=levels["level2"], actual=actual, raw=line.raw)
        )
    return indicators


def _row_labels(tokens: list[str]) -> int | None:
    """How many labels open a row (then comes its definition), or None when the line opens no row."""
    for index, token in enumerate(tokens[: len(LEVELS) + 1]):
        if _is_sentence(token):
            return index if index >= 1 and len(fold(token)) >= _MIN_DEFINITION else None
        if not _is_label(token):
            return None
    return None


def _is_label(token: str) -> bool:
    text = fold(token)
    return len(text) <= _MAX_LABEL and parse_number(text) is None and not re.match(r"^[\d(（]", text)


def _is_sentence(token: str) -> bool:
    return bool(_SENTENCE.search(fold(token)))
