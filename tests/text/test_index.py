"""The text index keeps earlier runs' texts; a run writes its file atomically and only for new forms."""

from __future__ import annotations

import pandas as pd

from evalaudit.text.facts import text_facts
from evalaudit.text.frame import build_texts
from evalaudit.text.history import FrameHistory
from evalaudit.text.index import COLUMNS, append_run, load_history
from evalaudit.text.signs import BAND_COLUMNS, signable
from tests.forms import consistent_form
from tests.text.test_history import generated_forms


def test_texts_persist_between_runs_and_are_not_added_twice(tmp_path):
    folder = tmp_path / "index"
    assert load_history(folder).empty
    texts = build_texts([consistent_form(1), consistent_form(2)])
    assert append_run(folder, "run1", texts, load_history(folder)) is not None
    history = load_history(folder)
    assert set(history["evaluation_id"]) == set(texts["evaluation_id"])
    assert append_run(folder, "run2", texts, history) is None  # nothing new: no file
    assert [p.name for p in folder.iterdir()] == ["texts-run1.parquet"]


def test_a_run_file_keeps_hashes_and_band_keys_and_an_older_file_is_signed_when_read(tmp_path):
    forms = generated_forms(90, 2)
    folder = tmp_path / "index"
    append_run(folder, "run1", build_texts(forms[:60]), load_history(folder))
    history = load_history(folder)
    signed = signable(history)
    assert history["norm_hash"].notna().all()
    assert history.loc[signed, list(BAND_COLUMNS)].notna().all().all()
    assert history.loc[~signed, list(BAND_COLUMNS)].isna().all().all()
    older = tmp_path / "older"  # a file written before the signs were kept
    older.mkdir()
    history[list(COLUMNS)].to_parquet(older / "texts-run0.parquet", index=False)
    kept, signed_now = FrameHistory(load_history(folder)), FrameHistory(load_history(older))
    order = ["band", "key", "norm_hash"]
    pd.testing.assert_frame_equal(
        kept.bands.sort_values(order).reset_index(drop=True), signed_now.bands.sort_values(order).reset_index(drop=True)
    )
    night = build_texts(forms[60:])
    expected = text_facts(night, history[list(COLUMNS)])
    for narrowed in (kept, signed_now):
        pd.testing.assert_frame_equal(text_facts(night, narrowed), expected)
