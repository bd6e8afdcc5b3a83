"""The yearly overall goal: 预期目标 beside 实际完成情况."""

from __future__ import annotations

import re

from evalaudit.model import Goal, ParseWarning
from evalaudit.parse.lines import Line
from evalaudit.parse.vocab import is_group
from evalaudit.textnorm import fold

_LABEL = re.compile(r"^(年度)?(总体)?(绩效)?(目标|预期目标|实际完成情况|目标实际完成情况|实际完成目标|完成情况|目标完成情况)")


def is_goal_header(line: Line) -> bool:
    text = fold(line.text)
    return "预期目标" in text and ("完成" in text) and len(text) < 40


def _is_label(cell: str) -> bool:
    text = fold(cell)
    return not text or is_group(cell) or (len(text) <= 16 and bool(_LABEL.match(text)) and "，" not in cell)


def parse_goals(lines: list[Line]) -> tuple[list[Goal], list[ParseWarning]]:
    texts = [cell.strip() for line in lines for cell in line.cells if cell.strip() and not _is_label(cell)]
    if not texts:
        return [], []
    if len(texts) == 2:
        return [Goal(expected=texts[0], actual=texts[1])], []
    if len(texts) == 1:
        return [Goal(expected=texts[0])], []
    # text wrapped over paragraphs: the actual column restarts where the text starts over
    head = fold(texts[0])[:8]
    for index in range(1, len(texts)):
        if fold(texts[index]).startswith(head):
            return [Goal(expected="".join(texts[:index]), actual="".join(texts[index:]))], []
    warning = ParseWarning(
        "goal_columns_unclear",
        "年度总体目标的“预期目标”与“实际完成情况”无法区分，已全部记入预期目标，请核对原表",
        "总体目标",
        "\n".join(line.raw for line in lines),
    )
    return [Goal(expected="".join(texts))], [warning]
