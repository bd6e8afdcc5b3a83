"""The parser on real forms from 17 provinces, against what was read in them by hand.

tests/parse/corpus_expected/ holds the hand extraction of every corpus form (../shared/corpus);
tests/parse/corpus_baseline.json records what the parser reads right today (benchmarks/parse_corpus.py
--update-baseline). A field read right must stay right, and no new wrong value may appear.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evalaudit.ingest import read_source
from evalaudit.parse import parse_document
from evalaudit.parse.accuracy import FUND_FIELDS, HEADER_FIELDS, INDICATOR_FIELDS, compare, extraction

HERE = Path(__file__).parent
CORPUS = HERE.parents[1].parent / "shared" / "corpus"
EXPECTED = {
    path.stem: json.loads(path.read_text("utf-8")) for path in sorted((HERE / "corpus_expected").glob("*.json"))
}
BASELINE = json.loads((HERE / "corpus_baseline.json").read_text("utf-8"))


def _tally(name: str):
    expected = EXPECTED[name]
    parsed = [
        extraction(evaluation) for evaluation in parse_document(read_source(CORPUS / expected["file"])).evaluations
    ]
    return compare(expected["forms"], parsed, expected["file"])


def test_every_corpus_form_was_read_by_hand() -> None:
    assert sorted(path.name for path in CORPUS.glob("*.txt")) == sorted(e["file"] for e in EXPECTED.values())
    assert sorted(BASELINE) == sorted(e["file"] for e in EXPECTED.values())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hand_extraction_is_well_formed(name: str) -> None:
    expected = EXPECTED[name]
    for form in expected["forms"]:
        assert form["form_type"] in ("project", "department", "report")
        assert set(HEADER_FIELDS) <= set(form)
        for row in form["funds"]:
            assert row["label"] and set(FUND_FIELDS) <= set(row)
            assert all(row[f] is None or isinstance(row[f], (int, float)) for f in FUND_FIELDS)
        for row in form["indicators"]:
            assert set(INDICATOR_FIELDS) | {"name"} <= set(row)
            assert all(row[f] is None or isinstance(row[f], (int, float)) for f in ("weight", "score"))
        for section in form["sections"]:
            assert section["name"] and (section["weight"] is None or isinstance(section["weight"], (int, float)))
    for error in expected.get("errors", []):
        assert "check" in error and (error["check"] or error.get("why")), error  # caught, or said why not


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_extraction_does_not_regress(name: str) -> None:
    tally = _tally(name)
    baseline = BASELINE[EXPECTED[name]["file"]]
    lost = Counter(baseline["right"]) - Counter(tally.right)
    assert not lost, f"fields no longer read right: {sorted(lost)}"
    assert tally.wrong_claims <= baseline["wrong_claims"], [m for m in tally.misses if "读出 （空）" not in m]


def test_forms_that_show_funds_or_indicators_come_back_with_them() -> None:
    """Every form whose text shows fund amounts or indicator rows (read by hand) is returned with them: not one
    table of the corpus is left unread (a form that cannot be read still says so, tests/parse/test_families.py)."""
    amounts = ("initial_budget", "budget", "executed", "stated_rate")
    empty = []
    for name, expected in EXPECTED.items():
        parsed = parse_document(read_source(CORPUS / expected["file"])).evaluations
        assert len(parsed) == len(expected["forms"]), name
        for number, (want, got) in enumerate(zip(expected["forms"], parsed), start=1):
            shown_funds = any(row.get(key) is not None for row in want["funds"] for key in amounts)
            got_funds = any(getattr(row, key) is not None for row in got.funds for key in amounts)
            if shown_funds and not got_funds:
                empty.append(f"{name}#{number}: funds")
            if want["indicators"] and not got.indicators:
                empty.append(f"{name}#{number}: indicators")
    assert not empty, "a table the form shows came back without its rows: " + ", ".join(empty)
