"""Readers: one per file format, each turning a submitted file into a SourceDocument of blocks."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from evalaudit.ingest.blocks import Block, Reading, SourceDocument
from evalaudit.ingest.cache import cached_reading
from evalaudit.ingest.convert import TARGETS
from evalaudit.ingest.convert import convert as converted_bytes
from evalaudit.ingest.decode import UnreadableFile, decode
from evalaudit.ingest.html import html_blocks
from evalaudit.ingest.ocr import OCR_NOTE, image_blocks
from evalaudit.ingest.office import docx_blocks, xlsx_blocks
from evalaudit.ingest.pdf import pdf_blocks
from evalaudit.ingest.settings import positive_number
from evalaudit.ingest.sniff import ENCRYPTED, OLE, SAME_FORMAT, label, sniff
from evalaudit.ingest.text import text_blocks
from evalaudit.ingest.xls import xls_blocks

READERS: dict[str, Callable[[str], list[Block]]] = {
    ".txt": text_blocks,
    ".md": text_blocks,
    ".markdown": text_blocks,
    ".html": html_blocks,
    ".htm": html_blocks,
}
_MARKUP = {".html", ".htm"}  # formats whose bytes may declare their own charset
_CONTAINERS = {".docx", ".xlsx", ".xlsm", ".odt", ".ods"}  # zip archives inside: damaged, they are "a zip"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp")  # scans and photos, read by OCR
# formats read from their bytes, not decoded as text: Office archives, PDF, images
BINARY_READERS: dict[str, Callable[[bytes], Reading]] = {
    ".docx": docx_blocks,
    ".xlsx": xlsx_blocks,
    ".xlsm": xlsx_blocks,
    ".xls": xls_blocks,
    ".pdf": pdf_blocks,
    **dict.fromkeys(IMAGE_SUFFIXES, image_blocks),
}


def _converted(suffix: str) -> Callable[[bytes], Reading]:
    """The reader of a format LibreOffice converts: the converted file read by its own reader."""
    read_target = BINARY_READERS[TARGETS[suffix]]
    return lambda data: read_target(converted_bytes(data, suffix))


BINARY_READERS.update({suffix: _converted(suffix) for suffix in TARGETS})

# readers that take seconds (page layout, OCR): their readings are cached by content, and `prepare` runs them
# ahead over a batch on every core
SLOW_READERS = {".pdf", *IMAGE_SUFFIXES}

ARCHIVE_SUFFIXES = (".zip", ".7z")  # not read as one file: each member is a submission (inbox.scan, archive.py)
SUPPORTED_SUFFIXES = tuple(READERS) + tuple(BINARY_READERS) + ARCHIVE_SUFFIXES
MAX_FILE_ENV = "EVALAUDIT_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 20
_MB = 1_000_000  # decimal megabytes, as file managers show sizes

TRUNCATED_WARNING = "文件末尾不完整（文件可能被截断），已舍弃末尾不完整的字符，其余内容照常读取"

__all__ = [
    "Block",
    "Reading",
    "SourceDocument",
    "UnreadableFile",
    "read_source",
    "source_bytes",
    "read_bytes",
    "max_file_bytes",
    "too_large",
    "cannot_open",
    "SUPPORTED_SUFFIXES",
]


def max_file_bytes() -> int:
    """The largest submission read, from EVALAUDIT_MAX_FILE_MB (default 20 MB); the pipeline uses it too.

    A setting that is not a positive number is an operator's mistake: it raises rather than read every file
    or none.
    """
    return max(1, int(positive_number(MAX_FILE_ENV, DEFAULT_MAX_FILE_MB, "（单位 MB）") * _MB))


def too_large(size: int, max_bytes: int, *, at_least: bool = False) -> str:
    """The reason a file over the limit is not read (`at_least`: its size is known only to exceed it)."""
    shown = f"超过 {max_bytes / _MB:g}" if at_least else f"{size / _MB:.1f}"
    return (
        f"文件过大（{shown} MB，上限 {max_bytes / _MB:g} MB），未读取；"
        f"请删除多余内容后重新提交，或由管理员调整 {MAX_FILE_ENV}"
    )


def read_bytes(name: str, data: bytes) -> SourceDocument:
    """Decode and split one submission. Raises UnreadableFile with a Chinese reason.

    The reader is the one for what the bytes are: a file whose name claims another format is read as what it
    is, with a note telling the unit (a Word 97 file named .docx, a web page named .doc).
    """
    claimed = Path(name).suffix.lower()
    if claimed not in READERS and claimed not in BINARY_READERS:
        raise UnreadableFile(f"暂不支持的文件格式“{claimed or '无扩展名'}”（支持：{'、'.join(SUPPORTED_SUFFIXES)}）")
    if not data:
        raise UnreadableFile("文件为空（0 字节）")
    actual, warnings = actual_format(claimed, sniff(data))
    try:
        if actual in SLOW_READERS:
            document = _binary_document(name, data, lambda data: cached_reading(data, actual, BINARY_READERS[actual]))
        elif actual in BINARY_READERS:
            document = _binary_document(name, data, BINARY_READERS[actual])
        else:
            document = _text_document(name, data, actual)
    except UnreadableFile as error:
        if not warnings:
            raise
        # the unit should hear both: what the file is, and why it still cannot be read
        raise UnreadableFile(f"文件扩展名为 {claimed}，但内容是{label(actual)}；{error}", error.by_content) from error
    document.warnings[:0] = warnings
    return document


def note_code(note: str) -> str:
    """The code of a reader's note as a parse warning: completeness.parse.<code> in the findings."""
    if note == TRUNCATED_WARNING:
        return "file_damaged"
    if note == OCR_NOTE:
        return "file_ocr"
    return "file_format"


def actual_format(claimed: str, sniffed: str | None) -> tuple[str, list[str]]:
    """The suffix whose reader reads the bytes, and the note when it is not the claimed one."""
    if sniffed in SAME_FORMAT.get(claimed, {claimed}) or (sniffed is None and claimed in READERS):
        return claimed, []
    if sniffed is None and claimed not in TARGETS:  # never LibreOffice's: it imports anything as text
        return claimed, []  # bytes of no known format: the reader of the claimed one says what is wrong
    if claimed in READERS and sniffed == ".html":
        return claimed, []  # a web page saved as .txt/.md is read as text, as it always was
    if sniffed == ENCRYPTED:
        raise UnreadableFile("文件设有密码（已加密），无法读取，请取消密码后另存重新提交")
    if sniffed in BINARY_READERS or sniffed in READERS:
        note = (
            f"文件扩展名为 {claimed}，但内容是{label(sniffed)}，已按其实际格式读取；"
            f"请以正确的扩展名（{sniffed}）保存后提交"
        )
        return sniffed, [note]
    if sniffed == OLE:
        raise UnreadableFile(
            f"文件不是{label(claimed)}：它是无法识别的旧版 Office 文件或加密文件，请另存为 .docx/.xlsx 后重新提交"
        )
    if sniffed is None or sniffed == ".zip" and claimed in _CONTAINERS:
        raise UnreadableFile(f"文件已损坏或不是{label(claimed)}，无法打开，请重新保存后提交")
    raise UnreadableFile(
        f"文件扩展名为 {claimed}，但内容是{label(sniffed)}，暂不支持；请另存为 .docx/.xlsx/.pdf 后重新提交"
    )


def _text_document(name: str, data: bytes, suffix: str) -> SourceDocument:
    decoded = decode(data, markup=suffix in _MARKUP)
    if not decoded.text.strip():
        raise UnreadableFile("文件为空（只有空白，没有文字内容）")
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    return SourceDocument(
        name=Path(name).name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=decoded.encoding,
        text=text,
        blocks=READERS[suffix](text),
        warnings=[TRUNCATED_WARNING] if decoded.truncated else [],
    )


def _binary_document(name: str, data: bytes, reader: Callable[[bytes], Reading]) -> SourceDocument:
    """A binary file: its blocks as its reader placed them; its text (what a form's raw_text is cut from) their
    lines."""
    reading = reader(data)
    text = "\n".join(block.raw for block in reading.blocks)
    if not text.strip():
        raise UnreadableFile("文件为空（没有文字内容）")
    return SourceDocument(
        name=Path(name).name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding="ocr" if reading.ocr else "binary",
        text=text,
        blocks=reading.blocks,
        warnings=list(reading.warnings),
        ocr=reading.ocr,
    )


def read_source(path: str | Path, max_bytes: int | None = None) -> SourceDocument:
    """Read and split a file from disk (`source_bytes`, then `read_bytes`)."""
    return read_bytes(Path(path).name, source_bytes(path, max_bytes))


def source_bytes(path: str | Path, max_bytes: int | None = None) -> bytes:
    """A file's bytes, refusing one over `max_bytes` (default `max_file_bytes()`) before reading it: the size
    is checked on the open file, and at most max_bytes + 1 bytes are ever read. Raises UnreadableFile."""
    path = Path(path)
    limit = max_file_bytes() if max_bytes is None else max_bytes
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise UnreadableFile(too_large(size, limit), by_content=False)
            data = handle.read(limit + 1)  # a file that grew, or reports no size (a pipe), stops here
    except OSError as error:
        raise UnreadableFile(cannot_open(error), by_content=False) from error
    if len(data) > limit:
        raise UnreadableFile(too_large(len(data), limit, at_least=True), by_content=False)
    return data


def cannot_open(error: OSError) -> str:
    """Why a file could not be opened, in words the unit can act on."""
    if isinstance(error, FileNotFoundError):
        return "文件不存在（可能已被删除或移动）"
    if isinstance(error, PermissionError):
        return "没有读取权限（请检查文件权限）"
    if isinstance(error, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    return f"文件无法读取（{error.strerror or type(error).__name__}）"
