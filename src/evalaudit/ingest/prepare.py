"""The slow part of reading a batch, done ahead on every core: conversions and OCR.

LibreOffice conversions run as one process per core over the whole batch (`convert.convert_all`); scans and
photos are recognised in the shared process pool (`workers.py`) (a PDF with fonts has a text layer and is laid out in milliseconds when
it is parsed; one without is a scan). Their outputs land in the content cache (`cache.py`), so the parse step that
follows reads each file as fast as a text file, whatever the order it reads them in. Nothing here decides what
a file yields: a file that fails here fails again, with its reason, when it is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from evalaudit.ingest import SLOW_READERS, UnreadableFile, actual_format, read_bytes
from evalaudit.ingest.convert import TARGETS, convert_all
from evalaudit.ingest.sniff import sniff
from evalaudit.workers import cores, on_every_core

CHUNK = 64  # files whose bytes are held at once: a batch of scans is gigabytes


@dataclass
class Prepared:
    converted: int = 0  # files handed to LibreOffice
    recognised: int = 0  # scans and photos OCR'd ahead
    converter_runs: int = 0


def prepare(files: Iterable[tuple[str, Callable[[], bytes]]], workers: int | None = None) -> Prepared:
    """Convert and recognise every slow file of (name, read its bytes) ahead of the parse step."""
    workers = cores(workers)
    done = Prepared()
    slow = ((name, load) for name, load in files if Path(name).suffix.lower() in SLOW_SUFFIXES)
    for chunk in _chunks(slow, CHUNK):
        conversions: list[tuple[str, bytes, str]] = []
        recognitions: list[tuple[str, bytes, str]] = []
        for name, load in chunk:
            kind = _kind(name, load)
            if kind is None:
                continue
            actual, data = kind
            (conversions if actual in TARGETS else recognitions).append((name, data, actual))
        if conversions:
            done.converter_runs += convert_all([(data, actual) for _, data, actual in conversions], workers)
            done.converted += len(conversions)
        pending = [(name, data) for name, data, _ in recognitions]
        if len(pending) == 1:
            _read_ahead(pending[0])
        elif pending:
            on_every_core(_read_ahead, pending, workers)
        done.recognised += len(recognitions)
    return done


SLOW_SUFFIXES = frozenset(TARGETS) | SLOW_READERS


def _kind(name: str, load: Callable[[], bytes]) -> tuple[str, bytes] | None:
    """(the format the bytes are in, the bytes) when it is a slow one; None when it is not or cannot be read."""
    try:
        data = load()
        actual, _ = actual_format(Path(name).suffix.lower(), sniff(data))
    except (UnreadableFile, OSError):
        return None  # the parse step reads it again and records why
    if actual == ".pdf" and b"/Font" in data:
        return None  # a PDF with text: laid out in milliseconds when it is parsed
    return (actual, data) if actual in TARGETS or actual in SLOW_READERS else None


def _read_ahead(file: tuple[str, bytes]) -> None:
    """Read one file (name, bytes) so its reading is cached; its refusal is the parse step's to record."""
    name, data = file
    try:
        read_bytes(name, data)
    except UnreadableFile:
        pass


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
