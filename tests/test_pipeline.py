"""Discovery: every file in a named folder is found, wherever the folder is named from."""

from __future__ import annotations

import os

from evalaudit.inbox import scan


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
        found = scan(["../inbox"])
    finally:
        os.chdir(cwd)
    assert [file.name for file in found.files] == ["a.txt", "sub/b.txt"]
    assert [(problem.source_file, problem.status) for problem in found.problems] == [(".hidden.txt", "skipped")]
