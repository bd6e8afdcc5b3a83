"""Throughput of the checks: frames + facts + suites, batched GX vs a per-document GX loop vs plain pandas.

The numeric suites only; the text analysis has its own benchmark (benchmarks/text_eval.py).

    .venv/bin/python benchmarks/checks.py                 # N = 1,000 and 100,000; loop on 1,000 forms
    .venv/bin/python benchmarks/checks.py --sizes 5000 --loop-sample 200

Each measurement runs in its own process so its peak memory (max RSS) is its own. Targets (issue 3):
batched ≥ 100× the per-document loop, 100,000 forms in under 60 s; GX validation timed alone against the same
rules in pandas over the same frames (the floor), both with the collector paused.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def numeric_suites() -> dict:
    from evalaudit.checks.suites import load_suites

    return {name: suite for name, suite in load_suites().items() if name != "texts"}


def _batched(count: int) -> dict:
    from synthetic import synthetic_evaluations

    from evalaudit.checks import run_checks

    forms = synthetic_evaluations(count)
    start = time.perf_counter()
    result = run_checks(forms, with_text=False)
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "findings": len(result.findings)}


def _rules_alone(count: int) -> dict:
    """The rules alone over the same frames, GX against plain pandas, in one process with the collector paused:
    frames and facts are built once, outside the timing, so the two figures compare the rules and nothing else.
    CPU seconds, which hold on a busy machine."""
    from pandas_rules import failing_rows
    from synthetic import synthetic_evaluations

    from evalaudit.checks.suites import validate
    from evalaudit.facts import derive_facts
    from evalaudit.frames import build_frames, gc_paused

    suites = numeric_suites()
    with gc_paused():
        frames = derive_facts(build_frames(synthetic_evaluations(count))).named()
        validate(frames, suites)  # warm: GX builds its context and expectation classes once per process
        failing_rows(frames, suites)
        start = time.process_time()
        by_gx = validate(frames, suites)
        gx = time.process_time() - start
        start = time.process_time()
        by_pandas = failing_rows(frames, suites)
        pandas = time.process_time() - start
    return {
        "gx_cpu": gx,
        "pandas_cpu": pandas,
        "seconds": gx,
        "findings": sum(len(f.rows) for f in by_gx),
        "pandas_findings": sum(len(rows) for rows in by_pandas.values()),
    }


def _per_document(count: int) -> dict:
    from synthetic import synthetic_evaluations

    from evalaudit.checks.suites import SuiteRunner
    from evalaudit.facts import derive_facts
    from evalaudit.frames import build_frames

    forms = synthetic_evaluations(count)
    runner = SuiteRunner(numeric_suites())  # one context, reused: the loop's fairest form
    start = time.perf_counter()
    failures = 0
    for form in forms:
        failures += sum(len(f.rows) for f in runner.run(derive_facts(build_frames([form])).named()))
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "findings": failures}


def _same_rows(count: int) -> bool:
    """GX and the pandas floor flag exactly the same rows for the same rules."""
    from pandas_rules import failing_rows
    from synthetic import synthetic_evaluations

    from evalaudit.checks.suites import validate
    from evalaudit.facts import derive_facts
    from evalaudit.frames import build_frames

    suites = numeric_suites()
    frames = derive_facts(build_frames(synthetic_evaluations(count))).named()
    by_gx = {}
    for failure in validate(frames, suites):
        by_gx.setdefault((failure.frame, failure.meta["check_id"]), []).extend(failure.rows)
    by_pandas = {}
    for (frame, check_id, _), rows in failing_rows(frames, suites).items():
        by_pandas.setdefault((frame, check_id), []).extend(rows)
    return {k: sorted(v) for k, v in by_gx.items()} == {k: sorted(v) for k, v in by_pandas.items()}


def _measure(job, count: int, queue) -> None:
    result = job(count)
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(result)


def measure(job, count: int) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_measure, args=(job, count, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--loop-sample", type=int, default=1_000)
    args = parser.parse_args()

    print(f"checks benchmark — synthetic forms, 18 indicators each; {multiprocessing.cpu_count()} cores")
    loop = measure(_per_document, args.loop_sample)
    loop_rate = args.loop_sample / loop["seconds"]
    print(
        f"per-document GX loop  N={args.loop_sample:>7,}  {loop['seconds']:8.1f} s  {loop_rate:10,.0f} forms/s  "
        f"peak {loop['peak_mib']:6.0f} MiB"
    )
    print(f"GX and pandas flag the same rows: {'yes' if _same_rows(min(args.sizes)) else 'NO'}")
    for count in args.sizes:
        batched = measure(_batched, count)
        rules = measure(_rules_alone, count)
        rate = count / batched["seconds"]
        print(
            f"batched GX (ours)     N={count:>7,}  {batched['seconds']:8.1f} s  {rate:10,.0f} forms/s  "
            f"peak {batched['peak_mib']:6.0f} MiB  findings {batched['findings']:,}"
        )
        print(
            f"rules alone, same frames, GC paused, CPU: GX {rules['gx_cpu']:.2f} s, pandas {rules['pandas_cpu']:.2f} s "
            f"→ GX {rules['gx_cpu'] / rules['pandas_cpu']:.0f}× the same rules in pandas (target ≤ 10×); "
            f"failing rows {rules['findings']:,} / {rules['pandas_findings']:,}"
        )
        print(
            f"  → {rate / loop_rate:,.0f}× the per-document loop (target ≥ 100×)"
            + (f", {batched['seconds']:.1f} s for {count:,} (target < 60 s)" if count >= 100_000 else "")
        )


if __name__ == "__main__":
    main()
