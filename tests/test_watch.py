"""The watch over the nights, asked of a real store: the gap since the last completed run, and the recovery
notice the first good run after a bad spell sends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from evalaudit.settings import Settings
from evalaudit.store import open_store, runs
from evalaudit.watch import gap_before, recovery

SETTINGS = Settings()  # due by 07:00 in Shanghai


def run_at(store, run_id: str, started: datetime, status: str, error: str | None = None) -> None:
    store.begin_run(run_id, "inbox")
    with store.engine.begin() as connection:
        connection.execute(
            update(runs)
            .where(runs.c.run_id == run_id)
            .values(
                started_at=started.isoformat(),
                finished_at=(started + timedelta(minutes=30)).isoformat(),
                status=status,
                error=error,
            )
        )


def test_a_good_night_after_a_failed_one_and_a_missed_one_reports_both(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    night = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)  # 02:00 in Shanghai on the 29th
    run_at(store, "n29", night, "completed")
    run_at(store, "n30", night + timedelta(days=1), "failed", "本次审核未完成（检查时出错）")
    # nothing at all on the night of 1 December; tonight's run starts on the 2nd
    store.begin_run("n02", "inbox")
    gap = gap_before(store, SETTINGS, "n02", at=night + timedelta(days=3, hours=1))
    assert gap.nights == [date(2026, 11, 30), date(2026, 12, 1)]
    assert gap.last_completed["run_id"] == "n29"
    notice = recovery(store, "n02", gap, SETTINGS)
    assert notice is not None and "n02" in notice.subject
    assert "n30" in notice.body and "失败" in notice.body and "检查时出错" in notice.body
    assert "2026-12-01" in notice.body


def test_a_good_night_after_a_good_night_says_nothing(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    night = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)
    run_at(store, "n30", night, "completed")
    store.begin_run("n01", "inbox")
    gap = gap_before(store, SETTINGS, "n01", at=night + timedelta(days=1, minutes=5))
    assert gap.nights == [] and recovery(store, "n01", gap, SETTINGS) is None


def test_an_interrupted_run_is_recovered_from_by_the_next(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    store.begin_run("killed", "inbox")
    store.begin_run("next", "inbox")  # marks the first interrupted
    notice = recovery(store, "next", gap_before(store, SETTINGS, "next"), SETTINGS)
    assert notice is not None and "killed" in notice.body and "中断" in notice.body
