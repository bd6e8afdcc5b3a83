"""A text history that is asked, not loaded: a night signs only its own texts, looks their band keys and
norm hashes up, and gets back the few history rows they can meet plus the counts taken over the whole history.

`TextHistory.narrow` is the one place that knows what the full recompute (`text_facts(texts, history_frame)`)
counts over the whole pool, so that the narrowed history gives the same facts:

* `units_with_same_text` counts distinct units per (field group, norm) over tonight's texts and the whole
  history (forms being resubmitted left out) — looked up for tonight's norms;
* the cross-form pool leaves out, besides those forms, history rows of tonight's own forms; a norm of more
  than MAX_SHARED_UNITS units is never matched, and an LSH bucket of more than MAX_BUCKET distinct norms is
  skipped — both counted over the whole pool, so a history norm's survival of the exclusions is checked too;
* the rows returned keep the history's order, so ties in the MinHash ranking fall the same way.

Subclasses answer four questions by key (`store.signs.StoreHistory`, `FrameHistory` for a loaded frame).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

import numpy as np
import pandas as pd

from evalaudit.text import minhash
from evalaudit.text.facts import COPY_FIELDS, FIELD_GROUP, MAX_SHARED_UNITS, Narrowed
from evalaudit.text.signs import BAND_COLUMNS, band_rows, norm_hashes, signable

GROUP_FIELD = {"goal": "goal_expected", "explanation": "explanation", "notes": "notes"}  # a field for each group
EXCLUDED_COLUMNS = ["evaluation_id", "field", "row", "unit_key", "norm_hash", "by_key"]
COUNT_COLUMNS = ["norm_hash", "field", "unit_key", "rows"]


class TextHistory(ABC):
    """Earlier texts, minus the earlier submissions of the forms audited now (`exclude_form_keys`)."""

    exclude_form_keys: frozenset[str]
    rows_read: int = 0  # history rows the last narrowing fetched (all a night reads besides the counts)

    @abstractmethod
    def excluded_rows(self, evaluation_ids: set[str]) -> pd.DataFrame:
        """EXCLUDED_COLUMNS: rows of forms excluded by form key (`by_key`) or with one of these ids."""

    @abstractmethod
    def unit_counts(self, hashes: np.ndarray) -> pd.DataFrame:
        """COUNT_COLUMNS: history rows per (norm, field, unit) of these norms, over the whole history."""

    @abstractmethod
    def band_members(self, keys: pd.DataFrame) -> pd.DataFrame:
        """(band, key, norm_hash) of the signed history norms that have one of these (band, key)."""

    @abstractmethod
    def rows(self, hashes: np.ndarray) -> pd.DataFrame:
        """Rows of copy fields with these norms (and `norm_hash`), forms excluded by key left out, in history
        order; columns as the history frame."""

    def narrow(self, texts: pd.DataFrame) -> Narrowed:
        """What `texts` (with `substantive`) can meet here, and the whole pool's counts for them."""
        texts = texts.assign(norm_hash=norm_hashes(texts["norm"]))
        current = texts[texts["field"].isin(COPY_FIELDS) & texts["substantive"]]
        copy_ids = set(current["evaluation_id"])
        excluded = self.excluded_rows(copy_ids)
        cross_excluded = excluded[excluded["by_key"] | excluded["evaluation_id"].isin(copy_ids)]
        counts = _Counts(self)
        templates = _template_units(texts, counts.of(texts["norm_hash"].unique()), excluded[excluded["by_key"]])

        mine = current.drop_duplicates("norm")[["norm", "norm_hash"]]
        keys = band_rows(mine["norm"].tolist(), mine["norm_hash"].to_numpy())
        members = self.band_members(keys[["band", "key"]].drop_duplicates())
        members = members[~members["norm_hash"].isin(mine["norm_hash"])].drop_duplicates()
        at_risk = np.intersect1d(members["norm_hash"].unique(), cross_excluded["norm_hash"].unique())
        if len(at_risk):
            alive = _units(counts.of(at_risk), cross_excluded)["norm_hash"].unique()
            members = members[~members["norm_hash"].isin(at_risk) | members["norm_hash"].isin(alive)]
        sizes = pd.concat([keys, members]).groupby(["band", "key"]).size()
        large = sizes[sizes > minhash.MAX_BUCKET].reset_index()
        oversized = [
            large.loc[large["band"] == band, "key"].to_numpy().view(np.uint64) for band in range(minhash.BANDS)
        ]
        ordinary = members.merge(sizes[sizes <= minhash.MAX_BUCKET].reset_index()[["band", "key"]])
        theirs = ordinary["norm_hash"].unique()

        candidates = np.union1d(mine["norm_hash"].to_numpy(), theirs)
        units = pd.concat([_units(counts.of(candidates), cross_excluded), current[["norm_hash", "unit_key"]]])
        shared = units.drop_duplicates().groupby("norm_hash").size()
        common = set(shared.index[shared.to_numpy() > MAX_SHARED_UNITS])
        rows = self.rows(np.setdiff1d(candidates, np.array(sorted(common), dtype=np.int64)))
        # a row whose norm only shares tonight's hash is another text: it is not among the matches
        self.rows_read = len(rows)
        rows = rows[rows["norm_hash"].isin(theirs) | rows["norm"].isin(mine["norm"])]
        return Narrowed(
            templates=templates,
            rows=rows.drop(columns="norm_hash").reset_index(drop=True),
            common=frozenset(mine.loc[mine["norm_hash"].isin(common), "norm"]),
            oversized=oversized,
        )


class _Counts:
    """The history's unit counts, each norm asked once."""

    def __init__(self, history: TextHistory) -> None:
        self.history = history
        self.frames: list[pd.DataFrame] = []
        self.asked = np.empty(0, dtype=np.int64)

    def of(self, hashes: Iterable[int]) -> pd.DataFrame:
        hashes = np.unique(np.asarray(list(hashes) if not isinstance(hashes, np.ndarray) else hashes, dtype=np.int64))
        new = np.setdiff1d(hashes, self.asked, assume_unique=True)
        if len(new):
            self.asked = np.union1d(self.asked, new)
            self.frames.append(self.history.unit_counts(new))
        frame = pd.concat(self.frames) if self.frames else pd.DataFrame(columns=COUNT_COLUMNS)
        return frame[frame["norm_hash"].isin(hashes)]


def _units(counts: pd.DataFrame, excluded: pd.DataFrame) -> pd.DataFrame:
    """(norm_hash, unit_key) with a copy-field row left once `excluded` rows are taken out."""
    copy = counts[counts["field"].isin(COPY_FIELDS)]
    have = copy.groupby(["norm_hash", "unit_key"], dropna=False)["rows"].sum()
    gone = excluded[excluded["field"].isin(COPY_FIELDS)].groupby(["norm_hash", "unit_key"], dropna=False).size()
    left = have.sub(gone.reindex(have.index).fillna(0).to_numpy())
    return left[left > 0].reset_index()[["norm_hash", "unit_key"]]


def _template_units(texts: pd.DataFrame, counts: pd.DataFrame, excluded: pd.DataFrame) -> pd.DataFrame:
    """(field, norm, unit_key) rows standing for the history's units of each (field group, norm) of `texts`."""
    counts = counts.assign(group=counts["field"].map(FIELD_GROUP))
    have = counts.groupby(["group", "norm_hash", "unit_key"], dropna=False)["rows"].sum()
    gone = (
        excluded.assign(group=excluded["field"].map(FIELD_GROUP))
        .groupby(["group", "norm_hash", "unit_key"], dropna=False)
        .size()
    )
    left = have.sub(gone.reindex(have.index).fillna(0).to_numpy())
    left = left[left > 0].reset_index()[["group", "norm_hash", "unit_key"]]
    mine = texts.assign(group=texts["field"].map(FIELD_GROUP))[["group", "norm_hash", "norm"]].drop_duplicates()
    units = left.merge(mine, on=["group", "norm_hash"])
    return pd.DataFrame(
        {"field": units["group"].map(GROUP_FIELD), "norm": units["norm"], "unit_key": units["unit_key"]}
    )


class FrameHistory(TextHistory):
    """A history held as a frame (the text index's files, a test's history): its band keys are read from
    BAND_COLUMNS where the frame has them, and signed once here where it does not."""

    def __init__(self, frame: pd.DataFrame, exclude_form_keys: Iterable[str] = ()) -> None:
        frame = frame.reset_index(drop=True)
        if "norm_hash" not in frame or frame["norm_hash"].isna().any():  # an index file from before the hashes
            frame = frame.assign(norm_hash=norm_hashes(frame["norm"]))
        self.frame = frame
        self.exclude_form_keys = frozenset(exclude_form_keys)
        self.by_key = (
            frame["form_key"].isin(self.exclude_form_keys).to_numpy()
            if "form_key" in frame
            else np.zeros(len(frame), dtype=bool)
        )
        signed = frame[signable(frame)].drop_duplicates("norm_hash")
        self.bands = _band_table(signed)

    def excluded_rows(self, evaluation_ids: set[str]) -> pd.DataFrame:
        chosen = self.by_key | self.frame["evaluation_id"].isin(evaluation_ids).to_numpy()
        return self.frame.loc[chosen].assign(by_key=self.by_key[chosen])[EXCLUDED_COLUMNS]

    def unit_counts(self, hashes: np.ndarray) -> pd.DataFrame:
        rows = self.frame[self.frame["norm_hash"].isin(hashes)]
        return rows.groupby(["norm_hash", "field", "unit_key"], dropna=False).size().rename("rows").reset_index()

    def band_members(self, keys: pd.DataFrame) -> pd.DataFrame:
        return self.bands.merge(keys, on=["band", "key"])[["band", "key", "norm_hash"]]

    def rows(self, hashes: np.ndarray) -> pd.DataFrame:
        chosen = self.frame["norm_hash"].isin(hashes).to_numpy() & ~self.by_key
        rows = self.frame.loc[chosen]
        return rows[rows["field"].isin(COPY_FIELDS)]


def _band_table(signed: pd.DataFrame) -> pd.DataFrame:
    """(band, key, norm_hash) of distinct signed norms: stored keys where present, the rest signed now."""
    stored = signed[list(BAND_COLUMNS)].notna().all(axis=1) if set(BAND_COLUMNS) <= set(signed) else None
    parts = []
    if stored is not None and stored.any():
        kept = signed[stored]
        keys = kept[list(BAND_COLUMNS)].to_numpy(dtype=np.int64)
        parts.append(
            pd.DataFrame(
                {
                    "band": np.tile(np.arange(minhash.BANDS, dtype=np.int64), len(kept)),
                    "key": keys.ravel(),
                    "norm_hash": np.repeat(kept["norm_hash"].to_numpy(dtype=np.int64), minhash.BANDS),
                }
            )
        )
    unsigned = signed if stored is None else signed[~stored]
    parts.append(band_rows(list(unsigned["norm"]), unsigned["norm_hash"].to_numpy()))
    return pd.concat(parts, ignore_index=True)
