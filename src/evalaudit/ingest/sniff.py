"""What a file's bytes are, whatever its name says.

Units rename files: a Word 97 `.doc` saved as `.docx`, a `.docx` saved as `.doc`, a web page saved by Word as
`.doc`, a photo named `.pdf`. The reader is chosen by what the bytes are, and the mismatch is told to the unit.
Only signatures are looked at (a few bytes at the start; for OLE and OOXML containers, the names of the parts
they hold), so sniffing costs microseconds.
"""

from __future__ import annotations

import io
import re
import zipfile

# What the bytes may be, named by the suffix of the format that holds them ('.ole-encrypted': an Office file
# with a password, which is an OLE container whatever its original format).
ENCRYPTED = ".ole-encrypted"
OLE = ".ole"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SIGNATURES = (
    (b"%PDF-", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"II*\x00", ".tif"),
    (b"MM\x00*", ".tif"),
    (b"GIF8", ".gif"),
    (b"7z\xbc\xaf\x27\x1c", ".7z"),
    (b"Rar!\x1a\x07", ".rar"),
    (b"{\\rtf", ".rtf"),
)
# OLE stream names (UTF-16LE in the container's directory) → the format of the document they make up
_OLE_STREAMS = (
    ("EncryptedPackage", ENCRYPTED),  # a password-protected .docx/.xlsx
    ("WordDocument", ".doc"),
    ("Workbook", ".xls"),
    ("Book", ".xls"),  # Excel 5/95
)
_MARKUP = re.compile(rb"<\s*(html|table|head|body|!doctype)\b", re.IGNORECASE)

# Formats that share a container, and the formats a suffix may hold without anything being wrong
SAME_FORMAT = {
    ".doc": {".doc", OLE},
    ".wps": {".doc", OLE},  # WPS Writer saves Word 97 documents
    ".et": {".xls", OLE},  # WPS Spreadsheets saves Excel 97 workbooks
    ".xls": {".xls", OLE},
    ".docx": {".docx"},
    ".xlsx": {".xlsx"},
    ".xlsm": {".xlsx"},
    ".odt": {".odt"},
    ".ods": {".ods"},
    ".jpeg": {".jpg"},
    ".jpg": {".jpg"},
    ".tiff": {".tif"},
    ".tif": {".tif"},
}

LABELS = {
    ".pdf": "PDF 文件",
    ".png": "PNG 图片",
    ".jpg": "JPEG 图片",
    ".tif": "TIFF 图片",
    ".gif": "GIF 图片",
    ".bmp": "BMP 图片",
    ".7z": "7z 压缩包",
    ".rar": "RAR 压缩包",
    ".zip": "zip 压缩包",
    ".rtf": "RTF 文档",
    ".doc": "Word 97-2003 文档（.doc）",
    ".xls": "Excel 97-2003 工作簿（.xls）",
    ".docx": "Word 文档（.docx）",
    ".xlsx": "Excel 工作簿（.xlsx）",
    ".xlsm": "Excel 启用宏的工作簿（.xlsm）",
    ".wps": "WPS 文字文档（.wps）",
    ".et": "WPS 表格（.et）",
    ".odt": "OpenDocument 文档（.odt）",
    ".ods": "OpenDocument 表格（.ods）",
    ".html": "网页（HTML）",
    OLE: "旧版 Office 文件",
    ENCRYPTED: "加密的 Office 文件",
}


def sniff(data: bytes) -> str | None:
    """The format the bytes are in, as a suffix ('.docx', '.pdf', '.doc', …), or None for plain text or
    bytes of no known format."""
    head = data[:1024]
    for magic, kind in _SIGNATURES:
        # a PDF may have a few bytes before its header (a BOM, a blank line); a text that merely mentions
        # '%PDF-' further down is still a text
        if head.startswith(magic) or (kind == ".pdf" and 0 <= head.find(magic) <= 8):
            return kind
    if head.startswith(b"BM") and len(data) > 26 and int.from_bytes(data[2:6], "little") == len(data):
        return ".bmp"
    if head.startswith(_OLE_MAGIC):
        return _ole_kind(data)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if _MARKUP.search(head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512]):
        return ".html"
    return None


def _ole_kind(data: bytes) -> str:
    """An OLE container's document format, from the stream names in its directory."""
    for stream, kind in _OLE_STREAMS:
        if stream.encode("utf-16-le") + b"\x00\x00" in data:
            return kind
    return OLE


def _zip_kind(data: bytes) -> str:
    """A zip container: an Office Open XML or OpenDocument file by the parts it holds, else an archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return ".docx"
            if "xl/workbook.xml" in names:
                return ".xlsx"
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                if b"opendocument.text" in mimetype:
                    return ".odt"
                if b"opendocument.spreadsheet" in mimetype:
                    return ".ods"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return ".zip"  # damaged: the reader of the suffix says so
    return ".zip"


def label(kind: str | None) -> str:
    """A format as a unit knows it."""
    return LABELS.get(kind or "", "文本文件" if kind is None else kind)
