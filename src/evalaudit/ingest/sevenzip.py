"""7z archives for `archive.py`: listed and read in memory, every stream bounded.

Its own module so that py7zr (70 ms to import) is loaded only when a .7z arrives, not by every process that
scans an inbox.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from typing import BinaryIO

import py7zr
import py7zr.exceptions
import py7zr.io

from evalaudit.ingest.archive import (
    CORRUPT,
    ENCRYPTED,
    LYING,
    TOTAL_FACTOR,
    UNSUPPORTED_METHOD,
    Archive,
    Entry,
    clean_name,
)
from evalaudit.ingest.decode import UnreadableFile


def open_7z(source: BinaryIO, packed: int) -> Archive:
    try:
        archive = py7zr.SevenZipFile(source)
        listing = archive.list()
        encrypted = "7zAES" in archive._get_method_names()
    except py7zr.exceptions.PasswordRequired as error:  # the names themselves are encrypted
        raise UnreadableFile(ENCRYPTED) from error
    except py7zr.exceptions.UnsupportedCompressionMethodError as error:
        raise UnreadableFile(UNSUPPORTED_METHOD) from error
    except (py7zr.exceptions.ArchiveError, EOFError, ValueError, KeyError, IndexError, struct.error) as error:
        raise UnreadableFile(CORRUPT) from error
    if encrypted:
        raise UnreadableFile(ENCRYPTED)
    entries = [
        Entry(
            raw=info.filename,
            name=clean_name(info.filename),
            size=info.uncompressed or 0,
            packed=None,  # a solid 7z compresses its files together: the ratio is judged for the whole
            encrypted=False,
            folder=info.is_directory,
        )
        for info in listing
    ]

    def read(wanted: list[Entry], limit: int) -> Iterator[tuple[Entry, bytes | UnreadableFile]]:
        """Decompressed in one pass, each member's stream stopped past its declared size or the limit, the
        whole stopped past what the directory declares for every member (py7zr's max_extract_size: the members
        before a wanted one in a solid block are decompressed too), never past an archive's limit."""
        bounds = {entry.raw: min(entry.size, limit) for entry in wanted}
        factory = _BoundedFactory(bounds)
        whole = min(sum(entry.size for entry in entries), TOTAL_FACTOR * limit)
        source.seek(0)
        try:
            with py7zr.SevenZipFile(source, max_extract_size=whole + 1) as again:
                again.extract(targets=list(bounds), factory=factory)
        except (_Overflow, py7zr.exceptions.DecompressionBombError):
            yield from ((entry, UnreadableFile(LYING)) for entry in wanted)
            return
        except py7zr.exceptions.UnsupportedCompressionMethodError:
            yield from ((entry, UnreadableFile(UNSUPPORTED_METHOD)) for entry in wanted)
            return
        except (py7zr.exceptions.ArchiveError, EOFError, ValueError, KeyError, OSError, struct.error):
            yield from ((entry, UnreadableFile(CORRUPT)) for entry in wanted)
            return
        for entry in wanted:
            product = factory.products.get(entry.raw)
            yield entry, product.getvalue() if product is not None else UnreadableFile(CORRUPT)

    return Archive(entries, read, packed)


class _Overflow(Exception):
    """A 7z member's stream ran past what its header said."""


class _BoundedWriter(py7zr.io.Py7zIO):
    def __init__(self, bound: int) -> None:
        self._buffer = io.BytesIO()
        self._bound = bound

    def write(self, s: bytes | bytearray) -> int:
        if self._buffer.tell() + len(s) > self._bound:
            raise _Overflow
        return self._buffer.write(s)

    def read(self, size: int | None = None) -> bytes:
        return self._buffer.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._buffer.seek(offset, whence)

    def flush(self) -> None:
        pass

    def size(self) -> int:
        return self._buffer.getbuffer().nbytes

    def getvalue(self) -> bytes:
        return self._buffer.getvalue()


class _BoundedFactory(py7zr.io.WriterFactory):
    def __init__(self, bounds: dict[str, int]) -> None:
        self.bounds = bounds
        self.products: dict[str, _BoundedWriter] = {}

    def create(self, filename: str) -> py7zr.io.Py7zIO:
        product = _BoundedWriter(self.bounds.get(filename, 0))
        self.products[filename] = product
        return product
