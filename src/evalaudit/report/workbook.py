"""findings.xlsx: the run's findings as a workbook a reviewer filters, annotates and drops back as decisions.

Two sheets: 汇总 (one row per unit) and 全部发现 (one row per finding: frozen header, filters, widths that fit
Chinese text, numbers as numbers, each form a link to its page). The 审核意见 / 意见说明 / 审核人 columns are
the reviewer's to fill; the hidden 键 column carries each finding's decision key, so a workbook dropped into
`data/decisions/` is read back as decisions (`decision_import`). Written in openpyxl's write-only mode: rows
stream to the file, so a night of 100,000 forms does not hold a workbook in memory.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from evalaudit.check_names import check_name
from evalaudit.checks.causes import under_causes
from evalaudit.decisions import DISMISSED, FINDING_VERDICTS
from evalaudit.model import CATEGORY_LABELS, SEVERITY_LABELS, Finding
from evalaudit.report import form_slug, unit_name
from evalaudit.resubmission import CHANGE_LABELS

SUMMARY, FINDINGS = "汇总", "全部发现"
VERDICT, REASON, REVIEWER, KEY = "审核意见", "意见说明", "审核人", "键"  # the columns read back
# (header, width in characters: a CJK character is two)
FINDING_COLUMNS: tuple[tuple[str, int], ...] = (
    ("单位", 26), ("文件", 30), ("表", 8), ("检查", 26), ("类别", 14), ("严重程度", 10), ("位置", 34), ("填报", 14), ("应为", 14),
    ("说明", 70), ("变化", 10), ("计数", 12), ("现有审核意见", 30), (VERDICT, 12), (REASON, 30), (REVIEWER, 10),
    (KEY, 10),
)  # fmt: skip
SUMMARY_COLUMNS: tuple[tuple[str, int], ...] = (
    ("单位", 30), ("自评表", 8), ("错误", 8), ("警告", 8), ("随之而来或供参考", 18), ("不是问题", 10), ("已确认", 8),
    ("待定", 8), ("未审核", 8),
)  # fmt: skip
_NUMBER = re.compile(r"^-?\d+(?:\.(\d+))?(%?)$")
_HEADER = PatternFill("solid", fgColor="EEF1F5")
_LINK = Font(color="0563C1", underline="single")


@dataclass(frozen=True)
class UnitForms:
    """How many forms a unit has in the inbox (the 汇总 sheet lists units without findings too)."""

    unit: str
    forms: int


def units_of(forms: Iterable[object]) -> list[UnitForms]:
    """Each unit with its number of forms (`forms`: evaluations or report entries)."""
    return [UnitForms(name, count) for name, count in Counter(unit_name(form) for form in forms).items()]  # type: ignore[arg-type]


def write_workbook(path: Path, findings: Sequence[Finding], units: Iterable[UnitForms], link_base: str = "") -> Path:
    """findings.xlsx at `path`. `link_base` is where the form pages are seen from ('' = beside the workbook)."""
    book = Workbook(write_only=True)
    _summary(book, findings, units)
    _findings(book, under_causes(findings), link_base)
    book.save(path)
    return path


def counted_as(finding: Finding) -> str:
    """How the counts treat a finding, in the reviewer's words."""
    if finding.decision == DISMISSED:
        return "不是问题"
    if finding.caused_by:
        return "随之而来"
    if finding.audience != "unit":
        return "供审核参考"
    return "需改正"


def typed(text: str) -> tuple[object, str | None]:
    """A value as Excel should hold it: a number (a percentage as a fraction, shown with its decimals) or the text."""
    match = _NUMBER.match(text.strip()) if text else None
    if not match:
        return text, None
    decimals = len(match[1] or "")
    places = "0" + ("." + "0" * decimals if decimals else "")
    if match[2]:
        return float(text.strip()[:-1]) / 100, places + "%"
    return float(text.strip()), places


def _sheet(book: Workbook, title: str, columns: tuple[tuple[str, int], ...], hidden: tuple[str, ...] = ()):
    """A sheet with its header row; widths and hidden columns are set first (write-only mode writes them with the
    first row)."""
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    for number, (name, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
        sheet.column_dimensions[get_column_letter(number)].hidden = name in hidden
    header = []
    for name, _ in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill = Font(bold=True), _HEADER
        header.append(cell)
    sheet.append(header)
    return sheet


def _summary(book: Workbook, findings: Sequence[Finding], units: Iterable[UnitForms]) -> None:
    sheet = _sheet(book, SUMMARY, SUMMARY_COLUMNS)
    forms = {u.unit: u.forms for u in units}
    counts: Counter[tuple[str, str]] = Counter()
    for f in findings:
        name = unit_name(f)
        forms.setdefault(name, 0)
        if f.for_unit:
            counts[(name, f.severity)] += 1
            counts[(name, f.decision or "undecided")] += 1
        elif f.decision == DISMISSED:
            counts[(name, DISMISSED)] += 1
        else:
            counts[(name, "aside")] += 1
    ranked = sorted(forms, key=lambda name: (-counts[(name, "error")], -counts[(name, "warning")], name))
    for name in ranked:
        sheet.append([name, forms[name], counts[(name, "error")], counts[(name, "warning")], counts[(name, "aside")],
                      counts[(name, DISMISSED)], counts[(name, "confirmed")], counts[(name, "pending")],
                      counts[(name, "undecided")]])  # fmt: skip
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(SUMMARY_COLUMNS))}{len(ranked) + 1}"


def _findings(book: Workbook, findings: Sequence[Finding], link_base: str) -> None:
    sheet = _sheet(book, FINDINGS, FINDING_COLUMNS, hidden=(KEY,))  # 键: for the import only
    verdict_column = get_column_letter([name for name, _ in FINDING_COLUMNS].index(VERDICT) + 1)
    choices = DataValidation(type="list", formula1='"' + ",".join(FINDING_VERDICTS.values()) + '"', allow_blank=True)
    choices.error, choices.errorTitle = "请从列表中选择：" + "、".join(FINDING_VERDICTS.values()), "审核意见"
    sheet.data_validations.append(choices)
    wrap = Alignment(wrap_text=True, vertical="top")
    for f in findings:
        form = WriteOnlyCell(sheet, value=f"第{f.form_index}张" if f.form_index else "")
        if f.evaluation_id and f.form_index:
            form.hyperlink, form.font = f"{link_base}forms/{form_slug(f.evaluation_id)}.html", _LINK
        values = []
        for text in (f.stated, f.expected):
            value, shown = typed(text)
            cell = WriteOnlyCell(sheet, value=value)
            if shown:
                cell.number_format = shown
            values.append(cell)
        message = WriteOnlyCell(sheet, value=f.message)
        message.alignment = wrap
        sheet.append([f.unit or unit_name(f), f.source_file, form, check_name(f.check_id),
                      CATEGORY_LABELS.get(f.category, f.category),
                      SEVERITY_LABELS.get(f.severity, f.severity), f.location, *values, message,
                      CHANGE_LABELS.get(f.change, ""), counted_as(f), f.decision_note, None, None, None,
                      f.decision_key])  # fmt: skip
    last = len(findings) + 1
    choices.add(f"{verdict_column}2:{verdict_column}{max(last, 2)}")
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_COLUMNS))}{last}"
