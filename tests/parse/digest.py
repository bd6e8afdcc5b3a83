"""A compact, comparable view of an evaluation: what a reviewer would check against the source form."""

from __future__ import annotations

from evalaudit.model import Evaluation


def digest(evaluation: Evaluation) -> dict:
    return {
        "form_type": evaluation.form_type,
        "unit": evaluation.unit,
        "supervising_department": evaluation.supervising_department,
        "project_name": evaluation.project_name,
        "year": evaluation.year,
        "fill_date": evaluation.fill_date,
        # (item, 年初预算数, 全年预算数A, 全年执行数B, 分值, 执行率%, 得分)
        "funds": [
            (f.item, f.initial_budget, f.budget, f.executed, f.weight, f.stated_rate, f.stated_score)
            for f in evaluation.funds
        ],
        # (一级, 二级, 三级指标, 年度指标值, 实际完成值, 分值, 得分)
        "indicators": [
            (i.level1, i.level2, i.name, i.target.raw, i.actual.raw, i.weight, i.score) for i in evaluation.indicators
        ],
        # which subtotal row each indicator belongs to (小计 rows, the report's 预算执行得 19 分 …)
        "parents": {index: i.parent for index, i in enumerate(evaluation.indicators) if i.parent is not None},
        "sections": [(s.name, s.weight) for s in evaluation.sections],
        "stated_total_weight": evaluation.stated_total_weight,
        "stated_total": evaluation.stated_total,
        "conclusion": evaluation.conclusion,
    }
