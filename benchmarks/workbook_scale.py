"""findings.xlsx at scale: writing it each night and reading a dropped one back as decisions.

    .venv/bin/python benchmarks/workbook_scale.py                   # 20,000 synthetic forms
    .venv/bin/python benchmarks/workbook_scale.py --forms 100000 --repeat 3

The findings of synthetic forms (benchmarks/synthetic.py, checked by the real suites) are pickled once; then each
step runs in a fresh process so its CPU seconds and peak memory are its own:

1. `write_workbook` (openpyxl write-only, as the nightly publish writes it): CPU seconds, file size, peak RSS
   above the findings already loaded;
2. `read_workbook` over that workbook with every 审核意见 blank (the import reads every row whatever is filled).

Figures, not pass/fail (tests/test_decision_import.py checks the workbook itself). Each line carries the load
average beside it; the per-finding cost is the ratio to compare across machines and loads.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
CHUNK = 10_000


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def findings_of(count: int, path: Path) -> int:
    """The findings of `count` synthetic forms, keyed as the store keys them, pickled to `path`."""
    import synthetic

    from evalaudit.checks import run_checks
    from evalaudit.decisions import keyed

    found, forms = [], 0
    for start in range(0, count, CHUNK):
        batch = synthetic.synthetic_evaluations(min(CHUNK, count - start), seed=start)
        found += run_checks(batch, with_text=False).findings
        forms += len(batch)
    found = keyed(found, {f.evaluation_id: f"form:{f.evaluation_id}" for f in found})
    units = {f.unit for f in found}
    path.write_bytes(pickle.dumps((found, forms, len(units))))
    return len(found)


def rss_kib(field: str) -> int:
    """VmRSS (now) or VmHWM (peak since the last reset) of this process, KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reset_peak() -> None:
    """Linux resets VmHWM to the current RSS when 5 is written to clear_refs."""
    Path("/proc/self/clear_refs").write_text("5")


def step(kind: str, data: Path, book: Path) -> dict:
    """One measured step in this process (run by the parent as `--step`)."""
    from evalaudit.decision_import import read_workbook  # imported before the clock starts
    from evalaudit.report.workbook import UnitForms, write_workbook

    found, forms, units = pickle.loads(data.read_bytes())
    reset_peak()  # unpickling peaks above what the step needs: measure from here
    base = rss_kib("VmRSS")
    started = time.process_time()
    if kind == "write":
        per_unit = forms // max(units, 1)
        write_workbook(book, found, [UnitForms(u, per_unit) for u in {f.unit for f in found}])
    else:
        decisions, account = read_workbook(book, lambda keys: {})
        assert not account.problems and not decisions
    rows = len(found)
    cpu = time.process_time() - started
    peak = rss_kib("VmHWM")
    return {"cpu": cpu, "rows": rows, "peak_mib": peak / 1024, "above_mib": (peak - base) / 1024}


def measured(kind: str, data: Path, book: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--step", kind, str(data), str(book)], capture_output=True, text=True, check=True
    ).stdout
    return eval(out.strip().splitlines()[-1])  # noqa: S307 - our own child's dict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--forms", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--step", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(step(args.step[0], Path(args.step[1]), Path(args.step[2])))
        return
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), f"({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as folder:
        data, book = Path(folder) / "findings.pickle", Path(folder) / "findings.xlsx"
        started = time.process_time()
        count = findings_of(args.forms, data)
        print(f"{args.forms:,} forms → {count:,} findings ({time.process_time() - started:.0f} CPU s to check them)")
        for kind, label in (("write", "write findings.xlsx"), ("read", "read it back as decisions")):
            runs = []
            for _ in range(args.repeat):
                runs.append(measured(kind, data, book) | {"load": load()})
            cpu = [r["cpu"] for r in runs]
            best = min(runs, key=lambda r: r["cpu"])
            print(
                f"{label:<28} CPU s min {min(cpu):6.2f} median {statistics.median(cpu):6.2f} max {max(cpu):6.2f}"
                f" · {best['cpu'] / count * 1e6:5.1f} µs/finding · peak {best['peak_mib']:.0f} MiB"
                f" ({best['above_mib']:+.0f} over the findings) · {', '.join(r['load'] for r in runs)}"
            )
        print(f"findings.xlsx: {book.stat().st_size / 2**20:.1f} MiB for {count:,} rows")
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
