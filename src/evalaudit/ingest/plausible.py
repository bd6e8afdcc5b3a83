"""How much a decoded text looks like Chinese: the check that stops a strict-but-wrong decoder from winning.

Legacy Chinese encodings overlap: Big5 bytes are almost always valid GB18030, but they decode to kana, box
drawing, private-use and rare hanzi. Real forms are written in common characters. So a candidate decoding
is judged by the share of its non-ASCII characters that are common hanzi (GB2312 level 1, simplified, or
Big5 常用字, traditional) or the punctuation and symbols forms use. Pinyin letters and other Latin letters
are neutral: GB2312 has them, and forms do annotate in pinyin. On the corpus, right decodings score ≥ 0.99
and Big5 read as GB18030 ≤ 0.5.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

THRESHOLD = 0.8  # below this share of common characters a decoding is garbage
MIN_EVIDENCE = 20  # fewer judged characters than this say too little to refuse a decoding

# Unicode ranges of the punctuation and symbols a form uses (CJK and full-width punctuation, quotes, dashes,
# ‰, №, ℃, Ⅻ, arrows, ≥ ≤ ≧ ≦, ①⑴⒈, ■□▲●○◆, ★☆, ✓)
_SYMBOL_RANGES = (
    (0x3000, 0x303F),
    (0xFF00, 0xFFEF),
    (0xFE30, 0xFE4F),
    (0x2010, 0x205E),
    (0x2100, 0x218F),
    (0x2190, 0x21FF),
    (0x2200, 0x22FF),
    (0x2460, 0x24FF),
    (0x25A0, 0x25FF),
    (0x2605, 0x2606),
    (0x2713, 0x2714),
)
_LATIN_SYMBOLS = frozenset("°±·×÷§¥£¢¤")
_TEXT_CONTROLS = frozenset("\t\n\r\x0b\x0c")


@dataclass(frozen=True)
class Plausibility:
    common: int  # common hanzi, punctuation and symbols
    judged: int  # every non-ASCII character that is not a Latin letter, plus control characters
    controls: int  # C0/C1 control characters other than tab and line breaks: binary, not text

    @property
    def share(self) -> float:
        return self.common / self.judged if self.judged else 1.0

    @property
    def plausible(self) -> bool:
        """Text, and Chinese enough, or too short to tell."""
        return self.controls == 0 and (self.judged < MIN_EVIDENCE or self.share >= THRESHOLD)


@cache
def _common_hanzi() -> frozenset[str]:
    """GB2312 level 1 (B0A1–D7F9, 3,755 hanzi) ∪ Big5 常用字 (A440–C67E, 5,401), read from the codecs."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            chars.update(_char(bytes((lead, trail)), "gb2312"))
    for lead in range(0xA4, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            if (lead << 8 | trail) <= 0xC67E:
                chars.update(_char(bytes((lead, trail)), "big5"))
    return frozenset(chars)


def _char(pair: bytes, encoding: str) -> str:
    try:
        return pair.decode(encoding)
    except UnicodeDecodeError:
        return ""


def _is_symbol(char: str) -> bool:
    code = ord(char)
    return char in _LATIN_SYMBOLS or any(low <= code <= high for low, high in _SYMBOL_RANGES)


def plausibility(text: str) -> Plausibility:
    """Count over the whole text given: callers pass a sample, not a 20 MB file."""
    common_hanzi = _common_hanzi()
    common = judged = controls = 0
    for char in text:
        code = ord(char)
        if code < 0x80:
            if code < 0x20 and char not in _TEXT_CONTROLS or code == 0x7F:
                controls += 1
            continue
        if code < 0xA0:
            controls += 1
        elif char.isspace() or 0xC0 <= code <= 0x24F:
            continue  # neutral: spaces, Latin letters (pinyin)
        else:
            judged += 1
            common += char in common_hanzi or _is_symbol(char)
    return Plausibility(common, judged + controls, controls)
