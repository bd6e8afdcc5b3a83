"""Bytes → text for Chinese submissions, never garbled silently.

Order of trust: a BOM; UTF-16 recognised by where its NUL bytes fall; the charset an HTML page declares, when
its text reads as Chinese; strict UTF-8 (legacy Chinese text is practically never valid UTF-8, so valid UTF-8
beats a stale declaration); then GB18030/GBK and Big5, ranked by how Chinese a sample of each decoding looks
(plausible.py), since a strict decoder that succeeds is not therefore right. Decoding is strict
except at the very end: a file cut off mid-character keeps everything before that character.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from evalaudit.ingest.charset import declared_encodings
from evalaudit.ingest.plausible import MIN_EVIDENCE, plausibility


class UnreadableFile(Exception):
    """The file's bytes are not text we can decode; the reason is Chinese and goes to the reviewer.

    `by_content` is False when the bytes were never judged (the file could not be opened, or is over the size
    limit): the store then records the file by name, so the same bytes are read when they can be.
    """

    def __init__(self, reason: str, by_content: bool = True) -> None:
        super().__init__(reason)
        self.by_content = by_content


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    truncated: bool = False  # the file was cut off: a partial last character (or NUL padding) was dropped


_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Without NULs, UTF-16 would be a text with no ASCII character at all, not even a line break: not a form.
_LEGACY = ("gb18030", "cp950", "big5hkscs")
_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "gb18030": "GB18030/GBK",
    "cp950": "Big5",
    "big5hkscs": "Big5-HKSCS",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "utf-32-le": "UTF-32",
    "utf-32-be": "UTF-32",
}
_SAMPLE = 16384  # bytes judged per candidate: thousands of characters, a few milliseconds
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_NON_ASCII_TEXT = re.compile(r"[^\x00-\x7f]")
_RESUBMIT = "请用记事本或 Word 另存为 UTF-8 编码的 .txt 或 .html 后重新提交"


def decode_bytes(data: bytes, *, markup: bool = False) -> tuple[str, str]:
    """(text, encoding): `decode` for callers that need no more."""
    decoded = decode(data, markup=markup)
    return decoded.text, decoded.encoding


def decode(data: bytes, *, markup: bool = False) -> Decoded:
    """Decode a file's bytes; `markup` lets an HTML page's declared charset speak first. Empty bytes are
    empty text here: whether an empty file is a problem is the caller's to say."""
    return _decode(data, markup)


def _decode(data: bytes, markup: bool) -> Decoded:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _by_bom(data[len(bom) :], "utf-8-sig" if encoding == "utf-8" else encoding)
    if b"\x00" in data:
        return _with_nuls(data, markup)
    first_high = _NON_ASCII.search(data)
    if first_high is None:
        return Decoded(data.decode("ascii"), "utf-8")
    utf8 = _strict(data, "utf-8")
    for encoding in declared_encodings(data) if markup else ():
        if encoding == "utf-8" or utf8 is not None:
            break  # UTF-8 as declared, or valid UTF-8 under a stale declaration
        decoded = _strict(data, encoding)
        if decoded is not None and _reads_as_chinese(decoded.text):
            return decoded
    if utf8 is not None:
        return utf8
    return _sniff(data, first_high.start())


def _reads_as_chinese(text: str) -> bool:
    """No control characters, and Chinese enough from the first non-ASCII character on (a page's head is
    ASCII markup and says nothing)."""
    first = _NON_ASCII_TEXT.search(text)
    start = first.start() if first else 0
    half = _SAMPLE // 2
    return plausibility(text[:half]).controls == 0 and plausibility(text[start : start + half]).plausible


def _strict(data: bytes, encoding: str) -> Decoded | None:
    """Strict decoding, except that a partial character at the very end is dropped; None if invalid.

    "The very end" allows trailing line breaks and spaces after the partial character: an editor that
    saves a cut-off file adds a newline.
    """
    decoded = _strict_to_end(data, encoding)
    if decoded is None and not encoding.startswith("utf-16") and not encoding.startswith("utf-32"):
        body = data.rstrip(b" \t\r\n")
        cut = _strict_to_end(body, encoding) if len(body) < len(data) else None
        if cut is not None and cut.truncated:
            return Decoded(cut.text + data[len(body) :].decode("ascii"), encoding, truncated=True)
    return decoded


def _strict_to_end(data: bytes, encoding: str) -> Decoded | None:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        text = decoder.decode(data, final=False)
    except UnicodeDecodeError:
        return None
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return Decoded(text, encoding, truncated=True)
    return Decoded(text, encoding)


def _error_offset(data: bytes, encoding: str) -> int:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        decoder.decode(data, final=False)
    except UnicodeDecodeError as error:
        return error.start
    return len(data)


def _where(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return f"第 {line} 行（第 {offset + 1} 字节）"


def _by_bom(body: bytes, encoding: str) -> Decoded:
    """A BOM always wins: content that contradicts it is damage, not another encoding."""
    decoded = _strict(body, encoding)
    if decoded is None:
        label = _LABELS[encoding]
        raise UnreadableFile(
            f"文件开头的编码标记表明是 {label} 编码，但{_where(body, _error_offset(body, encoding))}"
            f"不是有效的 {label} 文字（文件可能已损坏）；{_RESUBMIT}"
        )
    return decoded


def _utf16_by_nuls(data: bytes) -> str | None:
    """UTF-16 without BOM: ASCII characters put a NUL in every other byte, on one side only.

    Little-endian puts it in the odd bytes, big-endian in the even ones; CJK characters rarely contain a NUL
    byte at all, so the NULs of text fall overwhelmingly on one side. Binary data has them everywhere.
    """
    sample = data[: _SAMPLE * 4]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd and even * 4 <= odd:
        return "utf-16-le"
    if even and odd * 4 <= even:
        return "utf-16-be"
    return None


def _with_nuls(data: bytes, markup: bool) -> Decoded:
    encoding = _utf16_by_nuls(data)
    if encoding is not None:
        decoded = _strict(data, encoding)
        if decoded is not None and _reads_as_chinese(decoded.text):
            return decoded
    text_part = data.rstrip(b"\x00")
    if text_part and b"\x00" not in text_part:
        # a text file padded with NULs, as a crash or a cut-off copy leaves it; a binary header is not text
        try:
            decoded = _decode(text_part, markup)
        except UnreadableFile:
            decoded = None
        if decoded is not None and _reads_as_chinese(decoded.text):
            return Decoded(decoded.text, decoded.encoding, truncated=True)
    raise UnreadableFile(
        "文件含二进制内容，不是文本文件（可能是 Word、Excel、PDF、压缩包或图片）；请另存为 .txt 或 .html 后重新提交"
    )


def _sniff(data: bytes, start: int) -> Decoded:
    """Legacy encodings, most plausible first, judged on a sample from the first non-ASCII byte on.

    The first byte ≥ 0x80 after ASCII starts a character in every candidate, so the sample needs no
    alignment; a character cut at the sample's end is held back.
    """
    sample = data[start : start + _SAMPLE]
    ranked: list[tuple[float, int, str]] = []
    for order, encoding in enumerate(_LEGACY):
        decoded = _strict(sample, encoding)
        if decoded is None:
            continue
        judged = plausibility(decoded.text)
        if judged.plausible:
            ranked.append((-judged.share, order, encoding))
    for _, _, encoding in sorted(ranked):
        decoded = _strict(data, encoding)
        if decoded is not None:
            return decoded
    raise UnreadableFile(_why_undecodable(data, start))


def _why_undecodable(data: bytes, start: int) -> str:
    """Name the encoding the file reads as Chinese in up to where it breaks, and that place; else say none."""
    best: tuple[int, str] | None = None  # (offset of the first bad byte, encoding)
    for encoding in ("utf-8", *_LEGACY):
        offset = _error_offset(data, encoding)
        decoded = _strict(data[start : min(offset, start + _SAMPLE)], encoding)
        judged = plausibility(decoded.text) if decoded is not None else None
        if judged is not None and judged.judged >= MIN_EVIDENCE and judged.plausible:
            if best is None or offset > best[0]:
                best = (offset, encoding)
    if best is None:
        return f"无法识别文件编码：不是有效的 UTF-8，按 GB18030/GBK、Big5 解码也都不像中文文本；{_RESUBMIT}"
    offset, encoding = best
    return (
        f"文件看来是 {_LABELS[encoding]} 编码，但{_where(data, offset)}有无法解码的内容"
        f"（文件可能已损坏，或混用了多种编码）；{_RESUBMIT}"
    )
