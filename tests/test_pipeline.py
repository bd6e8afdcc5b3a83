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


def test_a_large_batch_is_parsed_on_every_core_into_the_same_outcomes_in_file_order(tmp_path):
    from evalaudit.pipeline import PARALLEL_FROM, parse_file, parse_many
    from tests.conftest import TEXT_SAMPLES

    for copy in range(PARALLEL_FROM // len(TEXT_SAMPLES) + 1):
        for source in TEXT_SAMPLES:
            text = source.read_text(encoding="utf-8").replace("清溪", f"清溪{copy}号")
            (tmp_path / f"{copy:03d}_{source.name}").write_text(text, encoding="utf-8")
    (tmp_path / "broken.txt").write_bytes(b"")
    files = sorted(scan([tmp_path]).files, key=lambda file: file.name)
    assert len(files) > PARALLEL_FROM
    in_pool, alone = parse_many(files, workers=2), [parse_file(file) for file in files]
    assert [o.file.name for o in in_pool] == [f.name for f in files]
    assert [(o.status, o.reason, [e.to_dict() for e in o.evaluations]) for o in in_pool] == [
        (o.status, o.reason, [e.to_dict() for e in o.evaluations]) for o in alone
    ]


def setting(name: str) -> str | None:
    """What a worker process sees of a setting (module level: the pool pickles it by name)."""
    return os.environ.get(name)


def test_the_shared_workers_see_the_settings_of_each_call(monkeypatch):
    from evalaudit.workers import on_every_core

    monkeypatch.setenv("EVALAUDIT_PROBE", "first")
    assert on_every_core(setting, ["EVALAUDIT_PROBE"] * 4, workers=2) == ["first"] * 4
    monkeypatch.setenv("EVALAUDIT_PROBE", "second")  # the same workers, started before
    assert on_every_core(setting, ["EVALAUDIT_PROBE"] * 4, workers=2) == ["second"] * 4
    monkeypatch.delenv("EVALAUDIT_PROBE")
    assert on_every_core(setting, ["EVALAUDIT_PROBE"] * 4, workers=2) == [None] * 4
