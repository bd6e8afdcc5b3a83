"""Province scale: N forms through `evalaudit audit`, then through four nightly runs of the flow.

    .venv/bin/python benchmarks/scale.py                       # 10,000 forms, a night of 5,000 new
    .venv/bin/python benchmarks/scale.py --forms 100000
    .venv/bin/python benchmarks/scale.py --forms 2000 --new 500 --only audit

(a) `evalaudit audit` on the N-form inbox, end to end, in a process of its own;
(b) the first night: the nightly flow on that inbox, empty store;
(c) a night of --new new forms, a tenth of them resubmissions correcting a planted error;
(d) an unchanged night.

Every run is a real process (the flow's nights against one local Prefect server, started first and not
timed), with the store (SQLite) and the reports in a temporary folder. For each run: wall and CPU seconds per
step (from `EVALAUDIT_TIMINGS_FILE`; CPU over the process tree, parsing workers included), the run's total CPU (interpreter start and imports
too),
its peak RSS (sampled every 0.2 s, all processes together), the run's report folder and the whole reports
folder on disk (hard links counted once), and files per second; beside them the read-and-split floor (read
every file, decode it, split it into lines and cells) measured in the same run, and the load average.
Inputs come from `scale_forms.py`: the ministry template as text with varied numbers and wording, the bundled
samples' layouts, about 5 % of forms with an error.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT), str(ROOT / "src")]

from scale_forms import has_planted_error, write_form, write_inbox  # noqa: E402

RESUBMITTED_SHARE = 0.1  # of a night's new forms: corrected resubmissions of forms with an error


@dataclass
class Measured:
    label: str
    files: int  # files the run had to read
    wall: float
    cpu: float
    peak_rss: int  # bytes, the process tree together
    steps: list[dict]
    report_bytes: int
    reports_bytes: int
    output: str


def disk_bytes(path: Path) -> int:
    """Bytes on disk under `path`, each hard-linked file once (du's count)."""
    if not path.exists():
        return 0
    result = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True)
    return int(result.stdout.split()[0]) * 1024


def measure(
    label: str, command: list[str], env: dict[str, str], files: int, report: Callable[[], Path], reports: Path
) -> Measured:
    """Run `command`, sampling its process tree's RSS and CPU until it ends; `report` names the run's report
    folder once the run has written it."""
    timings = Path(tempfile.mkstemp(suffix=".json")[1])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = psutil.Popen(
        command, env={**env, "EVALAUDIT_TIMINGS_FILE": str(timings)}, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            try:
                tree = [process, *process.children(recursive=True)]
            except psutil.Error:
                break
            rss = 0
            for member in tree:
                try:
                    rss += member.memory_info().rss
                except psutil.Error:
                    continue
            peak = max(peak, rss)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    wall = time.perf_counter() - started
    sampler.join()
    steps = json.loads(timings.read_text(encoding="utf-8") or "[]") if timings.stat().st_size else []
    timings.unlink()
    if process.returncode != 0:
        raise SystemExit(f"{label}: exit {process.returncode}\n{output}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the run and every process it waited for
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(label, files, wall, cpu, peak, steps, disk_bytes(report()), disk_bytes(reports), output)


def read_and_split_floor(paths: list[Path]) -> tuple[float, float]:
    """CPU seconds to read every file, decode it and split it into lines and cells: (total, per file)."""
    started = time.process_time()
    cells = 0
    for path in paths:
        for line in path.read_bytes().decode("utf-8").splitlines():
            cells += len(line.split("\t"))
    total = time.process_time() - started
    return total, total / max(1, len(paths))


def latest_report(reports: Path) -> Path:
    latest = reports / "latest"
    return latest.resolve() if latest.exists() else reports


def show(measured: Measured, floor_per_file: float) -> None:
    per_file = measured.cpu / measured.files if measured.files else None
    print(
        f"\n{measured.label}: {measured.files:,} files to read, wall {measured.wall:.1f} s, CPU {measured.cpu:.1f} s, "
        f"peak RSS {measured.peak_rss / 2**30:.2f} GiB"
        + (
            f", {measured.files / measured.wall:,.0f} files/s, {per_file * 1000:.2f} ms CPU/file "
            f"({per_file / floor_per_file:,.0f}× the read-and-split floor)"
            if per_file is not None
            else ""
        )
    )
    print(
        f"  report folder {measured.report_bytes / 2**20:,.1f} MiB; all kept reports {measured.reports_bytes / 2**20:,.1f} MiB"
    )
    for step in measured.steps:
        print(
            f"  {step['name']:<10} wall {step['wall']:8.2f} s   CPU {step['cpu']:8.2f} s"
            f"   main process peak so far {step['peak_rss'] / 2**30:5.2f} GiB"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--forms", type=int, default=10_000)
    parser.add_argument("--new", type=int, default=5_000, help="new forms of night (c)")
    parser.add_argument("--only", choices=("audit", "nightly"), help="just (a), or just (b)–(d)")
    parser.add_argument("--keep", help="work in this folder and leave it (default: a temporary one)")
    args = parser.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="evalaudit-scale-"))
    inbox = work / "inbox"
    started = time.process_time()
    paths = write_inbox(inbox, range(args.forms))
    print(f"generated {len(paths):,} files in {time.process_time() - started:.1f} CPU s into {inbox}")
    floor, floor_per_file = read_and_split_floor(paths)
    print(f"read-and-split floor: {floor:.2f} CPU s, {floor_per_file * 1e6:.1f} µs per file")
    print(
        f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}, {os.cpu_count()} cores"
    )
    env = {key: value for key, value in os.environ.items() if key not in ("EVALAUDIT_SMTP_HOST", "EVALAUDIT_STORE_URL")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        EVALAUDIT_CACHE_DIR=str(work / "cache"),
        PREFECT_HOME=str(work / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_LOGGING_LEVEL="WARNING",
    )
    python = sys.executable
    results = []
    try:
        if args.only in (None, "audit"):
            out = work / "audit"
            command = [python, "-m", "evalaudit.cli", "audit", str(inbox), "--out", str(out)]
            results.append(measure("(a) evalaudit audit", command, env, len(paths), lambda: out, out))
            show(results[-1], floor_per_file)
        if args.only in (None, "nightly"):
            results += nightly(work, inbox, args.forms, args.new, env, floor_per_file)
    finally:
        if not args.keep:
            subprocess.run(["rm", "-rf", str(work)], check=False)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


def nightly(work: Path, inbox: Path, forms: int, new: int, env: dict, floor_per_file: float) -> list[Measured]:
    from flows.nightly_audit import local_server

    reports, store = work / "reports", f"sqlite:///{work / 'evalaudit.db'}"
    command = [
        sys.executable,
        "-m",
        "flows.nightly_audit",
        "run",
        "--inbox",
        str(inbox),
        "--reports",
        str(reports),
        "--registry",
        str(ROOT / "data" / "units.csv"),
    ]
    os.environ["PREFECT_HOME"] = env["PREFECT_HOME"]
    results = []
    with local_server() as url:
        env = {**env, "PREFECT_API_URL": url, "EVALAUDIT_STORE_URL": store}

        def night(label: str, files: int) -> None:
            results.append(measure(label, command, env, files, lambda: latest_report(reports), reports))
            show(results[-1], floor_per_file)

        night("(b) first night", forms)
        with_error = (index for index in range(forms) if has_planted_error(index))
        resubmitted = list(islice(with_error, int(new * RESUBMITTED_SHARE)))
        for index in resubmitted:
            write_form(inbox, index, corrected=True)
        write_inbox(inbox, range(forms, forms + new - len(resubmitted)))
        night(f"(c) {new:,} new forms ({len(resubmitted):,} resubmitted)", new)
        night("(d) unchanged night", 0)
    return results


if __name__ == "__main__":
    main()
