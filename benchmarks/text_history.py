"""The night's text step against a stored history: the whole history loaded and signed (old) vs looked up by
band key and norm hash (new), in CPU seconds and peak RSS, each measured in a fresh process.

    .venv/bin/python benchmarks/text_history.py                        # histories of 10,000 and 100,000 forms
    .venv/bin/python benchmarks/text_history.py --sizes 10000 --night 1000

A history of N forms is generated once into a SQLite store under --work (kept for the next run): 5,000 units,
one form a year each (N / 5,000 years), ~17 texts a form (goals, results, explanations, notes): words made of
the evaluation set's characters around one of its clauses, with numbers of their own; a unit's standing goals
reused in some years (previous-year copies), template sentences kept verbatim by many units and one kept with a
number of its own (LSH buckets far above the limit), pastes of other units' words. The night is the same units'
forms of the next year, one in fifty resubmitting a stored form — the same night for every history size. Both
ways must give the same text facts (compared by hash).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE / "text_eval"), str(HERE), str(HERE.parent / "src")]

import pandas as pd  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from vocabulary import KINDS  # noqa: E402

from evalaudit.frames import TEXT, map_distinct  # noqa: E402
from evalaudit.resubmission import unit_key  # noqa: E402
from evalaudit.store import evaluations, open_store, texts  # noqa: E402
from evalaudit.store.signs import save_signs, signed_counts  # noqa: E402
from evalaudit.text.index import COLUMNS  # noqa: E402
from evalaudit.text.normalize import TRIVIAL, normalize  # noqa: E402

UNITS = 5000  # each submits one form a year: a history of N forms is N / UNITS years of them
FIRST_YEAR = 2000
CHUNK = 5000  # forms per stored batch, as a night stores them
_SENTENCES = [s for spec in KINDS.values() for pair in spec["goals"] for s in pair]
_SENTENCES += [r for spec in KINDS.values() for r in spec["reasons"]]
CLAUSES = sorted({c for s in _SENTENCES for c in re.split(r"[，；。]", s) if len(c) >= 4})
_CHARACTERS = "".join(sorted({c for s in _SENTENCES for c in s if "\u4e00" <= c <= "\u9fff"}))
_lexicon = random.Random(20261201)
WORDS = sorted({"".join(_lexicon.choices(_CHARACTERS, k=_lexicon.choice((2, 2, 2, 3, 4)))) for _ in range(30000)})
TEMPLATES = [f"严格按照项目实施方案和资金管理办法组织实施，第{i}项工作均按计划推进并通过验收" for i in range(30)]
NUMBERED = "全年组织开展业务培训和督导检查，持续提升服务质量和群众满意度，共服务对象"


def unit_name(unit: int) -> str:
    return f"第{unit:05d}号{list(KINDS)[unit % len(KINDS)]}单位"


def sentence(rng: random.Random) -> str:
    """One of the vocabulary's clauses among words of the forms' characters, with numbers of its own."""
    words = rng.sample(WORDS, rng.randint(4, 10))
    words.insert(rng.randrange(len(words)), rng.choice(CLAUSES))
    return "，".join("".join(words[i : i + 3]) for i in range(0, len(words), 3)) + f"{rng.randint(2, 9999)}户。"


def standing(unit: int, slot: int) -> str:
    """A unit's words it keeps from year to year (and other units sometimes paste)."""
    return sentence(random.Random(unit * 1000 + slot))


def form_texts(unit: int, year: int) -> list[tuple[str, int, str, str]]:
    """(field, row, label, text) of one unit's form for one year; the same every time it is asked."""
    rng = random.Random(year * 10_000_000 + unit)
    rows = []
    for goal in range(3):
        expected = standing(unit, goal) if rng.random() < 0.3 else sentence(rng)
        actual = standing(unit, 10 + goal) if rng.random() < 0.3 else sentence(rng)
        rows += [("goal_expected", goal, "预期目标", expected), ("goal_actual", goal, "实际完成情况", actual)]
    for row in range(12):
        roll = rng.random()
        if roll < 0.08:
            text = rng.choice(TEMPLATES)  # the template's sample sentence, kept verbatim
        elif roll < 0.12:
            text = NUMBERED + f"{rng.randint(0, 99999)}人次"  # kept with a number of its own
        elif roll < 0.13:
            text = standing(rng.randrange(UNITS), 20)  # another unit's words
        elif roll < 0.25:
            text = "无偏差"
        else:
            text = sentence(rng)
        rows.append(("explanation", row, f"指标{row + 1}", text))
    rows.append(("notes", 0, "其他需要说明的问题", sentence(rng) if rng.random() < 0.5 else "无"))
    return rows


def texts_frame(forms: list[tuple[int, int]], prefix: str) -> pd.DataFrame:
    """The stored columns (text.index.COLUMNS) for (unit, year) forms."""
    data: dict[str, list] = {key: [] for key in ("evaluation_id", "unit", "year", "field", "row", "label", "text")}
    for unit, year in forms:
        for field, row, label, text in form_texts(unit, year):
            data["evaluation_id"].append(f"{prefix}-{unit}-{year}")
            data["unit"].append(unit_name(unit))
            data["year"].append(year)
            data["field"].append(field)
            data["row"].append(row)
            data["label"].append(label)
            data["text"].append(text)
    frame = pd.DataFrame(data)
    frame["norm"] = map_distinct(frame["text"], normalize, TEXT)
    frame = frame[~frame["norm"].isin(TRIVIAL - {""})].reset_index(drop=True)
    frame["unit_key"] = map_distinct(frame["unit"], unit_key, TEXT)
    frame["source_file"] = frame["evaluation_id"] + ".txt"
    frame["form_index"] = 1
    frame["form_type"] = "project"
    return frame


def form_key(unit: int, year: int) -> str:
    return f"{unit_key(unit_name(unit))}|{year}|project|项目"


def build_store(path: Path, size: int) -> None:
    """A store of `size` forms: batches of CHUNK forms saved with their signs, oldest year first."""
    store = open_store(f"sqlite:///{path}")
    everything = [(unit, FIRST_YEAR + year) for year in range(size // UNITS) for unit in range(UNITS)]
    start = time.process_time()
    for number, begin in enumerate(range(0, len(everything), CHUNK)):
        forms = everything[begin : begin + CHUNK]
        frame = texts_frame(forms, "h")
        run_id = f"{forms[0][1]}0101T{number:06d}Z-bench"
        with store.engine.begin() as connection:
            connection.execute(
                insert(evaluations),
                [
                    {
                        "evaluation_id": f"h-{unit}-{year}",
                        "sha256": hashlib.sha256(f"h-{unit}-{year}".encode()).hexdigest(),
                        "run_id": run_id,
                        "form_key": form_key(unit, year),
                        "source_file": f"h-{unit}-{year}.txt",
                        "form_index": 1,
                        "unit": unit_name(unit),
                        "year": year,
                        "form_type": "project",
                        "data": "{}",
                    }
                    for unit, year in forms
                ],
            )
            rows = frame[list(COLUMNS)]
            connection.execute(insert(texts), rows.astype(object).where(rows.notna()).to_dict("records"))
            save_signs(connection, rows)
    with store.engine.connect() as connection:
        keyed, bands = signed_counts(connection)
    store.engine.dispose()  # the last connection closed: the WAL checkpointed into the file before it is renamed
    print(
        f"  built a store of {size:,} forms: {keyed:,} texts, {bands:,} band keys, "
        f"{path.stat().st_size / 1e9:.2f} GB, {time.process_time() - start:.0f} s CPU",
        flush=True,
    )


def night_texts(size: int, night: int) -> tuple[pd.DataFrame, set[str]]:
    """The night's texts as the checks build them (build_texts columns) and the form keys it resubmits:
    `night` forms of the next year, one in fifty a stored form sent again."""
    from synthetic import synthetic_evaluations  # noqa: PLC0415

    from evalaudit.model import Goal  # noqa: PLC0415
    from evalaudit.text.frame import build_texts  # noqa: PLC0415

    last = FIRST_YEAR + size // UNITS
    forms, resubmitted = [], set()
    for number, evaluation in enumerate(synthetic_evaluations(night, seed=1)):
        unit = number % UNITS
        year = last if number % 50 else last - 1  # one in fifty resubmits last year's stored form
        if year != last:
            resubmitted.add(form_key(unit, year))
        rows = form_texts(unit, year)
        goals = [Goal(e[3], a[3]) for e, a in zip(rows[0:6:2], rows[1:6:2], strict=True)]
        explanations = [text for field, _, _, text in rows if field == "explanation"]
        for indicator, text in zip(evaluation.indicators, explanations, strict=False):
            indicator.explanation = text
        evaluation.unit, evaluation.year, evaluation.goals = unit_name(unit), year, goals
        evaluation.project_name, evaluation.form_type = "项目", "project"
        evaluation.evaluation_id = f"n-{unit}-{year}-{number}"
        evaluation.notes = rows[-1][3]
        forms.append(evaluation)
    return build_texts(forms), resubmitted


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM: unlike ru_maxrss, not inherited from the parent across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(way: str, store_path: Path, size: int, night: int, out: Path) -> None:
    """One way's text step in this process: CPU seconds and peak RSS around it, the facts' hash."""
    from evalaudit.text.facts import text_facts  # noqa: PLC0415

    store = open_store(f"sqlite:///{store_path}")
    texts_now, resubmitted = night_texts(size, night)
    before = peak_rss_mb()
    start = time.process_time()
    history = store.history_texts(resubmitted) if way == "old" else store.text_history(resubmitted)
    facts = text_facts(texts_now, history)
    cpu = time.process_time() - start
    peak = peak_rss_mb()
    read = len(history) if way == "old" else history.rows_read
    columns = [c for c in facts.columns if c not in ("context",)]
    digest = hashlib.sha256(pd.util.hash_pandas_object(facts[columns].astype(str), index=True).to_numpy()).hexdigest()
    save = None
    if way == "new":  # what storing the night's signs costs (rolled back: the store stays as built)
        start = time.process_time()
        with store.engine.connect() as connection:
            transaction = connection.begin()
            save_signs(connection, texts_now[list(COLUMNS)])
            transaction.rollback()
        save = time.process_time() - start
    flagged = int((facts["other_unit_similarity"] >= 0.8).sum() + (facts["previous_year_similarity"] >= 0.8).sum())
    result = {"cpu": cpu, "peak_mb": peak, "before_mb": before, "rows_read": read, "digest": digest}
    result |= {"texts": len(texts_now), "flagged": flagged, "save_cpu": save, "load": os.getloadavg()}
    out.write_text(json.dumps(result))


def run_way(way: str, store_path: Path, size: int, night: int, work: Path) -> dict:
    out = work / f"result-{way}-{size}.json"
    command = [sys.executable, __file__, "--measure", way, "--store", str(store_path), "--size", str(size)]
    subprocess.run([*command, "--night", str(night), "--out", str(out)], check=True)
    return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--night", type=int, default=5000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/evalaudit-text-history"))
    parser.add_argument("--ways", nargs="+", default=["old", "new"])
    parser.add_argument("--measure", choices=["old", "new"])
    parser.add_argument("--store", type=Path)
    parser.add_argument("--size", type=int)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.store, args.size, args.night, args.out)
        return
    args.work.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        path = args.work / f"history-{size}.db"
        if not path.exists():
            partial = path.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            build_store(partial, size)
            partial.rename(path)
        print(f"history of {size:,} forms, night of {args.night:,} forms ({path})", flush=True)
        results = {way: run_way(way, path, size, args.night, args.work) for way in args.ways}
        for way, r in results.items():
            load = " ".join(f"{x:.1f}" for x in r["load"])
            saved = f", storing its signs {r['save_cpu']:.1f} s CPU" if r["save_cpu"] is not None else ""
            print(
                f"  {way}: text step {r['cpu']:.1f} s CPU, peak RSS {r['peak_mb']:,.0f} MB "
                f"({r['before_mb']:,.0f} MB before it), {r['rows_read']:,} history rows read, "
                f"{r['texts']:,} night texts, {r['flagged']:,} copies flagged{saved}; load {load}"
            )
        digests = {r["digest"] for r in results.values()}
        print(f"  text facts identical: {len(digests) == 1}" if len(results) > 1 else "", flush=True)


if __name__ == "__main__":
    main()
