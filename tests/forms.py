"""The smallest forms a check can judge: one consistent project form, and small edits that break it.

`consistent_form()` passes every check. Each test changes one number or word and expects exactly the
finding that change should cause, so a test names the cell it is about.
"""

from __future__ import annotations

from dataclasses import replace

from evalaudit.checks import run_checks
from evalaudit.model import Evaluation, FundRow, Goal, Indicator, Measure, Section
from evalaudit.parse.numbers import parse_measure


def measure(raw: str) -> Measure:
    return parse_measure(raw)


def indicator(
    name: str,
    target: str,
    actual: str,
    weight: float | None,
    score: float | None,
    explanation: str = "无偏差",
    level1: str = "产出指标",
    level2: str = "数量指标",
    **changes,
) -> Indicator:
    return Indicator(
        name=name,
        level1=level1,
        level2=level2,
        target=measure(target),
        actual=measure(actual),
        weight=weight,
        score=score,
        explanation=explanation,
        **changes,
    )


def consistent_form(form_index: int = 1, **changes) -> Evaluation:
    """Budget 200, spent 190 (95%, score 9.5); four indicators worth 90 with 89 points; total 98.5, 优."""
    form = Evaluation(
        evaluation_id=f"{'f' * 16}-{form_index}",
        source_file="sample.txt",
        source_sha256="f" * 64,
        form_index=form_index,
        form_type="project",
        unit="清溪县某中心",
        supervising_department="清溪县某局",
        project_name="示例项目",
        year=2023,
        amount_unit="万元",
        funds=[
            FundRow("年度资金总额", "年度资金总额", 200, 200, 190, 10, 95, "95%", 9.5),
            FundRow("本年财政拨款", "其中：当年财政拨款", 150, 150, 145, None, None, "", None),
            FundRow("上年结转", "上年结转资金", 50, 50, 45, None, None, "", None),
        ],
        goals=[Goal("完成示例任务。", "已完成示例任务。")],
        indicators=[
            indicator("完成数量", "≥100个", "100个", 30, 30),
            indicator("合格率", "≥95%", "90%", 20, 19, explanation="部分批次返工，已整改"),
            indicator("社会效益", "提升", "提升", 30, 30, level1="效益指标", level2="社会效益指标"),
            indicator("满意度", "≥90%", "93%", 10, 10, level1="满意度指标", level2="服务对象满意度指标"),
        ],
        sections=[Section("产出指标", 50), Section("效益指标", 30), Section("满意度指标", 10)],
        stated_total_weight=100,
        stated_total=98.5,
        conclusion="优",
    )
    return replace(form, **changes)


def with_fund(form: Evaluation, row: int, **changes) -> Evaluation:
    funds = list(form.funds)
    funds[row] = replace(funds[row], **changes)
    return replace(form, funds=funds)


def with_indicator(form: Evaluation, row: int, **changes) -> Evaluation:
    indicators = list(form.indicators)
    for key in ("target", "actual"):
        if isinstance(changes.get(key), str):
            changes[key] = measure(changes[key])
    indicators[row] = replace(indicators[row], **changes)
    return replace(form, indicators=indicators)


def findings(*forms: Evaluation):
    return run_checks(list(forms)).findings


def check_ids(*forms: Evaluation) -> set[str]:
    return {finding.check_id for finding in findings(*forms)}


def only(check_id: str, *forms: Evaluation):
    """The findings of one check; fails loudly if the form raised any other."""
    found = findings(*forms)
    others = {f.check_id for f in found} - {check_id}
    assert not others, f"unexpected findings besides {check_id}: {sorted(others)}"
    return [f for f in found if f.check_id == check_id]
