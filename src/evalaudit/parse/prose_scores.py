"""Scores a narrative report states item by item, under numbered headings:

    一、项目投入情况。分值20分(自评20分)
    (一)项目立项。分值10分,自评10分。…
    (1) 建设项目立项(2分)…自评得2分。

Each heading's numbering style (一、 / (一) / 1、 / (1) / ①) is a level, in the order the styles first appear.
A heading with scored headings under it is a section; one without is an indicator under its ancestors.
Headings that state neither points nor a score (一、自评结论) are not part of the scoring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evalaudit.model import Indicator, Section
from evalaudit.parse.lines import Line
from evalaudit.parse.numbers import parse_measure
from evalaudit.textnorm import fold

_STYLES = (
    ("cn", re.compile(r"^[一二三四五六七八九十]+、")),
    ("pcn", re.compile(r"^[(（][一二三四五六七八九十]+[)）]")),
    ("pnum", re.compile(r"^[(（]\d+[)）]")),
    ("num", re.compile(r"^\d+[、.．](?!\d)")),
    ("circ", re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩]")),
)
_NAME_END = re.compile(r"[。:：(（,，;；]|分值|\d")
_WEIGHT = re.compile(r"分值\s*(\d+(?:\.\d+)?)\s*分|^[^。]{0,30}?[(（]\s*(\d+(?:\.\d+)?)\s*分")
_SCORE = re.compile(r"自评(?:得分)?(?:为)?得?\s*(\d+(?:\.\d+)?)\s*分")


@dataclass
class _Item:
    style: str
    name: str
    weight: float | None
    score: float | None
    raw: str


def _item(text: str, raw: str) -> _Item | None:
    for style, pattern in _STYLES:
        match = pattern.match(text)
        if not match:
            continue
        body = text[match.end() :].strip()
        end = _NAME_END.search(body)
        name = body[: end.start()] if end else body
        weight_match = _WEIGHT.search(body)
        score_match = _SCORE.search(body)
        weight = next((float(g) for g in weight_match.groups() if g), None) if weight_match else None
        score = float(score_match.group(1)) if score_match else None
        if not name.strip() or (weight is None and score is None) or len(name) > 30:
            return None
        return _Item(style, name.strip(), weight, score, raw)
    return None


def prose_scores(lines: list[Line]) -> tuple[list[Indicator], list[Section]]:
    """Indicators and sections from the numbered, scored headings of a report."""
    items = [item for line in lines if (item := _item(fold(line.text), line.raw))]
    if len(items) < 2:
        return [], []
    order: list[str] = []
    for item in items:
        if item.style not in order:
            order.append(item.style)
    depth = [order.index(item.style) for item in items]
    indicators: list[Indicator] = []
    sections: list[Section] = []
    ancestors: dict[int, _Item] = {}
    for index, item in enumerate(items):
        level = depth[index]
        ancestors = {d: a for d, a in ancestors.items() if d < level}
        ancestors[level] = item
        has_children = index + 1 < len(items) and depth[index + 1] > level
        if has_children:
            sections.append(Section(item.name, item.weight, item.score, item.raw))
            continue
        above = [ancestors[d] for d in sorted(ancestors) if d < level]
        level1 = above[0].name if above else ""
        level2 = above[1].name if len(above) > 1 else ""
        indicators.append(
            Indicator(name=item.name, level1=level1, level2=level2, weight=item.weight, score=item.score, raw=item.raw)
        )
    return indicators, sections


# Results a report lists without scores, group by group:
#     1.产出指标完成情况
#     数量指标:每个农家书屋平均举办阅读活动4次,指标完成率100%,新增数字资源50000册,指标完成率100%。
_GROUP_HEADING = re.compile(r"^\d+[.、．]?(产出|效益|满意度)指标完成情况")
_DIMENSION = re.compile(
    r"^(数量指标|质量指标|时效指标|成本指标|经济效益指标|社会效益指标|生态效益指标|可持续影响指标)[:：]"
)
_DONE = re.compile(r"[,，;；]?指标完成率\s*\d+(?:\.\d+)?%[,，;；。]?")
_RESULT = re.compile(
    r"^(?P<name>.+?)(?P<value>\d[\d.]*(?:%|[\u4e00-\u9fff]{1,2})|逐年提高|持续提高|明显提高|有所提高|稳步提升|显著提升)$"
)


def prose_results(lines: list[Line]) -> list[Indicator]:
    """Indicators a report names with what was achieved ('新增数字资源50000册，指标完成率100%'), under
    '1.产出指标完成情况' headings; no weights or scores are stated, so none are read."""
    indicators: list[Indicator] = []
    level1 = ""
    for line in lines:
        text = fold(line.text)
        if heading := _GROUP_HEADING.match(text):
            level1 = heading.group(1) + "指标"
            continue
        if not level1 or not _DONE.search(text):
            continue
        level2 = ""
        if dimension := _DIMENSION.match(text):
            level2, text = dimension.group(1), text[dimension.end() :]
        for clause in _DONE.split(text):
            match = _RESULT.match(clause.strip(",，;；。 "))
            if match:
                indicators.append(
                    Indicator(
                        name=match.group("name"),
                        level1=level1,
                        level2=level2,
                        actual=parse_measure(match.group("value")),
                        raw=line.raw,
                    )
                )
    return indicators
