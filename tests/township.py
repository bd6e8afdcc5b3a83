"""One real form in a real store, for the tests of what reviewers decide and see: the township form of the
sample inbox (wrong total 87, rate 85 %, fund parts 64.5), audited as run r1, and its resubmission."""

from __future__ import annotations

import shutil
from pathlib import Path

from evalaudit.store import Store, open_store
from tests.conftest import INBOX
from tests.test_store import audit_into

TOWNSHIP = "07_township_party_building_errors.txt"


def township_store(tmp_path: Path) -> tuple[Store, Path]:
    """A store in `tmp_path` holding the township form, audited as run r1, and the inbox it came from."""
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(INBOX / TOWNSHIP, inbox / TOWNSHIP)
    audit_into(store, "r1", inbox)
    return store, inbox


def resubmit(inbox: Path, old: str, new: str) -> None:
    """The township sends its form again under a new name (v2-…, v3-…), its latest text with `old` changed to `new`."""
    sent = {1 if p.name == TOWNSHIP else int(p.name[1 : p.name.index("-")]): p for p in inbox.glob(f"*{TOWNSHIP}")}
    version = max(sent)
    text = sent[version].read_text(encoding="utf-8")
    assert old in text
    sent[version].unlink()
    (inbox / f"v{version + 1}-{TOWNSHIP}").write_text(text.replace(old, new), encoding="utf-8")
