"""The persistent text index: every earlier run's texts, so a paste from last year's or another unit's form
is found even when that form was audited months ago.

One Parquet file per run in a folder, written atomically; a run killed halfway leaves no file, and the
next run simply does not see that run's texts. Reading the folder is reading the history. Each file also
keeps every text's norm hash and, for the texts the cross-form comparison signs, its LSH band keys
(`text.signs`), so a later run signs only its own texts (`text.history.FrameHistory`); a file written before
these columns existed has its texts signed when it is read.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evalaudit.outputs import write_atomically
from evalaudit.text.signs import BAND_COLUMNS, band_keys, norm_hashes, signable

COLUMNS = (
    "evaluation_id",
    "source_file",
    "form_index",
    "unit",
    "unit_key",
    "year",
    "form_type",
    "field",
    "row",
    "label",
    "norm",
)


def load_history(folder: Path | None) -> pd.DataFrame:
    """All texts indexed by earlier runs (empty when there is no folder yet)."""
    files = sorted(folder.glob("texts-*.parquet")) if folder and folder.is_dir() else []
    if not files:
        return pd.DataFrame({column: pd.Series(dtype="object") for column in COLUMNS})
    history = pd.concat([pd.read_parquet(path) for path in files], ignore_index=True)
    return history.drop_duplicates(["evaluation_id", "field", "row"], keep="first").reset_index(drop=True)


def append_run(folder: Path, run_id: str, texts: pd.DataFrame, history: pd.DataFrame) -> Path | None:
    """Add this run's texts of forms the index has not seen; returns the file written, if any."""
    new = texts[~texts["evaluation_id"].isin(set(history["evaluation_id"]))][list(COLUMNS)]
    if new.empty:
        return None
    new = with_signs(new)
    target = folder / f"texts-{run_id}.parquet"
    write_atomically(target, lambda handle: new.to_parquet(handle, index=False), binary=True)
    return target


def with_signs(texts: pd.DataFrame) -> pd.DataFrame:
    """`texts` with `norm_hash` and, on the rows a later run compares across forms, BAND_COLUMNS."""
    texts = texts.assign(norm_hash=norm_hashes(texts["norm"]))
    signed = texts[signable(texts)]
    distinct = signed.drop_duplicates("norm_hash")
    keys = pd.DataFrame(band_keys(list(distinct["norm"])), columns=list(BAND_COLUMNS), index=distinct["norm_hash"])
    bands = keys.reindex(signed["norm_hash"]).set_axis(signed.index)
    return texts.join(bands.astype("Int64")).astype({column: "Int64" for column in BAND_COLUMNS})
