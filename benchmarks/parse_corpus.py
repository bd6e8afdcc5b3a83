"""How much of each real form the parser reads: field-level precision and recall against hand extractions.

    .venv/bin/python benchmarks/parse_corpus.py [--worst 12] [--misses FILE] [--update-baseline]

Reads every corpus form (../shared/corpus, hand extractions in tests/parse/corpus_expected/), the seeds
(../shared/seeds) and the samples (data/inbox, both read by hand in tests/parse/expected_*.py), parses each
file as the audit does, and prints precision and recall of the fields — forms, header fields, fund cells,
indicator rows and cells, sections, totals — overall, per kind, per layout family and per province, and the
files with the most misses, each with its first misses.

`--update-baseline` records, per corpus file, the fields read right and the count of wrong values
(tests/parse/corpus_baseline.json): tests/parse/test_corpus.py fails when a field read right is lost or a
wrong value appears. Run it after an improvement, and commit the file with it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evalaudit.ingest import read_source  # noqa: E402
from evalaudit.parse import parse_document  # noqa: E402
from evalaudit.parse.accuracy import KINDS, Tally, compare, extraction, from_digest  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SEEDS = ROOT.parent / "shared" / "seeds"
INBOX = ROOT / "data" / "inbox"
EXPECTED = ROOT / "tests" / "parse" / "corpus_expected"
BASELINE = ROOT / "tests" / "parse" / "corpus_baseline.json"


def corpus_cases() -> list[tuple[Path, list[dict], str, str]]:
    """(file, expected forms, layout family, province) for every hand-read corpus file."""
    sources = {entry["file"]: entry for entry in json.loads((CORPUS / "sources.json").read_text("utf-8"))}
    cases = []
    for path in sorted(EXPECTED.glob("*.json")):
        expected = json.loads(path.read_text("utf-8"))
        entry = sources.get(expected["file"], {})
        cases.append(
            (CORPUS / expected["file"], expected["forms"], entry.get("layout_family", "?"), entry.get("province", "?"))
        )
    return cases


def digest_cases(directory: Path, module: str, family: str) -> list[tuple[Path, list[dict], str, str]]:
    expected = __import__(module, fromlist=["EXPECTED"]).EXPECTED
    return [
        (directory / name, [from_digest(form) for form in forms], family, family) for name, forms in expected.items()
    ]


def score(path: Path, expected: list[dict]) -> Tally:
    parsed = [extraction(evaluation) for evaluation in parse_document(read_source(path)).evaluations]
    return compare(expected, parsed, path.name)


def line(label: str, tally: Tally) -> str:
    produced, expected = sum(tally.produced.values()), sum(tally.expected.values())
    return (
        f"  {label:<44} precision {tally.precision():6.1%}  recall {tally.recall():6.1%}"
        f"  ({sum(tally.correct.values())} right of {expected} read by hand, {produced} parsed)"
    )


def report(title: str, cases: list[tuple[Path, list[dict], str, str]], worst: int, misses: list[str]) -> Tally:
    overall = Tally()
    by_family: dict[str, Tally] = defaultdict(Tally)
    by_province: dict[str, Tally] = defaultdict(Tally)
    per_file: list[tuple[Path, Tally]] = []
    for path, expected, family, province in cases:
        tally = score(path, expected)
        per_file.append((path, tally))
        for bucket in (overall, by_family[family], by_province[province]):
            bucket.merge(tally)
        misses += tally.misses
    print(f"\n{title}: {len(cases)} files")
    print(line("all fields", overall))
    for kind in KINDS:
        print(
            f"    {kind:<42} precision {overall.precision(kind):6.1%}  recall {overall.recall(kind):6.1%}"
            f"  ({overall.correct[kind]}/{overall.expected[kind]}, {overall.produced[kind]} parsed)"
        )
    if len(by_family) > 1:
        print("  per layout family:")
        for family, tally in sorted(by_family.items()):
            print(line("  " + family, tally))
    if len(by_province) > 1:
        print("  per province:")
        for province, tally in sorted(by_province.items(), key=lambda item: item[1].f1()):
            print(line("  " + province, tally))
    ranked = sorted(per_file, key=lambda item: len(item[1].misses), reverse=True)
    if worst and ranked and ranked[0][1].misses:
        print("  worst files:")
        for path, tally in ranked[:worst]:
            if not tally.misses:
                break
            print(f"    {path.name:<34} {len(tally.misses):3d} misses; e.g. {tally.misses[0]}")
    return overall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst", type=int, default=12)
    parser.add_argument("--misses", type=Path, help="write every miss, one per line, to this file")
    parser.add_argument("--update-baseline", action="store_true", help=f"record what is read right in {BASELINE.name}")
    args = parser.parse_args()
    misses: list[str] = []
    report("corpus (../shared/corpus)", corpus_cases(), args.worst, misses)
    if args.update_baseline:
        baseline = {}
        for path, expected, _, _ in corpus_cases():
            tally = score(path, expected)
            baseline[path.name] = {"right": sorted(tally.right), "wrong_claims": tally.wrong_claims}
        BASELINE.write_text(json.dumps(baseline, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
        print(f"\nbaseline written: {BASELINE.relative_to(ROOT)}")
    report("seeds (../shared/seeds)", digest_cases(SEEDS, "tests.parse.expected_seeds", "seeds"), args.worst, misses)
    report("samples (data/inbox)", digest_cases(INBOX, "tests.parse.expected_samples", "samples"), args.worst, misses)
    if args.misses:
        args.misses.write_text("\n".join(misses) + "\n", "utf-8")


if __name__ == "__main__":
    main()
