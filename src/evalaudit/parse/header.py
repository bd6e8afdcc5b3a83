"""Who and when: unit, supervising department, project, fiscal year, fill date, amount unit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evalaudit.model import ParseWarning
from evalaudit.parse.lines import Line
from evalaudit.parse.vocab import FUND_COLUMNS, column_role
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


def _value_after(cells: list[str], index: int) -> str:
    for cell in cells[index + 1 :]:
        if cell.strip():
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

    found: dict[str, str] = {}
    for line in lines:
        folded_line = fold(line.text)
        if not header.year:
            match = _YEAR_DU.search(folded_line) if len(folded_line) < 80 else None
            if match:
                header.year = int(match.group(1))
        if not header.fill_date and "填报日期" in folded_line:
            header.fill_date = parse_date(folded_line.split("填报日期", 1)[1])
        if not header.amount_unit:
            if "万元" in folded_line and len(folded_line) < 80:
                header.amount_unit = "万元"
            elif re.search(r"[(（]元[)）]|单位[:：]元", folded_line):
                header.amount_unit = "元"
        cells = line.nonempty
        for index, cell in enumerate(cells):
            folded_cell = fold(cell)
            for field_name, keys in _KEYS.items():
                if field_name in found:
                    continue
                for key in keys:
                    fkey = fold(key)
                    if not folded_cell.startswith(fkey):
                        continue
                    value = _inline_value(cell, key) or _value_after(cells, index)
                    if value and column_role(value, FUND_COLUMNS) is None and fold(value) != fkey:
                        found[field_name] = value
                        if field_name == "supervising_department" and "实施单位" not in found:
                            # '主管部门 | X | 实施单位 | Y', or the label missing: '主管部门 | X | | | Y'
                            rest = [c for c in cells[index + 1 :] if c.strip() and fold(c) != fold(value)]
                            rest = [c for c in rest if fold(c) != "实施单位"]
                            if rest and "unit" not in found:
                                found["unit"] = rest[0]
                    break
    header.unit = found.get("unit", "")
    header.supervising_department = found.get("supervising_department", "")
    header.project_name = found.get("project_name", "")

    if header.year is None and head_titles:
        match = _YEAR.search(fold("".join(head_titles)))
        if match:
            header.year = int(match.group(1))
    if not header.unit and header.title_unit:
        header.unit = header.title_unit
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
