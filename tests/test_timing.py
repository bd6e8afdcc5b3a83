"""Steps of a run timed in wall and CPU seconds, CPU counted over the process and the workers it started."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from evalaudit.timing import TIMINGS_FILE, Stopwatch, tree_cpu

BURN = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass\ntime.sleep(30)"


def test_the_cpu_of_a_live_child_process_is_counted():
    before = tree_cpu()
    child = subprocess.Popen([sys.executable, "-c", BURN])
    try:
        counted = 0.0
        for _ in range(200):  # until the child has burnt its half second of CPU
            counted = tree_cpu() - before
            if counted >= 0.45:
                break
            time.sleep(0.05)
        assert counted >= 0.45
    finally:
        child.kill()
        child.wait()


def test_each_step_ends_where_the_next_begins_and_is_written_when_asked(tmp_path, monkeypatch):
    target = tmp_path / "steps.json"
    monkeypatch.setenv(TIMINGS_FILE, str(target))
    watch = Stopwatch()
    watch.start("parse")
    end = time.process_time() + 0.2
    while time.process_time() < end:
        pass
    watch.start("check")
    assert watch.current == "check"
    assert watch.write_if_asked() == target
    steps = json.loads(target.read_text(encoding="utf-8"))
    assert [step["name"] for step in steps] == ["parse", "check"]
    # psutil counts CPU in clock ticks (10 ms), so the 0.2 s burnt may read a tick short.
    assert steps[0]["cpu"] >= 0.18 > steps[1]["cpu"]


def test_nothing_is_written_unless_asked(tmp_path, monkeypatch):
    monkeypatch.delenv(TIMINGS_FILE, raising=False)
    watch = Stopwatch()
    watch.start("parse")
    assert watch.write_if_asked() is None
    assert watch.steps[0].name == "parse"
