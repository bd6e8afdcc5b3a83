"""The nightly report at 100,000 forms: publish CPU (first, unchanged, 5 % changed), disk, page sizes and loads.

    .venv/bin/python benchmarks/report_scale.py                     # 100,000 synthetic forms, 5 % resubmitted
    .venv/bin/python benchmarks/report_scale.py --forms 20000 --repeat 5

A real SQLite store filled with synthetic forms (benchmarks/synthetic.py, checked by the real suites) and the
real `nightly.publish_run`, each publish in a fresh process so its CPU seconds and peak RSS are its own:

1. first publish: no previous report, every page rendered and every form decoded;
2. the same inbox again: every page linked from the previous run folder;
3. `--changed` of the forms resubmitted (new content, findings compared with the previous submission).

Then the disk used by the last two run folders (`du` counts a hard-linked page once), the size of the overview,
the largest findings page, a unit page and a form page, and their loads in headless Chromium (best and median
wall seconds of --repeat, renderer CPU seconds), each with the load average beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
RUNS = ("20260101T000000Z-aaaaaa", "20260102T000000Z-bbbbbb", "20260103T000000Z-cccccc")
CHUNK = 10_000


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def fill(url: str, count: int, changed: float) -> list:
    """The first night's store: `count` forms audited by the first run. Returns the `changed` share of them as
    resubmitted (new content, a total put right or made wrong), with their earlier findings, for `resubmit`."""
    from dataclasses import replace

    import synthetic

    from evalaudit.checks import run_checks
    from evalaudit.store import open_store

    store = open_store(url)
    rng = random.Random(0)
    every = max(1, round(1 / changed)) if changed else 0
    resubmitted = []
    started = time.process_time()
    for start in range(0, count, CHUNK):
        forms = [synthetic._form(index, rng, 0.03) for index in range(start, min(count, start + CHUNK))]
        checks = run_checks(forms, with_text=False)
        _save(store, RUNS[0], forms, checks, None)
        for form in forms:
            index = int(form.source_file.split(".")[0])
            if every and index % every == every - 1:
                total = (form.stated_total or 0) + (1 if index % 2 else -1)
                again = replace(
                    form, evaluation_id=f"e{index:015x}-1", source_sha256=f"e{index:063x}", stated_total=round(total, 2)
                )
                resubmitted.append((again, [f for f in checks.findings if f.evaluation_id == form.evaluation_id]))
        print(f"  filled {min(count, start + CHUNK):>7,} forms ({time.process_time() - started:.0f} CPU s)", flush=True)
    return resubmitted


def seen_again(url: str, run_id: str, earlier: str) -> None:
    """Every file present at `earlier` is present at `run_id` too (a night with nothing new)."""
    from sqlalchemy import update

    from evalaudit.store import files, open_store

    with open_store(url).engine.begin() as connection:
        connection.execute(update(files).where(files.c.last_seen_run == earlier).values(last_seen_run=run_id))


def resubmit(url: str, resubmitted: list, run_id: str, earlier: str) -> None:
    """The resubmissions audited by `run_id` (findings compared with the earlier submission), every other file
    seen again; the replaced contents are no longer in the inbox."""
    from sqlalchemy import update

    from evalaudit.checks import run_checks
    from evalaudit.store import files, open_store

    store = open_store(url)
    forms = [form for form, _ in resubmitted]
    _save(store, run_id, forms, run_checks(forms, with_text=False), {f.evaluation_id: old for f, old in resubmitted})
    replaced = {f"{int(form.source_file.split('.')[0]):064x}" for form in forms}
    with store.engine.begin() as connection:
        connection.execute(update(files).where(files.c.last_seen_run == earlier).values(last_seen_run=run_id))
        replaced_rows = list(replaced)
        for part in range(0, len(replaced_rows), 500):
            connection.execute(
                update(files).where(files.c.sha256.in_(replaced_rows[part : part + 500])).values(last_seen_run=earlier)
            )


def _save(store, run_id: str, forms: list, checks, previous: dict | None) -> None:
    """Rows as `save_batch` writes them, inserted in bulk (the benchmark measures publishing, not saving);
    with `previous`, each form's findings compared with its earlier submission's (new / still open / fixed)."""
    from sqlalchemy import insert

    from evalaudit.resubmission import FIXED, NEW, compare, form_key
    from evalaudit.store import evaluations, files, findings
    from evalaudit.store.rows import finding_row

    totals, rates = checks.facts("computed_total"), checks.facts("exec_rate")
    by_form: dict[str, list] = {}
    for finding in checks.findings:
        by_form.setdefault(finding.evaluation_id, []).append(finding)
    file_rows, form_rows, finding_rows = [], [], []
    for form in forms:
        file_rows.append(
            {
                "name": form.source_file,
                "sha256": form.source_sha256,
                "size": 1000,
                "status": "audited",
                "reason": "",
                "audited_run": run_id,
                "first_seen_run": run_id,
                "last_seen_run": run_id,
            }  # fmt: skip
        )
        total = totals.get(form.evaluation_id)
        form_rows.append(
            {
                "evaluation_id": form.evaluation_id,
                "sha256": form.source_sha256,
                "run_id": run_id,
                "form_key": form_key(form),
                "previous_evaluation_id": None,
                "source_file": form.source_file,
                "form_index": form.form_index,
                "unit": form.unit,
                "year": form.year,
                "form_type": form.form_type,
                "computed_total": None if total != total else total,
                "exec_rate": rates.get(form.evaluation_id),
                "data": json.dumps(form.to_dict(), ensure_ascii=False),
            }  # fmt: skip
        )
        current = by_form.get(form.evaluation_id, [])
        if previous is None:
            finding_rows += [finding_row(f, run_id, NEW) for f in current]
            continue
        changes, gone = compare(previous.get(form.evaluation_id, []), current)
        finding_rows += [finding_row(f, run_id, change) for f, change in zip(current, changes, strict=True)]
        finding_rows += [finding_row(f, run_id, FIXED, evaluation_id=form.evaluation_id) for f in gone]
    with store.engine.begin() as connection:
        for table, rows in ((files, file_rows), (evaluations, form_rows), (findings, finding_rows)):
            for part in range(0, len(rows), 2000):
                connection.execute(insert(table), rows[part : part + 2000])


def publish_once(url: str, reports: str, run_id: str) -> None:
    """One nightly publish in this process; prints its figures as JSON for the parent."""
    from evalaudit.nightly import publish_run
    from evalaudit.store import open_store

    store = open_store(url)
    cpu, wall = time.process_time(), time.perf_counter()
    published = publish_run(store, run_id, Path(reports))
    built = published.built
    print(
        json.dumps(
            {
                "cpu": time.process_time() - cpu,
                "wall": time.perf_counter() - wall,
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "forms": len(published.snapshot.evaluations),
                "findings": len(published.snapshot.findings),
                "linked": built.linked + built.copied,
                "rendered": built.rendered,
                "decoded": built.decoded,
            }
        )
    )


def du(*folders: Path) -> list[int]:
    """KiB of each folder, a file linked from an earlier one counted there only (`du -sk A B`)."""
    out = subprocess.run(["du", "-sk", *map(str, folders)], capture_output=True, text=True, check=True).stdout
    return [int(line.split()[0]) for line in out.splitlines()]


def browser_loads(pages: dict[str, Path], repeat: int) -> None:
    from playwright.sync_api import sync_playwright
    from report_load import CHROMIUM, line
    from report_load import load as page_load

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for label, path in pages.items():
                print(line(f"{label} ({path.stat().st_size / 1e6:.2f} MB)", page_load(browser, path, repeat)))
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--forms", type=int, default=100_000)
    parser.add_argument("--changed", type=float, default=0.05, help="share of forms resubmitted on the third night")
    parser.add_argument("--repeat", type=int, default=3, help="browser loads per page")
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--publish", nargs=3, metavar=("URL", "REPORTS", "RUN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.publish:
        publish_once(*args.publish)
        return
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), f"({os.cpu_count()} cores)")
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="report-scale-"))
    try:
        shutil.rmtree(work / "reports", ignore_errors=True)
        (work / "evalaudit.db").unlink(missing_ok=True)
        work.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{work / 'evalaudit.db'}"
        print(f"store: {args.forms:,} synthetic forms, {args.changed:.0%} resubmitted on the third night")
        resubmitted = fill(url, args.forms, args.changed)
        labels = ("first publish (all rendered)", "same inbox again (all linked)", f"{args.changed:.0%} resubmitted")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
        for number, (label, run_id) in enumerate(zip(labels, RUNS, strict=True)):
            if number == 1:
                seen_again(url, run_id, RUNS[0])
            elif number == 2:
                resubmit(url, resubmitted, run_id, RUNS[1])
                print(f"  ({len(resubmitted):,} forms resubmitted for the third night)", flush=True)
            result = subprocess.run(
                [sys.executable, __file__, "--publish", url, str(work / "reports"), run_id],
                capture_output=True, text=True, env=env, check=True,
            )  # fmt: skip
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"  {label:<32} {figures['cpu']:7.1f} CPU s  {figures['wall']:7.1f} wall s  "
                f"peak RSS {figures['rss_mb']:6.0f} MB   pages rendered {figures['rendered']:>7,} "
                f"linked {figures['linked']:>7,}  forms decoded {figures['decoded']:>7,}   {load()}",
                flush=True,
            )
        print(f"  ({figures['forms']:,} forms, {figures['findings']:,} open findings in the last report)")
        runs = work / "reports" / "runs"
        second, third = runs / RUNS[1], runs / RUNS[2]
        [alone] = du(third)
        both = du(second, third)
        print(
            f"disk: last run folder alone {alone / 1024:.0f} MB; the last two together {sum(both) / 1024:.0f} MB "
            f"({both[0] / 1024:.0f} + {both[1] / 1024:.0f} MB: what the newer adds)"
        )
        jsonl = (third / "evaluations.jsonl").stat().st_size
        print(f"  of which evaluations.jsonl {jsonl / 1e6:.0f} MB (copied whole when any form changed)")
        html = sorted(third.rglob("*.html"), key=lambda path: path.stat().st_size)
        print(f"pages: {len(html):,}; largest {html[-1].relative_to(third)} {html[-1].stat().st_size / 1e6:.2f} MB")
        findings = max((third / "findings").glob("*.html"), key=lambda path: path.stat().st_size)
        units = [path for path in (third / "units").glob("*.html") if not path.name.startswith("list-")]
        forms = sorted((third / "forms").glob("*.html"))
        print(
            f"  units/names.js (loaded by the search when used) {(third / 'units' / 'names.js').stat().st_size / 1e6:.2f} MB"
        )
        browser_loads(
            {
                "index.html": third / "index.html",
                f"findings/{findings.name}": findings,
                "units/list-0001.html": third / "units" / "list-0001.html",
                "units/<a unit>.html": max(units, key=lambda path: path.stat().st_size),
                "forms/<a form>.html": forms[len(forms) // 2],
            },
            args.repeat,
        )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
