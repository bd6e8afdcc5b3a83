"""Who and when: unit, supervising department, project, fiscal year, fill date, amount unit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from evalaudit.model import ParseWarning
from evalaudit.parse.lines import Line
from evalaudit.parse.vocab import (
    FILL_DATE_LABELS,
    FLAT_LABELS,
    FUND_COLUMNS,
    HEADER_KEYS,
    HEADER_STOPS,
    INDICATOR_COLUMNS,
    column_role,
    fund_item,
)
from evalaudit.textnorm import fold

_YEAR_DU = re.compile(r"(20\d{2})\s*年度")
_YEAR = re.compile(r"(20\d{2})\s*年")
_DATE = re.compile(r"(20\d{2})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?")
_DATE_COMPACT = re.compile(r"(20\d{2})(\d{2})(\d{2})")
_TITLE_TAIL = re.compile(
    r"(部门|单位)?(预算)?(整体支出|项目支出|整体|项目)?(绩效)?(目标)?(自评表|评价表|自评报告|评价报告|自评情况报告)$"
)
_KEYS = {
    "unit": ("部门(单位)名称", "部门名称", "单位名称", "实施单位", "预算单位", "评价单位"),
    "supervising_department": ("主管部门",),
    "project_name": ("项目名称",),
}
_NOT_VALUES = frozenset({"盖章", "(盖章)", "公章", "(公章)", "本单位", "无", "/"})
_UNIT_NOTE = re.compile(r"^(金额)?单位[:：]")  # '单位:万元' is the next field, not this one's value
_ORG_SUFFIX = re.compile(r"(局|委|办|办公室|中心|政府|处|院|所|站|校|学校|部|厅|队|会|馆)$")


@dataclass
class Header:
    unit: str = ""
    supervising_department: str = ""
    project_name: str = ""
    year: int | None = None
    fill_date: str = ""
    amount_unit: str = ""
    title_unit: str = ""
    title_project: str = ""
    warnings: list[ParseWarning] = field(default_factory=list)


def parse_date(text: str) -> str:
    folded = fold(text)
    match = _DATE.search(folded) or _DATE_COMPACT.search(folded)
    if not match:
        return ""
    year, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def unit_from_title(title_lines: list[str]) -> str:
    """'2022年武威市政府政务服务中心整体支出绩效自评表' → '武威市政府政务服务中心'."""
    text = "".join(fold(line).lstrip("#") for line in title_lines)
    text = re.sub(r"20\d{2}年度?", "", text)
    text = re.sub(r"[(（][^)）]*[)）]", "", text)
    text = _TITLE_TAIL.sub("", text)
    return text if 2 <= len(text) <= 40 and not re.search(r"附件|自评|绩效", text) else ""


_PROJECT_WORDS = re.compile(r"项目|工程|经费|资金|补助|专项|补贴")
_GENERIC = re.compile(r"^(部门|单位)?(预算)?(整体支出|项目支出|项目|支出|整体)?$")
_REPORT_TAIL = re.compile(
    r"(的)?(部门|单位)?(财政)?(预算)?(整体支出|项目支出|支出|整体)?(绩效)?(目标)?(评价)?"
    r"(自评表|评价表|自评报告|评价报告|自评情况报告|自评|评价)$"
)


def title_parts(title_lines: list[str]) -> tuple[str, str]:
    """(unit, project) a title names: '桐林区2020年度孤儿基本生活费保障民生工程绩效评价自评报告' →
    ('', '孤儿基本生活费保障民生工程'); '蓉溪市松川区林业局2024年度林业草原改革发展资金绩效评价表' →
    ('蓉溪市松川区林业局', '林业草原改革发展资金'). The part before the year is a unit only when it reads as one."""
    text = "".join(fold(line).lstrip("#") for line in title_lines)
    text = re.sub(r"[.．](docx?|xlsx?|pdf|wps)$", "", text)
    parenthetical = re.findall(r"[(（]([^)）]*)[)）]?$", text)
    text = re.sub(r"[(（][^)）]*[)）]?$", "", text)
    text = _REPORT_TAIL.sub("", text)
    year = re.search(r"20\d{2}年度?", text)
    before, after = (text[: year.start()], text[year.end() :]) if year else ("", text)
    project = after if _PROJECT_WORDS.search(after) and not _GENERIC.match(after) else ""
    if not project and parenthetical and _PROJECT_WORDS.search(parenthetical[0]):
        project = parenthetical[0]  # '…项目支出绩效自评报告(2022年中央支持地方…补助资金'
    unit = before if _ORG_SUFFIX.search(before) and len(before) >= 3 else ""
    if not project and not unit and not after and _PROJECT_WORDS.search(before):
        project = before  # '某某专项转移支付2021年度绩效自评报告': the fund named before the year
    return unit, project if 2 <= len(project) <= 40 else ""


def _value_after(cells: list[str], index: int) -> str:
    for cell in cells[index + 1 :]:
        if cell.strip(" |"):  # a stray '|' of a table the extraction half-kept is no value
            return cell.strip()
    return ""


def _inline_value(cell: str, key: str) -> str:
    """'主管部门：县水利局' → '县水利局', in the cell's own characters (the key is matched folded)."""
    folded_key = fold(key)
    position, matched = 0, 0
    while position < len(cell) and matched < len(folded_key):
        char = fold(cell[position])
        if char and not folded_key.startswith(char, matched):
            return ""
        matched += len(char)
        position += 1
    if matched < len(folded_key):
        return ""
    return cell[position:].strip(" :：\t")


def _read_keys(lines: list[Line], number: int, found: dict[str, str]) -> None:
    """'项目名称 | X', '主管部门：X', '实施单位' then 'X' on the next line: the first plausible value of each field."""
    cells = [part for cell in lines[number].nonempty for part in _split_at_keys(cell)]
    for index, cell in enumerate(cells):
        match = header_key(cell)
        if match is None:
            continue
        key, fields = match
        value = _inline_value(cell, key)
        if not value:
            value = _value_after(cells, index)
            if not value and index == len(cells) - 1 and number + 1 < len(lines):
                following = lines[number + 1].nonempty
                value = following[0] if following else ""
        if value.endswith((":", "：")):
            continue  # '主管部门' left blank, then '评价方式:': the next label, not this one's value
        if fold(value).startswith("/"):
            value = _slash_pair_value(lines, number, index, value)
        value = _clean_value(value)
        if not _plausible(value):
            continue
        for field_name in fields:
            found.setdefault(field_name, value)
        if "supervising_department" in fields and "unit" not in found:
            # '主管部门 | X | | | Y': the 实施单位 label lost, its value still there
            rest = [c for c in cells[index + 1 :] if c.strip() and fold(c) != fold(value)]
            if rest and header_key(rest[0]) is None and _plausible(_clean_value(rest[0])) and len(rest) == 1:
                found["unit"] = _clean_value(rest[0])


_FOLDED_KEYS = [(fold(key), key, fields) for key, fields in HEADER_KEYS]  # folded once, not per cell
_CUT_LABELS = sorted(
    {key for key, _, _ in _FOLDED_KEYS} | {fold(label) for label in HEADER_STOPS}, key=len, reverse=True
)
_LABELS = frozenset(fold(word) for word in FLAT_LABELS)


def _slash_pair_value(lines: list[Line], number: int, index: int, value: str) -> str:
    """'项目实施单位/项目负责人' then 'X中心/张三': two labels sharing a cell, their values sharing the next one,
    each pair split at its slash; this label's value is the part before the slash ('' when the cells are not
    such a pair)."""
    stream = lines[number].nonempty[index + 1 :] + [
        cell for line in lines[number + 1 : number + 3] for cell in line.nonempty
    ]
    if stream and stream[0].strip() == value.strip():
        stream = stream[1:]  # the value is the cell after the label, not the label's own text
    rest = value.strip()[1:].strip()
    following = ([rest] if rest else []) + stream
    if len(following) < 2 or fold(following[0]) not in _LABELS or header_key(following[0]):
        return ""
    pair = following[1]
    at = next((position for position, char in enumerate(pair) if fold(char) == "/"), -1)
    return pair[:at].strip() if at > 0 and at < len(pair) - 1 else ""


def _read_wrapped_key(lines: list[Line], number: int, found: dict[str, str]) -> None:
    """'省级预算' / '某县教育局' / '部门名称': a label wrapped over two lines with its value, centred beside it, read
    between them (PDF and one-cell-per-line extraction)."""
    if not 0 < number < len(lines) - 1:
        return
    before, value, after = (lines[number + step].nonempty for step in (-1, 0, 1))
    if not (len(before) == len(value) == len(after) == 1) or header_key(before[0]) is not None:
        return
    label = fold(before[0] + after[0])
    match = header_key(label)
    if match is None or fold(match[0]) != label or not _plausible(_clean_value(value[0])):
        return
    for field_name in match[1]:
        found.setdefault(field_name, _clean_value(value[0]))


@lru_cache(maxsize=65536)  # pure: asked of every cell of every form's head
def header_key(cell: str) -> tuple[str, tuple[str, ...]] | None:
    """The header label a cell starts with (longest first) and the fields its value fills."""
    folded = fold(cell)
    for folded_key, key, fields in _FOLDED_KEYS:
        if folded.startswith(folded_key):
            return key, fields
    return None


def _clean_value(value: str) -> str:
    value = value.strip().strip(":：").strip()
    value = re.sub(r"^[(（](盖章|公章)[)）]\s*", "", value)
    # a value that runs into the next label ('X局项目实施单位Y'): cut at the label
    folded = fold(value)
    for folded_key, _, _ in _FOLDED_KEYS:
        at = folded.find(folded_key, 1)
        if at > 0:
            return value[: _original_index(value, at)].strip(" :：")
    return value


def _split_at_keys(cell: str) -> list[str]:
    """'项目实施单位X中心主管部门Y局项目负责人Z': labels and values fused into one cell, cut before each label."""
    first = header_key(cell)
    if first is None:
        return [cell]
    folded = fold(cell)
    cuts, at = [], len(fold(first[0]))
    while at < len(folded):
        label = next((label for label in _CUT_LABELS if folded.startswith(label, at)), None)
        if label is None:
            at += 1
            continue
        cuts.append(at)
        at += len(label)
    if not cuts:
        return [cell]
    bounds = [0] + [_original_index(cell, at) for at in cuts] + [len(cell)]
    return [cell[start:end] for start, end in zip(bounds, bounds[1:]) if cell[start:end].strip()]


def _original_index(text: str, folded_index: int) -> int:
    count = 0
    for index, char in enumerate(text):
        if count >= folded_index:
            return index
        count += len(fold(char))
    return len(text)


_WHOLE_KEYS = frozenset(key for key, _, _ in _FOLDED_KEYS)


def _join_split_labels(line: Line) -> Line:
    """'项目主管单 位': a header label a PDF extraction cut at a space, its two cells glued back into the label
    (only when the two together are exactly a label and the first alone is none)."""
    cells = line.nonempty
    joined: list[str] = []
    for cell in cells:
        if joined and fold(joined[-1] + cell) in _WHOLE_KEYS and header_key(joined[-1]) is None:
            joined[-1] += cell
        else:
            joined.append(cell)
    if len(joined) == len(cells):
        return line
    return Line(joined, line.raw, line.lineno, line.delimited)


def _stream(lines: list[Line]) -> list[str]:
    return [cell for line in lines for cell in line.nonempty]


def _valueless(cells: list[str], index: int) -> bool:
    """A label whose next cell is another label or a field's '…:' (its value printed elsewhere)."""
    following = cells[index + 1] if index + 1 < len(cells) else ""
    return not _inline_value(cells[index], header_key(cells[index])[0]) and (  # type: ignore[index]
        header_key(following) is not None or fold(following).endswith(":") or fold(following) in _LABELS
    )


def _doubled_value(lines: list[Line], unit: str) -> str:
    """'项目主管单位 … 项目实施单位 X X': a PDF printed a header row's values after its labels; the supervising
    label has no value of its own and the unit's value is printed twice in a row, so the second is the
    supervising department's (whichever order the values came in, both are X)."""
    cells = _stream(lines)
    supervising_blank = any(
        (match := header_key(cell)) is not None and "supervising_department" in match[1] and _valueless(cells, at)
        for at, cell in enumerate(cells)
    )
    if not unit or not supervising_blank:
        return ""
    for at, cell in enumerate(cells[:-2]):
        match = header_key(cell)
        if match is None or "unit" not in match[1] or _inline_value(cell, match[0]):
            continue
        first, second = (_clean_value(value) for value in cells[at + 1 : at + 3])
        if first == second == unit:
            return unit
    return ""


_NAME_ENDS = re.compile(r"(项目|工程|经费|专项|补助|补贴)$")
_HEAD_ENDS = re.compile(r"指标|分值|权重|得分")  # the head block ends where a scored table begins


def _lone_project_name(lines: list[Line], header: Header) -> str:
    """'项目名称' with no value after it and, among the head block's cells that a PDF interleaved, exactly one
    cell shaped as a project's name (ending 项目/工程/经费…, not a label, a fund item or a column word, no
    digits or punctuation): that cell is the project's name."""
    head: list[Line] = []
    for line in lines:
        if _HEAD_ENDS.search(fold(line.text)):
            break
        head.append(line)
    cells = _stream(head)
    labelled = [at for at, cell in enumerate(cells) if (m := header_key(cell)) and "project_name" in m[1]]
    if not labelled or not all(_valueless(cells, at) for at in labelled):
        return ""
    taken = {fold(header.unit), fold(header.supervising_department)}
    candidates = {cell.strip() for cell in cells if _project_shaped(cell) and fold(cell) not in taken}
    return candidates.pop() if len(candidates) == 1 else ""


def _project_shaped(cell: str) -> bool:
    text = fold(cell.strip())
    if not 5 <= len(text) <= 40 or not _NAME_ENDS.search(text) or text.startswith("项目"):
        return False
    if re.search(r"[\d\s:：,，。;；、()（）/《》]", text) or fund_item(text) or text in _LABELS:
        return False
    return _plausible(text) and header_key(text) is None


def _plausible(value: str) -> bool:
    """A name, not a label, a blank or a stamp: '/', '(盖章)', '项目名称', '全年预算数' are not values."""
    folded = fold(value)
    if not re.search(r"[\u4e00-\u9fffA-Za-z]", folded) or folded in _NOT_VALUES or _UNIT_NOTE.match(folded):
        return False
    if re.match(r"^[\u4e00-\u9fff]{2,6}[:：]", folded) or re.search(r"\(万?元\)", folded):
        return False  # '评价方式:自评', '资金情况(万元)': the next field, not this one's value
    if any(column_role(value, table) is not None for table in (FUND_COLUMNS, INDICATOR_COLUMNS)):
        return False  # a column header ('一级 指标', '全年预算数'): the field was left blank
    return header_key(value) is None and len(folded) <= 60


def parse_header(lines: list[Line], title_index: int | None) -> Header:
    header = Header()
    head_titles: list[str] = []
    if title_index is not None:
        # a title may wrap: '江华瑶族自治县 2023 年度政务服务中心' / '整体绩效评价报告'
        start = title_index
        if title_index > 0 and len(lines[title_index - 1].nonempty) == 1 and "附件" not in lines[title_index - 1].text:
            start = title_index - 1
        head_titles = [line.text for line in lines[start : title_index + 1]]
        header.title_unit = unit_from_title(head_titles)
        title_unit, title_project = title_parts([lines[title_index].text])
        if title_project:
            header.title_unit, header.title_project = title_unit, title_project

    lines = [_join_split_labels(line) for line in lines]
    found: dict[str, str] = {}
    for number, line in enumerate(lines):
        folded_line = fold(line.text)
        if not header.year:
            match = _YEAR_DU.search(folded_line) if len(folded_line) < 80 else None
            if match:
                header.year = int(match.group(1))
        if not header.fill_date:
            label = next((label for label in FILL_DATE_LABELS if label in folded_line), None)
            if label:
                header.fill_date = parse_date(folded_line.split(label, 1)[1])
        if not header.amount_unit:
            if "万元" in folded_line and len(folded_line) < 80:
                header.amount_unit = "万元"
            elif re.search(r"[(（]元[)）]|单位[:：]元", folded_line):
                header.amount_unit = "元"
        _read_keys(lines, number, found)
        _read_wrapped_key(lines, number, found)
    header.unit = found.get("unit", "")
    header.supervising_department = found.get("supervising_department", "")
    header.project_name = found.get("project_name", "")
    if not header.supervising_department:
        header.supervising_department = _doubled_value(lines, header.unit)
    if not header.project_name and (lone := _lone_project_name(lines, header)):
        header.project_name = lone
        header.warnings.append(
            ParseWarning(
                "project_name_apart",
                f"“项目名称”后未紧跟其值，已采用表头中唯一形如项目名称的“{lone}”，请核对",
                "基本信息/项目名称",
                lone,
            )
        )

    if header.year is None and head_titles:
        match = _YEAR.search(fold("".join(head_titles)))
        if match:
            header.year = int(match.group(1))
    if not header.unit and header.title_unit:
        header.unit = header.title_unit
    if not header.project_name and header.title_project:
        header.project_name = header.title_project
    _check_project_name(lines, title_index, header)
    return header


def _check_project_name(lines: list[Line], title_index: int | None, header: Header) -> None:
    """Some forms put the supervising department in the 项目名称 cell and the project name above the table."""
    name = fold(header.project_name)
    if not name or name not in {fold(header.supervising_department), fold(header.unit)}:
        return
    start = (title_index or 0) + 1
    for line in lines[start : start + 4]:
        cells = line.nonempty
        if len(cells) == 1 and re.search(r"(项目|经费|资金|工程)$", fold(cells[0])):
            header.warnings.append(
                ParseWarning(
                    "project_name_is_department",
                    f"项目名称栏填写为“{header.project_name}”（与主管部门/单位相同），已采用表头上方的“{cells[0]}”",
                    "基本信息/项目名称",
                    line.raw,
                )
            )
            header.project_name = cells[0]
            return
    header.warnings.append(
        ParseWarning(
            "project_name_is_department",
            f"项目名称栏填写为“{header.project_name}”，与主管部门/单位相同，请核实项目名称",
            "基本信息/项目名称",
            header.project_name,
        )
    )
