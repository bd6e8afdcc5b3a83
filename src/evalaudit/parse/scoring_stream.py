"""A scoring table whose columns a PDF extraction interleaved (the form's text run together):

    项目权重 评价内容 分值 自评分 … 投入评价 6 分 立项依据 3 3 <criterion: 1、… 1 分; 2、…>
    预算编制 2 2 <criterion> 资金使用 项目过程 9 分 4 4 <criterion> …

The merged cell of a group (`X N 分`) lands anywhere among its rows, even between a row's name and its
numbers, and a wrapped label may come apart ('数量指' … '标 15 分'). What stays is the row itself: a short
name and then two numbers `W S` with S ≤ W that are not a criterion's points (those are followed by 分).
Which group a row belongs to is decided by the groups' own points: the rows, in order, must add up to each
group's weight in turn (2 | 3 + 2 + 4 + 4 = 13); when they do not, no row is given a group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evalaudit.model import Indicator, Section
from evalaudit.parse.lines import Line
from evalaudit.parse.numbers import parse_number
from evalaudit.parse.vocab import SCORING_COLUMNS, SCORING_GROUP_WORDS, column_role, is_level1, level2_key
from evalaudit.textnorm import fold

_SENTENCE = re.compile(r"[，。；;：:、《》()（）÷]|[,](?!\d)")
_POINTS_WORD = re.compile(r"^分(?![值数])")  # '分', '分;', '分,缺失不得分。': the number before it is points
_NEXT_TABLE = re.compile(r"^(一级指标|一级)$|指标值|完成值|^年初|^年终")
_MAX_NAME = 10
_WINDOW = 3  # tokens between a header's name, weight and score words


@dataclass
class _Group:
    name: str
    weight: float
    at: int  # token index


def stream_scoring(lines: list[Line]) -> tuple[list[Indicator], list[Section]]:
    """Rows and group weights of an interleaved scoring table, or ([], []) when the text shows none."""
    tokens = [token for line in lines for cell in line.nonempty for token in cell.split()]
    start = _header_end(tokens)
    if start is None:
        return [], []
    end = next((i for i in range(start, len(tokens)) if _NEXT_TABLE.search(fold(tokens[i]))), len(tokens))
    groups = _groups(tokens, start)
    rows = _rows(tokens, start, end)
    if not rows:
        return [], []
    table_groups = [group for group in groups if group.at < end]
    for row, level1 in zip(rows, _partition([row.weight for row in rows], table_groups)):
        row.level1 = level1
    return rows, [Section(group.name, group.weight, None, group.name) for group in groups]


def _header_end(tokens: list[str]) -> int | None:
    """Just after a header's 分值 that has a name word before it and a score word after it."""
    roles = [column_role(token, SCORING_COLUMNS) if len(fold(token)) <= 6 else None for token in tokens]
    for index, role in enumerate(roles):
        if role != "weight":
            continue
        before = roles[max(0, index - _WINDOW) : index]
        after = roles[index + 1 : index + 1 + _WINDOW]
        if "name" in before and "score" in after:
            return index + 1 + after.index("score") + 1
    return None


def _is_group(label: str) -> bool:
    text = fold(label)
    return text in SCORING_GROUP_WORDS or is_level1(text) or level2_key(text) is not None


def _points_at(tokens: list[str], index: int) -> float | None:
    """'13 分' at index: the points, when the number is followed by a bare 分."""
    if index + 1 >= len(tokens) or fold(tokens[index + 1]) != "分":
        return None
    return parse_number(tokens[index])


def _groups(tokens: list[str], start: int) -> list[_Group]:
    """`X N 分` with X a group label: one token, two ('产出 指标 40 分'), or a wrapped half found earlier
    ('数量指' … '标 15 分')."""
    groups: list[_Group] = []
    halves: list[str] = []  # '数量指': the first half of a wrapped group label, waiting for its '标'
    for index in range(start, len(tokens)):
        token = fold(tokens[index])
        if token.endswith("指") and _is_group(token + "标"):
            halves.append(tokens[index])
            continue
        points = _points_at(tokens, index)
        if points is None or index == start:
            continue
        one = tokens[index - 1]
        two = tokens[index - 2] + one if index - 2 >= start else ""
        if fold(one) == "标" and halves:
            groups.append(_Group(halves.pop(0) + one, points, index))
        elif two and _is_group(two) and not _is_group(one):
            groups.append(_Group(two, points, index))
        elif _is_group(one):
            groups.append(_Group(one, points, index))
    return groups


def _is_name(token: str) -> bool:
    text = fold(token)
    return (
        0 < len(text) <= _MAX_NAME
        and not _SENTENCE.search(text)
        and not re.search(r"\d", text)
        and column_role(text, SCORING_COLUMNS) is None
        and not _is_group(text)
    )


def _rows(tokens: list[str], start: int, end: int) -> list[Indicator]:
    """`name [X N 分] W S`: a short name, perhaps a group's merged cell, then its points and its score."""
    rows: list[Indicator] = []
    index = start
    while index < end:
        if not _is_name(tokens[index]):
            index += 1
            continue
        at = index + 1
        if at + 2 < end and _is_group(tokens[at]) and _points_at(tokens, at + 1) is not None:
            at += 3  # the group's merged cell between the name and its numbers
        numbers = _plain_numbers(tokens, at, end)
        if numbers is not None and numbers[1] <= numbers[0]:
            weight, score = numbers
            rows.append(Indicator(name=tokens[index], weight=weight, score=score, raw=" ".join(tokens[index : at + 2])))
            index = at + 2
            continue
        index += 1
    return rows


def _plain_numbers(tokens: list[str], at: int, end: int) -> tuple[float, float] | None:
    """Two numbers at `at`, neither a criterion's points (followed by 分)."""
    if at + 1 >= end:
        return None
    first, second = parse_number(tokens[at]), parse_number(tokens[at + 1])
    if first is None or second is None or _points_at(tokens, at + 1) is not None:
        return None
    if at + 2 < len(tokens) and _POINTS_WORD.match(fold(tokens[at + 2])):
        return None
    return first, second


def _partition(weights: list[float | None], groups: list[_Group]) -> list[str]:
    """Each row's group: the rows in order fill each group's weight exactly in turn, else no group at all."""
    names: list[str] = []
    total, queue = 0.0, list(groups)
    for weight in weights:
        if not queue or weight is None:
            return [""] * len(weights)
        names.append(queue[0].name)
        total += weight
        if abs(total - queue[0].weight) < 1e-6:
            total, queue = 0.0, queue[1:]
        elif total > queue[0].weight:
            return [""] * len(weights)
    return names if total == 0.0 else [""] * len(weights)
