"""Readers: one per file format, each turning a submitted file into a SourceDocument of blocks."""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Callable
from pathlib import Path

from evalaudit.ingest.blocks import Block, Reading, SourceDocument
from evalaudit.ingest.decode import UnreadableFile, decode
from evalaudit.ingest.html import html_blocks
from evalaudit.ingest.office import docx_blocks, xlsx_blocks
from evalaudit.ingest.pdf import pdf_blocks
from evalaudit.ingest.text import text_blocks

READERS: dict[str, Callable[[str], list[Block]]] = {
    ".txt": text_blocks,
    ".md": text_blocks,
    ".markdown": text_blocks,
    ".html": html_blocks,
    ".htm": html_blocks,
}
_MARKUP = {".html", ".htm"}  # formats whose bytes may declare their own charset
# formats read from their bytes, not decoded as text: Office archives, PDF, images
BINARY_READERS: dict[str, Callable[[bytes], Reading]] = {
    ".docx": docx_blocks,
    ".xlsx": xlsx_blocks,
    ".xlsm": xlsx_blocks,
    ".pdf": pdf_blocks,
}

SUPPORTED_SUFFIXES = tuple(READERS) + tuple(BINARY_READERS)
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
    raw = os.environ.get(MAX_FILE_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_FILE_MB * _MB
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = math.nan
    if not (math.isfinite(megabytes) and megabytes > 0):
        raise ValueError(f"环境变量 {MAX_FILE_ENV} 应为正数（单位 MB），当前为“{raw}”")
    return max(1, int(megabytes * _MB))


def too_large(size: int, max_bytes: int, *, at_least: bool = False) -> str:
    """The reason a file over the limit is not read (`at_least`: its size is known only to exceed it)."""
    shown = f"超过 {max_bytes / _MB:g}" if at_least else f"{size / _MB:.1f}"
    return (
        f"文件过大（{shown} MB，上限 {max_bytes / _MB:g} MB），未读取；"
        f"请删除多余内容后重新提交，或由管理员调整 {MAX_FILE_ENV}"
    )


def read_bytes(name: str, data: bytes) -> SourceDocument:
    """Decode and split one submission. Raises UnreadableFile with a Chinese reason."""
    suffix = Path(name).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None and suffix not in BINARY_READERS:
        raise UnreadableFile(f"暂不支持的文件格式“{suffix or '无扩展名'}”（支持：{'、'.join(SUPPORTED_SUFFIXES)}）")
    if not data:
        raise UnreadableFile("文件为空（0 字节）")
    if suffix in BINARY_READERS:
        return _binary_document(name, data, BINARY_READERS[suffix])
    decoded = decode(data, markup=suffix in _MARKUP)
    if not decoded.text.strip():
        raise UnreadableFile("文件为空（只有空白，没有文字内容）")
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    return SourceDocument(
        name=Path(name).name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=decoded.encoding,
        text=text,
        blocks=reader(text),
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
    """Read a file from disk, refusing one over `max_bytes` (default `max_file_bytes()`) before reading it:
    the size is checked on the open file, and at most max_bytes + 1 bytes are ever read."""
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
    return read_bytes(path.name, data)


def cannot_open(error: OSError) -> str:
    """Why a file could not be opened, in words the unit can act on."""
    if isinstance(error, FileNotFoundError):
        return "文件不存在（可能已被删除或移动）"
    if isinstance(error, PermissionError):
        return "没有读取权限（请检查文件权限）"
    if isinstance(error, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    return f"文件无法读取（{error.strerror or type(error).__name__}）"
