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
