"""The checks never crash, whatever the evaluations hold: no forms, forms without funds or indicators, only a
report, None anywhere it may be, text where a number belongs, NaN, infinity, huge values, the same form twice.

Every real file is also checked on its own, as `evalaudit audit FILE` does: a file with no indicator table
must not take the run down with it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalaudit.checks import CheckResult, run_checks
from evalaudit.checks.suites import load_suites
from evalaudit.frames import FRAME_SCHEMAS
from evalaudit.ingest import read_source
from evalaudit.model import (
    CATEGORY_LABELS,
    SEVERITY_LABELS,
    Evaluation,
    Finding,
    FundRow,
    Goal,
    Indicator,
    Measure,
    ParseWarning,
    Section,
)
from evalaudit.parse import parse_document
from tests.conftest import ROOT
from tests.forms import consistent_form

SHARED = ROOT.parent / "shared"
SUITES = load_suites()  # loaded once for the whole module

# --- what a form may hold --------------------------------------------------------------------------------

# Numbers as a parser, a JSON round trip or a careless caller might leave them.
numbers = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-5, max_value=120).map(lambda x: round(x, 2)),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from([0, 0.0, -0.0, 0.5, 10, 100, 100.0001, 1e15, 1e308, -1, 10**30, 10**400, -(10**400)]),
    st.sampled_from(["95", "abc", "", "95%", "1e400", " 7 ", "NaN"]),  # text in a number field
)
# Text fields: words the facts look for, sentences long enough to be compared, and anything else.
SENTENCES = [
    "按照年度工作计划完成了全部设备采购与安装调试工作",
    "由于资金拨付时间较晚，部分项目支出进度滞后于预期",
    "请在此处简要说明（100字以内）",
    "税务部门代征社保费征收工作稳步推进，办税流程不断优化",
    "年度目标已全部完成，群众满意度进一步提升",
]
WORDS = ["", " ", "无", "无偏差", "未完成", "优", "良好", "中", "差", "反向", "定性", "正向", "——", "XX", "**"]
texts = st.one_of(st.none(), st.sampled_from(WORDS + SENTENCES), st.text(max_size=20))
required_texts = st.one_of(st.sampled_from(WORDS + SENTENCES), st.text(max_size=20))
LEVEL1 = ["产出指标", "效益指标", "满意度指标", "成本指标", "投入", "过程", "", "其他"]
LEVEL2 = ["数量指标", "质量指标", "经济成本指标", "社会效益指标", "服务对象满意度指标", ""]
FUND_ITEMS = ["年度资金总额", "基本支出", "项目支出", "其他资金", "本年财政拨款", "上年结转", "", "合计"]
UNITS = ["%", "万件", "亿元", "个", "人次", "年", "月底前", "天", "", None]
INDICATOR_NAMES = ["预算执行率", "基本支出预算完成率", "项目支出执行率", "完成数量", "合格率", "满意度", "", None]

measures = st.builds(
    Measure,
    raw=required_texts | st.sampled_from(["≥95%", "100个", "1.5万件", "2023年12月底前", "优"]),
    op=st.sampled_from([None, "≥", "≤", "=", ">", "<", ""]),
    value=numbers,
    unit=st.sampled_from(UNITS),
    qualitative=st.booleans(),
)
fund_rows = st.builds(
    FundRow,
    item=st.sampled_from(FUND_ITEMS),
    label=texts,
    initial_budget=numbers,
    budget=numbers,
    executed=numbers,
    weight=numbers,
    stated_rate=numbers,
    stated_rate_raw=texts,
    stated_score=numbers,
    raw=texts,
)
indicators = st.builds(
    Indicator,
    name=st.one_of(st.sampled_from(INDICATOR_NAMES), texts),
    level1=st.sampled_from(LEVEL1),
    level2=st.sampled_from(LEVEL2),
    target=measures,
    actual=measures,
    weight=numbers,
    score=numbers,
    explanation=texts,
    nature=texts,
    parent=st.one_of(st.none(), st.integers(min_value=-1, max_value=6), numbers),
    is_subtotal=st.booleans(),
    raw=texts,
)
sections = st.builds(Section, name=st.sampled_from(LEVEL1), weight=numbers, score=numbers, raw=texts)
goals = st.builds(Goal, expected=texts, actual=texts)
warnings = st.builds(
    ParseWarning, code=st.sampled_from(["row_extra_cell", "x"]), message=texts, location=texts, raw=texts
)


@st.composite
def evaluations(draw) -> Evaluation:
    index = draw(st.integers(min_value=1, max_value=3))
    sha = draw(st.sampled_from(["a" * 64, "b" * 64, "c" * 64]))  # few ids: distinct forms may collide
    some = lambda strategy, most: st.lists(strategy, max_size=most)  # noqa: E731
    return Evaluation(
        evaluation_id=f"{sha[:16]}-{index}",
        source_file=draw(st.sampled_from(["a.txt", "子目录/表.html", ""])),
        source_sha256=sha,
        form_index=index,
        form_type=draw(st.sampled_from(["department", "project", "report"])),
        unit=draw(texts),
        supervising_department=draw(texts),
        project_name=draw(texts),
        year=draw(st.one_of(st.integers(min_value=2015, max_value=2026), numbers)),
        fill_date=draw(texts),
        amount_unit=draw(st.sampled_from(["万元", "元", "", None])),
        funds=draw(some(fund_rows, 5)),
        goals=draw(some(goals, 2)),
        indicators=draw(some(indicators, 8)),
        sections=draw(some(sections, 3)),
        stated_total_weight=draw(numbers),
        stated_total=draw(numbers),
        conclusion=draw(st.one_of(st.sampled_from(["优", "良好", "中", "差", "优秀（90分以上为优）"]), texts)),
        notes=draw(texts),
        raw_text=draw(st.one_of(texts, st.just("90分（含）以上为优、80-90分为良、60-80分为中、60分以下为差"))),
        warnings=draw(some(warnings, 2)),
    )


@st.composite
def batches(draw) -> list[Evaluation]:
    """One form or several, sometimes the very same form more than once."""
    forms = draw(st.lists(evaluations(), min_size=1, max_size=5))
    repeats = draw(st.lists(st.integers(min_value=0, max_value=len(forms) - 1), max_size=2))
    return forms + [forms[i] for i in repeats]


# --- what every result must be ---------------------------------------------------------------------------


def assert_sound(result: CheckResult, forms: list[Evaluation]) -> None:
    assert isinstance(result, CheckResult)
    ids = {form.evaluation_id for form in forms}
    for finding in result.findings:
        assert isinstance(finding, Finding)
        assert finding.category in CATEGORY_LABELS, finding
        assert finding.severity in SEVERITY_LABELS, finding
        assert finding.check_id.startswith(finding.category + "."), finding
        assert finding.evaluation_id in ids, finding
        for text in (finding.unit, finding.location, finding.stated, finding.expected, finding.message):
            assert isinstance(text, str), finding
    # Each form once, and every frame keeps its declared dtypes whatever the values were.
    frames = result.frames.named()
    assert sorted(frames["evaluations"]["evaluation_id"]) == sorted(ids)
    for name, schema in FRAME_SCHEMAS.items():
        assert {column: str(frames[name][column].dtype) for column in schema} == schema, name


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(forms=batches())
def test_any_evaluations_are_checked_without_raising(forms):
    assert_sound(run_checks(forms, suites=SUITES), forms)


# --- the shapes that crashed -----------------------------------------------------------------------------


def test_no_forms_give_an_empty_result():
    result = run_checks([], suites=SUITES)
    assert result.findings == []
    assert result.frames.evaluations.empty and result.frames.texts.empty
    assert result.facts("computed_total") == {}


def test_a_form_with_funds_but_no_indicators_is_still_judged_on_its_funds():
    form = replace(consistent_form(), indicators=[], sections=[])
    spent_too_much = replace(form.funds[2], executed=60)  # 上年结转: 60 spent of 50
    result = run_checks([replace(form, funds=[*form.funds[:2], spent_too_much])], suites=SUITES)
    assert_sound(result, [form])
    assert "execution_rate.spending_over_budget" in {f.check_id for f in result.findings}
    # No indicator scores to add up: the total is not recomputed, and so not called wrong.
    assert result.facts("computed_total") == {}
    assert "arithmetic.total" not in {f.check_id for f in result.findings}


def test_a_form_with_indicators_but_no_funds_reports_the_missing_amounts():
    form = replace(consistent_form(), funds=[])
    result = run_checks([form], suites=SUITES)
    assert_sound(result, [form])
    assert {"completeness.budget_missing", "completeness.executed_missing"} <= {f.check_id for f in result.findings}


def test_a_report_alone_is_checked():
    report = Evaluation(
        evaluation_id="r" * 16 + "-1",
        source_file="report.txt",
        source_sha256="r" * 64,
        form_index=1,
        form_type="report",
        unit="清溪县某中心",
        year=2023,
        sections=[Section("投入", 10, 9), Section("过程", 50, 48)],
        stated_total=88,
        conclusion="良好",
    )
    result = run_checks([report], suites=SUITES)
    assert_sound(result, [report])
    assert result.facts("computed_total") == {}  # no indicator rows and no funds: nothing to add up
    assert not [f for f in result.findings if f.category == "completeness"]  # a report needs no funds table


def test_the_same_form_twice_is_checked_once():
    form = replace(consistent_form(), stated_total=90)  # 98.5 by its own numbers
    once = run_checks([form], suites=SUITES).findings
    twice = run_checks([form, form], suites=SUITES).findings
    assert [f.check_id for f in once] == ["arithmetic.total"]
    assert twice == once


def test_text_in_number_fields_counts_as_no_number():
    form = replace(consistent_form(), stated_total="九十八", year="2023年")
    result = run_checks([form], suites=SUITES)
    assert_sound(result, [form])
    assert {"completeness.total_missing", "completeness.year_missing"} <= {f.check_id for f in result.findings}
    assert result.facts("computed_total") == {form.evaluation_id: 98.5}  # its other numbers still count


# --- every real file on its own --------------------------------------------------------------------------

REAL_FILES = sorted((SHARED / "corpus").glob("*.txt")) + sorted((SHARED / "seeds").glob("*.txt"))


@pytest.mark.skipif(not REAL_FILES, reason=f"the shared corpus and seeds are not at {SHARED}")
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_each_real_file_is_checked_on_its_own(path: Path):
    forms = parse_document(read_source(path)).evaluations
    result = run_checks(forms, suites=SUITES)
    assert isinstance(result.findings, list)
    assert_sound(result, forms)
