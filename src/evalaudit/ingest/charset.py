"""The charset an HTML page declares: `<meta charset>`, `<meta http-equiv=Content-Type content="…charset=…">` or
an XML declaration (Word's "Save as HTML" writes the second, XHTML the third).

Only labels of encodings Chinese forms are written in are returned, each as the codecs to try. A Western label
(iso-8859-1, windows-1252) on a Chinese form is a stale template, and those codecs decode any bytes at all, so
trusting one would garble silently; such pages are sniffed instead.
"""

from __future__ import annotations

import re

_PRESCAN = 8192  # Word puts its meta after a long <head> preamble; the HTML standard looks at 1,024 bytes
_META = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]+)", re.IGNORECASE)
_XML = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([a-z0-9_.:-]+)[\"']", re.IGNORECASE)

_GB = ("gb18030",)  # GB2312 and GBK pages often hold characters only their supersets have
_BIG5 = ("cp950", "big5hkscs")  # Windows' Big5, then Hong Kong's
_FAMILIES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("utf-8", "utf8", "unicode-1-1-utf-8"), ("utf-8",)),
    **dict.fromkeys(
        (
            "gb2312",
            "gbk",
            "gb18030",
            "x-gbk",
            "cp936",
            "ms936",
            "windows-936",
            "euc-cn",
            "csgb2312",
            "chinese",
            "iso-ir-58",
            "csiso58gb231280",
            "gb_2312",
            "gb_2312-80",
        ),
        _GB,
    ),
    **dict.fromkeys(
        ("big5", "big-5", "cn-big5", "csbig5", "x-x-big5", "cp950", "ms950", "windows-950", "big5-hkscs", "big5hkscs"),
        _BIG5,
    ),
}


def declared_encodings(data: bytes) -> tuple[str, ...]:
    """Codecs the page's own declaration names, most specific first; () when it declares none we trust."""
    head = data[:_PRESCAN]
    match = _META.search(head) or _XML.match(head)  # as a browser reads it: the meta wins
    if match is None:
        return ()
    return _FAMILIES.get(match.group(1).decode("ascii").lower(), ())
