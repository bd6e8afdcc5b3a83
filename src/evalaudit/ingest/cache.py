"""Slow readings kept by content hash: a file already converted or recognised is never converted again.

LibreOffice conversions and OCR cost seconds per file; the nightly job sees the same bytes night after night
(resubmissions of other forms, a file renamed). Entries are files named by the SHA-256 of the input, written
to a temporary name and renamed, so a crash never leaves a half-written entry that the next run trusts. A
cache that cannot be written (read-only, disk full) only costs speed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from evalaudit.ingest.blocks import Block, Reading

CACHE_ENV = "EVALAUDIT_CACHE_DIR"


def cache_dir() -> Path:
    """EVALAUDIT_CACHE_DIR, else the user's cache folder ($XDG_CACHE_HOME or ~/.cache) / evalaudit."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(base) / "evalaudit"


def content_key(data: bytes, *parts: str) -> str:
    """The key of an entry: the input's hash, with what else decides the output (a format, a tool version)."""
    digest = hashlib.sha256(data).hexdigest()
    return "-".join([digest, *parts]) if parts else digest


def load(kind: str, key: str) -> bytes | None:
    try:
        return (cache_dir() / kind / key).read_bytes()
    except OSError:
        return None


def store(kind: str, key: str, value: bytes) -> None:
    folder = cache_dir() / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(value)
        os.replace(temporary, folder / key)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def code_version() -> str:
    """A digest of the readers' own code: a reading cached by an older reader is not trusted by a newer one."""
    global _CODE_VERSION
    if _CODE_VERSION is None:
        digest = hashlib.sha256()
        for source in sorted(Path(__file__).parent.glob("*.py")):
            digest.update(source.read_bytes())
        _CODE_VERSION = digest.hexdigest()[:12]
    return _CODE_VERSION


_CODE_VERSION: str | None = None


def cached_reading(data: bytes, suffix: str, read: Callable[[bytes], Reading]) -> Reading:
    """`read(data)`, or what it returned the last time it saw these bytes (a PDF's layout, a scan's OCR).

    Refusals are not kept: a timeout or a missing tool may be gone by the next run."""
    key = content_key(data, suffix.lstrip("."), code_version())
    stored = load(_READINGS, key)
    if stored is not None:
        try:
            return _reading_from(json.loads(stored))
        except (ValueError, KeyError, TypeError):
            pass  # an entry this version cannot read is computed again
    reading = read(data)
    store(_READINGS, key, json.dumps(_reading_to(reading), ensure_ascii=False).encode())
    return reading


_READINGS = "readings"


def _reading_to(reading: Reading) -> dict:
    blocks = [[b.kind, b.cells, b.raw, b.lineno, b.grid] for b in reading.blocks]
    return {"blocks": blocks, "warnings": reading.warnings, "ocr": reading.ocr}


def _reading_from(data: dict) -> Reading:
    blocks = [Block(kind, list(cells), raw, lineno, grid) for kind, cells, raw, lineno, grid in data["blocks"]]
    return Reading(blocks, list(data["warnings"]), bool(data["ocr"]))
