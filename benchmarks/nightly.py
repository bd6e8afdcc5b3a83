"""The nightly flow end to end on a large inbox: first night, an unchanged night, a night with resubmissions.

    .venv/bin/python benchmarks/nightly.py                # 7,000 files (the 7 samples × 1,000 units)
    .venv/bin/python benchmarks/nightly.py --units 100    # a quick look

Real flow runs (Prefect's temporary API), a real SQLite store and report folder in a temporary directory, no
SMTP (alerts are queued). Prints seconds per run and what each run read, found and queued.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
for name in ("EVALAUDIT_SMTP_HOST", "EVALAUDIT_STORE_URL"):
    os.environ.pop(name, None)


def fill(inbox: Path, units: int) -> int:
    """Each sample form as filed by `units` different units (distinct content, the same layouts)."""
    inbox.mkdir(parents=True)
    sources = [path for path in sorted((ROOT / "data" / "inbox").iterdir()) if path.suffix in {".txt", ".md", ".html"}]
    for source in sources:  # the text samples: each layout once (the other formats are benchmarks/formats.py's)
        text = source.read_text(encoding="utf-8")
        for unit in range(units):
            (inbox / f"{unit:05d}_{source.name}").write_text(text.replace("清溪", f"清溪{unit}号"), encoding="utf-8")
    return units * len(sources)


def resubmit(inbox: Path, share: float) -> int:
    """Fix the total of a share of the error forms (a new content hash, the same form)."""
    changed = 0
    forms = sorted(inbox.glob("*_07_township_party_building_errors.txt"))
    for path in forms[: max(1, int(len(forms) * share))]:
        path.write_text(path.read_text(encoding="utf-8").replace("\t100\t87\t", "\t100\t95.2\t"), encoding="utf-8")
        changed += 1
    return changed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1000)
    args = parser.parse_args()
    from prefect.testing.utilities import prefect_test_harness

    from evalaudit.store import open_store
    from flows.nightly_audit import nightly_audit  # first: it keeps Prefect's state in the project's .prefect

    with tempfile.TemporaryDirectory() as folder, prefect_test_harness(server_startup_timeout=None):
        work = Path(folder)
        files = fill(work / "inbox", args.units)
        url = f"sqlite:///{work / 'evalaudit.db'}"
        os.environ["EVALAUDIT_STORE_URL"] = url  # a setting, never a flow parameter
        print(f"inbox: {files:,} files")

        def night(label: str) -> None:
            started = time.perf_counter()
            result = nightly_audit(
                inbox=str(work / "inbox"),
                reports=str(work / "reports"),
                registry=str(ROOT / "data" / "units.csv"),
            )
            seconds = time.perf_counter() - started
            run = open_store(url).run(result["run_id"])
            print(
                f"{label:<28} {seconds:7.1f} s   read {run['files_audited']:>6,}  new findings {run['findings_new']:>6,}"
                f"  fixed {run['findings_fixed']:>5,}  alerts waiting {run['alerts_queued']:>5,}"
            )

        night("first night")
        night("same inbox again")
        changed = resubmit(work / "inbox", 0.1)
        night(f"{changed:,} forms resubmitted")
        size = (work / "evalaudit.db").stat().st_size / 2**20
        print(f"store: {size:.0f} MiB")


if __name__ == "__main__":
    main()
