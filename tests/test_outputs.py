"""Outputs are written atomically: a crash mid-write leaves the previous file, never half of a new one."""

from __future__ import annotations

import csv
import json

import pytest

from evalaudit.model import Finding
from evalaudit.outputs import write_findings_csv, write_jsonl, write_run_outputs


def test_a_crash_while_writing_keeps_the_previous_file(tmp_path):
    target = tmp_path / "findings.jsonl"
    write_jsonl([{"a": 1}], target)

    def rows():
        yield {"a": 2}
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        write_jsonl(rows(), target)
    assert target.read_text(encoding="utf-8") == '{"a": 1}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["findings.jsonl"]  # no half-written temporary left


def test_chinese_is_written_as_characters(tmp_path):
    target = tmp_path / "x.jsonl"
    write_jsonl([{"单位": "清溪县"}], target)
    assert target.read_text(encoding="utf-8") == '{"单位": "清溪县"}\n'


def test_findings_csv_never_hands_excel_a_formula_but_keeps_numbers_numbers(tmp_path):
    hostile = '=HYPERLINK("http://x","y")'
    finding = Finding(
        "e1", "@SUM(A1).txt", 1, hostile, 2023, "project", "arithmetic.total", "arithmetic", "error",
        "\t总分", "-3", "-0.5", message="+1 分即可", run_id="-r1",
    )  # fmt: skip
    write_run_outputs(tmp_path, [finding], [])
    with (tmp_path / "findings.csv").open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["unit"] == "'" + hostile and row["source_file"] == "'@SUM(A1).txt" and row["location"] == "'\t总分"
    assert row["message"] == "'+1 分即可" and row["run_id"] == "'-r1"
    assert (row["stated"], row["expected"], row["year"], row["form_index"]) == ("-3", "-0.5", "2023", "1")
    [raw] = [json.loads(line) for line in (tmp_path / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert raw["unit"] == hostile and raw["location"] == "\t总分"  # the JSON lines keep what was submitted


@pytest.mark.parametrize("cell", ["-3", "-0.5", "+2", "-12.5%", "=", "-", "@", "\r1", "-1-1", "+A1"])
def test_only_plain_numbers_may_start_like_a_formula(tmp_path, cell):
    finding = Finding("e1", "f.txt", 1, "单位", 2023, "project", "c", "arithmetic", "error", "总分", cell)
    write_findings_csv([finding], tmp_path / "findings.csv")
    with (tmp_path / "findings.csv").open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    number = cell in ("-3", "-0.5", "+2", "-12.5%")
    assert row["stated"] == (cell if number else "'" + cell)


def test_evaluations_jsonl_reuses_the_previous_lines_and_links_a_file_that_did_not_change(tmp_path):
    from evalaudit.outputs import EvaluationLines
    from tests.forms import consistent_form

    forms = [consistent_form(i) for i in (1, 2, 3)]
    first = EvaluationLines(tmp_path / "one.jsonl", None)
    places = [first.write(form) for form in forms]
    first.close()
    assert [json.loads(line) for line in (tmp_path / "one.jsonl").read_text("utf-8").splitlines()] == [
        form.to_dict() for form in forms
    ]

    same = EvaluationLines(tmp_path / "two.jsonl", tmp_path / "one.jsonl")
    assert [same.copy(*place) for place in places] == places
    same.close()
    assert (tmp_path / "two.jsonl").stat().st_ino == (tmp_path / "one.jsonl").stat().st_ino

    changed = EvaluationLines(tmp_path / "three.jsonl", tmp_path / "one.jsonl")
    changed.copy(*places[0])
    changed.write(consistent_form(9))
    changed.copy(*places[2])
    assert changed.copy(places[2][0] + 1, places[2][1]) is None  # not a whole line of the previous file
    changed.close()
    ids = [json.loads(line)["evaluation_id"] for line in (tmp_path / "three.jsonl").read_text("utf-8").splitlines()]
    assert ids == [forms[0].evaluation_id, consistent_form(9).evaluation_id, forms[2].evaluation_id]
