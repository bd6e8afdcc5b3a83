"""Slow readings kept by content hash: a file already converted or recognised is never converted again.

LibreOffice conversions and OCR cost seconds per file; the nightly job sees the same bytes night after night
(resubmissions of other forms, a file renamed). Entries are files named by the SHA-256 of the input, written
to a temporary name and renamed, so a crash never leaves a half-written entry that the next run trusts. A
cache that cannot be written (read-only, disk full) only costs speed.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

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
        with os.fdopen(handle, "wb") as out:
            out.write(value)
        os.replace(temporary, folder / key)
    except OSError:
        try:
            os.unlink(temporary)
        except (OSError, UnboundLocalError):
            pass
