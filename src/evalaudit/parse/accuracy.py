"""Field-level accuracy of the parser against an extraction read by hand.

A hand extraction is plain data (the JSON files under tests/parse/corpus_expected/, or the digests of the
seeds and samples): forms, their header fields, fund rows, indicator rows, sections and totals. Every field
the reader wrote down is one fact to recall; every field the parser filled in is one claim to be precise
about. Rows are paired by their label, not their position, so a missed row costs its own fields only.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from evalaudit.model import Evaluation
from evalaudit.textnorm import fold

HEADER_FIELDS = ("form_type", "unit", "supervising_department", "project_name", "year")
FUND_FIELDS = ("initial_budget", "budget", "executed", "weight", "stated_rate", "stated_score")
INDICATOR_FIELDS = ("level1", "level2", "target", "actual", "weight", "score")
TOTAL_FIELDS = ("stated_total", "stated_total_weight", "grade")
KINDS = ("forms", "header", "funds", "indicators", "sections", "totals")


@dataclass
class Tally:
    """Counts per field kind: `expected` facts, `produced` claims, `correct` ones among both."""

    expected: Counter = field(default_factory=Counter)
    produced: Counter = field(default_factory=Counter)
    correct: Counter = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)  # "kind/where: expected X, parsed Y", for the worst-file list
    right: list[str] = field(default_factory=list)  # where each field read right is: what must stay right
    wrong_claims: int = 0  # fields the parser filled in with a value the hand reading does not have

    def add(self, kind: str, expected: object, produced: object, where: str) -> None:
        has_expected, has_produced = _present(expected), _present(produced)
        self.expected[kind] += has_expected
        self.produced[kind] += has_produced
        if has_expected and has_produced and _same(expected, produced):
            self.correct[kind] += 1
            self.right.append(where)
        elif has_expected or has_produced:
            self.misses.append(f"{where}: 应为 {_show(expected)}，读出 {_show(produced)}")
            self.wrong_claims += has_produced

    def merge(self, other: Tally) -> None:
        self.expected.update(other.expected)
        self.produced.update(other.produced)
        self.correct.update(other.correct)
        self.misses.extend(other.misses)
        self.right.extend(other.right)
        self.wrong_claims += other.wrong_claims

    def precision(self, kind: str | None = None) -> float:
        produced = sum(self.produced.values()) if kind is None else self.produced[kind]
        correct = sum(self.correct.values()) if kind is None else self.correct[kind]
        return correct / produced if produced else 1.0

    def recall(self, kind: str | None = None) -> float:
        expected = sum(self.expected.values()) if kind is None else self.expected[kind]
        correct = sum(self.correct.values()) if kind is None else self.correct[kind]
        return correct / expected if expected else 1.0

    def f1(self) -> float:
        p, r = self.precision(), self.recall()
        return 2 * p * r / (p + r) if p + r else 0.0


def extraction(evaluation: Evaluation) -> dict:
    """An evaluation in the shape of a hand extraction."""
    return {
        **{name: getattr(evaluation, name) for name in HEADER_FIELDS},
        "funds": [
            {"label": row.label, "item": row.item, **{name: getattr(row, name) for name in FUND_FIELDS}}
            for row in evaluation.funds
        ],
        "sections": [{"name": s.name, "weight": s.weight, "score": s.score} for s in evaluation.sections],
        "indicators": [
            {
                "level1": row.level1,
                "level2": row.level2,
                "name": row.name,
                "target": row.target.raw,
                "actual": row.actual.raw,
                "weight": row.weight,
                "score": row.score,
            }
            for row in evaluation.indicators
            if not row.is_subtotal
        ],
        "stated_total": evaluation.stated_total,
        "stated_total_weight": evaluation.stated_total_weight,
        "grade": evaluation.conclusion,
    }


def from_digest(form: dict) -> dict:
    """A test digest (tests/parse/digest.py: rows as tuples) in the shape of a hand extraction."""
    return {
        **{name: form[name] for name in HEADER_FIELDS},
        "funds": [
            {"label": row[0], "item": row[0], **dict(zip(FUND_FIELDS, row[1:], strict=True))} for row in form["funds"]
        ],
        "sections": [{"name": name, "weight": weight, "score": None} for name, weight in form["sections"]],
        "indicators": [
            dict(zip(("level1", "level2", "name", "target", "actual", "weight", "score"), row, strict=True))
            for index, row in enumerate(form["indicators"])
            if index not in set(form.get("parents", {}).values())
        ],
        "stated_total": form["stated_total"],
        "stated_total_weight": form["stated_total_weight"],
        "grade": form["conclusion"],
    }


def compare(expected_forms: list[dict], parsed_forms: list[dict], where: str = "") -> Tally:
    """Score parsed forms (as `extraction` gives them) against the forms read by hand."""
    tally = Tally()
    pairs = _pair_forms(expected_forms, parsed_forms)
    for index, (want, got) in enumerate(pairs, start=1):
        at = f"{where}#{index}"
        tally.add("forms", want is not None, got is not None, f"{at}/表")
        want, got = want or {}, got or {}
        for name in HEADER_FIELDS:
            tally.add("header", want.get(name), got.get(name), f"{at}/{name}")
        for a, b in _pair_rows(want.get("funds", []), got.get("funds", []), FUND_KEYS):
            label = _either(a, b)["label"]
            for name in FUND_FIELDS:
                tally.add("funds", (a or {}).get(name), (b or {}).get(name), f"{at}/资金/{label}/{name}")
        for a, b in _pair_rows(want.get("indicators", []), got.get("indicators", []), INDICATOR_KEYS):
            label = _either(a, b)["name"][:14]
            if a is not None and b is not None and not _names_agree(a, b):
                # paired by its cells, named otherwise: the row is there, its name is read wrong
                tally.add("indicators", a["name"] or "（无名称）", b["name"] or "（无名称）", f"{at}/指标/{label}/name")
            else:
                tally.add("indicators", a is not None, b is not None, f"{at}/指标/{label}")
            for name in INDICATOR_FIELDS:
                tally.add("indicators", (a or {}).get(name), (b or {}).get(name), f"{at}/指标/{label}/{name}")
        for a, b in _pair_rows(want.get("sections", []), got.get("sections", []), SECTION_KEYS):
            label = _either(a, b)["name"]
            for name in ("weight", "score"):
                tally.add("sections", (a or {}).get(name), (b or {}).get(name), f"{at}/分组/{label}/{name}")
        for name in TOTAL_FIELDS:
            tally.add("totals", want.get(name), got.get(name), f"{at}/{name}")
    return tally


# pairing ------------------------------------------------------------------------------------------


def _pair_forms(expected: list[dict], parsed: list[dict]) -> list[tuple[dict | None, dict | None]]:
    """Forms in file order, paired where their types line up (a missed form leaves the others paired)."""
    matcher = SequenceMatcher(a=[f["form_type"] for f in expected], b=[f["form_type"] for f in parsed], autojunk=False)
    pairs: list[tuple[dict | None, dict | None]] = []
    i = j = 0
    for a, b, size in matcher.get_matching_blocks():
        # unmatched stretches between blocks are paired by position (a form read with the wrong type)
        while i < a and j < b:
            pairs.append((expected[i], parsed[j]))
            i, j = i + 1, j + 1
        pairs += [(expected[k], None) for k in range(i, a)] + [(None, parsed[k]) for k in range(j, b)]
        pairs += [(expected[a + k], parsed[b + k]) for k in range(size)]
        i, j = a + size, b + size
    return pairs


def _pair_rows(expected: list[dict], parsed: list[dict], keys) -> list[tuple[dict | None, dict | None]]:
    """Rows paired by their label, then the rest by a looser key (the canonical item, the row's cells), in order."""
    free = list(range(len(parsed)))
    matched: dict[int, int] = {}
    for key in keys:
        for i, row in enumerate(expected):
            if i in matched:
                continue
            want = key(row)
            match = next((j for j in free if _key_matches(want, key(parsed[j]))), None)
            if match is not None:
                free.remove(match)
                matched[i] = match
    pairs: list[tuple[dict | None, dict | None]] = [
        (row, parsed[matched[i]] if i in matched else None) for i, row in enumerate(expected)
    ]
    return pairs + [(None, parsed[j]) for j in free]


def _either(a: dict | None, b: dict | None) -> dict:
    """The row of a pair that is there (`_pair_rows` pairs a row with a row or with None, never None with None)."""
    row = a or b
    assert row is not None
    return row


def _key_matches(want: str, got: str) -> bool:
    if want.endswith("…"):
        return bool(got) and got.startswith(want[:-1])
    return bool(want) and want == got


def _fund_label(row: dict) -> str:
    return _norm(re.sub(r"^其中[:：]?", "", str(row.get("label") or "")))


def _fund_item(row: dict) -> str:
    return _norm(str(row.get("item") or ""))


def _indicator_name(row: dict) -> str:
    return _norm(re.sub(r"^指标\s*\d+\s*[:：]?", "", str(row.get("name") or "")))


def _indicator_cells(row: dict) -> str:
    cells = (row.get("target"), row.get("actual"), row.get("weight"), row.get("score"))
    return "|".join(_norm(_cell_text(cell)) for cell in cells) if any(_present(cell) for cell in cells) else ""


def _names_agree(expected: dict, parsed: dict) -> bool:
    want, got = _indicator_name(expected), _indicator_name(parsed)
    return want == got or _key_matches(want, got)


def _cell_text(cell: object) -> str:
    """A cell as the key compares it: a number as written by hand (3), whether parsed as 3.0 or not."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "" if cell is None else str(cell)


def _section_key(row: dict) -> str:
    return _level(row.get("name") or "")


FUND_KEYS = (_fund_label, _fund_item)
INDICATOR_KEYS = (_indicator_name, _indicator_cells)
SECTION_KEYS = (_section_key,)


# comparing values ---------------------------------------------------------------------------------

_PUNCT = re.compile(r"[\s:：,，。;；、()（）\[\]【】《》“”\"'‘’*★]+")


def _norm(text: str) -> str:
    text = fold(text).replace("...", "…")  # NFKC spells the ellipsis out
    text = re.sub(r"\(盖章\)|\(公章\)", "", text)
    return _PUNCT.sub("", text)


def _level(text: str) -> str:
    text = re.sub(r"[(（]\s*[\d.]+\s*分?\s*[)）]", "", fold(str(text)))
    return _norm(text).removesuffix("指标")


def _present(value: object) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return True


def _same(expected: object, produced: object) -> bool:
    if expected is True:
        return produced is True
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        try:
            return abs(float(expected) - float(produced)) <= 1e-6 * max(1.0, abs(float(expected)))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
    want, got = _norm(str(expected)), _norm(str(produced))
    if want.endswith("…"):
        return got.startswith(want[:-1])
    return want == got or (_level(str(expected)) == _level(str(produced)) and bool(_level(str(expected))))


def _show(value: object) -> str:
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "有"
    if value is False:
        return "无"
    return str(value)[:24]
