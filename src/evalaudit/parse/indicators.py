"""Indicator rows: 一级/二级/三级指标, target, actual, 分值, 得分, explanation.

Two ways rows arrive. Delimited rows (tab, |, HTML) are aligned to the header's columns by content
(`align`). Flowing text (PDF paragraphs, one cell per line) is assembled into rows first: a row ends with
its two scores (分值 得分), and the text before them is the name and the target.
Labels of merged cells appear once for many rows, or in the middle of them; the level-2 dimension
(数量/质量/时效/成本 …) fixes its level-1 parent where the national template does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from evalaudit.model import Indicator, Measure, ParseWarning, Section
from evalaudit.parse.align import Alignment, align
from evalaudit.parse.column_runs import ZippedRow
from evalaudit.parse.fused import name_and_value, split_fused
from evalaudit.parse.lines import Line, by_content
from evalaudit.parse.numbers import (
    EMPTY_MARKS,
    is_numeric_value,
    is_plain_number,
    looks_like_value,
    parse_measure,
    parse_number,
)
from evalaudit.parse.vocab import (
    EXPLANATION_CUES,
    INDICATOR_COLUMNS,
    LEVEL2_PARENTS,
    STOCK_EXPLANATIONS,
    TABLE_SIDE_LABELS,
    column_role,
    is_group,
    is_known_label,
    is_label_start,
    is_level1,
    is_numbered_name,
    is_unit,
    leading_label,
    level2_key,
    split_points,
    without_numbering,
)
from evalaudit.textnorm import fold

_STOCK = frozenset(fold(phrase) for phrase in STOCK_EXPLANATIONS)
CANONICAL_LEVEL1 = {"产出指标", "效益指标", "满意度指标", ""}
ROLE_NAMES = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "得分",
}
_NATURE = {"正向", "反向", "定性", "定量", "≥", "≤", "=", ">", "<", "正向指标", "反向指标", "定性指标", "定量指标"}
_POINTS_ONLY = re.compile(r"^[(（]?\s*\d+(\.\d+)?\s*分\s*[)）]?$")


def indicator_roles(line: Line) -> list[str]:
    """Roles of the header's columns, in order; unknown leading cells are skipped columns."""
    cells = list(line.cells) if line.delimited else list(line.nonempty)
    while cells and not cells[-1].strip():
        cells.pop()
    roles: list[str] = []
    for index, cell in enumerate(cells):
        role = column_role(cell, INDICATOR_COLUMNS)
        if role is None or role in roles:
            role = f"skip{index}"
        roles.append(role)
    return roles


@by_content
def is_indicator_header(line: Line) -> bool:
    roles = indicator_roles(line)
    # a table of targets may score nothing (年初目标值 | 实际完成值 | 未完成原因 only)
    scored = "score" in roles or "weight" in roles or ("target" in roles and "actual" in roles)
    return ("name" in roles or "level2" in roles) and scored and len(line.text) < 120


@dataclass
class LevelState:
    level1: str = ""
    level2: str = ""
    sections: list[Section] = field(default_factory=list)
    pending_points: tuple[float, str] | None = None  # '(50分)' whose group name comes after it (or never)

    def set_level1(self, label: str) -> None:
        name, points = split_points(label)
        name = name.strip()
        if is_group(name):
            return
        self.level1 = name
        self.level2 = ""
        if points is None and self.pending_points is not None:
            points, label = self.pending_points
        self.pending_points = None
        if points is not None:
            self.add_section(name, points, label)

    def set_level2(self, label: str) -> None:
        name, points = split_points(label)
        self.level2 = name.strip()
        key = level2_key(self.level2)
        level1 = fold(self.level1)  # compared folded: '滿意度指標' is 满意度指标
        if key == "服务对象满意度" and level1 not in CANONICAL_LEVEL1 | {"成本指标"}:
            # department templates score 服务对象满意度 as a level-1 indicator of its own
            self.level1 = self.level2
        elif key and level1 in CANONICAL_LEVEL1 | {"成本指标"} and LEVEL2_PARENTS[key] != level1:
            if not (key == "成本" and level1 == "成本指标"):
                self.level1 = LEVEL2_PARENTS[key]
        if self.pending_points is not None and self.level1:
            # '(30分)' then '经济效益指标': the points were the (unnamed) level-1 group's
            self.add_section(self.level1, *self.pending_points)
            self.pending_points = None
        if points is not None:
            self.add_section(name, points, label)

    def add_section(self, name: str, points: float, raw: str) -> None:
        if not any(section.name == name for section in self.sections):
            self.sections.append(Section(name=name, weight=points, raw=raw))

    def apply_label(self, label: str) -> None:
        if _POINTS_ONLY.match(fold(label)):
            # a group's points with its name lost ('(50分)'): they open the group that follows
            self.pending_points = (float(re.search(r"\d+(\.\d+)?", fold(label)).group(0)), label)  # type: ignore[union-attr]
            return
        if is_level1(label) and not level2_key(label):
            self.set_level1(label)
        elif level2_key(label):
            self.set_level2(label)
        elif is_level1(label):
            self.set_level1(label)


def is_label_cell(cell: str) -> bool:
    return is_known_label(cell) or bool(_POINTS_ONLY.match(fold(cell)))


# delimited rows ----------------------------------------------------------------------------------


@lru_cache(maxsize=65536)  # pure: the aligner asks it of every cell for every role of every row
def _fit(role: str, cell: str) -> float:
    text = fold(cell)
    empty = not text or text in EMPTY_MARKS
    if role.startswith("skip"):
        return 0.0 if empty or is_group(cell) else -0.5
    if role in ("level1", "level2"):
        if empty:
            return 0.0
        if is_numbered_name(cell):
            return -3.0
        if is_numeric_value(cell):
            return -4.0
        if is_known_label(cell) or split_points(cell)[1] is not None:
            matches = (role == "level1" and is_level1(cell)) or (role == "level2" and level2_key(cell) is not None)
            if role == "level1" and not matches and level2_key(cell) is not None:
                return 0.5  # '时效指标' in the first column: the row's level-1 cell is merged above
            return 2.0 if matches else 1.5
        if looks_like_value(cell):
            return -1.5
        return -0.3 if len(text) > 16 else 0.0
    if role == "name":
        if empty:
            return -2.0
        if is_numeric_value(cell):
            return -4.0
        if is_numbered_name(cell):
            return 2.0
        if is_known_label(cell):
            return -2.0
        if looks_like_value(cell):
            return -1.5
        return 1.0
    if role in ("target", "actual"):
        if empty:
            return -0.5
        if is_unit(cell):
            return -1.0  # '%', '元/人': the 度量单位 cell, not a value
        if is_numbered_name(cell):
            return -3.0
        if is_known_label(cell):
            return -2.0
        if is_plain_number(cell):
            return 1.0
        measure = parse_measure(cell)
        if measure.op or (measure.value is not None and measure.unit) or is_numeric_value(cell):
            return 1.5
        if looks_like_value(cell):
            return 1.0
        return -0.5 if len(text) > 25 else 0.0
    if role in ("weight", "score"):
        number = parse_number(cell)
        if number is not None:
            return 3.0 if 0 <= number <= 100 else -2.0
        return -1.0 if empty else -5.0
    if role == "explanation":
        if empty:
            return 0.0
        return -1.0 if is_plain_number(cell) else 0.5
    if role == "nature":
        return 1.5 if text in _NATURE else (0.0 if empty else -1.0)
    if role == "unit":
        if empty:
            return 0.0
        if is_numeric_value(cell):
            return -2.0
        if is_unit(cell):
            return 2.0
        return 1.0 if len(text) <= 4 else -1.0
    return 0.0


def _gap(role: str) -> float:
    return {"name": 2.0, "target": 1.5, "actual": 1.5, "weight": 3.0, "score": 3.0, "nature": 0.5, "unit": 0.5}.get(
        role, 0.0
    )


def _droppable(index: int, cell: str, cells: list[str]) -> float | None:
    text = fold(cell)
    if not text or text in EMPTY_MARKS or is_group(cell):
        return 0.1
    others = [fold(other) for position, other in enumerate(cells) if position != index]
    if text in others:
        return 1.0
    return None


@dataclass
class RowContext:
    roles: list[str]
    state: LevelState
    warnings: list[ParseWarning]
    grid: bool = False  # the header is a row of a real table: rows of that table are read by position


def _target_measure(values: dict[str, str]) -> Measure:
    raw = values.get("target", "").strip()
    nature = values.get("nature", "").strip()
    unit = values.get("unit", "").strip()
    if not nature and not unit:
        return parse_measure(raw)
    op = fold(nature) if fold(nature) in {"≥", "≤", "=", ">", "<"} else ""
    combined = f"{op}{raw}{unit if unit and unit not in raw else ''}"
    measure = parse_measure(combined)
    measure.raw = " ".join(part for part in (nature, raw, unit) if part)
    if nature and fold(nature).startswith("定性"):
        measure.qualitative = True
    return measure


def interpret_delimited_row(line: Line, context: RowContext) -> Indicator | None:
    cells = list(line.cells)
    while cells and not cells[-1].strip():
        cells.pop()
    if not any(cell.strip() for cell in cells):
        return None
    roles = context.roles
    by_position = _by_position(cells, roles) if context.grid and line.grid else None
    alignment = by_position
    if alignment is None:
        alignment = align(
            cells,
            roles,
            _fit,
            _gap,
            droppable=lambda index, cell: _droppable(index, cell, cells),
            gap_first=_is_label_role,
        )
    values = alignment.values
    name = values.get("name", "").strip()
    # a label cell repeating the row's own name was typed twice, it is not a level; in a table's grid the cell
    # stands in its level's column and is that level ('预算执行率 |  | 预算执行率')
    level1, level2 = (
        "" if fold(values.get(role, "")) == fold(name) and by_position is None else values.get(role, "").strip()
        for role in ("level1", "level2")
    )
    if level1 and level2_key(level1) and not level2:
        level1, level2 = "", level1
    if level1:
        context.state.set_level1(level1)
    if level2:
        context.state.set_level2(level2)
    elif level1:
        context.state.level2 = ""
    has_numbers = (
        parse_number(values.get("weight", "")) is not None or parse_number(values.get("score", "")) is not None
    )
    if not name and not has_numbers and not values.get("target", "").strip():
        if level1 or level2:
            return None  # a label-only row of merged cells
        context.warnings.append(
            ParseWarning("indicator_row_unplaced", f"无法识别的指标行，已保留原文：{line.text[:60]}", "指标", line.raw)
        )
        return None
    indicator = _make_indicator(name, values, context.state, line.raw)
    problems = []
    extra = [cell for cell in alignment.dropped if fold(cell) not in TABLE_SIDE_LABELS]
    if extra:
        problems.append("多出单元格：" + "、".join(extra))
    missing = [ROLE_NAMES[gap] for gap in alignment.gaps if gap in ROLE_NAMES and not _is_label_role(gap)]
    if not name and "三级指标" not in missing:
        missing.append("三级指标")
    if missing:
        problems.append("缺少：" + "、".join(missing))
    if problems:
        context.warnings.append(
            ParseWarning(
                "indicator_row_misaligned",
                f"指标行“{name or line.text[:30]}”与表头列数不符（{'；'.join(problems)}），已按内容类型对齐，请核对原表",
                f"指标/{name or line.text[:20]}",
                line.raw,
            )
        )
    return indicator


def _by_position(cells: list[str], roles: list[str]) -> Alignment | None:
    """A row of the header's table read by position: each cell under the column it stands in.

    A table leaves a cell blank where the form states nothing (no 年度指标值, a 分值 but no 得分), and only the
    cell's place tells that the cell after it is not the blank one's; aligning by content would shift the
    name into the blank. Taken unless a cell plainly belongs elsewhere (a number under 三级指标, words under
    得分) or stands beyond the header: then the row is aligned by content."""
    if len(cells) > len(roles):
        return None
    values = {role: "" for role in roles}
    for role, cell in zip(roles, cells):
        if cell.strip() and _fit(role, cell) <= -3.0:
            return None
        values[role] = cell
    # a blank cell is stated blank; the columns after the row's last cell are what it lacks, as in a text's row
    return Alignment(values=values, score=0.0, gaps=list(roles[len(cells) :]))


def _is_label_role(role: str) -> bool:
    return role.startswith("skip") or role in ("level1", "level2", "explanation", "nature", "unit")


def _make_indicator(name: str, values: dict[str, str], state: LevelState, raw: str) -> Indicator:
    actual = parse_measure(values.get("actual", "").strip())
    unit = values.get("unit", "").strip()
    if unit and actual.value is not None and not actual.unit:
        actual.unit = fold(unit)
    return Indicator(
        name=name,
        level1=state.level1,
        level2=state.level2,
        target=_target_measure(values),
        actual=actual,
        weight=parse_number(values.get("weight", "")),
        score=parse_number(values.get("score", "")),
        explanation=values.get("explanation", "").strip(),
        nature=values.get("nature", "").strip(),
        raw=raw,
    )


# flowing text ------------------------------------------------------------------------------------


def _split_name_target(texts: list[str]) -> tuple[str, str]:
    if not texts:
        return "", ""
    if len(texts) == 1:
        return texts[0], ""
    for index in range(1, len(texts)):
        if looks_like_value(texts[index]) or re.search(r"[≥≤=<>]", fold(texts[index])):
            return "".join(texts[:index]), "".join(texts[index:])
    return "".join(texts[:-1]), texts[-1]


def _is_note(cell: str) -> bool:
    """A sentence, not a cell of a row: long, with punctuation, no value of its own."""
    text = fold(cell)
    return len(text) > 20 and bool(re.search(r"[,，。;；:：]", text)) and not is_numeric_value(cell)


def _is_value(cell: str) -> bool:
    return looks_like_value(cell) or is_numeric_value(cell)


def _continues_explanation(explanation: str, cell: str) -> bool:
    """Explanations wrap over paragraphs until a sentence ends; a short 无偏差 never continues."""
    text = fold(explanation)
    return len(text) > 6 and not text.endswith(("。", "；", ";")) and not is_numbered_name(cell)


def parse_flow_rows(
    lines: list[Line],
    state: LevelState,
    warnings: list[ParseWarning],
    roles: list[str] | None = None,
    text_ends: bool = False,
) -> list[Indicator]:
    """Rows from flowing text: a row closes at 分值 得分 (two plain numbers not followed by another value),
    or at its 得分 alone when the header has no 分值 column. With `text_ends` (the text stops inside the
    table) the cells left open at the end are the row the text stops in: its labels and name, its values
    off the page."""
    roles = roles or []
    score_only = bool(roles) and "score" in roles and "weight" not in roles
    # no 分值 and no 得分 column (年初目标值 | 实际完成值 | 未完成原因): a stock explanation ends each row
    unscored = bool(roles) and "score" not in roles and "weight" not in roles
    # 分值 before 年度指标值 (Ningxia, some Hebei forms): a row is name, 分值, target, actual, 得分
    weight_first = bool(roles) and {"weight", "target"} <= set(roles) and roles.index("weight") < roles.index("target")
    tokens = [(cell, index) for index, line in enumerate(lines) for cell in line.nonempty]
    indicators: list[Indicator] = []
    pending: list[str] = []
    pending_lines: list[int] = []
    explanation_mode = False
    closed_on_line = -1
    for position, (cell, line_index) in enumerate(tokens):
        if not pending and fold(cell) in EMPTY_MARKS:
            continue  # '-' between rows: a blank cell, not the start of the next row
        notes = [part for part in pending if fold(part) not in EMPTY_MARKS]
        if pending and is_label_cell(cell) and indicators and notes and all(_is_note(part) for part in notes):
            # notes under the row above ('定量指标计算:…'), then the next group's label
            indicators[-1].explanation = (indicators[-1].explanation + "".join(notes)).strip()
            pending, pending_lines = [], []
        if weight_first and pending and is_label_cell(cell):
            # a row that never closed: its target and actual without 分值 and 得分, or text kept as it is
            unscored_row = _values_without_points(pending)
            if unscored_row:
                name, target, actual = unscored_row
                values = {"target": target, "actual": actual, "weight": "", "score": ""}
                indicators.append(_make_indicator(name, values, state, _raw(lines, pending_lines)))
                warnings.append(_incomplete(name, ["分值", "得分"], _raw(lines, pending_lines)))
            else:
                warnings.append(_unplaced(pending))
            pending, pending_lines = [], []
        if not pending and is_label_cell(cell):
            state.apply_label(cell)
            explanation_mode, closed_on_line = False, -1
            continue
        if indicators and not pending:
            last = indicators[-1]
            # after a row closes, the rest of its line is its explanation, unless a next row starts there
            same_line = line_index == closed_on_line and not (_is_value(cell) or is_numbered_name(cell))
            cue = bool(EXPLANATION_CUES.search(fold(cell))) or fold(cell) in {"无", "/"}
            if same_line or cue or (explanation_mode and _continues_explanation(last.explanation, cell)):
                last.explanation = (last.explanation + cell).strip()
                if not same_line:
                    last.raw += "\n" + lines[line_index].raw
                explanation_mode = not same_line or explanation_mode
                continue
        explanation_mode, closed_on_line = False, -1
        pending.append(cell)
        pending_lines.append(line_index)
        following = tokens[position + 1][0] if position + 1 < len(tokens) else ""
        if unscored:
            if fold(cell) in _STOCK and len(pending) >= 2:
                *before, explanation = pending
                if len(before) == 1:  # '…查明率不低于95%' then '达成预期指标': the name fused with its values
                    before = split_fused(before[0], 2, bare_last=False) or name_and_value(before[0]) or before
                name, target, actual = (before + ["", ""])[:3] if len(before) >= 2 else (before[0], "", "")
                values = {"target": target, "actual": actual, "weight": "", "score": ""}
                indicator = _make_indicator(name, values, state, _raw(lines, pending_lines))
                indicator.explanation = explanation
                indicators.append(indicator)
                pending, pending_lines, closed_on_line = [], [], line_index
            continue
        if weight_first and len(pending) >= 5 and is_plain_number(pending[-1]) and is_plain_number(pending[-4]):
            name = "".join(pending[:-4])
            if len(pending) > 6 or len(fold(name)) > 40:
                warnings.append(_unplaced(pending))  # not a row: text that never closed, values at its end
                pending, pending_lines = [], []
                continue
            if not (following and is_numeric_value(following)) and not is_plain_number(pending[-2]):
                values = {"weight": pending[-4], "target": pending[-3], "actual": pending[-2], "score": pending[-1]}
                indicators.append(_make_indicator(name, values, state, _raw(lines, pending_lines)))
                pending, pending_lines, closed_on_line = [], [], line_index
                continue
        # the row's trailing numbers: 得分, or 分值 得分 (and with 得分 alone, a value before it, not a number)
        trailing = 1 if score_only else 2
        closes = (
            len(pending) > trailing
            and all(is_plain_number(cell) for cell in pending[-trailing:])
            and not (score_only and is_plain_number(pending[-2]))
            and not (following and is_numeric_value(following))
        )
        if not closes:
            continue
        before = pending[:-trailing]
        weight, score = ([""] + pending[-trailing:])[-2:]
        if len(before) == 3 and len({lines[index].lineno for index in pending_lines}) <= 2:
            name, target, actual = before  # cells of one row: name, target, actual in place, sentences or not
        else:
            actual = before.pop() if before and _is_value(before[-1]) else ""
            target = before.pop() if len(before) > 1 and _is_value(before[-1]) else ""
            name = "".join(before) if target else ""
            if not target:
                name, target = _split_name_target(before)
        raw = _raw(lines, pending_lines)
        values = {"target": target, "actual": actual, "weight": weight, "score": score}
        indicators.append(_make_indicator(name, values, state, raw))
        missing = [
            label for label, value in (("三级指标", name), ("年度指标值", target), ("实际完成值", actual)) if not value
        ]
        if missing:
            warnings.append(_incomplete(name, missing, raw))
        pending, pending_lines, closed_on_line = [], [], line_index
    if pending and text_ends and (row := _row_cut_off(pending, state, _raw(lines, pending_lines))):
        indicators.append(row)
    elif pending:
        warnings.append(_unplaced(pending))
    return indicators


def _row_cut_off(pending: list[str], state: LevelState, raw: str) -> Indicator | None:
    """'服务对象满意度指标 | 受益群众满意度' where the text stops: the row's labels and name, no values."""
    cells = [part.strip() for cell in pending for part in cell.split("|") if part.strip()]
    while cells and is_label_cell(cells[0]):
        state.apply_label(cells.pop(0))
    if len(cells) == 1 and (label := leading_label(cells[0])):
        state.apply_label(label)  # '服务对象满意度种薯扩繁企业…': the label run into the name
        cells = [cells[0][len(label) :]]
    if len(cells) == 2 and fold(cells[0]) == fold(cells[1]):
        state.set_level1(cells.pop(0))  # '预算执行率 预算执行率': a row merged across its level cells
    elif len(cells) == 2 and not any(_is_value(cell) or len(cell) > 80 for cell in cells):
        state.set_level2(cells.pop(0))  # '| 读者 | 在网上开展读者满意度调查': a level-2 the template does not name
    name = without_numbering(cells[0]) if len(cells) == 1 else ""  # '指标1:' numbers it, its digits are no value
    value = _is_value(cells[0]) and not _asks(cells[0])
    if len(cells) != 1 or value or any(char.isdigit() for char in name) or len(cells[0]) > 80:
        return None
    if is_label_start(cells[0]):
        return None  # '生态' (效益指标): the text stops in the next group's label
    return _make_indicator(cells[0], {}, state, raw)


def _asks(cell: str) -> bool:
    """'是否符合国…': a question is a row's name (its values answer it), however short the text stops."""
    return fold(cell).startswith("是否")


def _incomplete(name: str, missing: list[str], raw: str) -> ParseWarning:
    return ParseWarning(
        "indicator_row_incomplete",
        f"指标行“{name or raw[:30]}”缺少：{'、'.join(missing)}，请核对",
        f"指标/{name or '未命名'}",
        raw,
    )


def _values_without_points(pending: list[str]) -> tuple[str, str, str] | None:
    """'一级种薯扩繁基地8000亩' then '8535.5亩', then the next group: a row whose 分值 and 得分 are not in the
    text. Taken only when the two values are the same kind of quantity (number and unit), so they are the
    row's target and actual."""
    if len(pending) != 2:
        return None
    fused = name_and_value(pending[0])
    if not fused:
        return None
    name, target = fused
    planned, done = parse_measure(target), parse_measure(pending[1])
    if not is_numeric_value(pending[1]) and not re.fullmatch(r"[\d.]+[^\d.]{1,3}", fold(pending[1])):
        return None
    if planned.value is None or done.value is None or not planned.unit or planned.unit != done.unit:
        return None
    return name, target, pending[1]


def zipped_indicator(row: ZippedRow, state: LevelState, warnings: list[ParseWarning]) -> Indicator:
    """A row the extraction printed out of order, put back by `column_runs`; a row without a name is said so."""
    indicator = _make_indicator(row.name, row.values, state, row.raw)
    if not row.name:
        where = "、".join(cell for cell in row.values.values() if cell)
        warnings.append(
            ParseWarning(
                "indicator_row_incomplete",
                f"指标行“{where}”缺少：三级指标（原表未打印该行名称），请核对",
                "指标/未命名",
                row.raw,
            )
        )
    return indicator


def _raw(lines: list[Line], indexes: list[int]) -> str:
    """The source lines a row's cells came from, each once."""
    return "\n".join(dict.fromkeys(lines[index].raw for index in indexes))


def _unplaced(pending: list[str]) -> ParseWarning:
    return ParseWarning(
        "indicator_text_unplaced",
        f"指标区有文字无法归入任何指标行，已保留原文：{''.join(pending)[:60]}",
        "指标",
        "".join(pending),
    )


def link_subtotals(indicators: list[Indicator]) -> None:
    """'基本支出小计' followed by '1.人员类…' '2.运转类…': the numbered rows belong to the subtotal."""
    parent: int | None = None
    for index, indicator in enumerate(indicators):
        name = fold(indicator.name)
        if name.endswith(("小计", "合计")):
            indicator.is_subtotal = True
            parent = index
        elif parent is not None and re.match(r"^\d+[.、．)]", name) and indicator.level2 == indicators[parent].level2:
            indicator.parent = parent
        else:
            parent = None
