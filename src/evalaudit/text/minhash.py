"""Near-duplicate search that scales: MinHash signatures of character 3-grams, banded for LSH.

Everything is numpy over all texts at once: code points → 3-gram hashes → per-permutation minima by
`reduceat` → band keys → candidate pairs from equal keys. No Python loop runs per text or per shingle.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

PERMUTATIONS = 64
BANDS = 16  # 16 bands × 4 rows: a pair with Jaccard 0.8 becomes a candidate with probability > 0.999
ROWS = PERMUTATIONS // BANDS
MAX_BUCKET = 64  # more texts than this in one bucket: the template speaking, not a copy
_SEED = 20231231
_MASK32 = np.uint64(0xFFFFFFFF)
_rng = np.random.default_rng(_SEED)
_A = (_rng.integers(1, 2**31, PERMUTATIONS, dtype=np.uint64) * 2 + 1).astype(np.uint64)  # odd multipliers
_B = _rng.integers(0, 2**32, PERMUTATIONS, dtype=np.uint64)


def signatures(texts: list[str], chunk: int = 20_000) -> np.ndarray:
    """(len(texts), PERMUTATIONS) uint32 MinHash signatures; each text must have at least 3 characters."""
    result = np.empty((len(texts), PERMUTATIONS), dtype=np.uint32)
    for start in range(0, len(texts), chunk):
        result[start : start + chunk] = _signatures(texts[start : start + chunk])
    return result


def _signatures(texts: list[str]) -> np.ndarray:
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    if (lengths < 3).any():
        raise ValueError("every text needs at least 3 characters")
    points = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    # 3-gram at every position whose gram stays inside its own text
    owner = np.repeat(np.arange(len(texts)), lengths)
    valid = np.ones(len(points), dtype=bool)
    valid[-2:] = False
    valid[:-2] &= owner[:-2] == owner[2:]
    grams = (points[:-2] * np.uint64(0x9E3779B1) + points[1:-1]) * np.uint64(0x85EBCA77) + points[2:]
    grams = grams[valid[:-2]]
    grams ^= grams >> np.uint64(29)
    grams = (grams * np.uint64(0xBF58476D1CE4E5B9)) & _MASK32
    # each text of n characters contributes n - 2 grams, packed in order
    gram_starts = np.concatenate(([0], np.cumsum(lengths - 2)[:-1]))
    out = np.empty((len(texts), PERMUTATIONS), dtype=np.uint32)
    for k in range(PERMUTATIONS):
        hashed = (grams * _A[k] + _B[k]) & _MASK32
        out[:, k] = np.minimum.reduceat(hashed, gram_starts)
    return out


def band_keys(signature: np.ndarray) -> np.ndarray:
    """(len(signature), BANDS) uint64: one key per band of ROWS positions; equal keys share an LSH bucket.

    These are what the history keeps per text (`store.signs`, the index's band columns), so a night finds its
    candidates by looking keys up instead of signing the history again."""
    keys = np.empty((len(signature), BANDS), dtype=np.uint64)
    for band in range(BANDS):
        block = np.ascontiguousarray(signature[:, band * ROWS : (band + 1) * ROWS])
        halves = block.view(np.uint64)  # 4 × uint32 → 2 × uint64
        keys[:, band] = halves[:, 0] * np.uint64(0x9E3779B97F4A7C15) ^ halves[:, 1]
    return keys


def candidate_pairs(
    signature: np.ndarray, max_bucket: int = MAX_BUCKET, oversized: Sequence[np.ndarray] | None = None
) -> np.ndarray:
    """Pairs (i, j), i < j, that share at least one band; buckets larger than `max_bucket` are skipped
    (text that many forms share is the template speaking, reported by another check).

    `oversized` (per band, keys as `band_keys` gives them) names buckets known to exceed `max_bucket` over a
    larger pool than these signatures: a night that holds only part of the history skips them all the same."""
    keys = band_keys(signature)
    pairs = []
    for band in range(BANDS):
        key = keys[:, band]
        order = np.argsort(key, kind="stable")
        sorted_keys = key[order]
        run_starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
        run_lengths = np.diff(np.concatenate((run_starts, [len(key)])))
        if oversized is not None and len(oversized[band]):
            run_lengths = np.where(np.isin(sorted_keys[run_starts], oversized[band]), 0, run_lengths)
        for length in np.unique(run_lengths[(run_lengths > 1) & (run_lengths <= max_bucket)]):
            members = order[run_starts[run_lengths == length][:, None] + np.arange(length)]  # (runs, length)
            first, second = np.triu_indices(length, k=1)
            pairs.append(np.stack([members[:, first].ravel(), members[:, second].ravel()], axis=1))
    if not pairs:
        return np.empty((0, 2), dtype=np.int64)
    both = np.concatenate(pairs)
    both.sort(axis=1)
    return np.unique(both, axis=0)


def estimated_similarity(signature: np.ndarray, pairs: np.ndarray, chunk: int = 50_000) -> np.ndarray:
    """Share of equal signature positions: an unbiased estimate of the Jaccard similarity.

    Pairs are compared `chunk` at a time: the two gathered signature blocks cost 512 bytes a pair."""
    result = np.empty(len(pairs))
    for start in range(0, len(pairs), chunk):
        part = pairs[start : start + chunk]
        result[start : start + chunk] = (signature[part[:, 0]] == signature[part[:, 1]]).mean(axis=1)
    return result


def pairs_frame(pairs: np.ndarray, similarity: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"a": pairs[:, 0], "b": pairs[:, 1], "similarity": similarity})
