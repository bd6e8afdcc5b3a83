"""Text as compared, not as shown: width, traditional characters, numbering and punctuation folded away,
so that 目标1：推进… and （一）推进… and 推進… are the same words."""

from __future__ import annotations

import re

from evalaudit.facts.words import NO_DEVIATION
from evalaudit.textnorm import fold, strip_inline_html

MIN_CHARS = 12  # shorter texts (无偏差, 按计划完成) are too common to say anything about copying
_NUMBERING = re.compile(
    r"(?:目标|指标|任务)\s*[0-9一二三四五六七八九十]+\s*(?:完成情况)?\s*[:：]"
    r"|[一二三四五六七八九十]+是"
    r"|[（(]\s*[0-9一二三四五六七八九十]+\s*[)）]"
    r"|(?<![0-9.])[0-9一二三四五六七八九十]+\s*[、.．](?![0-9])"
)
_NOT_WORD = re.compile(r"[\W_]+")
# Explanations that explain nothing and therefore cannot be copied: 无 / 无偏差 (facts.words) and 已完成 …
TRIVIAL = frozenset(
    NO_DEVIATION | {"", "已完成", "完成", "按计划完成", "按时完成", "全部完成", "达到预期", "已达到预期"}
)


def normalize(text: str) -> str:
    """Folded words only: no markup, numbering, punctuation or spaces; lower case."""
    if not text:
        return ""
    words = fold(strip_inline_html(text))
    words = _NUMBERING.sub("", words)
    return _NOT_WORD.sub("", words).lower()


def is_trivial(norm: str) -> bool:
    return norm in TRIVIAL


def shingles(norm: str, size: int = 3) -> set[str]:
    """Character n-grams: the unit of similarity for Chinese text, no word segmentation needed."""
    if len(norm) <= size:
        return {norm} if norm else set()
    return {norm[i : i + size] for i in range(len(norm) - size + 1)}


def jaccard(a: str, b: str) -> float:
    """Similarity of two normalised texts by their 3-gram sets."""
    first, second = shingles(a), shingles(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def containment(part: str, whole: str) -> float:
    """Share of `part`'s 3-grams that also occur in `whole`: 1.0 when `part` is cut out of `whole`."""
    first, second = shingles(part), shingles(whole)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first)
