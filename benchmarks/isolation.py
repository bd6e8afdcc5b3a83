"""What isolating one bad file costs: the checks over a batch, clean and with one form that makes them raise.

    .venv/bin/python benchmarks/isolation.py [--copies 4]

Prints CPU seconds of `pipeline.check_isolated` over the real seeds, corpus and sample inbox (repeated
`--copies` times as distinct files), clean and with one poisoned form, the number of `run_checks` calls
each took, their ratio, and the machine's load beside them. The poison is a stand-in that raises inside
`run_checks` whenever the batch holds its form, as a real bug in a fact would.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace
from pathlib import Path

import evalaudit.pipeline as pipeline
from evalaudit.inbox import scan
from evalaudit.pipeline import check_isolated, parse_file

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT.parent / "shared" / "seeds", ROOT.parent / "shared" / "corpus", ROOT / "data" / "inbox"]


def outcomes(copies: int) -> list:
    parsed = [parse_file(file) for file in scan([p for p in SOURCES if p.is_dir()]).files]
    parsed = [outcome for outcome in parsed if outcome.evaluations]
    result = []
    for copy in range(copies):
        for outcome in parsed:
            sha = f"{copy:02d}" + outcome.file.sha256[2:]
            forms = [
                replace(e, evaluation_id=f"{sha[:16]}-{e.form_index}", source_sha256=sha) for e in outcome.evaluations
            ]
            result.append(replace(outcome, file=replace(outcome.file, sha256=sha), evaluations=forms))
    return result


def timed(batch: list, poisoned: str | None) -> tuple[float, int, int]:
    real = pipeline.run_checks
    calls = []

    def counting(evaluations, **options):
        calls.append(len(evaluations))
        if poisoned and any(e.evaluation_id == poisoned for e in evaluations):
            raise ValueError("poisoned form")
        return real(evaluations, **options)

    pipeline.run_checks = counting
    try:
        start = time.process_time()
        checked = check_isolated(batch)
        return time.process_time() - start, len(calls), len(checked.failed)
    finally:
        pipeline.run_checks = real


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=4)
    args = parser.parse_args()
    batch = outcomes(args.copies)
    forms = sum(len(outcome.evaluations) for outcome in batch)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    clean, clean_calls, _ = timed(batch, None)
    poison = batch[len(batch) // 3].evaluations[0].evaluation_id
    faulty, faulty_calls, failed = timed(batch, poison)
    print(f"{len(batch)} files, {forms} forms")
    print(f"clean batch:        {clean:6.2f} s CPU, {clean_calls} run_checks call(s)")
    print(f"one poisoned form:  {faulty:6.2f} s CPU, {faulty_calls} run_checks calls, {failed} file set apart")
    print(f"ratio poisoned/clean: {faulty / clean:.1f}x")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
