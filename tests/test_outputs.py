"""Outputs are written atomically: a crash mid-write leaves the previous file, never half of a new one."""

from __future__ import annotations

import pytest

from evalaudit.outputs import write_jsonl


def test_a_crash_while_writing_keeps_the_previous_file(tmp_path):
    target = tmp_path / "findings.jsonl"
    write_jsonl([{"a": 1}], target)

    def rows():
        yield {"a": 2}
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        write_jsonl(rows(), target)
    assert target.read_text(encoding="utf-8") == '{"a": 1}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["findings.jsonl"]  # no half-written temporary left


def test_chinese_is_written_as_characters(tmp_path):
    target = tmp_path / "x.jsonl"
    write_jsonl([{"单位": "清溪县"}], target)
    assert target.read_text(encoding="utf-8") == '{"单位": "清溪县"}\n'
