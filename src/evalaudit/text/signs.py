"""What a history keeps per text so later nights need not sign it again: the norm's hash and its LSH band keys.

Only texts that the cross-form comparison signs get band keys (a goal, result or explanation of at least
MIN_CHARS characters); every text gets a hash, which the counts (units per norm) are looked up by.
"""

from __future__ import annotations

from hashlib import blake2b

import numpy as np
import pandas as pd

from evalaudit.text import minhash
from evalaudit.text.facts import COPY_FIELDS
from evalaudit.text.normalize import MIN_CHARS

BAND_COLUMNS = tuple(f"band_{band:02d}" for band in range(minhash.BANDS))


def norm_hash(norm: str) -> int:
    """A signed 64-bit hash of a normalised text, the same in every process and on every database."""
    return int.from_bytes(blake2b(norm.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def norm_hashes(norms: pd.Series) -> np.ndarray:
    """`norm_hash` of each value, computed once per distinct text."""
    table = {norm: norm_hash(norm) for norm in pd.unique(norms)}
    return norms.map(table).to_numpy(dtype=np.int64) if len(norms) else np.empty(0, dtype=np.int64)


def signable(frame: pd.DataFrame) -> pd.Series:
    """Rows the cross-form comparison signs when they are history: copy fields with enough characters."""
    return frame["field"].isin(COPY_FIELDS) & (frame["norm"].str.len() >= MIN_CHARS)


def band_keys(norms: list[str]) -> np.ndarray:
    """(len(norms), BANDS) int64 band keys (uint64 bits, as databases store 64-bit integers)."""
    if not norms:
        return np.empty((0, minhash.BANDS), dtype=np.int64)
    return minhash.band_keys(minhash.signatures(norms)).view(np.int64)


def band_rows(norms: list[str], hashes: np.ndarray) -> pd.DataFrame:
    """One row per (norm, band): band, key, norm_hash — the layout of the store's `text_bands`."""
    keys = band_keys(norms)
    return pd.DataFrame(
        {
            "band": np.tile(np.arange(minhash.BANDS, dtype=np.int64), len(norms)),
            "key": keys.ravel(),
            "norm_hash": np.repeat(np.asarray(hashes, dtype=np.int64), minhash.BANDS),
        }
    )
