"""OCR'd words → the text of a cell or a line: words joined as the page wrote them, numbers cleaned of the
confusions OCR makes in them.

Tesseract splits Chinese into one 'word' per character or two, so words are joined without a space where
either side is CJK, and with one between Latin or digit tokens that stood apart. A number wrapped in a narrow
cell ('139.' above '5') is one number again. In a cell that is a number and nothing else, the letters OCR
confuses with digits (O for 0, l or I for 1), full-width digits and a full-width comma for the decimal point
are corrected; nowhere else, since '项目O' or 'IT' in a sentence is text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, ...] = ()  # tesseract's (image, block, paragraph, line): words of one OCR line share it

    @property
    def centre(self) -> tuple[float, float]:
        return self.left + self.width / 2, self.top + self.height / 2


_CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")  # ideographs, CJK and full-width punctuation
_NUMBER_CHARS = re.compile(r"[0-9０-９OolI,，.．。%％+\-]+")
_NUMBER = re.compile(r"[+-]?\d+(?:,\d{3})*(?:\.\d+)?%?")
_DIGIT_LIKE = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "．": ".", "。": ".", "％": "%"})


def lines_of(words: list[Word]) -> list[list[Word]]:
    """The words grouped into text lines, top to bottom, each left to right. Words of one OCR line stay
    together; words from OCR lines that sit at the same height (one cell read as two) are one line."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda word: word.centre[1]):
        for line in lines:
            top = min(w.top for w in line)
            bottom = max(w.top + w.height for w in line)
            if word.line and word.line == line[0].line or top < word.centre[1] < bottom:
                line.append(word)
                break
        else:
            lines.append([word])
    return [sorted(line, key=lambda word: word.left) for line in sorted(lines, key=lambda ws: min(w.top for w in ws))]


def joined(words: list[Word]) -> str:
    """The words of a line, spaced only where Latin or digits stood apart."""
    text = ""
    previous: Word | None = None
    for word in words:
        if previous is not None and _spaced(text, word.text, word.left - (previous.left + previous.width), word):
            text += " "
        text += word.text
        previous = word
    return text


def _spaced(before: str, after: str, gap: int, word: Word) -> bool:
    if not before or not after or _CJK.match(after[0]) or _CJK.match(before[-1]):
        return False
    return gap > word.height * 0.25


def cell_text(words: list[Word]) -> str:
    """A cell's words as its text: its lines joined as one (a cell's text wraps, it has no line breaks)."""
    text = ""
    for line in lines_of(words):
        part = joined(line)
        if text and part and not (_CJK.match(text[-1]) or _CJK.match(part[0]) or _wrapped_number(text, part)):
            text += " "
        text += part
    return numeric(text)


def _wrapped_number(before: str, after: str) -> bool:
    """'139.' then '5', '1,268.7' then '2', '95.00' then '%': one number wrapped by a narrow column."""
    return bool(re.search(r"[\d.,]$", before) and re.match(r"[\d.,%]", after))


def numeric(text: str) -> str:
    """The text as a number, when it is one but for OCR's usual confusions; otherwise the text unchanged."""
    squeezed = text.replace(" ", "")
    if not squeezed or not _NUMBER_CHARS.fullmatch(squeezed):
        return text
    candidate = unicodedata.normalize("NFKC", squeezed.replace("，", "\x00")).translate(_DIGIT_LIKE)
    # a full-width comma is a decimal point unless the number already has one (then it separated thousands)
    candidate = candidate.replace("\x00", "," if "." in candidate else ".")
    digits = sum(ch.isdigit() for ch in squeezed)
    if not _NUMBER.fullmatch(candidate) or digits * 2 < len(candidate.rstrip("%")):
        return text  # 'OI' or 'lo': too little of it was a digit to call it a number
    return candidate
