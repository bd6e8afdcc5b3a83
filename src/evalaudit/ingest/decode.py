"""Bytes → text for Chinese submissions: UTF-8 (with or without BOM), then GB18030/GBK, then a detector."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes


class UnreadableFile(Exception):
    """The file's bytes are not text we can decode; the reason is Chinese and goes to the reviewer."""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Strict decoders first so a wrong guess never garbles silently."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise UnreadableFile("文件含二进制内容，不是文本文件")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding, errors="strict"), encoding
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise UnreadableFile("无法识别文件编码（非 UTF-8 / GBK / GB18030）")
    return str(best), best.encoding
