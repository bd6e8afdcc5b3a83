"""Discovery: every file in a named folder is found, wherever the folder is named from."""

from __future__ import annotations

import os

from evalaudit.pipeline import discover


def test_folders_named_through_parent_directories_are_read(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "a.txt").write_text("x", encoding="utf-8")
    (inbox / "sub" / "b.txt").write_text("x", encoding="utf-8")
    (inbox / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / "work").mkdir()
    cwd = os.getcwd()
    os.chdir(tmp_path / "work")
    try:
        found = discover(["../inbox"])
    finally:
        os.chdir(cwd)
    assert [p.name for p in found] == ["a.txt", "b.txt"]
