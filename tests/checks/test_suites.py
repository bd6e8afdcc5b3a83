"""The suites are data a reviewer can read and tune: valid GX JSON, Chinese as characters, every rule explained."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from evalaudit.checks import run_checks
from evalaudit.checks.causes import conditions, rules
from evalaudit.checks.findings import template_fields
from evalaudit.checks.suites import SUITES_DIR, SuiteError, load_suites, validate
from tests.forms import consistent_form


def test_suites_write_chinese_as_characters_not_escapes():
    for path in SUITES_DIR.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert "\\u" not in text, path.name
        json.loads(text)


def test_every_template_names_columns_its_frame_has():
    frames = run_checks([consistent_form()]).frames.named()
    for name, suite in load_suites().items():
        columns = set(frames[name].columns)
        for expectation in suite["expectations"]:
            meta = expectation["meta"]
            fields = set().union(*(template_fields(meta.get(key, "")) for key in ("location", "message", "cell")))
            fields |= {meta[key] for key in ("stated", "expected") if meta.get(key)}
            fields |= conditions(meta)  # the cause rules' conditions are columns of the failing row
            assert fields <= columns, (name, meta["check_id"], fields - columns)


def test_every_cause_a_rule_names_is_a_check():
    checks = {e["meta"]["check_id"] for suite in load_suites().values() for e in suite["expectations"]}
    named = {cause for s in load_suites().values() for e in s["expectations"] for cause, _, _ in rules(e["meta"])}
    assert named and named <= checks, named - checks


@pytest.mark.parametrize(
    ("causes", "refusal"),
    [
        ([{"check": "arithmetic.total", "when": "x"}], "consequence_of must list"),
        ([{"if": "x"}], "consequence_of must list"),
        ("arithmetic.total", "consequence_of must list"),
        ([{"check": "arithmetic.total", "scope": "page"}], "consequence_scope 'page'"),
    ],
)
def test_a_cause_rule_the_code_cannot_read_is_refused(tmp_path, causes, refusal):
    meta = {"check_id": "x.y", "name": "某检查", "category": "x", "severity": "warning", "audience": "unit", "location": "l",
            "message": "m", "consequence_of": causes}  # fmt: skip
    expectation = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}, "meta": meta}
    (tmp_path / "funds.json").write_text(json.dumps({"name": "funds", "expectations": [expectation]}), encoding="utf-8")
    with pytest.raises(SuiteError, match=refusal):
        load_suites(tmp_path)


def test_check_ids_are_unique_and_name_their_category():
    ids = [e["meta"]["check_id"] for suite in load_suites().values() for e in suite["expectations"]]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert duplicates == {"arithmetic.score_over_weight"}  # the same rule on fund rows and indicator rows
    for suite in load_suites().values():
        for expectation in suite["expectations"]:
            assert expectation["meta"]["check_id"].startswith(expectation["meta"]["category"] + ".")


def test_an_expectation_without_its_meaning_is_refused(tmp_path):
    (tmp_path / "funds.json").write_text(
        json.dumps(
            {
                "name": "funds",
                "expectations": [
                    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "budget"}, "meta": {}}
                ],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(SuiteError, match="lacks meta"):
        load_suites(tmp_path)


def test_every_check_says_whom_it_is_for():
    audiences = {
        e["meta"]["check_id"]: e["meta"]["audience"] for s in load_suites().values() for e in s["expectations"]
    }
    assert set(audiences.values()) == {"unit", "reviewer"}
    assert audiences["text_copy.same_unit_other_form"] == "reviewer"  # 仅供参考: the forms may share their goals


def test_a_check_for_nobody_in_particular_is_refused(tmp_path):
    meta = {
        "check_id": "x.y",
        "name": "某检查",
        "category": "x",
        "severity": "warning",
        "audience": "bureau",
        "location": "l",
        "message": "m",
    }
    expectation = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}, "meta": meta}
    (tmp_path / "funds.json").write_text(json.dumps({"name": "funds", "expectations": [expectation]}), encoding="utf-8")
    with pytest.raises(SuiteError, match="audience 'bureau'"):
        load_suites(tmp_path)


def test_gx_s_own_severity_follows_the_project_s_so_a_warning_is_no_critical_failure():
    from evalaudit.checks.suites import SuiteRunner

    runner = SuiteRunner(load_suites())
    pairs = {(e.meta["severity"], e.severity.value) for suite in runner.suites.values() for e in suite.expectations}
    assert pairs == {("error", "critical"), ("warning", "warning"), ("info", "info")}


def test_a_suite_whose_gx_severity_contradicts_its_meta_is_refused(tmp_path):
    meta = {
        "check_id": "x.y",
        "name": "某检查",
        "category": "x",
        "severity": "warning",
        "audience": "unit",
        "location": "l",
        "message": "m",
    }
    expectation = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}, "meta": meta}
    (tmp_path / "funds.json").write_text(
        json.dumps({"name": "funds", "expectations": [{**expectation, "severity": "critical"}]}), encoding="utf-8"
    )
    with pytest.raises(SuiteError, match="severity 'critical' to GX"):
        load_suites(tmp_path)


def test_a_rule_that_cannot_run_raises_instead_of_passing():
    suite = {
        "name": "funds",
        "expectations": [
            {
                "type": "expect_column_values_to_not_be_null",
                "kwargs": {"column": "no_such_column"},
                "meta": {"check_id": "x.y", "category": "x", "severity": "error", "location": "", "message": ""},
            }
        ],
    }
    with pytest.raises(SuiteError):
        validate({"funds": pd.DataFrame({"budget": [1.0]})}, {"funds": suite})


def test_tolerance_expectation_judges_each_row_with_its_own_tolerance():
    frame = pd.DataFrame(
        {
            "stated": [96.4, 96.4, 97.752, 1.0],
            "expected": [96.38, 96.2, 97.7515, None],
            "tolerance": [0.05, 0.05, 0.0005, 0.5],
        }
    )
    suite = {
        "name": "t",
        "expectations": [
            {
                "type": "expect_stated_value_to_match_within_tolerance",
                "kwargs": {"column_list": ["stated", "expected", "tolerance"]},
                "meta": {"check_id": "a.b", "category": "a", "severity": "error", "location": "", "message": ""},
            }
        ],
    }
    [failure] = validate({"t": frame}, {"t": suite})
    assert failure.rows == [1]  # 96.2 is off by 0.2; a missing expected value is not judged


def test_readme_documents_every_check():
    readme = (SUITES_DIR.parent / "README.md").read_text(encoding="utf-8")
    for suite in load_suites().values():
        for expectation in suite["expectations"]:
            check_id = expectation["meta"]["check_id"]
            documented = f"`{check_id}`" in readme or (
                check_id.startswith("completeness.")
                and check_id.endswith("_missing")
                and "`completeness.*_missing`" in readme
            )
            assert documented, check_id


def test_every_check_has_a_chinese_name_people_read_instead_of_its_id():
    from evalaudit.check_names import check_name

    names = {e["meta"]["check_id"]: e["meta"]["name"] for s in load_suites().values() for e in s["expectations"]}
    assert all(re.search(r"[\u4e00-\u9fff]", name) for name in names.values()), names
    assert check_name("arithmetic.total") == "总分与各项得分合计不符"
    assert check_name("completeness.parse.text_cut_off") == "文本不完整"
    assert check_name("completeness.parse.something_new") == "识别说明"
    assert check_name("completeness.file_unreadable") == "文件无法读取"
