"""Wall and CPU seconds per step of a run, for the operator and the scale benchmark.

CPU is counted over the whole process tree: this process, the parsing pool's workers (alive, so their
times are read from the system) and the converters it has waited for. A busy machine stretches wall time
but not CPU time, so CPU is the figure to compare between runs. `EVALAUDIT_TIMINGS_FILE` names a JSON file
the CLI and the nightly flow write their steps to when they finish.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

TIMINGS_FILE = "EVALAUDIT_TIMINGS_FILE"


def tree_cpu() -> float:
    """CPU seconds used so far by this process, its waited-for children and its live descendants."""
    me = psutil.Process()
    times = me.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in me.children(recursive=True):
        try:
            child_times = child.cpu_times()
        except psutil.Error:  # gone between listing and reading: its time is in children_* once waited for
            continue
        total += child_times.user + child_times.system
    return total


def peak_rss() -> int:
    """This process's peak resident memory so far, in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


@dataclass
class Step:
    name: str
    wall: float
    cpu: float
    peak_rss: int  # bytes: this process's high-water mark when the step ended (which step grew it)


@dataclass
class Stopwatch:
    """Times the steps of one run in order: `start(name)` ends the step before it."""

    steps: list[Step] = field(default_factory=list)
    current: str = ""
    _since: tuple[float, float] | None = None

    def start(self, name: str) -> None:
        self.stop()
        self.current = name
        self._since = (time.perf_counter(), tree_cpu())

    def stop(self) -> None:
        if self._since is not None:
            wall, cpu = self._since
            self.steps.append(Step(self.current, time.perf_counter() - wall, tree_cpu() - cpu, peak_rss()))
            self._since = None

    def write_if_asked(self) -> Path | None:
        """The steps as JSON into $EVALAUDIT_TIMINGS_FILE, when it is set."""
        self.stop()
        target = os.environ.get(TIMINGS_FILE)
        if not target:
            return None
        path = Path(target)
        path.write_text(json.dumps([asdict(step) for step in self.steps]), encoding="utf-8")
        return path
