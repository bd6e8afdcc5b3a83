"""Excel 97-2003 (.xls) workbooks → blocks, read by xlrd as the .xlsx reader reads its sheets.

Every visible sheet, hidden rows and columns skipped, a merged range read once in its first cell, numbers as
the cell's format shows them. The number formatting is shared with the .xlsx reader (`office.shown`).
"""

from __future__ import annotations

from evalaudit.ingest.blocks import Block, Reading, numbered
from evalaudit.ingest.decode import UnreadableFile
from evalaudit.ingest.office import shown


def xls_blocks(data: bytes) -> Reading:
    import xlrd  # imported when an .xls arrives

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except xlrd.biffh.XLRDError as error:
        if "encrypt" in str(error).lower() or "password" in str(error).lower():
            raise UnreadableFile("Excel 文件设有密码（已加密），无法读取，请取消密码后重新提交") from error
        raise UnreadableFile(f"Excel 97-2003 文件已损坏，无法打开（{error}），请另存为 .xlsx 后重新提交") from error
    except (AssertionError, IndexError, KeyError, ValueError, EOFError) as error:
        raise UnreadableFile("Excel 97-2003 文件已损坏，无法打开，请另存为 .xlsx 后重新提交") from error
    blocks: list[Block] = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        if sheet.visibility != 0:
            continue
        blocks += _sheet_rows(book, sheet)
        blocks.append(Block("blank", [], ""))  # a sheet ends
    if not any(block.kind == "row" for block in blocks):
        raise UnreadableFile("Excel 工作簿中没有可见的内容（工作表为空或全部隐藏），请检查后重新提交")
    return Reading(numbered(blocks))


def _sheet_rows(book, sheet) -> list[Block]:
    import xlrd

    covered = {
        (row, column)
        for low_row, high_row, low_column, high_column in sheet.merged_cells
        for row in range(low_row, high_row)
        for column in range(low_column, high_column)
        if (row, column) != (low_row, low_column)
    }
    hidden_columns = {column for column, info in sheet.colinfo_map.items() if info.hidden}
    rows = []
    for r in range(sheet.nrows):
        info = sheet.rowinfo_map.get(r)
        if info is not None and info.hidden:
            continue
        cells = []
        for c in range(sheet.ncols):
            if c in hidden_columns:
                continue
            if (r, c) in covered:
                cells.append("")
                continue
            cell = sheet.cell(r, c)
            value = cell.value
            if cell.ctype == xlrd.XL_CELL_DATE:
                value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                value = None
            cells.append(shown(value, _number_format(book, cell.xf_index)))
        while cells and not cells[-1]:
            cells.pop()
        if any(cells):
            rows.append(Block("row", cells, " | ".join(cells), grid=True))
    return rows


def _number_format(book, xf_index: int | None) -> str:
    if xf_index is None:
        return "General"
    try:
        return book.format_map[book.xf_list[xf_index].format_key].format_str
    except (IndexError, KeyError):
        return "General"
