"""A size limit from EVALAUDIT_MAX_FILE_MB (20 MB by default): a larger file is refused with its size and the
limit, before it is read into memory."""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path

import pytest

from evalaudit.ingest import UnreadableFile, max_file_bytes, read_source

FORM = "部门（单位）名称\t清溪县教育局\n年度资金总额\t100\t100\t90\t10\t90%\t9\n"


def test_the_default_limit_is_20_mb(monkeypatch) -> None:
    monkeypatch.delenv("EVALAUDIT_MAX_FILE_MB", raising=False)
    assert max_file_bytes() == 20_000_000


@pytest.mark.parametrize(("setting", "limit"), [("5", 5_000_000), (" 0.5 ", 500_000), ("100", 100_000_000)])
def test_the_limit_comes_from_the_environment(monkeypatch, setting: str, limit: int) -> None:
    monkeypatch.setenv("EVALAUDIT_MAX_FILE_MB", setting)
    assert max_file_bytes() == limit


@pytest.mark.parametrize("setting", ["abc", "0", "-1", "nan", "inf"])
def test_a_setting_that_is_no_positive_number_is_refused_in_chinese(monkeypatch, setting: str) -> None:
    monkeypatch.setenv("EVALAUDIT_MAX_FILE_MB", setting)
    with pytest.raises(ValueError, match="EVALAUDIT_MAX_FILE_MB 应为正数"):
        max_file_bytes()


def sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def test_a_file_over_the_default_limit_is_refused_without_being_read(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("EVALAUDIT_MAX_FILE_MB", raising=False)
    path = sparse(tmp_path / "huge.txt", 50 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile) as error:
            read_source(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert re.match(r"文件过大（52\.4 MB，上限 20 MB）", str(error.value)), str(error.value)
    assert peak < 1_000_000  # not a byte of the 50 MB was read


def test_the_limit_can_be_given_per_call_and_is_inclusive(tmp_path) -> None:
    path = tmp_path / "form.txt"
    path.write_bytes(FORM.encode())
    size = path.stat().st_size
    assert read_source(path, max_bytes=size).blocks
    with pytest.raises(UnreadableFile, match="文件过大"):
        read_source(path, max_bytes=size - 1)


def test_the_environment_setting_applies_to_read_source(tmp_path, monkeypatch) -> None:
    path = tmp_path / "form.txt"
    path.write_bytes(FORM.encode() * 20_000)  # about 1.3 MB
    monkeypatch.setenv("EVALAUDIT_MAX_FILE_MB", "1")
    with pytest.raises(UnreadableFile, match="上限 1 MB"):
        read_source(path)
    monkeypatch.setenv("EVALAUDIT_MAX_FILE_MB", "2")
    assert read_source(path).blocks


def test_a_file_that_reports_no_size_is_read_only_to_the_limit(tmp_path) -> None:
    """/dev/zero says it is 0 bytes long and never ends: the reader stops one byte past the limit."""
    with pytest.raises(UnreadableFile, match=r"文件过大（超过 0\.001 MB"):
        read_source("/dev/zero", max_bytes=1000)


@pytest.mark.parametrize(("make", "word"), [(lambda p: p, "不存在"), (lambda p: p.mkdir() or p, "文件夹")])
def test_what_cannot_be_opened_has_a_chinese_reason(tmp_path, make, word: str) -> None:
    with pytest.raises(UnreadableFile, match=word):
        read_source(make(tmp_path / "form.txt"))
