"""Readers: one per file format, each turning a submitted file into a SourceDocument of blocks."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from evalaudit.ingest.blocks import Block, SourceDocument
from evalaudit.ingest.decode import UnreadableFile, decode_bytes
from evalaudit.ingest.html import html_blocks
from evalaudit.ingest.text import text_blocks

READERS: dict[str, Callable[[str], list[Block]]] = {
    ".txt": text_blocks,
    ".md": text_blocks,
    ".markdown": text_blocks,
    ".html": html_blocks,
    ".htm": html_blocks,
}

SUPPORTED_SUFFIXES = tuple(READERS)

__all__ = ["Block", "SourceDocument", "UnreadableFile", "read_source", "read_bytes", "SUPPORTED_SUFFIXES"]


def read_bytes(name: str, data: bytes) -> SourceDocument:
    """Decode and split one submission. Raises UnreadableFile with a Chinese reason."""
    suffix = Path(name).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise UnreadableFile(f"暂不支持的文件格式“{suffix or '无扩展名'}”（支持：{'、'.join(SUPPORTED_SUFFIXES)}）")
    text, encoding = decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return SourceDocument(
        name=Path(name).name,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        text=text,
        blocks=reader(text),
    )


def read_source(path: str | Path) -> SourceDocument:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(f"文件无法读取：{error.strerror or error}") from error
    return read_bytes(path.name, data)
