"""Each run's own log file (`logs/nightly-<run>.log`): what the operator's failure email points to, readable
without the Prefect server that a one-off run (`make audit`) takes down with it."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOG_DIR = "EVALAUDIT_LOG_DIR"
RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")  # what get_run_logger() writes to
KEEP_LOGS = 90  # the newest run logs kept (three months of nights); older ones are deleted as a run starts


def log_path(run_id: str) -> Path:
    return Path(os.environ.get(LOG_DIR, "").strip() or "logs") / f"nightly-{run_id}.log"


@contextmanager
def run_log(run_id: str) -> Iterator[Path | None]:
    """Copy the run's log lines (the flow's and its tasks') to its file while the block runs. A folder that
    cannot be written costs the file, never the run."""
    path = log_path(run_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
        prune_logs(path.parent)
    except OSError:
        yield None
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    loggers = [logging.getLogger(name) for name in RUN_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield path
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
        handler.close()


def prune_logs(folder: Path, keep: int = KEEP_LOGS) -> list[Path]:
    """Delete all but the newest `keep` run logs (names sort by run id, which starts with its UTC time)."""
    logs = sorted(folder.glob("nightly-*.log"))
    removed = logs[: max(0, len(logs) - keep)]
    for old in removed:
        old.unlink(missing_ok=True)
    return removed
