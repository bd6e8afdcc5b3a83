"""The persistent text index: every earlier run's texts, so a paste from last year's or another unit's form
is found even when that form was audited months ago.

One Parquet file per run in a folder, written atomically; a run killed halfway leaves no file, and the
next run simply does not see that run's texts. Reading the folder is reading the history.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evalaudit.outputs import write_atomically

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
    target = folder / f"texts-{run_id}.parquet"
    write_atomically(target, lambda handle: new.to_parquet(handle, index=False), binary=True)
    return target
