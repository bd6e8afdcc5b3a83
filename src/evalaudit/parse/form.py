"""A table form (部门整体支出 / 项目支出): walk its lines through head → funds → goals → indicators → total."""

from __future__ import annotations

import re

from evalaudit.model import Evaluation, FundRow, Indicator, ParseWarning, Section
from evalaudit.parse.bare_names import bare_rows
from evalaudit.parse.checklist import is_checklist_header, parse_checklist
from evalaudit.parse.column_runs import ZippedRow, column_runs
from evalaudit.parse.cover import cover_funds
from evalaudit.parse.flatten import matching_copy
from evalaudit.parse.funds import (
    AMOUNTS,
    fund_columns,
    fund_roles,
    is_fund_header,
    parse_fund_row,
    place_split_rows,
    split_by_rates,
)
from evalaudit.parse.fused_rows import unfuse_run
from evalaudit.parse.fused_scoring import fused_scoring_rows, looks_fused
from evalaudit.parse.goals import is_goal_header, parse_goals
from evalaudit.parse.header import Header, parse_header
from evalaudit.parse.indicators import (
    LevelState,
    RowContext,
    indicator_roles,
    interpret_delimited_row,
    is_indicator_header,
    link_subtotals,
    parse_flow_rows,
    zipped_indicator,
)
from evalaudit.parse.inferred import infer_year, project_evaluated
from evalaudit.parse.interleaved_funds import interleaved_funds
from evalaudit.parse.label_amounts import label_amount_funds
from evalaudit.parse.lines import Line
from evalaudit.parse.numbers import is_empty, is_numeric_value, parse_number
from evalaudit.parse.scoring import is_points_label, is_scoring_header, parse_scoring, scoring_roles
from evalaudit.parse.scoring_stream import stream_scoring
from evalaudit.parse.segment import title_type
from evalaudit.parse.spread_funds import LetteredTable, SpreadHeader, stacked_fund_roles, written_decimals
from evalaudit.parse.unit_rows import unit_rows
from evalaudit.parse.unread import cut_at_end, cut_warning, unread_warnings
from evalaudit.parse.vocab import (
    FUND_COLUMNS,
    INDICATOR_COLUMNS,
    SCORING_HEADER_WORDS,
    column_role,
    fund_item,
    is_numbered_name,
    split_points,
)
from evalaudit.textnorm import fold

_TOTAL = re.compile(r"^(总分|合计|总计|综合得分|自评总分|自评得分|项目总得分|总得分)")
_EARLY_TOTAL = re.compile(r"^(项目总得分|自评总分|项目自评分|总得分)[:：]?(\d+(?:\.\d+)?)分?$")
_HEADER_FRAGMENT = re.compile(r"原因|措施|未完成|偏差|完成值|指标值")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_CONCLUSION = re.compile(r"^(自评结论|评价结论|自评等级|评价等级|绩效等级|结论)")
_GRADE = re.compile(r"^(优秀|优|良好|良|中等|中|合格|及格|不合格|差)$")
_NOTE_KEYS = ("其他需要说明的问题", "说明", "存在问题", "改进措施")
_HEADER_KEYS = ("项目名称", "主管部门", "实施单位", "部门(单位)名称", "单位名称", "填报日期", "自评结论", "评价结论")


def coalesce(lines: list[Line]) -> list[Line]:
    """One cell per line: glue header words, fund rows, key/value pairs and total rows back into rows."""
    out: list[Line] = []
    for line in lines:
        if out and (_completes_header(out[-1], line) or _splits_header_columns(out[-1], line)):
            continue
        if out and _wrapped_word(out[-1], line):
            # '经济效益' / '指标', '一级' / '指标': one cell's text wrapped onto the next line
            out[-1] = Line(
                [*out[-1].cells[:-1], out[-1].cells[-1] + line.nonempty[0]],
                out[-1].raw + "\n" + line.raw,
                out[-1].lineno,
                False,
            )
            continue
        if out and _values_of_label_above(out[-1], line):
            # '年度资金总额 |' then '| 32.4 | 31.69 | 10 | 97.80% | 9 |': the label's cell and its values on two lines
            previous = out[-1]
            out[-1] = Line(
                [previous.nonempty[0], *line.nonempty], previous.raw + "\n" + line.raw, previous.lineno, True
            )
            continue
        if out and not line.delimited and not out[-1].delimited and len(line.nonempty) == 1:
            previous, cell = out[-1], line.nonempty[0]
            header_word = _header_word(cell)
            previous_is_header = all(_header_word(c) for c in previous.nonempty) and len(previous.nonempty) >= 1
            numeric = is_numeric_value(cell) or is_empty(cell)
            prev_head = previous.nonempty[0] if previous.nonempty else ""
            run_together = bool(re.fullmatch(r"[\d.,%]+", fold(cell))) and len(previous.nonempty) == 1
            joins = (
                (header_word and previous_is_header and not fund_item(cell))
                or (
                    (numeric or run_together)
                    and (fund_item(prev_head) or _TOTAL.match(fold(prev_head)))
                    and _all_values(previous)
                )
                or (len(previous.nonempty) == 1 and fold(prev_head).rstrip(":：") in {fold(k) for k in _HEADER_KEYS})
                or (fold(prev_head) == "预期目标" and len(previous.nonempty) == 1 and "完成" in fold(cell))
            )
            if joins:
                previous.cells.append(cell)
                previous.raw += "\n" + line.raw
                continue
        out.append(Line(list(line.cells), line.raw, line.lineno, line.delimited, line.grid))
    return out


_HEADER_TAILS = ("指标值", "完成值", "目标值", "实际值", "完成情况", "值")


_SUB_COLUMNS = {
    # a second header line that splits a column of the first (Hebei: 预期指标值 = 符号 | 值 | 单位;
    # 自评得分 = 单项指标得分 | 权重占比 | 折算得分): sub-column word → the column and what it becomes
    "符号": ("年度指标值", ["指标性质", "年度指标值", "度量单位"]),
    "权重占比": ("得分", ["单项评定", "分值", "得分"]),
}


def _splits_header_columns(previous: Line, line: Line) -> bool:
    """'… 预期指标值 … 自评得分' then '符号 单位(文字描述) 单项指标得分 权重占比(%) 单项指标折算得分': the
    second line splits the first's columns; the header line gets the split columns (its 指标分值, then a
    description, gives way to 权重占比)."""
    words = [fold(cell) for cell in line.nonempty]
    if not is_indicator_header(previous) or not any(w.startswith(key) for w in words for key in _SUB_COLUMNS):
        return False
    if not all(len(w) <= 12 and ("得分" in w or "单位" in w or w.startswith(tuple(_SUB_COLUMNS))) for w in words):
        return False
    cells = [cell for cell in previous.nonempty if not _HEADING.match(fold(cell))]  # '四、…完成情况' is no column
    for key, (column, parts) in _SUB_COLUMNS.items():
        if not any(w.startswith(key) for w in words):
            continue
        role = column_role(column, INDICATOR_COLUMNS)
        at = next((i for i, cell in enumerate(cells) if column_role(cell, INDICATOR_COLUMNS) == role), None)
        if at is None:
            return False
        cells[at : at + 1] = parts
        if key == "权重占比":  # the weight is the share column now: the first line's 指标分值 holds words
            cells = ["指标说明" if column_role(c, INDICATOR_COLUMNS) == "weight" and c != "分值" else c for c in cells]
    previous.cells = cells
    previous.raw += "\n" + line.raw
    return True


def _completes_header(previous: Line, line: Line) -> bool:
    """'… 年度 实际 分值 得分' then '指标值 完成值': the header's words wrapped onto a second line.

    The tails are glued to the header cells that name no column yet, in order; the header line is updated.
    """
    tails = line.nonempty
    if not tails or not all(fold(cell) in _HEADER_TAILS for cell in tails) or not is_indicator_header(previous):
        return False
    open_cells = [
        index
        for index, cell in enumerate(previous.cells)
        if cell.strip()
        and column_role(cell, INDICATOR_COLUMNS) is None
        and len(fold(cell)) <= 4
        and fold(cell) not in {"绩效指标"}
    ]
    if len(open_cells) < len(tails):
        return False
    for index, tail in zip(open_cells, tails):
        previous.cells[index] = previous.cells[index] + tail
    previous.raw += "\n" + line.raw
    return True


_OPERATORS = {"=", "≥", "≤", ">", "<", "定性", "定量"}
CANONICAL_INDICATOR_ROLES = ("level1", "level2", "name", "target", "actual", "weight", "score", "explanation")


def _scattered_header_words(line: Line) -> set[str]:
    """Indicator-header roles on a line made of header words only (a header the extraction broke up)."""
    cells = line.nonempty
    roles = {column_role(cell, INDICATOR_COLUMNS) for cell in cells if len(fold(cell)) <= 8}
    if not cells or None in roles or len(cells) > 4:
        return set()
    return {role for role in roles if role}


def _split_at_numbered_name(line: Line, started: bool) -> tuple[Line | None, Line | None]:
    """A line cut where the indicator rows begin: the cells before the first numbered name, and from it on.

    A numbered indicator name (指标1:…) is neither a goal nor a fund cell; once rows have begun, the whole
    line is theirs."""
    cells = line.nonempty
    first = 0 if started else next((index for index, cell in enumerate(cells) if is_numbered_name(cell)), None)
    if first is None:
        return line, None
    head = Line(cells[:first], line.raw, line.lineno, False) if first else None
    return head, Line(cells[first:], line.raw, line.lineno, False)


def _headless_indicator_row(line: Line) -> bool:
    """'城乡居民…拨付及时率 | = | 100 | % | 5 |': an indicator row with no header above it on this page."""
    cells = [fold(cell) for cell in line.nonempty]
    return (
        line.delimited
        and len(cells) >= 4
        and any(cell in _OPERATORS for cell in cells[1:4])
        and (parse_number(cells[-1]) is not None)
    )


def _headless_roles(line: Line) -> list[str]:
    """The Sichuan template's columns (指标性质 / 指标值 / 度量单位 / 完成值 / 权重 / 得分): the template whose
    rows carry an operator cell of their own."""
    return ["level1", "level2", "name", "nature", "target", "unit", "actual", "weight", "score", "explanation"]


def _fused_scoring_table(lines: list[Line]) -> tuple[list[Indicator], list[Section]] | None:
    """From the line that starts '一级指标…' on, a scoring table run together, header included."""
    start = next((index for index, line in enumerate(lines) if fold(line.text).startswith("一级指标")), None)
    if start is None:
        return None
    cells = [cell for line in lines[start:] for cell in line.nonempty]
    if not looks_fused(cells):
        return None
    found = fused_scoring_rows("".join(cells))
    return found if found[0] else None


def _header_sections(line: Line) -> list[Section]:
    """'预算执行情况(万元)(20分)', '绩效指标(90分)', '年度绩效目标1 (80分)': a table header that states its points."""
    sections = []
    for cell in line.nonempty:
        name, points = split_points(cell)
        unit = re.search(r"\(万?元\)", matching_copy(name))  # '預算執行情況(萬元)': folded, cut in place
        name = (name[: unit.start()] + name[unit.end() :] if unit else name).strip()
        if (
            points is not None
            and name
            and not (column_role(name, FUND_COLUMNS) or column_role(name, INDICATOR_COLUMNS))
        ):
            sections.append(Section(name=name, weight=points, raw=cell))
    return sections


def _wrapped_word(previous: Line, line: Line) -> bool:
    if line.delimited or previous.delimited or len(line.nonempty) != 1 or len(previous.nonempty) != 1:
        return False
    head = previous.nonempty[0]
    return fold(line.nonempty[0]) in {"指标", "名称"} and len(fold(head)) <= 6 and not _header_word(head)


def _header_word(cell: str) -> bool:
    """A word of a table header: a column of the funds, indicator or scoring table, or a part of one."""
    if column_role(cell, FUND_COLUMNS) or column_role(cell, INDICATOR_COLUMNS):
        return True
    return fold(cell) in _SCORING_HEADER_WORDS


_SCORING_HEADER_WORDS = SCORING_HEADER_WORDS | {"县级", "市级", "省级"}


def _values_of_label_above(previous: Line, line: Line) -> bool:
    if len(previous.nonempty) != 1 or not line.nonempty or len(line.nonempty) < 2:
        return False
    label = previous.nonempty[0]
    if not (fund_item(label) or _TOTAL.match(fold(label))):
        return False
    return all(is_numeric_value(cell) or is_empty(cell) for cell in line.nonempty)


def _apart_column(label: Line, value: Line) -> str | None:
    """'年初预算数' then '0', above the funds header: an amount column a spreadsheet printed with its one value."""
    if len(label.nonempty) != 1 or len(value.nonempty) != 1 or parse_number(value.nonempty[0]) is None:
        return None
    role = column_role(label.nonempty[0], FUND_COLUMNS)
    return role if role in AMOUNTS and len(fold(label.nonempty[0])) <= 8 else None


def _fund_values(line: Line) -> bool:
    """Amounts with a rate (or run together into one): a funds row, not the form's 总分."""
    rest = line.nonempty[1:]
    return (
        bool(rest)
        and any("%" in cell for cell in rest)
        and all(is_numeric_value(c) or is_empty(c) or re.fullmatch(r"[\d.,%]+", fold(c)) for c in rest)
    )


def _all_values(line: Line) -> bool:
    return all(is_numeric_value(cell) or is_empty(cell) for cell in line.nonempty[1:])


def _total_numbers(line: Line, grid_roles: list[str] | None = None) -> tuple[float | None, float | None]:
    """The 总分 row's weight and score: by the indicator header's 分值 and 得分 columns when both rows are cells
    of one table ('总分 | 100 | ' states the weights' total and no score); else its first and last number."""
    if grid_roles is not None and line.grid and "weight" in grid_roles and "score" in grid_roles:
        at = {role: index for index, role in enumerate(grid_roles)}
        weight, score = (
            parse_number(line.cells[at[role]]) if at[role] < len(line.cells) else None for role in ("weight", "score")
        )
        stray = [cell for index, cell in enumerate(line.cells[1:], 1) if cell.strip() and index not in at.values()]
        if (weight is not None or score is not None) and not any(parse_number(cell) is not None for cell in stray):
            return weight, score
    numbers = [value for cell in line.nonempty if (value := parse_number(cell)) is not None]
    if len(numbers) >= 2:
        return numbers[0], numbers[-1]
    if len(numbers) == 1:
        return None, numbers[0]
    return None, None


class ScatteredFundHeader:
    """'年度资金总额' / '全年预算数(A)' / '300' / '全年执行数(B) 执行率(B/A)': a funds header whose column words
    an OCR or a flattening put on lines of their own, the first row's label before them and its amounts read
    between them (each amount under the column word it follows)."""

    def __init__(self) -> None:
        self.label: Line | None = None
        self.words: list[str] = []
        self.values: dict[str, str] = {}

    def feed(self, line: Line) -> list[str] | None:
        """The header's roles once its words make a header; None while they do not (the line kept if it is one
        of them: `words` is then not empty)."""
        cells = line.nonempty
        roles = [column_role(cell, FUND_COLUMNS) if not fund_item(cell) else None for cell in cells]
        # 分值 / 得分 alone may be an indicator header's words: an amount or rate column makes these the funds'
        if cells and all(roles) and set(roles) & {"initial_budget", "budget", "executed", "rate"}:
            self.words += cells
            header = fund_roles(Line(self.words, line.raw, line.lineno, False))
            return header if is_fund_header(Line(self.words, line.raw, line.lineno, False)) else None
        if self.words and len(cells) == 1 and is_numeric_value(cells[0]) and self.label is not None:
            role = column_role(self.words[-1], FUND_COLUMNS)
            if role and role not in self.values:
                self.values[role] = cells[0]
                return None
        self.words, self.values = [], {}
        self.label = line if len(cells) == 1 and fund_item(cells[0]) else None
        return None

    def first_row(self) -> Line | None:
        """The row whose label stood above the header, its amounts placed in their columns."""
        if self.label is None or not self.values:
            return None
        roles = fund_roles(Line(self.words, "", 0, False))
        cells = [self.label.nonempty[0], *(self.values.get(role, "") for role in roles)]
        return Line(cells, self.label.raw, self.label.lineno, True)


def parse_table_form(lines: list[Line]) -> tuple[Header, dict]:
    """Everything a table form states, as keyword arguments for Evaluation."""
    lines = coalesce(lines)
    title_index = next((index for index, line in enumerate(lines) if title_type(line)), None)
    header = parse_header(lines, title_index)
    warnings: list[ParseWarning] = list(header.warnings)
    funds: list[FundRow] = []
    goal_lines: list[Line] = []
    indicator_lines: list[Line] = []
    roles_for_funds: list[str] = []
    columns_for_funds: dict[int, str] = {}  # where the funds header's columns stand, when it is a table's row
    roles_for_indicators: list[str] = []
    grid_indicators = False  # the indicator header is a row of a real table: its rows and 总分 read by position
    roles_for_scoring: list[str] = []
    scoring_lines: list[Line] = []
    checklist_header: Line | None = None
    checklist_lines: list[Line] = []
    state = "head"
    total_weight = total = None
    conclusion = ""
    notes: list[str] = []
    waiting_for_grade = False
    header_points: float | None = None
    header_sections: list[Section] = []
    header_words: set[str] = set()
    value_runs: list[tuple[int, Line]] = []  # fund values of several rows with no label
    loose_total = ""  # '年度资金总额' alone above the funds header: the label of a row printed apart
    apart_columns: dict[str, str] = {}  # '年初预算数' then '0' above the funds header: a column and its value
    early_rows: list[tuple[str, Line]] = []  # indicator rows printed before a scattered header completed
    spaced_table = False
    cut_off = ""

    scattered_funds = ScatteredFundHeader()
    spread_header = SpreadHeader()
    lettered: LetteredTable | None = None  # the rows under a header that names its columns by letter
    past_lettered = False  # lines after a lettered table are no rows of it (a table the parser does not read)
    stops_in_total = False  # the text ends inside the total fund row: its blanks are off the page
    last_line = next((line for line in reversed(lines) if fold(line.text)), None)
    previous: Line | None = None
    for line in lines:
        text = fold(line.text)
        if not text:
            continue
        line_before, previous = previous, line
        if lettered is not None:
            if lettered.take(line):
                continue
            lettered_rows, lettered_warnings = lettered.fund_rows()
            funds += lettered_rows
            warnings += lettered_warnings
            lettered, past_lettered = None, True  # the table has ended; the form's tables go on
        if state in ("head", "goals") and not roles_for_funds and not is_fund_header(line):
            if (spread := spread_header.feed(line)) is not None:
                # '全年预算数' / '(A)' / … / '预算执行' / '(E/C×100%)': this line is the first past the header
                lettered, state, roles_for_funds = LetteredTable(spread), "funds", ["budget", "executed", "rate"]
                if lettered.take(line):
                    continue
                lettered, past_lettered = None, True
            elif len(line.nonempty) >= 2 and (stacked := stacked_fund_roles(line.nonempty)) is not None:
                # '年初全年预算全年' / '分值执行率得分' / '预算数数执行数': column heads stacked over lines
                state, roles_for_funds = "funds", stacked
                continue
        if waiting_for_grade and _GRADE.match(text):
            conclusion, waiting_for_grade = line.nonempty[0], False
            continue
        if text.startswith(("注:", "注1", "注：")) or re.match(r"^注\d?[.:：、]", text):
            state = "notes"
            continue
        if state == "head" and len(line.nonempty) == 1 and fund_item(line.nonempty[0]) == "年度资金总额":
            loose_total = line.nonempty[0]
        if state == "head" and line_before is not None and (column := _apart_column(line_before, line)):
            apart_columns[column] = line.nonempty[0]
        if state in ("head", "goals") and not roles_for_funds and not is_fund_header(line):
            opened = scattered_funds.feed(line)
            if opened is not None:
                state, roles_for_funds = "funds", opened
                if (first := scattered_funds.first_row()) is not None:
                    row, row_warnings = parse_fund_row(first, roles_for_funds)
                    warnings.extend(row_warnings)
                    funds.extend([row] if row is not None else [])
                continue
            if scattered_funds.words:
                continue
        if state in ("head", "funds", "goals") and is_fund_header(line):
            state, roles_for_funds, columns_for_funds = "funds", fund_roles(line), fund_columns(line)
            header_points = next((p for c in line.nonempty if (p := split_points(c)[1]) is not None), None)
            header_sections += _header_sections(line)
            if header_points is None and line_before is not None and len(line_before.nonempty) == 1:
                # '预算执行情况(万元)(20分)' on the line above the columns
                header_points = split_points(line_before.nonempty[0])[1]
                header_sections += _header_sections(line_before)
            continue
        if state in ("head", "funds", "goals") and is_goal_header(line):
            state = "goals"
            continue
        if state != "tail" and is_scoring_header(line):
            if state != "scoring" and line_before is not None and is_points_label(line_before):
                scoring_lines.append(line_before)  # '(一)项目定位(10%)' just above the table's header
            state, roles_for_scoring = "scoring", scoring_roles(line)
            continue
        if state == "scoring" and _HEADING.match(text):
            state = "tail"  # '四、项目绩效自评结论': the scoring table has ended
            continue
        if state in ("head", "funds", "goals") and not roles_for_indicators and is_checklist_header(line):
            state, checklist_header = "checklist", line  # 一级/二级/三级指标 with 完成情况, nothing scored
            continue
        if state != "tail" and is_indicator_header(line):
            if line_before is not None and len(line_before.nonempty) == 1 and _header_sections(line_before):
                # '年度绩效目标2(40分)' just above the table's header: the points of the table below
                header_sections += _header_sections(line_before)
                if indicator_lines and indicator_lines[-1] is line_before:
                    indicator_lines.pop()
            if state == "indicators":
                indicator_lines.append(Line([], line.raw, line.lineno, True))  # the header again: rows restart
            state, roles_for_indicators, grid_indicators = "indicators", indicator_roles(line), line.grid
            spaced_table = not line.delimited and len(line.nonempty) >= 8  # a wide space-separated header
            header_sections += _header_sections(line)
            continue
        if state == "head" and total is None and (early := _EARLY_TOTAL.match(text)):
            total = float(early.group(2))  # '项目总得分 99分' / '自评总分: 95' above the tables
            continue
        funds_total = state == "funds" and text.startswith(("合计", "总计")) and _fund_values(line)
        # '合计' with no number before the indicators: a word of the goal's text a flattening cut at, not the
        # total row (a total row's numbers on the lines after it are joined to it by `coalesce`)
        text_word = state in ("goals", "funds") and not re.search(r"\d", text)
        if _TOTAL.match(text) and state == "funds" and text_word:
            continue  # not a fund row either
        if (
            _TOTAL.match(text)
            and state in ("indicators", "goals", "funds", "scoring")
            and not funds_total
            and not text_word
        ):
            total_weight, total = _total_numbers(line, roles_for_indicators if grid_indicators else None)
            state = "tail"
            continue
        if _CONCLUSION.match(text):
            grades = [cell for cell in line.nonempty[1:] if _GRADE.match(fold(cell))]
            rest = text[_CONCLUSION.match(text).end() :].strip(":：")  # type: ignore[union-attr]
            prose = " ".join(cell for cell in line.nonempty[1:] if len(fold(cell)) > 6)
            if grades:
                conclusion = grades[0]
            elif _GRADE.match(rest):
                conclusion = rest
            elif prose:
                notes.append(prose)  # '评价结论 | 结合自评情况，说明…(200字以内)': words, not a grade
            else:
                waiting_for_grade = True
            state = "tail" if state != "head" else state
            continue
        if any(text.startswith(key) for key in _NOTE_KEYS):
            note = " ".join(cell for cell in line.nonempty if fold(cell) not in _NOTE_KEYS)
            for key in _NOTE_KEYS:
                if note.startswith(key):
                    note = note[len(key) :].lstrip(":： ")
            if note:
                notes.append(note)
            continue
        scattered = _scattered_header_words(line)
        if scattered and not roles_for_indicators and state in ("head", "funds", "goals"):
            header_words |= scattered
            if len(header_words & {"name", "level1", "level2"}) >= 2 and len(header_words) >= 4:
                # '一级指标' … '二级指标 三级指标' … '分值 得分': a header scattered by the extraction
                state, roles_for_indicators = "indicators", list(CANONICAL_INDICATOR_ROLES)
                indicator_lines += [row for _, row in early_rows]
                early_rows = []
                continue
        elif header_words and not roles_for_indicators and state in ("funds", "goals") and not line.delimited:
            # the scattered header has begun: from a numbered name (指标1:…) on, the cells are its rows
            head, tail = _split_at_numbered_name(line, started=bool(early_rows))
            if tail is not None:
                early_rows.append((state, tail))
            if head is None:
                continue
            line = head
        if state == "head" and not roles_for_indicators and _headless_indicator_row(line):
            # the page starts inside the indicator table: its header is on the page before
            state, roles_for_indicators = "indicators", _headless_roles(line)
            cut_off = "start"
        if state == "funds" and past_lettered:
            continue
        if state == "funds":
            known = frozenset(v for f in funds for v in (f.initial_budget, f.budget, f.executed) if v is not None)
            # the row the text stops in: its complete leading amounts, to the decimals the document writes
            cut = written_decimals(lines) if line is last_line else None
            row, row_warnings = parse_fund_row(line, roles_for_funds, known, cut, columns_for_funds)
            warnings.extend(row_warnings)
            if row is not None:
                stops_in_total = line is last_line and row.item == "年度资金总额"
                if row.item == "年度资金总额" and row.weight is None and header_points is not None:
                    row.weight = header_points  # the Sichuan template states 预算执行情况（10分） in the header
                funds.append(row)
            elif split_by_rates(line.nonempty, roles_for_funds):
                value_runs.append((len(funds), line))  # labels printed apart: placed once all are read
            elif any(is_numeric_value(cell) for cell in line.nonempty):
                warnings.append(
                    ParseWarning(
                        "fund_row_unplaced", f"资金表中无法识别的行，已保留原文：{line.text[:60]}", "资金表", line.raw
                    )
                )
        elif state == "goals":
            goal_lines.append(line)
        elif state == "indicators":
            if not indicator_lines and len(text) <= 10 and _HEADER_FRAGMENT.search(text):
                continue  # '未完成原' / '因及改进措施': the header's last cell wrapped under it
            if spaced_table and not line.delimited and len(line.nonempty) >= len(roles_for_indicators) - 1:
                # a space-separated row (nearly) as wide as its space-separated header: its cells are columns
                line = Line(list(line.nonempty), line.raw, line.lineno, True)
            indicator_lines.append(line)
        elif state == "scoring":
            scoring_lines.append(line)
        elif state == "checklist":
            checklist_lines.append(line)

    if lettered is not None:  # the text ends inside the lettered table
        lettered_rows, lettered_warnings = lettered.fund_rows()
        funds += lettered_rows
        warnings += lettered_warnings
    for at, run in reversed(value_runs):  # from the last: earlier positions stay valid
        placed = place_split_rows(funds, at, run, roles_for_funds, loose_total, apart_columns)
        if placed is None:
            warnings.append(
                ParseWarning(
                    "fund_row_unplaced", f"资金表中无法识别的行，已保留原文：{run.text[:60]}", "资金表", run.raw
                )
            )
        else:
            funds = placed
            warnings.append(
                ParseWarning(
                    "fund_rows_apart",
                    f"资金表的行名与数值分开排出，已按执行率所在列分行：{run.text[:60]}，请核对原表",
                    "资金表",
                    run.raw,
                )
            )
    goal_lines += [row for was, row in early_rows if was == "goals"]  # the header never completed: goal text
    goals, goal_warnings = parse_goals(goal_lines)
    warnings.extend(goal_warnings)
    indicators, sections, indicator_warnings = _parse_indicators(
        indicator_lines, roles_for_indicators, text_ends=state == "indicators", grid=grid_indicators
    )
    warnings.extend(indicator_warnings)
    if scoring_lines:
        scored, groups = parse_scoring(scoring_lines, roles_for_scoring)
        indicators += scored
        sections += groups
    elif not indicators and (fused := _fused_scoring_table(lines)):
        indicators, sections = fused  # a scoring table whose header was run into its rows as well
    unscored = False
    if not indicators and checklist_header is not None:
        indicators = parse_checklist(checklist_header, checklist_lines)
        unscored = bool(indicators)
    if not indicators and (streamed := stream_scoring(lines))[0]:
        indicators, sections = streamed  # a scoring table whose columns a PDF extraction interleaved
        warnings.append(_interleaved_warning(len(indicators)))
    sections = [s for s in header_sections if all(s.name != other.name for other in sections)] + sections
    scores_column = grid_indicators and "score" in roles_for_indicators  # a grid's 总分 row was read by position
    if (
        total is not None
        and total_weight is None
        and indicators
        and all(i.score is None for i in indicators)
        and not scores_column
    ):
        total_weight, total = total, None  # '合计 | 100' of a table with no scores: the weights' total
    if cut_at_end(state):
        cut_off = "both" if cut_off == "start" else "end"
        warnings.append(cut_warning(lines))
    return header, dict(
        cut_off=cut_off,
        unread="funds_cut" if stops_in_total and cut_off in ("end", "both") else "",
        unscored=unscored,
        funds=funds,
        goals=goals,
        indicators=indicators,
        sections=sections,
        stated_total_weight=total_weight,
        stated_total=total,
        conclusion=conclusion,
        notes="\n".join(notes),
        warnings=warnings,
    )


def _interleaved_warning(rows: int) -> ParseWarning:
    """Rows picked out of interleaved columns: some may be missed, so no sum over them is provable."""
    return ParseWarning(
        "indicator_rows_interleaved",
        f"指标表各列在文本中交错，已按“名称 分值 得分”读出{rows}项，可能有遗漏；总分与分组合计未核对，请人工核对原表",
        "指标",
    )


def _parse_indicators(
    lines: list[Line], roles: list[str], text_ends: bool = False, grid: bool = False
) -> tuple[list[Indicator], list[Section], list[ParseWarning]]:
    state = LevelState()
    warnings: list[ParseWarning] = []
    indicators: list[Indicator] = []
    context = RowContext(roles=roles, state=state, warnings=warnings, grid=grid)
    run: list[Line] = []
    for position, line in enumerate(lines + [Line([], "", 0, True)]):
        if line.delimited:
            if run:
                parts, cut_warnings = unfuse_run(run, roles)
                warnings.extend(cut_warnings)
                last = position == len(lines) and text_ends
                pieces = list(column_runs(parts, roles))
                for number, piece in enumerate(pieces):
                    if isinstance(piece, ZippedRow):
                        indicators.append(zipped_indicator(piece, state, warnings))
                    else:
                        ends = last and number == len(pieces) - 1
                        indicators.extend(parse_flow_rows(piece, state, warnings, roles, ends))
                run = []
            if line.cells:
                indicator = interpret_delimited_row(line, context)
                if indicator is not None:
                    indicators.append(indicator)
        else:
            run.append(line)
    if not indicators and (bare := bare_rows(lines, roles)) is not None:
        # no row closed at its numbers because the text has none: the names are what the table still shows
        indicators, sections, absent = bare
        kept = [warning for warning in warnings if warning.code != "indicator_text_unplaced"]
        return indicators, sections, [*kept, absent]
    link_subtotals(indicators)
    return indicators, state.sections, warnings


def build_evaluation(base: Evaluation, header: Header, parts: dict, lines: list[Line] | None = None) -> Evaluation:
    base.unit = header.unit
    base.supervising_department = header.supervising_department
    base.project_name = header.project_name
    base.year = header.year
    base.fill_date = header.fill_date
    base.amount_unit = header.amount_unit
    for key, value in parts.items():
        setattr(base, key, value)
    if not base.project_name and base.form_type == "report" and lines:
        base.project_name = project_evaluated(lines)
    if base.year is None and lines:
        base.year, warning = infer_year(lines, base.fill_date)
        if warning is not None:
            base.warnings.append(warning)
    if not base.funds and lines:
        base.funds, fund_warnings = _funds_laid_out_otherwise(lines)
        base.warnings += fund_warnings
    if lines:
        unread = unread_warnings(lines, base.funds, base.indicators, report=base.form_type == "report")
        base.warnings += unread
        lost_codes = ("indicator_text_unplaced", "indicator_row_unplaced", "indicator_rows_interleaved")
        lost_rows = any(w.code in lost_codes for w in base.warnings)
        # rows left as text: the table's sums and the total cannot be proven from what was read
        absent = ["values"] if any(w.code == "indicator_values_absent" for w in base.warnings) else []
        tokens = (
            base.unread.split()
            + [w.code.removesuffix("_unread") for w in unread]
            + (["rows"] if lost_rows else [])
            + absent
        )
        base.unread = " ".join(dict.fromkeys(tokens))
    return base


def _funds_laid_out_otherwise(lines: list[Line]) -> tuple[list[FundRow], list[ParseWarning]]:
    """The funds of a form with no funds table the walk could follow, by the first reader that finds any: the
    cover's 计划安排资金 block, rows by unit or city, 'label amount' lines confirmed by their sums, a total whose
    source columns a PDF interleaved (placed by its sums)."""
    for read in (cover_funds, unit_rows):
        if rows := read(lines):
            return rows, []
    for read_with_warnings in (label_amount_funds, interleaved_funds):
        rows, warnings = read_with_warnings(lines)
        if rows:
            return rows, warnings
    return [], []
