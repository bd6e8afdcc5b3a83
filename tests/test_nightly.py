"""The nightly steps as plain functions: publishing that never leaves a half report, and a failed night's line."""

from __future__ import annotations

import errno

import pytest
from sqlalchemy.exc import OperationalError

import evalaudit.nightly as nightly
from evalaudit.nightly import check_outcomes, failure_line, publish_run, record
from evalaudit.pipeline import parse_file, submitted_files
from evalaudit.store import StoreError, open_store
from tests.conftest import INBOX


@pytest.fixture
def audited(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    run = "20260101T000000Z-aaaaaa"
    store.begin_run(run, str(INBOX))
    checked = check_outcomes(store, run, [parse_file(file) for file in store.plan(run, submitted_files(INBOX))])
    record(store, run, checked, checked.outcomes)
    return store, run


def test_a_report_that_dies_while_written_leaves_no_report_and_latest_unmoved(audited, tmp_path, monkeypatch):
    store, run = audited
    reports = tmp_path / "reports"
    first = publish_run(store, run, reports)

    def dies_halfway(snapshot, out, *args, **options):
        (out / "units").mkdir(parents=True, exist_ok=True)
        (out / "units" / "half.html").write_text("<html>", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(nightly, "build", dies_halfway)
    with pytest.raises(OSError):
        publish_run(store, "20260102T000000Z-bbbbbb", reports)
    assert (reports / "latest").resolve() == first.report.parent.resolve()
    assert not (reports / "runs" / "20260102T000000Z-bbbbbb").exists()  # nothing the next run could trust

    monkeypatch.undo()
    again = publish_run(store, "20260103T000000Z-cccccc", reports)
    assert again.report.exists() and (reports / "latest").resolve() == again.report.parent.resolve()
    assert not [path for path in (reports / "runs").iterdir() if path.name.endswith(".partial")]


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (StoreError("数据库文件 x.db 在运行中被删除或替换"), "被删除或替换"),
        (OperationalError("INSERT", {}, Exception("database or disk is full")), "数据库无法访问"),
        (OSError(errno.ENOSPC, "No space left on device", "reports/x.html"), "磁盘已满"),
        (PermissionError(errno.EACCES, "Permission denied", "reports"), "没有写入权限"),
        (ValueError("bug"), "程序错误"),
    ],
)
def test_a_failed_night_says_which_step_and_why_in_one_chinese_line(error, words):
    line = failure_line("store", error)
    assert "\n" not in line and "保存结果" in line and words in line
