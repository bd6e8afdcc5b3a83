"""Precision and recall of each text check on the labelled evaluation set, and cross-form speed at scale.

    .venv/bin/python benchmarks/text_eval.py                  # evaluation set + 100,000-form scale run
    .venv/bin/python benchmarks/text_eval.py --scale 0        # evaluation set only

Targets (issue 4): precision ≥ 0.9 and recall ≥ 0.9 per check; 100,000 forms cross-checked in < 2 min,
with the index written and read back between two runs.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE / "text_eval"), str(HERE)]

from corpus import evaluation_set  # noqa: E402

from evalaudit.checks import run_checks  # noqa: E402
from evalaudit.text.facts import text_facts  # noqa: E402
from evalaudit.text.frame import build_texts  # noqa: E402
from evalaudit.text.index import append_run, load_history  # noqa: E402

TEXT_CHECKS = (
    "text_copy.goal_repeats_target",
    "text_copy.explanation_reused",
    "text_copy.row_duplicated",
    "text_copy.other_unit",
    "text_copy.previous_year",
    "text_copy.same_unit_other_form",
    "text_irrelevant.explanation",
    "text_template.instruction",
    "text_template.recurring",
)


def evaluate() -> list[tuple[str, float, float, int, int, int]]:
    """(check, precision, recall, true positives, false positives, false negatives) per text check."""
    last, this = evaluation_set()
    with tempfile.TemporaryDirectory() as folder:
        index = Path(folder)
        append_run(index, "2022", run_checks(last.forms).frames.texts, load_history(index))
        findings = run_checks(this.forms, history=load_history(index)).findings
    found = {(f.evaluation_id, f.check_id, f.location) for f in findings if f.check_id in TEXT_CHECKS}
    rows = []
    for check in TEXT_CHECKS:
        predicted = {item for item in found if item[1] == check}
        labelled = {item for item in this.labels if item[1] == check}
        tp, fp, fn = len(predicted & labelled), len(predicted - labelled), len(labelled - predicted)
        rows.append((check, tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0, tp, fp, fn))
        for item in sorted(predicted - labelled):
            print(f"    false positive: {item}")
        for item in sorted(labelled - predicted):
            print(f"    missed:         {item}")
    return rows


def scale(count: int) -> None:
    """Cross-form detection over `count` synthetic forms, in two runs through the index.

    Texts are random combinations of clauses from the vocabulary with their own numbers, so most are unique,
    as real texts are; one form in a hundred pastes another form's explanation.
    """
    import re

    from synthetic import synthetic_evaluations
    from vocabulary import KINDS

    rng = random.Random(7)
    sentences = [s for spec in KINDS.values() for pair in spec["goals"] for s in pair]
    sentences += [r for spec in KINDS.values() for r in spec["reasons"]]
    clauses = sorted({c for s in sentences for c in re.split(r"[，；。]", s) if len(c) >= 4})

    def text() -> str:
        return "，".join(rng.sample(clauses, 3)) + f"，涉及{rng.randint(2, 9999)}户、{rng.randint(1, 99)}个村。"

    forms = synthetic_evaluations(count)
    planted = 0
    for number, form in enumerate(forms):
        form.goals[0].expected, form.goals[0].actual = text(), text()
        for indicator in form.indicators:
            if indicator.explanation and indicator.explanation != "无偏差":
                indicator.explanation = text()
        if number % 100 == 99:  # paste an earlier form's explanation
            source = forms[rng.randrange(number)]
            donor = next((i.explanation for i in source.indicators if len(i.explanation) > 12), None)
            if donor:
                form.indicators[0].explanation = donor
                planted += 1
    half = count // 2
    with tempfile.TemporaryDirectory() as folder:
        index = Path(folder)
        start = time.perf_counter()
        first_texts = text_facts(build_texts(forms[:half]), load_history(index))
        append_run(index, "first", first_texts, load_history(index))
        middle = time.perf_counter()
        history = load_history(index)
        second_texts = text_facts(build_texts(forms[half:]), history)
        append_run(index, "second", second_texts, history)
        end = time.perf_counter()
    rows = len(first_texts) + len(second_texts)
    flagged = int(
        (first_texts["other_unit_similarity"] >= 0.8).sum() + (second_texts["other_unit_similarity"] >= 0.8).sum()
    )
    print(
        f"scale: {count:,} forms, {rows:,} texts — run 1 ({half:,} forms, empty index) {middle - start:.1f} s, "
        f"run 2 ({count - half:,} forms against {len(history):,} indexed texts) {end - middle:.1f} s, "
        f"total {end - start:.1f} s (target < 120 s); {planted:,} pastes planted, {flagged:,} texts flagged as copies"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=100_000)
    args = parser.parse_args()
    print("text checks on the labelled evaluation set (24 units of 8 kinds, 2022 indexed, 2023 audited)")
    for check, precision, recall, tp, fp, fn in evaluate():
        verdict = "ok" if precision >= 0.9 and recall >= 0.9 else "BELOW TARGET"
        print(f"  {check:34s} precision {precision:4.2f}  recall {recall:4.2f}  (tp {tp}, fp {fp}, fn {fn})  {verdict}")
    if args.scale:
        scale(args.scale)


if __name__ == "__main__":
    main()
