"""The labelled evaluation set: two fiscal years of forms from 24 units of 8 kinds, with planted text
problems beside legitimate text that merely looks similar. Labels are (evaluation_id, check_id, location).

Legitimate look-alikes in every form: own-kind reasons sharing the kind's vocabulary with other units,
rows whose values are equal but whose names differ, 无偏差 under many rows, notes written in own words
(one of them with 请 in it), project goals built from the unit's own indicator names.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from vocabulary import KINDS

from evalaudit.model import Evaluation, FundRow, Goal, Indicator
from evalaudit.parse.numbers import parse_measure

TEMPLATE_NOTES = [
    "请在此处简要说明中央和省委巡视、各级审计和财政监督中发现的问题，如没有填无。",
    "（200字以内）",
    "本单位XX项目绩效目标完成情况良好。",
    "……",
]
OWN_NOTES = ["本年度审计未发现问题。", "{unit}已请审计部门复核专项资金使用情况，未发现违规问题。", "无", ""]
SAMPLE_RESULT = "按照年度绩效目标要求，认真组织实施，各项工作有序推进，取得了较好的社会效益和经济效益。"
REWRITTEN = "上年度重点任务已基本完成，本年度在原有基础上调整了工作安排并重新确定了考核口径。"


@dataclass
class Year:
    forms: list[Evaluation] = field(default_factory=list)
    labels: set[tuple[str, str, str]] = field(default_factory=set)


def units() -> list[tuple[str, str, int]]:
    """(kind, unit, position in kind) for 3 units of each of the 8 kinds."""
    return [(kind, spec["units"][i], i) for kind, spec in KINDS.items() for i in range(3)]


def department_form(kind: str, unit: str, position: int, year: int, goal: Goal | None = None) -> Evaluation:
    spec = KINDS[kind]
    names = spec["indicators"]
    reasons = spec["reasons"][position * 2 : position * 2 + 2]
    rows = [
        _row(names[0], "≥100", "100", 15, 15, "无偏差"),
        _row(names[1], "≥95%", "90%", 15, 14, reasons[0]),
        _row(names[2], "≥98%", "99%", 15, 15, "无偏差"),
        _row(names[3], "≥12", "10", 15, 12.5, reasons[1]),
        _row(names[4], "≥90%", "95%", 15, 15, "无偏差"),
        _row(names[5], "≥90%", "95%", 15, 15, "无偏差"),  # same values as the row above, its own name
    ]
    expected, actual = spec["goals"][position]
    return Evaluation(
        evaluation_id=f"{unit}-{year}-department",
        source_file=f"{unit}{year}年部门整体支出绩效自评表.txt",
        source_sha256="0" * 64,
        form_index=1,
        form_type="department",
        unit=unit,
        year=year,
        amount_unit="万元",
        funds=[FundRow("年度资金总额", "年度资金总额", 100, 100, 98, 10, 98, "98%", 9.8)],
        goals=[goal or Goal(expected, actual)],
        indicators=rows,
        stated_total_weight=100,
        stated_total=round(9.8 + sum(r.score for r in rows), 2),
        notes=OWN_NOTES[position % len(OWN_NOTES)].format(unit=unit),
    )


def project_form(kind: str, unit: str, year: int, goal: Goal) -> Evaluation:
    form = department_form(kind, unit, 0, year, goal)
    form.evaluation_id = f"{unit}-{year}-project"
    form.form_type = "project"
    form.source_file = f"{unit}{year}年项目支出绩效自评表.txt"
    form.project_name = f"{unit}重点业务项目"
    form.indicators = [replace(i, score=i.weight, explanation="无偏差") for i in form.indicators]
    form.stated_total = 99.8
    return form


def evaluation_set() -> tuple[Year, Year]:
    """(2022, the history) and (2023, the run under test, with its labels)."""
    everyone = units()
    last, this = Year(), Year()
    reusers, rewriters = everyone[0:3], everyone[3:6]
    for kind, unit, position in reusers:
        last.forms.append(department_form(kind, unit, position, 2022))
    for kind, unit, position in rewriters:
        form = department_form(kind, unit, position, 2022, Goal(REWRITTEN + unit, REWRITTEN + unit[:2]))
        for row in form.indicators:
            if row.explanation != "无偏差":
                row.explanation = f"{unit}上年度该项工作受机构调整影响，进度有所滞后，已于年内整改到位。"
        last.forms.append(form)

    forms = {unit: department_form(kind, unit, position, 2023) for kind, unit, position in everyone}
    this.forms = list(forms.values())

    def label(unit: str, check_id: str, location: str, kind: str = "department") -> None:
        this.labels.add((f"{unit}-2023-{kind}", check_id, location))

    # 1. the same unit's previous year, word for word (reusers); rewriters changed theirs
    for _, unit, _ in reusers:
        label(unit, "text_copy.previous_year", "年度总体目标/预期目标")
        label(unit, "text_copy.previous_year", "年度总体目标/实际完成情况")
        for row in (1, 3):
            label(unit, "text_copy.previous_year", f"指标/{forms[unit].indicators[row].name}/偏差原因分析")

    # 2. result that repeats the goal
    for _, unit, _ in everyone[6:9]:
        goal = forms[unit].goals[0]
        forms[unit].goals = [Goal(goal.expected, "（一）" + goal.expected.replace("，", "、"))]
        label(unit, "text_copy.goal_repeats_target", "年度总体目标/实际完成情况")

    # 3. one explanation under two indicators
    for _, unit, _ in everyone[9:12]:
        rows = forms[unit].indicators
        rows[3].explanation = rows[1].explanation
        label(unit, "text_copy.explanation_reused", f"指标/{rows[3].name}/偏差原因分析")

    # 4. a row typed twice, the second time without its name
    for _, unit, _ in everyone[12:15]:
        rows = forms[unit].indicators
        first = rows[2]
        rows.insert(
            3,
            replace(first, name=""),
        )
        label(unit, "text_copy.row_duplicated", "指标/第4行（未填指标名称）")

    # 5. another unit's explanation pasted: two within a kind, one across kinds (also irrelevant there)
    for (kind_a, unit_a, _), (kind_b, unit_b, _) in (
        (everyone[15], everyone[16]),
        (everyone[18], everyone[19]),
        (everyone[21], everyone[13]),
    ):
        source = forms[unit_a].indicators[1]
        target = forms[unit_b].indicators[1]
        target.explanation = source.explanation
        if kind_a != kind_b:
            label(unit_b, "text_irrelevant.explanation", f"指标/{target.name}/偏差原因分析")

    # 6. an explanation about another kind of unit's work
    kinds = list(KINDS)
    for offset, (kind, unit, _) in enumerate(everyone[3:6]):
        foreign = KINDS[kinds[(kinds.index(kind) + 3 + offset) % len(kinds)]]["reasons"][5]
        forms[unit].indicators[3].explanation = foreign
        label(unit, "text_irrelevant.explanation", f"指标/{forms[unit].indicators[3].name}/偏差原因分析")

    # 7. the template's instructions and placeholders left in
    for (_, unit, _), notes in zip(everyone[6:10], TEMPLATE_NOTES, strict=True):
        forms[unit].notes = notes
        label(unit, "text_template.instruction", "其他需要说明的问题")

    # 8. the template's sample result in six units of six kinds
    for _, unit, _ in [everyone[i] for i in (10, 11, 12, 14, 22, 23)]:
        forms[unit].goals = [Goal(forms[unit].goals[0].expected, SAMPLE_RESULT)]
        label(unit, "text_template.recurring", "年度总体目标/实际完成情况")

    # 9. project forms: three reuse the department goal (info), three state their own
    for index, (kind, unit, _) in enumerate(everyone[15:21]):
        names = KINDS[kind]["indicators"]
        if index < 3:
            goal = forms[unit].goals[0]
            for location in ("年度总体目标/预期目标", "年度总体目标/实际完成情况"):
                label(unit, "text_copy.same_unit_other_form", location, "project")
                label(unit, "text_copy.same_unit_other_form", location)
        else:
            amount, done, left = 40 + 17 * index, 3 + index, 11 - index
            goal = Goal(
                f"{unit}围绕{names[0]}安排专项资金{amount}万元，年内完成{done + left}项建设任务。",
                f"已完成{done}项，{names[3]}达到预期，其余{left}项转入{2024 + index % 2}年续建。",
            )
        this.forms.append(project_form(kind, unit, 2023, goal))
    _label_exact_copies_between_units(this)
    return last, this


def _label_exact_copies_between_units(year: Year) -> None:
    """Ground truth by construction: an explanation that stands, word for word, in two units' forms."""
    where: dict[str, list[tuple[str, str, str]]] = {}
    for form in year.forms:
        for row in form.indicators:
            if len(row.explanation) >= 12:
                where.setdefault(row.explanation, []).append((form.unit, form.evaluation_id, row.name))
    for places in where.values():
        if len({unit for unit, _, _ in places}) > 1:
            for _, evaluation_id, name in places:
                year.labels.add((evaluation_id, "text_copy.other_unit", f"指标/{name}/偏差原因分析"))


def _row(name: str, target: str, actual: str, weight: float, score: float, explanation: str) -> Indicator:
    return Indicator(
        name=name,
        level1="产出指标",
        level2="数量指标",
        target=parse_measure(target),
        actual=parse_measure(actual),
        weight=weight,
        score=score,
        explanation=explanation,
    )
