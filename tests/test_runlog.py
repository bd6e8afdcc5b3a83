"""Each run's own log file: the run's lines in it, and only the newest kept."""

from __future__ import annotations

import logging

import pytest

from evalaudit.runlog import log_path, prune_logs, run_log

# outside a flow run Prefect's own handler on these loggers warns that it has no run to send the lines to
pytestmark = pytest.mark.filterwarnings("ignore:Logger .* attempted to send logs to the API")


def test_the_run_s_log_lines_go_to_its_file_and_stop_when_the_run_ends(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALAUDIT_LOG_DIR", str(tmp_path / "logs"))
    with run_log("20261202T020000Z-abc") as path:
        logging.getLogger("prefect.task_runs").warning("检查自评表 13 张")
    logging.getLogger("prefect.flow_runs").warning("之后的另一次运行")
    assert path == log_path("20261202T020000Z-abc") and path.parent == tmp_path / "logs"
    text = path.read_text(encoding="utf-8")
    assert "检查自评表 13 张" in text and "之后的另一次运行" not in text


def test_only_the_newest_logs_are_kept(tmp_path):
    for day in range(1, 6):
        (tmp_path / f"nightly-202612{day:02d}T020000Z-x.log").write_text("")
    (tmp_path / "notes.txt").write_text("")
    removed = prune_logs(tmp_path, keep=3)
    assert [p.name[8:16] for p in removed] == ["20261201", "20261202"]
    assert sorted(p.name for p in tmp_path.iterdir())[0] == "nightly-20261203T020000Z-x.log"
    assert (tmp_path / "notes.txt").exists()


def test_a_log_folder_that_cannot_be_written_costs_the_file_not_the_run(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("EVALAUDIT_LOG_DIR", str(blocked / "logs"))
    with run_log("r1") as path:
        logging.getLogger("prefect.flow_runs").info("照常运行")
    assert path is None
