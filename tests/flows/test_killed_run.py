"""A nightly run killed outright (SIGKILL, power cut) in the middle of storing: the next run finds the store
as if the killed run had never touched the files it did not finish, and completes them; and the temporary
Prefect server it started does not outlive it."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from evalaudit.store import files, findings, open_store, runs
from tests.conftest import ROOT, TEXT_SAMPLES

COPIES = 20  # 7 samples × 20 units = 140 files, stored one per batch: a window of seconds to kill in
HANG_GUARD_SECONDS = 900  # only so that a hung child cannot hang the suite; no test depends on how fast it is


def fill(inbox):
    """Many distinct submissions: each sample form as filed by twenty different towns."""
    inbox.mkdir()
    for source in TEXT_SAMPLES:
        text = source.read_text(encoding="utf-8")
        for copy in range(COPIES):
            (inbox / f"{copy:02d}_{source.name}").write_text(text.replace("清溪", f"清溪{copy}号"), encoding="utf-8")
    return len(list(inbox.iterdir()))


def findings_by_check(url: str) -> Counter:
    store = open_store(url)
    with store.engine.connect() as connection:
        return Counter(connection.execute(select(findings.c.check_id)).scalars())


def start_run(inbox: Path, url: str, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    """`make audit` on `inbox`, one file per batch, in its own process group; its stderr goes to a file that the
    assertions quote, so a child that failed says why."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "EVALAUDIT_"))}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect"), EVALAUDIT_STORE_URL=url, EVALAUDIT_LOG_DIR=str(tmp_path / "logs")
    )
    log = tmp_path / "run.stderr"
    with log.open("w") as stderr:
        job = subprocess.Popen(
            [sys.executable, "-m", "flows.nightly_audit", "run", "--inbox", str(inbox),
             "--reports", str(tmp_path / "reports"), "--batch-size", "1"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
        )  # fmt: skip
    return job, log


def until(condition, job: subprocess.Popen | None = None) -> bool:
    """Poll `condition` (while `job`, if given, still runs); False if it never held."""
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while time.monotonic() < deadline and (job is None or job.poll() is None):
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_a_killed_run_is_finished_by_the_next_with_nothing_twice(nightly, tmp_path):
    inbox = tmp_path / "big_inbox"
    total = fill(inbox)
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    job, log = start_run(inbox, url, tmp_path)
    try:
        until(lambda: (tmp_path / "killed.db").exists() and open_store(url).count(files) >= 10, job)
    finally:
        with contextlib.suppress(ProcessLookupError):  # gone already: the assertion below says why
            os.killpg(job.pid, signal.SIGKILL)  # the job and its temporary Prefect server, no clean-up
        job.wait()
    assert job.returncode == -signal.SIGKILL, f"the run ended by itself ({job.returncode}):\n{log.read_text()}"
    store = open_store(url)
    at_kill = store.count(files)
    assert 10 <= at_kill < total, f"the kill came too late ({at_kill} of {total} files stored):\n{log.read_text()}"
    with store.engine.connect() as connection:
        assert list(connection.execute(select(runs.c.status)).scalars()) == ["running"]

    resumed = nightly(inbox=str(inbox), store_url=url, batch_size=50)
    run = store.run(resumed["run_id"])
    assert (run["status"], run["files_audited"], store.count(files)) == ("completed", total - at_kill, total)
    with store.engine.connect() as connection:
        assert sorted(connection.execute(select(runs.c.status)).scalars()) == ["completed", "interrupted"]

    # exactly what one uninterrupted run finds
    shutil.rmtree(tmp_path / "reports", ignore_errors=True)
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    nightly(inbox=str(inbox), store_url=reference, batch_size=50)
    assert findings_by_check(url) == findings_by_check(reference)


def children(pid: int) -> list[int]:
    """The live processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and parent_and_state(int(entry.name)) in {(pid, state) for state in "RSDT"}:
            found.append(int(entry.name))
    return found


def parent_and_state(pid: int) -> tuple[int, str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, parent = stat.rsplit(")", 1)[1].split()[:2]
    return int(parent), state


def gone(pid: int) -> bool:
    """No such process, or only its zombie entry (dead, waiting for whoever adopted it to reap it)."""
    seen = parent_and_state(pid)
    return seen is None or seen[1] in "ZX"


def listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_a_killed_run_takes_its_temporary_prefect_server_with_it(tmp_path):
    inbox = tmp_path / "big_inbox"
    fill(inbox)
    job, log = start_run(inbox, f"sqlite:///{tmp_path / 'evalaudit.db'}", tmp_path)
    try:
        up = until(lambda: "Prefect 临时服务器 http://127.0.0.1:" in log.read_text(encoding="utf-8"), job)
        assert up and job.poll() is None, f"the run never had its server up ({job.poll()}):\n{log.read_text()}"
        port = int(re.search(r"Prefect 临时服务器 http://127\.0\.0\.1:(\d+)", log.read_text()).group(1))
        servers = children(job.pid)
        assert servers and listening(port), log.read_text()

        job.send_signal(signal.SIGKILL)  # the run alone, as `kill -9 <pid>` does: nothing of it can clean up
        job.wait()
        until(lambda: not listening(port) and all(gone(server) for server in servers))
        assert not listening(port), f"port {port} still listening after the run was killed:\n{log.read_text()}"
        assert all(gone(server) for server in servers), f"orphaned server {servers}:\n{log.read_text()}"
    finally:
        with contextlib.suppress(ProcessLookupError):  # whatever is left of its process group
            os.killpg(job.pid, signal.SIGKILL)
        job.wait()
