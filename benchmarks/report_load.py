"""How fast the report's pages load in headless Chromium: the seed audit's pages and a 5,000-form overview.

    .venv/bin/python benchmarks/report_load.py                      # seed pages + 5,000 synthetic forms
    .venv/bin/python benchmarks/report_load.py --forms 20000 --repeat 5

Figures, not pass/fail: tests/report/test_browser.py checks that the pages work, this says how fast. For each
page: wall seconds of the load (best and median of --repeat), the renderer's main-thread CPU seconds (Chrome's
Performance.getMetrics TaskDuration: script, style, layout; what the page costs, whatever else the machine is
doing) and the 1-minute load average beside them, so a slow figure on a busy machine reads as such. The browser
tests used to require a load under 2.0 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def seed_report(out: Path) -> list[Path]:
    from evalaudit.pipeline import audit
    from evalaudit.report import publish

    started = time.process_time()
    run = audit(sorted(SEEDS.glob("*.txt")))
    publish(run.snapshot(), out)
    forms = len(run.snapshot().evaluations)
    print(f"seed audit: {forms} forms, report built in {time.process_time() - started:.2f} CPU s")
    return sorted(out.rglob("*.html"))


def synthetic_report(out: Path, count: int) -> tuple[Path, Path]:
    from synthetic import synthetic_evaluations

    from evalaudit.checks import run_checks
    from evalaudit.pipeline import Snapshot
    from evalaudit.report import publish

    started = time.process_time()
    forms = synthetic_evaluations(count)
    checks = run_checks(forms, with_text=False)
    snapshot = Snapshot(
        run_id="big",
        files=count,
        evaluations=forms,
        findings=checks.findings,
        problems=[],
        computed_totals=checks.facts("computed_total"),
        exec_rates=checks.facts("exec_rate"),
    )
    publish(snapshot, out)
    print(
        f"synthetic audit: {count:,} forms, {len(checks.findings):,} findings, "
        f"checked and published in {time.process_time() - started:.1f} CPU s"
    )
    return out / "index.html", out / "forms" / f"{forms[0].evaluation_id}.html"


def load(browser, path: Path, repeat: int) -> tuple[float, float, float]:
    """(best wall s, median wall s, renderer CPU s of the best load) over `repeat` fresh loads of `path`."""
    loads = []
    for _ in range(repeat):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        devtools = context.new_cdp_session(page)
        devtools.send("Performance.enable")
        started = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load")
        wall = time.perf_counter() - started
        metrics = {metric["name"]: metric["value"] for metric in devtools.send("Performance.getMetrics")["metrics"]}
        loads.append((wall, metrics.get("TaskDuration", float("nan"))))
        context.close()
    best = min(loads)
    return best[0], statistics.median(wall for wall, _ in loads), best[1]


def line(label: str, figures: tuple[float, float, float]) -> str:
    best, median, cpu = figures
    return (
        f"  {label:<34} wall {best:6.2f} s (median {median:5.2f})   renderer CPU {cpu:5.2f} s   "
        f"load {os.getloadavg()[0]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--forms", type=int, default=5000, help="synthetic forms in the big report")
    parser.add_argument("--repeat", type=int, default=3, help="loads per page")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), f"({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        work = Path(folder)
        seed_pages = seed_report(work / "seed") if SEEDS.is_dir() else []
        overview, form = synthetic_report(work / "big", args.forms)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            if seed_pages:
                print(f"seed audit pages ({len(seed_pages)}):")
                for path in seed_pages:
                    print(line(str(path.relative_to(work / "seed")), load(browser, path, args.repeat)))
            else:
                print(f"(no seed forms at {SEEDS}: seed pages skipped)")
            print(f"{args.forms:,}-form audit:")
            print(line("index.html", load(browser, overview, args.repeat)))
            print(line("forms/<first>.html", load(browser, form, args.repeat)))
        finally:
            browser.close()
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
