"""A nightly run killed outright (SIGKILL, power cut) in the middle of storing: the next run finds the store
as if the killed run had never touched the files it did not finish, and completes them."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter

from sqlalchemy import select

from evalaudit.store import files, findings, open_store, runs
from tests.conftest import INBOX, ROOT

COPIES = 20  # 7 samples × 20 units = 140 files, stored one per batch: a window of seconds to kill in


def fill(inbox):
    """Many distinct submissions: each sample form as filed by twenty different towns."""
    inbox.mkdir()
    for source in sorted(INBOX.iterdir()):
        text = source.read_text(encoding="utf-8")
        for copy in range(COPIES):
            (inbox / f"{copy:02d}_{source.name}").write_text(text.replace("清溪", f"清溪{copy}号"), encoding="utf-8")
    return len(list(inbox.iterdir()))


def findings_by_check(url: str) -> Counter:
    store = open_store(url)
    with store.engine.connect() as connection:
        return Counter(connection.execute(select(findings.c.check_id)).scalars())


def test_a_killed_run_is_finished_by_the_next_with_nothing_twice(nightly, tmp_path):
    inbox = tmp_path / "big_inbox"
    total = fill(inbox)
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "EVALAUDIT_"))}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    job = subprocess.Popen(
        [sys.executable, "-m", "flows.nightly_audit", "run", "--inbox", str(inbox), "--store", url,
         "--reports", str(tmp_path / "reports"), "--batch-size", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    stored = 0
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and job.poll() is None:
            if (tmp_path / "killed.db").exists():
                stored = open_store(url).count(files)
                if stored >= 10:
                    break
            time.sleep(0.02)
    finally:
        os.killpg(job.pid, signal.SIGKILL)  # the job and its temporary Prefect server, no clean-up
        job.wait()
    store = open_store(url)
    at_kill = store.count(files)
    assert 10 <= at_kill < total, f"the kill came too late ({at_kill} of {total} files stored)"
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
