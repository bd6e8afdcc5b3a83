"""Text normalisation for matching, never for storage.

Forms arrive in full-width digits, traditional characters, variant comparison signs (≧ ═ ﹦ ＞＝),
LaTeX from OCR ($\\geq 99\\%$) and HTML fragments. The parser matches labels and numbers on the folded
text and keeps the original text in the model.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import zhconv

_SYMBOLS = [
    (">=", "≥"),
    ("<=", "≤"),
    ("≧", "≥"),
    ("≦", "≤"),
    ("⩾", "≥"),
    ("⩽", "≤"),
    ("═", "="),
    ("〓", "="),
]
_LATEX = [
    (re.compile(r"\\geq?\b\s*"), "≥"),
    (re.compile(r"\\leq?\b\s*"), "≤"),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\\times\b\s*"), "×"),
    (re.compile(r"\$"), ""),
]
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)[^>]*>")
_SPACE = re.compile(r"[ \t\u3000\xa0]+")


def strip_inline_html(text: str) -> str:
    """Drop inline HTML (<p>, <sup>, <br>) that leaked into cell text; paragraphs become newlines."""
    if "<" not in text and "&" not in text:
        return text

    def repl(match: re.Match[str]) -> str:
        closing, tag = match.group(1), match.group(2).lower()
        if tag == "sup":
            return "^" if not closing else ""
        if tag in {"p", "br", "div", "li", "tr"}:
            return "\n" if closing or tag == "br" else ""
        return ""

    text = _TAG.sub(repl, text)
    text = re.sub(r"\s*\^", "^", text)
    text = re.sub(r"\^2\b", "²", text)
    text = re.sub(r"\^3\b", "³", text)
    text = text.replace("^", "")
    text = html.unescape(text)
    return re.sub(r"[ \t]*\n[ \t]*", "\n", text).strip()


_TRADITIONAL = frozenset(
    key for key, value in zhconv.zhconv.getdict("zh-hans").items() if len(key) == 1 and key != value
)


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Traditional → simplified; text without a traditional character is returned as is (5x faster)."""
    if _TRADITIONAL.isdisjoint(text):
        return text
    return zhconv.convert(text, "zh-hans")


@lru_cache(maxsize=65536)  # pure, and the parser asks for the same cells and labels over and over
def fold(text: str) -> str:
    """Width, variants, LaTeX and traditional characters folded; inner whitespace removed."""
    if not text:
        return ""
    # NFKC would turn m² into m2; keep super-scripts as units
    text = unicodedata.normalize("NFKC", text.replace("²", "\ue000").replace("³", "\ue001"))
    text = text.replace("\ue000", "²").replace("\ue001", "³")
    for pattern, repl in _LATEX:
        text = pattern.sub(repl, text)
    for old, new in _SYMBOLS:
        text = text.replace(old, new)
    text = _SPACE.sub("", text)
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        text = to_simplified(text)
    return text


def clean_cell(text: str) -> str:
    """A cell as shown to a reviewer: inline HTML removed, whitespace collapsed, original characters kept."""
    text = strip_inline_html(text)
    text = _SPACE.sub(" ", text)
    return text.strip()
