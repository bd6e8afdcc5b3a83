"""The audit on the 42 real corpus forms: every provable error found in them by hand is reported, and no
`error` is raised on anything else.

The errors are listed in each form's hand extraction (tests/parse/corpus_expected/*.json, `errors`), each
with the check that must report it — or, where none does yet, the reason (`why`), so the list is also the
record of what the audit still misses.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evalaudit.pipeline import audit

HERE = Path(__file__).parent
CORPUS = HERE.parents[1].parent / "shared" / "corpus"
EXPECTED = [
    json.loads(p.read_text("utf-8")) for p in sorted((HERE.parent / "parse" / "corpus_expected").glob("*.json"))
]
CAUGHT = sorted(
    {(e["file"], error["form"], error["check"]) for e in EXPECTED for error in e.get("errors", []) if error["check"]}
)


@pytest.fixture(scope="module")
def findings():
    run = audit([CORPUS / e["file"] for e in EXPECTED])
    return [f for f in run.findings if f.source_file.endswith(".txt")]


@pytest.mark.parametrize(("name", "form", "check_id"), CAUGHT)
def test_error_found_by_hand_is_reported(findings, name: str, form: int, check_id: str) -> None:
    reported = {(f.source_file, f.form_index, f.check_id) for f in findings}
    assert (name, form, check_id) in reported


def test_no_error_on_a_number_that_is_right(findings) -> None:
    listed = {(name, form, check_id) for name, form, check_id in CAUGHT}
    unlisted = [
        f"{f.source_file}#{f.form_index} {f.check_id} {f.location}: {f.message}"
        for f in findings
        if f.severity == "error" and (f.source_file, f.form_index, f.check_id) not in listed
    ]
    assert not unlisted


def test_a_cut_off_form_is_said_to_be_cut_off_once_not_value_by_value(findings) -> None:
    """40_sichuan stops inside its indicator table: one text_cut_off, no missing total, no missing row values."""
    forty = [f for f in findings if f.source_file == "40_sichuan.txt"]
    codes = [f.check_id for f in forty]
    assert codes.count("completeness.parse.text_cut_off") == 1
    assert "completeness.total_missing" not in codes
    assert not [c for c in codes if c.startswith("completeness.indicator_") and c.endswith("_missing")]


def test_a_blank_template_column_is_one_finding(findings) -> None:
    """34_sichuan is an unscored template: one scores_blank per table, not one score_missing per row."""
    codes = [(f.form_index, f.check_id) for f in findings if f.source_file == "34_sichuan.txt"]
    assert codes.count((1, "completeness.scores_blank")) == 1
    assert (1, "completeness.indicator_score_missing") not in codes
