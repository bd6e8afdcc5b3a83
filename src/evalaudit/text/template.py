"""The template speaking: instructions and placeholders that were never replaced by the unit's own words."""

from __future__ import annotations

import re

from evalaudit.textnorm import fold

# (what a reviewer calls it, pattern on folded text)
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("填表说明“请在此处…”", r"请在此处"),
        ("填表说明“请填写…”", r"请(?:填写|简要说明|简要描述|根据实际|如实填写|在本栏|结合实际)"),
        ("字数提示", r"[(（]\s*\d+\s*字(?:以内|以下|左右)\s*[)）]"),
        ("“如没有填无”", r"如(?:没有|无)[^。]{0,8}填(?:写)?[“\"']?无"),
        ("省略号占位", r"^[…\.。]{2,}$|……$"),
        ("星号占位", r"\*\*"),
        ("XX 占位", r"(?i)(?<![a-z])x{2,}(?![a-z])|×{2,}"),
        ("只有编号", r"^(?:指标|目标|任务)\s*\d+\s*[:：]?$"),
    )
)


def template_phrase(text: str) -> str | None:
    """The kind of template leftover in a cell, or None."""
    if not text:
        return None
    folded = fold(text)
    for name, pattern in PATTERNS:
        if pattern.search(folded):
            return name
    return None
