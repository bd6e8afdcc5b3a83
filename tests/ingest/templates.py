"""A parsed form written back as the finance ministry's self-evaluation template, filled in Word or Excel.

The template (项目支出绩效自评表 / 部门整体支出绩效自评表) is one table: the header rows, the fund block under
a label merged down its rows, the yearly goal, the indicator rows with their 一级/二级指标 merged down the rows
they group, and the 总分 row. Units fill exactly this table, so a form written here and read back must give the
evaluation it was written from. The layout is built once as a grid of cells and merges, then rendered by
python-docx or openpyxl.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Alignment

from evalaudit.model import Evaluation, FundRow, Indicator
from evalaudit.parse.vocab import fund_item
from evalaudit.textnorm import fold

WIDTH = 8  # 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施
FUND_COLUMNS = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
INDICATOR_HEADER = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)


@dataclass
class Grid:
    """The table as rows of WIDTH cells, and the merged ranges (first row, first column, last row, last column)
    whose text stands in their first cell."""

    title: str
    rows: list[list[str]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def add(self, *spans: tuple[str, int]) -> int:
        """A row of cells, each (text, columns it spans); returns the row's index."""
        row: list[str] = []
        for text, span in spans:
            if span > 1:
                self.merges.append((len(self.rows), len(row), len(self.rows), len(row) + span - 1))
            row += [text] + [""] * (span - 1)
        assert len(row) == WIDTH, row
        self.rows.append(row)
        return len(self.rows) - 1

    def merge_down(self, column: int, first: int, last: int) -> None:
        if last > first:
            self.merges.append((first, column, last, column))


def template_type(evaluation: Evaluation) -> str:
    """The template a form is written in: a report's figures go in the project form when it names a project."""
    if evaluation.form_type == "report":
        return "project" if evaluation.project_name else "department"
    return evaluation.form_type


def template_grid(evaluation: Evaluation) -> Grid:
    """The evaluation laid out as the template's single table."""
    project = template_type(evaluation) == "project"
    year = f"{evaluation.year}年度" if evaluation.year is not None else ""
    grid = Grid(f"{year}项目支出绩效自评表" if project else f"{year}部门整体支出绩效自评表")
    if project:
        grid.add(("项目名称", 1), (evaluation.project_name, WIDTH - 1))
        grid.add(("主管部门", 1), (evaluation.supervising_department, 3), ("实施单位", 1), (evaluation.unit, 3))
    else:
        grid.add(("部门（单位）名称", 1), (evaluation.unit, WIDTH - 1))
    if evaluation.funds:
        _funds(grid, evaluation)
    if evaluation.goals:
        goal = evaluation.goals[0]
        first = grid.add(("年度总体目标", 1), ("预期目标", 3), (goal.actual_label or "实际完成情况", 4))
        grid.add(("", 1), (goal.expected, 3), (goal.actual, 4))
        grid.merge_down(0, first, first + 1)
    if evaluation.indicators:
        _indicators(grid, evaluation)
    if evaluation.stated_total is not None or evaluation.stated_total_weight is not None:
        grid.add(
            ("总分", 5),
            (_number(evaluation.stated_total_weight), 1),
            (_number(evaluation.stated_total), 1),
            ("", 1),
        )
    if evaluation.conclusion:
        grid.add(("自评结论", 1), (evaluation.conclusion, WIDTH - 1))
    return grid


def _funds(grid: Grid, evaluation: Evaluation) -> None:
    """The label cell merged down the header and every fund row; a value the form does not state is blank."""
    name = "项目资金" if template_type(evaluation) == "project" else "年度预算执行情况"
    first = grid.add((f"{name}（{evaluation.amount_unit or '万元'}）", 1), ("", 1), *((c, 1) for c in FUND_COLUMNS))
    for row in evaluation.funds:
        grid.add(("", 1), (fund_label(row), 1), *((value, 1) for value in _fund_values(row)))
    grid.merge_down(0, first, len(grid.rows) - 1)


def fund_label(row: FundRow) -> str:
    """The row's label as the form wrote it when that names the row's kind; otherwise the kind itself: a row read
    from a cover block ('计划安排资金' over its amounts) is the template's 年度资金总额 row."""
    return row.label if fund_item(row.label) == row.item else row.item


def _fund_values(row: FundRow) -> list[str]:
    rate = row.stated_rate_raw or ("" if row.stated_rate is None else _number(row.stated_rate, row.raw) + "%")
    amounts = [_number(value, row.raw) for value in (row.initial_budget, row.budget, row.executed, row.weight)]
    return [*amounts, rate, _number(row.stated_score, row.raw)]


def _indicators(grid: Grid, evaluation: Evaluation) -> None:
    """The header, then one row per indicator; a run of rows under the same 一级 (and within it the same 二级)
    shares one cell merged down the run. Subtotal rows are the form's arithmetic, not rows of the template."""
    sections = {fold(section.name): section for section in evaluation.sections}
    grid.add(*((name, 1) for name in INDICATOR_HEADER))
    rows = [row for row in evaluation.indicators if not row.is_subtotal]
    level1_runs = _runs([(row.level1,) for row in rows])
    level2_runs = _runs([(row.level1, row.level2) for row in rows])
    level1_starts, level2_starts = {first for first, _ in level1_runs}, {first for first, _ in level2_runs}
    start = len(grid.rows)
    for index, row in enumerate(rows):
        grid.add(
            (_level1(row, sections) if index in level1_starts else "", 1),
            (row.level2 if index in level2_starts else "", 1),
            (row.name, 1),
            (row.target.raw, 1),
            (row.actual.raw, 1),
            (_number(row.weight, row.raw), 1),
            (_number(row.score, row.raw), 1),
            (row.explanation, 1),
        )
    for column, runs in ((0, level1_runs), (1, level2_runs)):
        for first, last in runs:
            grid.merge_down(column, start + first, start + last)


def _runs(keys: list[tuple[str, ...]]) -> list[tuple[int, int]]:
    """(first, last) of each run of consecutive rows with the same key, a blank level being a run of its own."""
    runs: list[tuple[int, int]] = []
    first = 0
    for index in range(1, len(keys) + 1):
        if index == len(keys) or keys[index] != keys[first] or not keys[first][-1]:
            runs.append((first, index - 1))
            first = index
    return runs


def _level1(row: Indicator, sections: dict) -> str:
    """'产出指标(50分)': the level's stated points, where the form gave them, in its cell."""
    section = sections.get(fold(row.level1))
    if section is None or section.weight is None:
        return row.level1
    return f"{row.level1}（{_number(section.weight)}分）"


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _number(value: float | None, raw: str = "") -> str:
    """The value as the form wrote it: the first number of the row's text equal to it keeps its decimals
    ('150.00'); otherwise its shortest spelling (20.0 as '20')."""
    if value is None:
        return ""
    for token in _NUMBER.findall(fold(raw)):
        if float(token) == value:
            return token
    return f"{value:.10f}".rstrip("0").rstrip(".")


def evaluation_docx(evaluation: Evaluation) -> bytes:
    """The form as a Word document: the title paragraph and the template's table, merges as Word makes them."""
    grid = template_grid(evaluation)
    word = Document()
    word.add_paragraph(grid.title)
    table = word.add_table(rows=len(grid.rows), cols=WIDTH)
    table.style = "Table Grid"
    cells = [list(row.cells) for row in table.rows]  # looked up once: table.cell() walks the whole grid
    for r, row in enumerate(grid.rows):
        for c, text in enumerate(row):
            if text:
                cells[r][c].text = text
    for top, left, bottom, right in grid.merges:
        cells[top][left].merge(cells[bottom][right])  # keeps the first cell's text: the others are empty
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def evaluation_xlsx(evaluation: Evaluation) -> bytes:
    """The form as an Excel sheet: the title in the first row, merged over the table's width, then the table;
    numbers stored as numbers with the format that shows them as the form wrote them."""
    grid = template_grid(evaluation)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "绩效自评表"
    sheet.append([grid.title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=WIDTH)
    for r, row in enumerate(grid.rows, start=2):
        for c, text in enumerate(row, start=1):
            if text:
                cell = sheet.cell(row=r, column=c)
                cell.value, cell.number_format = _excel_value(text)
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # '= 100 %' is what the unit typed, not a formula
                cell.alignment = Alignment(wrap_text=True, vertical="center")
    for top, left, bottom, right in grid.merges:
        sheet.merge_cells(start_row=top + 2, start_column=left + 1, end_row=bottom + 2, end_column=right + 1)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


_PLAIN = re.compile(r"(\d+)(?:\.(\d+))?(%?)")


def _excel_value(text: str) -> tuple[object, str]:
    """A cell holding only a number (or a percentage) as Excel keeps it: the number and its display format."""
    match = _PLAIN.fullmatch(text)
    if match is None or (len(match.group(1)) > 1 and text.startswith("0")):
        return text, "General"
    whole, decimals, percent = match.groups()
    value = float(f"{whole}.{decimals}") if decimals else int(whole)
    places = f".{'0' * len(decimals)}" if decimals else ""
    if percent:
        return value / 100, f"0{places}%"
    return value, f"0{places}" if decimals else "General"
