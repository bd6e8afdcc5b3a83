"""Scoring tables (评价指标体系 / 评分表): 一级 / 二级 / 三级指标 with their 分值, a 评分标准, and 自评得分.

A different family from target/actual tables: a row has no 年度指标值 and no 实际完成值, only the points it
is worth and the points the unit gave itself. Its groups carry their own points (投入 13 / 预算配置 13,
部门决策(25分)), which makes every group a section whose rows must add up.

Rows arrive whole (a delimited line per row, or a 序号 before each row) or as a stream of cells (one per
line). Either way the cells are typed — label, label with points, number, criterion prose — and a row is
the labels up to its numbers: the last label is the indicator, the ones before it its groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evalaudit.model import Indicator, Section
from evalaudit.parse.fused_scoring import fused_scoring_rows, looks_fused
from evalaudit.parse.lines import Line, by_content
from evalaudit.parse.vocab import SCORING_COLUMNS, SCORING_HEADER_WORDS, SCORING_NOISE, column_role
from evalaudit.textnorm import fold

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?%?$")
_SEQ = re.compile(r"^\d+(\.\d+)?$")
_POINTS = re.compile(
    r"^(?P<name>.*?)[(（]\s*(?P<inner>[\u4e00-\u9fff]{0,6})(?P<points>\d+(?:\.\d+)?)\s*(分|%)?\s*[)）]$"
)
_SENTENCE = re.compile(r"[，。；;]|[,](?!\d)")
_HEADER_WORDS = SCORING_HEADER_WORDS | {"一级", "二级", "三级"}
_TOTAL = re.compile(r"(总分|总得分|合计|加权得分|小计)")


def scoring_roles(line: Line) -> list[str]:
    """The header's roles in order (several `weight` columns when each level has its own 分值)."""
    roles = []
    for cell in line.nonempty:
        role = column_role(cell, SCORING_COLUMNS)
        if role:
            roles.append(role)
    return roles


@by_content
def is_scoring_header(line: Line) -> bool:
    text = fold(line.text)
    if len(text) > 120 or re.search(r"指标值|目标|完成|实际|年度|偏差|原因", text):
        return False  # a target/actual table, or its header split over lines (年度 / 指标值)
    roles = scoring_roles(line)
    return ("name" in roles or "level1" in roles) and ("weight" in roles or "score" in roles) and len(roles) >= 3


def is_points_label(line: Line) -> bool:
    """'(一)项目定位(10%)', '投入(20分)': a group label with its points, on a line of its own."""
    cells = line.nonempty
    return len(cells) == 1 and len(fold(cells[0])) <= 30 and bool(_POINTS.match(fold(cells[0])))


_ENUMERATOR = re.compile(r"^([(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[、.．](?!\d))\s*")
_NOTE_TAIL = re.compile(r"((说明|依据)[:：]\s*)+$")  # '…清晰? 说明: 依据:' (决策依据 is a name)


@dataclass
class Cell:
    kind: str  # label | number | prose | seq
    text: str
    points: float | None = None
    row_start: bool = False


def _typed(text: str, row_start: bool) -> Cell | None:
    folded = fold(text)
    if not folded or folded in SCORING_NOISE or folded in _HEADER_WORDS:
        return None
    if _NUMBER.match(folded):
        return Cell("number", folded, row_start=row_start)
    match = _POINTS.match(folded)
    if match and len(folded) <= 30:
        name = match.group("name").strip() or match.group("inner")  # '(特性指标70分)'
        return Cell("label", _ENUMERATOR.sub("", name), float(match.group("points")), row_start)
    label = _NOTE_TAIL.sub("", text.strip()).strip().rstrip(":：")  # '…是否具体、清晰? 说明: 依据:'
    if len(fold(label)) > 30 or _SENTENCE.search(fold(label)):
        return Cell("prose", text, row_start=row_start)
    return Cell("label", _ENUMERATOR.sub("", label), row_start=row_start)


def _mark_sequence(cells: list[Cell]) -> None:
    """序号 column: 1, 2, 3 … (or 1.1, 1.2, 2.1 …) each just before a row's first label starts that row."""
    expected = 1
    for index, cell in enumerate(cells[:-1]):
        if cell.kind != "number" or cells[index + 1].kind != "label" or not _SEQ.match(cell.text):
            continue
        value = cell.text
        if "." in value or int(value) == expected:
            cell.kind = "seq"
            expected = int(float(value)) + 1 if "." not in value else expected


@dataclass
class _Row:
    labels: list[Cell] = field(default_factory=list)
    numbers: list[float] = field(default_factory=list)
    prose: bool = False
    criteria: str = ""  # the row's 评分标准 / 指标说明
    shares: bool = False  # its weight is a share of its group ('25%'), not points
    numbered: bool = False  # opened by a 序号


def _number(text: str) -> float:
    return float(text.rstrip("%"))


def parse_scoring(lines: list[Line], roles: list[str]) -> tuple[list[Indicator], list[Section]]:
    """Indicators (name, groups, 分值, 得分) and a section for every group that states its points."""
    texts = [text for line in lines for text in line.nonempty]
    if looks_fused(texts):
        return fused_scoring_rows("".join(texts))  # the whole table run together: rows cut at their scores
    has_seq = bool(roles) and roles[0] == "seq"
    delimited = sum(1 for line in lines if line.delimited and len(line.nonempty) >= 2)
    row_mode = delimited >= max(2, len(lines) // 3)
    cells: list[Cell] = []
    for line in lines:
        for index, text in enumerate(line.nonempty):
            if _TOTAL.search(fold(text)) and len(fold(text)) <= 12:
                cells.append(Cell("total", text, row_start=True))
                continue
            cell = _typed(text, row_start=row_mode and index == 0)
            if cell is not None:
                cells.append(cell)
    if has_seq:
        _mark_sequence(cells)
    rows = _rows(cells, row_mode or has_seq)
    one_level = len({role for role in roles if role in ("level1", "level2")}) <= 1
    return _indicators(rows, whole_rows=row_mode or has_seq, has_seq=has_seq, one_level=one_level)


def _rows(cells: list[Cell], by_start: bool) -> list[_Row]:
    """Group cells into rows: at a 序号 / new line (whole rows), or where a label follows a row's numbers."""
    rows: list[_Row] = []
    current = _Row()

    def close() -> None:
        nonlocal current
        if current.labels or current.numbers:
            rows.append(current)
        current = _Row()

    for cell in cells:
        if cell.kind == "total":
            close()
            rows.append(_Row(labels=[cell]))
            continue
        if cell.kind == "seq":
            close()
            current.numbered = True
            continue
        if by_start and cell.row_start:
            close()
        if cell.kind == "label":
            if (current.numbers or current.prose) and not by_start:
                close()  # in a stream, a label after a row's numbers or criterion starts the next row
            current.labels.append(cell)
        elif cell.kind == "number":
            if not current.numbers and cell.text.endswith("%"):
                current.shares = True
            current.numbers.append(_number(cell.text))
        else:  # prose: a criterion; a second one after numbers is a second row under the same name
            if current.numbers and current.labels:
                name = current.labels[-1]
                close()
                current.labels.append(Cell("label", name.text, None))
            current.prose = True
            current.criteria += cell.text
    close()
    return rows


def _indicators(
    rows: list[_Row], whole_rows: bool, has_seq: bool = False, one_level: bool = False
) -> tuple[list[Indicator], list[Section]]:
    """Rows → indicators under their groups. In a stream, a label with only its points is a group."""
    indicators: list[Indicator] = []
    sections: list[Section] = []
    level1 = level2 = ""
    pending: list[tuple[Cell, float | None]] = []  # groups seen in a stream before their rows

    group_points: dict[str, float | None] = {}

    def group(cell: Cell, weight: float | None, level: int) -> None:
        nonlocal level1, level2
        if level == 1:
            level1, level2 = cell.text, ""
        else:
            level2 = cell.text
        group_points[cell.text] = weight
        if weight is not None and cell.text:
            sections.append(Section(cell.text, weight, None, cell.text))

    for row in rows:
        if row.labels and row.labels[0].kind == "total":
            continue
        labels = list(row.labels)
        numbers = list(row.numbers)
        is_row = row.prose or len(numbers) >= 2 or (labels and labels[-1].points is not None and numbers)
        group_line = has_seq and not row.numbered and not numbers and len(labels) == 1
        if group_line or (not whole_rows and not is_row and len(labels) == 1 and len(numbers) <= 1):
            pending.append(
                (labels[0], labels[0].points if labels[0].points is not None else (numbers[0] if numbers else None))
            )
            continue
        if not labels:
            continue
        name = labels[-1]
        groups = [(cell, cell.points) for cell in labels[:-1]]
        if pending:
            groups = pending + groups
            pending = []
        if len(groups) >= 2 and not one_level:
            group(groups[-2][0], groups[-2][1], 1)
            group(groups[-1][0], groups[-1][1], 2)
        elif groups:
            group(groups[-1][0], groups[-1][1], 2 if level1 and not one_level else 1)
        weight = name.points
        score = None
        if weight is None and numbers:
            weight = numbers.pop(0)
            points = group_points.get(level2 or level1)
            if row.shares and points is not None:
                # '25%' of a group worth 10 points: 2.5 points (the form's 加权得分 weighs by it)
                weight = round(points * weight / 100, 4)
        if numbers:
            score = numbers[0]
        indicators.append(
            Indicator(
                name=name.text,
                level1=level1,
                level2=level2,
                weight=weight,
                score=score,
                criteria=row.criteria,
                raw=name.text,
            )
        )
    for cell, weight in pending:  # groups with no rows below them (the table is cut off)
        if weight is not None and cell.text:
            sections.append(Section(cell.text, weight, None, cell.text))
    return indicators, sections
