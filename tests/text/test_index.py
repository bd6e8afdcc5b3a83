"""The text index keeps earlier runs' texts; a run writes its file atomically and only for new forms."""

from __future__ import annotations

from evalaudit.text.frame import build_texts
from evalaudit.text.index import append_run, load_history
from tests.forms import consistent_form


def test_texts_persist_between_runs_and_are_not_added_twice(tmp_path):
    folder = tmp_path / "index"
    assert load_history(folder).empty
    texts = build_texts([consistent_form(1), consistent_form(2)])
    assert append_run(folder, "run1", texts, load_history(folder)) is not None
    history = load_history(folder)
    assert set(history["evaluation_id"]) == set(texts["evaluation_id"])
    assert append_run(folder, "run2", texts, history) is None  # nothing new: no file
    assert [p.name for p in folder.iterdir()] == ["texts-run1.parquet"]
