"""Word (.docx) and Excel (.xlsx / .xlsm) submissions → the same blocks the text and HTML readers produce.

The native formats keep what text extraction loses: a table is rows of cells. A cell merged over several
columns or rows is read once, in its first position; the positions it covers are left blank, as the HTML
reader does, so the parser sees the template's grid. Word: paragraphs and tables in body order, tracked
insertions read as accepted and deletions left out, headers, footers and text boxes ignored. Excel: every
visible sheet (a sheet is often a form), hidden rows and columns skipped, formulas as their cached values and
numbers as the sheet shows them (0.7874 formatted as a percentage is 78.74%).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from evalaudit.ingest.blocks import Block, Reading, numbered
from evalaudit.ingest.decode import UnreadableFile

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_blocks(data: bytes) -> Reading:
    """The blocks of a Word document's body, in order."""
    from docx import (
        Document,  # imported when a .docx arrives: the text path needs no Office library
    )

    try:
        document = Document(_archive(data, "Word 文档（.docx）"))
    except (KeyError, ValueError, zipfile.BadZipFile) as error:
        raise UnreadableFile(f"Word 文件已损坏，无法打开（{type(error).__name__}），请重新保存后提交") from error
    blocks: list[Block] = []
    for element in document.element.body.iterchildren():
        if element.tag == f"{_W}p":
            text = _paragraph_text(element)
            blocks.append(Block("text" if text.strip() else "blank", [text] if text.strip() else [], text))
        elif element.tag == f"{_W}tbl":
            blocks.extend(_table_rows(element))
    return Reading(numbered(blocks))


def _paragraph_text(paragraph) -> str:
    """Every w:t of the paragraph, inserted runs included; deleted text is w:delText and never read."""
    parts = []
    for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
        parts.append((node.text or "") if node.tag == f"{_W}t" else " ")
    return "".join(parts).strip()


def _table_rows(table) -> list[Block]:
    """One row block per table row; a cell spanning columns (gridSpan) or continuing a vertical merge (vMerge)
    leaves blanks where it extends. A table nested in a cell is read into that cell's text."""
    rows: list[Block] = []
    for tr in table.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            properties = tc.find(f"{_W}tcPr")
            span, continued = 1, False
            if properties is not None:
                grid = properties.find(f"{_W}gridSpan")
                span = int(grid.get(f"{_W}val", "1")) if grid is not None else 1
                merge = properties.find(f"{_W}vMerge")
                continued = merge is not None and merge.get(f"{_W}val", "continue") != "restart"
            text = "" if continued else " ".join(filter(None, (_paragraph_text(p) for p in tc.iter(f"{_W}p"))))
            cells.extend([text] + [""] * (span - 1))
        raw = " | ".join(cells)
        rows.append(Block("row", cells, raw, grid=True))
    return rows


def xlsx_blocks(data: bytes) -> Reading:
    """The blocks of every visible sheet, one row block per visible row with a value, sheets one after another."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        workbook = load_workbook(_archive(data, "Excel 工作簿（.xlsx）"), data_only=True, read_only=False)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as error:
        raise UnreadableFile(f"Excel 文件已损坏，无法打开（{type(error).__name__}），请重新导出后提交") from error
    blocks: list[Block] = []
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            continue
        covered = {
            (row, column)
            for merged in sheet.merged_cells.ranges
            for row in range(merged.min_row, merged.max_row + 1)
            for column in range(merged.min_col, merged.max_col + 1)
            if (row, column) != (merged.min_row, merged.min_col)
        }
        hidden_columns = {key for key, dimension in sheet.column_dimensions.items() if dimension.hidden}
        for row in sheet.iter_rows():
            if not row or sheet.row_dimensions[row[0].row].hidden:
                continue
            cells = [
                "" if (cell.row, cell.column) in covered else shown(cell.value, cell.number_format)
                for cell in row
                if get_column_letter(cell.column) not in hidden_columns
            ]
            while cells and not cells[-1]:
                cells.pop()
            if any(cells):
                blocks.append(Block("row", cells, " | ".join(cells), grid=True))
        blocks.append(Block("blank", [], ""))  # a sheet ends
    if not any(block.kind == "row" for block in blocks):
        raise UnreadableFile("Excel 工作簿中没有可见的内容（工作表为空或全部隐藏），请检查后重新提交")
    return Reading(numbered(blocks))


def shown(value: object, number_format: str) -> str:
    """A cell's value as the sheet displays it: a percentage format shows 0.7874 as 78.74%, the format's
    decimals kept; a whole float shows no '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (datetime, date)):
        return value.strftime("%Y年%m月%d日")
    if isinstance(value, (int, float)):
        if "%" in number_format:
            decimals = len(number_format.split(".")[1].split("%")[0]) if "." in number_format else 0
            return f"{value * 100:.{decimals}f}%"
        if isinstance(value, float) and "0.0" in number_format:
            decimals = len(number_format.split(".")[1].rstrip('_);"-').split(";")[0].rstrip("#")) or 0
            return f"{value:.{decimals}f}"
        return f"{value:g}" if isinstance(value, float) and value.is_integer() else str(value)
    return str(value).strip()


def _archive(data: bytes, kind: str) -> io.BytesIO:
    """The bytes as an Office archive, or the reason they are none (a .doc renamed .docx, an encrypted file)."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile(
            f"文件不是{kind}：它是旧版 Office 格式（.doc/.xls）或加密文件，请另存为 .docx/.xlsx 后重新提交"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnreadableFile(f"文件已损坏或不是{kind}，无法打开，请重新保存后提交")
    return io.BytesIO(data)
