"""Synthetic evaluations for benchmarks: realistic shape (funds, 18 indicators, stated groups), with a
small share of planted errors so that validations have failing rows to report, as real runs do."""

from __future__ import annotations

import random

from evalaudit.model import Evaluation, FundRow, Goal, Indicator, Measure, Section

UNITS = ("税务局", "教育局", "卫生健康局", "水利局", "交通运输局", "政务服务中心", "机关党委", "镇人民政府")
COUNTIES = ("清溪县", "东山县", "南岭县", "北川区", "西湖区", "云台县", "石门县", "桃源县")
LAYOUT = (  # level1, level2, weight, how many rows
    ("产出指标", "数量指标", 5, 4),
    ("产出指标", "质量指标", 6, 3),
    ("产出指标", "时效指标", 6, 1),
    ("产出指标", "成本指标", 6, 1),
    ("效益指标", "社会效益指标", 10, 3),
    ("满意度指标", "服务对象满意度指标", 5, 2),
)
SECTIONS = (("产出指标", 50.0), ("效益指标", 30.0), ("满意度指标", 10.0))


def synthetic_evaluations(count: int, seed: int = 0, error_rate: float = 0.03) -> list[Evaluation]:
    rng = random.Random(seed)
    return [_form(index, rng, error_rate) for index in range(count)]


def _form(index: int, rng: random.Random, error_rate: float) -> Evaluation:
    def planted() -> bool:
        return rng.random() < error_rate

    unit = f"{COUNTIES[index % len(COUNTIES)]}{UNITS[(index // len(COUNTIES)) % len(UNITS)]}{index // 64:04d}"
    project = index % 3 != 0
    budget = round(rng.uniform(20, 3000), 2)
    rate = rng.choices((1.0, rng.uniform(0.9, 1.0), rng.uniform(0.6, 0.9)), weights=(5, 4, 1))[0]
    executed = round(budget * rate, 2)
    if planted():
        executed = round(budget * 1.06, 2)  # spending above budget
    shown_rate = round(executed / budget * 100, 2)
    exec_score = round(min(shown_rate, 100) / 10, 2)
    funds = [
        FundRow("年度资金总额", "年度资金总额", budget, budget, executed, 10, shown_rate, f"{shown_rate}%", exec_score)
    ]
    first = round(budget * rng.uniform(0.5, 0.9), 2)
    first_spent = round(min(executed, first), 2)
    labels = (
        (("本年财政拨款", "其中：当年财政拨款"), ("上年结转", "上年结转资金"))
        if project
        else (
            ("基本支出", "基本支出"),
            ("项目支出", "项目支出"),
        )
    )
    funds.append(FundRow(labels[0][0], labels[0][1], first, first, first_spent))
    second_budget = round(budget - first, 2) + (5.0 if planted() else 0.0)  # parts that do not add up
    funds.append(FundRow(labels[1][0], labels[1][1], second_budget, second_budget, round(executed - first_spent, 2)))
    if planted():
        funds[0].stated_rate, funds[0].stated_rate_raw = shown_rate + 3, f"{shown_rate + 3}%"

    indicators = []
    for level1, level2, weight, rows in LAYOUT:
        for row in range(rows):
            target = rng.choice((100, 95, 90, 12, 300))
            met = rng.random() > 0.15
            actual = target if met else round(target * rng.uniform(0.7, 0.99), 1)
            score = float(weight) if met else round(weight * actual / target, 1)
            explanation = "无偏差" if met else "受客观因素影响，部分任务顺延，资金未按进度支付，已制定整改措施"
            if not met and planted():
                explanation = ""  # deduction without a reason
            if not met and planted():
                score = float(weight)  # full marks for a missed target
            unit_word = "%" if target <= 100 else "个"
            indicators.append(
                Indicator(
                    name=f"{level2[:2]}指标{row + 1}（{unit[-8:]}）",
                    level1=level1,
                    level2=level2,
                    target=Measure(f"≥{target}{unit_word}", "≥", float(target), unit_word),
                    actual=Measure(f"{actual}{unit_word}", None, float(actual), unit_word),
                    weight=float(weight),
                    score=score,
                    explanation=explanation,
                )
            )
    total = round(exec_score + sum(i.score for i in indicators), 2)
    if planted():
        total = round(total - 10, 2)  # total that leaves out the execution score
    conclusion = "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"
    if planted():
        conclusion = "优"
    return Evaluation(
        evaluation_id=f"{index:016x}-1",
        source_file=f"{index:06d}.txt",
        source_sha256=f"{index:064x}",
        form_index=1,
        form_type="project" if project else "department",
        unit=unit,
        project_name=f"{unit}业务运转项目" if project else "",
        year=2023,
        amount_unit="万元",
        funds=funds,
        goals=[Goal("保障单位正常运转，完成年度重点工作任务。", "全年完成年度重点工作任务。")],
        indicators=indicators,
        sections=[Section(name, weight) for name, weight in SECTIONS],
        stated_total_weight=100.0,
        stated_total=total,
        conclusion=conclusion,
    )
