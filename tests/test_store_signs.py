"""The store's text lookup: written with each batch, back-filled for an older store, and the night's facts the
same as with the whole history loaded."""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from evalaudit.inbox import AUDITED, SubmittedFile
from evalaudit.pipeline import FileOutcome
from evalaudit.resubmission import form_key
from evalaudit.store import MIGRATIONS, open_store, text_bands, text_keys
from evalaudit.store.signs import signed_counts
from evalaudit.text.facts import text_facts
from evalaudit.text.frame import build_texts
from tests.text.test_history import explaining, generated_forms


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'evalaudit.db'}"


def save_forms(store, run_id: str, forms) -> None:
    """Each form as a file of its own, saved the way a night saves a batch."""
    outcomes = []
    for form in forms:
        sha = hashlib.sha256(form.evaluation_id.encode()).hexdigest()
        file = SubmittedFile(Path(f"{form.evaluation_id}.txt"), f"{form.evaluation_id}.txt", sha, 1)
        outcomes.append(FileOutcome(file, AUDITED, evaluations=[replace(form, source_sha256=sha)]))
    store.begin_run(run_id, "inbox")
    store.save_batch(run_id, outcomes, [], {}, {}, build_texts(forms))
    store.finish_run(run_id, "completed")


def assert_same_facts(store, night, exclude=frozenset()):
    texts = build_texts(night)
    full = text_facts(texts, store.history_texts(exclude))
    narrowed = text_facts(texts, store.text_history(exclude))
    pd.testing.assert_frame_equal(narrowed, full)
    return full


def stored(forms_count: int = 600, seed: int = 3):
    forms = generated_forms(forms_count, seed)
    random.Random(seed).shuffle(forms)
    return forms[:-50], forms[-50:]


def test_a_night_asks_the_store_and_finds_what_the_whole_history_finds(url):
    store = open_store(url)
    history, night = stored()
    for number, start in enumerate(range(0, len(history), 200)):  # several runs, several batches
        save_forms(store, f"2026010{number}T000000Z-aaaaaa", history[start : start + 200])
    resubmitted = [replace(form, evaluation_id=f"{form.evaluation_id}-v2") for form in history[:10]]
    facts = assert_same_facts(store, night + resubmitted, frozenset(form_key(f) for f in resubmitted))
    assert facts["other_unit_similarity"].notna().any() and facts["previous_year_similarity"].notna().any()
    texts, bands = signed_counts(store.engine.connect())
    assert texts == len(build_texts(history))
    with store.engine.connect() as connection:  # each signed norm's 16 band keys once, however many copies
        norms = connection.execute(select(text_bands.c.norm_hash).distinct()).scalars().all()
    assert bands == 16 * len(norms)


def test_a_store_from_before_the_lookup_is_signed_by_the_migration(url, tmp_path):
    history, night = stored(300, 8)
    old = open_store(url, migrations=MIGRATIONS[:1])
    save_forms(old, "20260101T000000Z-aaaaaa", history)
    with old.engine.begin() as connection:  # as version 1 left it: no lookup tables
        connection.exec_driver_sql("DROP TABLE text_keys")
        connection.exec_driver_sql("DROP TABLE text_bands")
    store = open_store(url)
    fresh = open_store(f"sqlite:///{tmp_path / 'fresh.db'}")
    save_forms(fresh, "20260101T000000Z-aaaaaa", history)
    with store.engine.connect() as a, fresh.engine.connect() as b:
        assert signed_counts(a) == signed_counts(b)
        query = select(text_keys).order_by(text_keys.c.evaluation_id, text_keys.c.field, text_keys.c.row)
        assert a.execute(query).all() == b.execute(query).all()
    assert_same_facts(store, night)


def test_a_night_reads_only_the_rows_its_texts_can_meet(url):
    rng = random.Random(1)
    words = "推进加强完善落实开展提升优化建设服务管理工作群众企业制度机制平台数据资金项目培训检查考核"
    unique = ["".join(rng.choice(words) for _ in range(30)) for _ in range(203)]
    store = open_store(url)
    save_forms(store, "20260101T000000Z-aaaaaa", [explaining(i, unique[i]) for i in range(200)])
    night = [explaining(1000, unique[5]), explaining(1001, unique[201]), explaining(1002, unique[202])]
    asked = store.text_history()
    facts = text_facts(build_texts(night), asked)
    assert asked.rows_read == 1  # the pasted explanation's one row, of the 600 texts stored
    assert facts["other_unit_similarity"].max() == 1.0
