"""A scoring table run together into one text (document sites, PDF extraction):

    投入10预算配置10在职人员控制率5以100%为基准…口径统计。5“三公经费”变动率5“三公经费”变动率≦0的…×100%5过程60…

Each row is its labels with their points (一级 10, 二级 10, 三级 5 — the merged ones only on a group's first
row), its criterion, and its score, which stands right after the criterion's last sentence and right before
the next row's first label. Those score positions cut the text into rows; the label-and-points pairs that
open a row are its groups and its name; the rest is the criterion. A row's points cannot exceed its group's,
which decides a number run into the criterion ('率5100%计满分' is 5 points, then 100%).
"""

from __future__ import annotations

import re

from evalaudit.model import Indicator, Section
from evalaudit.textnorm import fold

_LABEL = r"[“”\"‘’\u4e00-\u9fff()（）]{2,16}?"
_PAIR = re.compile(r"(?P<label>" + _LABEL + r")(?P<points>\d+(?:\.\d+)?)")
# a score: a number closing a criterion (after 。 ; ) ] %), right before the next row's first label
_SCORE = re.compile(r"(?<=[。；;.)）\]】%A-Za-z])(\d+(?:\.\d+)?)(?=[“\"]?[\u4e00-\u9fff])")  # '100%o5': OCR noise
_LAST_NAME = re.compile(_LABEL.replace("{2,16}?", "{2,16}") + "$")  # the row the text stops in, its points lost


_HEADER_LEFT = re.compile(
    r"^(?:一级指标|二级指标|三级指标|级指标|指标分值|分值|权重|评价标准|评分标准|指标说明|指标解释|自评得分|得分)+"
)


def looks_fused(cells: list[str]) -> bool:
    """A scoring table's rows run together: a long cell in which label-and-points pairs open several
    criteria (a table whose rows kept their cells is read row by row)."""
    text = _HEADER_LEFT.sub("", fold("".join(cells)))  # the header may be run into the rows as well
    return (
        max((len(cell) for cell in cells), default=0) >= 100
        and len(_SCORE.findall(text)) >= 2
        and bool(_PAIR.match(text))
    )


def fused_scoring_rows(text: str) -> tuple[list[Indicator], list[Section]]:
    """Rows and the groups that state their points, from a run-together scoring table."""
    text = _HEADER_LEFT.sub("", fold(text))  # '评价标准指标说明得分投入13…': the header's last words first
    cuts = [
        match
        for match in _SCORE.finditer(text)
        if _PAIR.match(text, match.end()) or _LAST_NAME.fullmatch(text, match.end())
    ]
    starts = [0] + [match.end() for match in cuts]
    scores = [float(match.group(1)) for match in cuts] + [None]
    indicators: list[Indicator] = []
    sections: list[Section] = []
    level1 = level2 = ""
    points: dict[str, float] = {}
    for start, end, score in zip(starts, [m.start() for m in cuts] + [len(text)], scores):
        pairs = _opening_pairs(text, start, end, points, level2 or level1)
        if not pairs and start > 0 and _LAST_NAME.fullmatch(text, start):
            name = text[start:]  # '…。5新建楼堂馆所投资' where the text stops: the row's name, nothing else
            indicators.append(Indicator(name=name, level1=level1, level2=level2, raw=name))
            continue
        if not pairs:
            continue
        *groups, (name, weight) = pairs
        if len(groups) >= 2:
            (level1, w1), (level2, w2) = groups[-2], groups[-1]
            sections += [Section(level1, w1, None, level1), Section(level2, w2, None, level2)]
            points.update({level1: w1, level2: w2})
        elif groups:
            level2, w2 = groups[0]
            sections.append(Section(level2, w2, None, level2))
            points[level2] = w2
        indicators.append(Indicator(name=name, level1=level1, level2=level2, weight=weight, score=score, raw=name))
    return indicators, sections


def _opening_pairs(text: str, start: int, end: int, points: dict[str, float], group: str) -> list[tuple[str, float]]:
    """The (label, points) pairs a row opens with. Only the last pair's number can run into the criterion
    ('预算完成率5100%计满分'): it is cut to what its group allows (5 of 20, then '100%…')."""
    pairs: list[tuple[str, float]] = []
    position = start
    while position < end and (match := _PAIR.match(text, position)):
        label, digits = match.group("label"), match.group("points")
        if pairs and fold(label).startswith(fold(pairs[-1][0])):
            break  # the criterion repeats the row's name ('“三公经费”变动率≦0的…')
        following = match.end()
        if not _PAIR.match(text, following):  # the last pair: the criterion follows its number
            limit = pairs[-1][1] if pairs else points.get(group)
            digits = _within(digits, limit) or digits
            rest = text[match.start("points") + len(digits) :]
            if pairs and (rest[:1] == "0" or (rest[:1] in "%‰分" and len(digits) == len(match.group("points")))):
                break  # '标准值为100%': a value in the criterion, not a row's points
        pairs.append((label, float(digits)))
        position = match.start("points") + len(digits)
        if position < following:
            break  # the rest of the number is the criterion's
    return pairs


def _within(digits: str, limit: float | None) -> str | None:
    """The longest prefix of `digits` that is at most `limit` ('5100' under a 20-point group → '5')."""
    if limit is None:
        return digits
    for end in range(len(digits), 0, -1):
        prefix = digits[:end]
        if not prefix.endswith(".") and float(prefix) <= limit:
            return prefix
    return None
