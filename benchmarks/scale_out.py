"""The nightly flow on one machine (default runner, SQLite) beside the same flow past one machine (a Dask cluster,
the store on PostgreSQL), on the same large inbox: first night, then the same inbox again.

    .venv/bin/python benchmarks/scale_out.py              # 700 files (the 7 text samples × 100 units)
    .venv/bin/python benchmarks/scale_out.py --units 300 --workers 2

The cluster is a `distributed.LocalCluster` of `--workers` processes (one thread each) on this machine and the
PostgreSQL server a throw-away one (`tests/postgres.py`), so this measures what the split costs, not what more
machines gain: on one machine the workers share its cores. Prints wall seconds, CPU seconds of the flow's process
and of the Dask workers, and the load average beside them.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
for name in ("EVALAUDIT_SMTP_HOST", "EVALAUDIT_STORE_URL", "EVALAUDIT_DASK_ADDRESS"):
    os.environ.pop(name, None)

from nightly import fill  # noqa: E402 - the same inbox as benchmarks/nightly.py


def cpu_seconds() -> float:
    """This process's CPU, its finished children's (LibreOffice) and its live parsing pool's (`workers.py`)."""
    from evalaudit.workers import _POOLS

    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    pool = sum(_process_cpu(pid) for pool in _POOLS.values() for pid in (pool._processes or {}))
    return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime + pool


def _process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    from distributed import Client, LocalCluster
    from prefect.testing.utilities import prefect_test_harness

    from evalaudit.store import open_store
    from flows.nightly_audit import nightly_audit, nightly_flow  # first: Prefect's state stays in .prefect
    from tests.postgres import start_postgres

    with tempfile.TemporaryDirectory() as folder, prefect_test_harness(server_startup_timeout=None):
        work = Path(folder)
        os.environ["EVALAUDIT_CACHE_DIR"] = str(work / "cache")
        files = fill(work / "inbox", args.units)
        print(f"inbox: {files:,} files; {os.cpu_count()} cores")
        postgres = start_postgres()
        if postgres is None:
            raise SystemExit("PostgreSQL is not installed: make postgres-deps")
        cluster = LocalCluster(n_workers=args.workers, processes=True, threads_per_worker=1, dashboard_address=":0")
        client = Client(cluster)
        try:
            setups = {
                "default runner, SQLite": (nightly_audit, f"sqlite:///{work / 'evalaudit.db'}"),
                f"Dask {args.workers} workers, PostgreSQL": (
                    nightly_flow(cluster.scheduler_address),
                    postgres.database(),
                ),
            }
            for label, (flow, url) in setups.items():
                for night in ("first night", "same inbox again"):
                    workers_before = sum(client.run(cpu_seconds).values())
                    os.environ["EVALAUDIT_STORE_URL"] = url  # a setting, never a flow parameter
                    cpu_before, started = cpu_seconds(), time.perf_counter()
                    result = flow(
                        inbox=str(work / "inbox"),
                        reports=str(work / "reports" / label.split()[0]),
                        registry=str(ROOT / "data" / "units.csv"),
                    )
                    wall = time.perf_counter() - started
                    here = cpu_seconds() - cpu_before
                    there = sum(client.run(cpu_seconds).values()) - workers_before
                    run = open_store(url).run(result["run_id"])
                    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
                    print(
                        f"{label:<30} {night:<17} {wall:6.1f} s wall  CPU flow {here:6.1f} s  workers {there:6.1f} s"
                        f"  read {run['files_audited']:>5,}  new findings {run['findings_new']:>5,}  load {load}"
                    )
        finally:
            client.close()
            cluster.close()
            postgres.stop()


if __name__ == "__main__":
    main()
