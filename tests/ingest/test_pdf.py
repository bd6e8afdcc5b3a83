"""PDF submissions, printed here by LibreOffice from Word documents the tests build, read into the same forms
as their text: tables by their ruling lines or by the words' positions, print artefacts (page numbers, running
headers, tables and rows cut by page breaks) undone, broken and protected files refused with a reason, scans
sent to OCR."""

from __future__ import annotations

import io
import json
import sys
import types
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from PIL import Image

from evalaudit.ingest import Reading, UnreadableFile, read_bytes
from evalaudit.ingest.blocks import Block
from evalaudit.parse import parse_document
from evalaudit.parse.accuracy import extraction
from tests.ingest.documents import INBOX, TABLE_SAMPLES, as_docx, sample, soffice_convert


def _pdf(word: Document, options: dict | None = None) -> bytes:
    out = io.BytesIO()
    word.save(out)
    target = "pdf" if options is None else "pdf:writer_pdf_Export:" + json.dumps(options)
    return soffice_convert(out.getvalue(), ".docx", target)


def _rows(data: bytes) -> list[list[str]]:
    return [block.cells for block in read_bytes("t.pdf", data).blocks if block.kind == "row"]


def _forms(name: str, data: bytes) -> list[dict]:
    return [extraction(e) for e in parse_document(read_bytes(name, data)).evaluations]


def _table(word: Document, rows: list[list[str]], *, ruled: bool = True, header: bool = False):
    table = word.add_table(rows=len(rows), cols=len(rows[0]))
    if ruled:
        table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    if header:  # Word's "repeat as header row at the top of each page"
        properties = table.rows[0]._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:tblHeader"))
    return table


def _widths(table, points: list[float]) -> None:
    """Column widths as LibreOffice reads them: the table grid's and every cell's."""
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), points):
        column.set(qn("w:w"), str(int(width * 20)))
    for row in table.rows:
        for cell, width in zip(row.cells, points):
            cell.width = Pt(width)


@pytest.mark.parametrize("name", TABLE_SAMPLES)
def test_a_form_printed_to_pdf_reads_as_its_text(name: str) -> None:
    expected = _forms(name, (INBOX / name).read_bytes())
    assert expected and any(form["indicators"] for form in expected)
    printed = soffice_convert(as_docx(sample(name)), ".docx", "pdf")
    assert _forms(Path(name).stem + ".pdf", printed) == expected


def test_merged_cells_are_read_once_in_their_first_position() -> None:
    word = Document()
    table = _table(word, [["", "", "道路养护"], ["", "数量指标", ""], ["", "质量指标", ""]])
    table.cell(0, 0).merge(table.cell(0, 1)).text = "项目名称"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "产出指标"
    assert _rows(_pdf(word)) == [["项目名称", "", "道路养护"], ["产出指标", "数量指标", ""], ["", "质量指标", ""]]


def test_text_wrapped_in_a_narrow_cell_is_joined_as_written() -> None:
    word = Document()
    rows = [["年度资金总额", "1,268.72", "12345678901234567890", "alpha beta gamma delta"]]
    _widths(_table(word, rows), [40, 40, 60, 80])
    printed = _pdf(word)
    cells = _rows(printed)
    assert cells == rows
    # it did wrap: each cell stands on several lines of the page
    assert all(part.count("\n") for part in _plumbed_cells(printed))


def _plumbed_cells(data: bytes) -> list[str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [cell for cell in pdf.pages[0].extract_tables()[0][0] if cell]


def test_paragraphs_and_tables_are_read_in_their_order_down_the_page() -> None:
    word = Document()
    word.add_paragraph("2023年度项目支出绩效自评表")
    _table(word, [["项目名称", "道路养护"]])
    word.add_paragraph("绩效指标")
    _table(word, [["一级指标", "二级指标", "得分"], ["产出指标", "数量指标", "20"]])
    word.add_paragraph("自评结论：优")
    blocks = read_bytes("t.pdf", _pdf(word)).blocks
    assert [(block.kind, block.cells) for block in blocks] == [
        ("text", ["2023年度项目支出绩效自评表"]),
        ("row", ["项目名称", "道路养护"]),
        ("text", ["绩效指标"]),
        ("row", ["一级指标", "二级指标", "得分"]),
        ("row", ["产出指标", "数量指标", "20"]),
        ("text", ["自评结论：优"]),
    ]
    assert [block.lineno for block in blocks] == [1, 2, 3, 4, 5, 6]


def _long_table(word: Document, count: int, *, header: bool) -> list[list[str]]:
    rows = [["序号", "三级指标", "指标值", "得分"]] + [
        [str(n), f"第{n}项指标", f"{n * 1.5:g}万元", str(n % 10)] for n in range(1, count + 1)
    ]
    _table(word, rows, header=header)
    return rows


@pytest.mark.parametrize("header", [True, False], ids=["header repeated", "header not repeated"])
def test_a_table_continued_over_pages_is_one_table_with_its_header_once(header: bool) -> None:
    word = Document()
    word.add_paragraph("绩效指标完成情况")
    rows = _long_table(word, 120, header=header)
    printed = _pdf(word)
    pages = _page_texts(printed)
    assert len(pages) >= 3
    assert sum("序号" in page for page in pages) == (len(pages) if header else 1)
    assert _rows(printed) == rows


def _pages(data: bytes) -> int:
    return len(_page_texts(data))


def _page_texts(data: bytes) -> list[str]:
    """What pdfplumber reads on each page, print artefacts and all."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() for page in pdf.pages]


def _ruled(data: bytes) -> bool:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return any(page.lines or page.rects for page in pdf.pages)


def test_a_row_cut_by_a_page_break_is_read_as_one_row() -> None:
    word = Document()
    rows = [[f"第{n}项", "".join(f"第{n}项说明第{k}句。" for k in range(1, 40)), f"{n}0"] for n in range(1, 11)]
    _widths(_table(word, rows), [60, 300, 60])
    printed = _pdf(word)
    pages = _page_texts(printed)
    assert len(pages) >= 3  # ten rows taller than a fifth of a page: some are cut
    assert any(not page.startswith("第") for page in pages[1:])  # a page opens inside a row's text
    assert _rows(printed) == rows


def test_running_header_and_page_numbers_are_dropped() -> None:
    word = Document()
    section = word.sections[0]
    section.header.paragraphs[0].text = "清溪县财政局绩效评价资料"
    footer = section.footer.paragraphs[0]
    footer.add_run("第 ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    footer.add_run(" 页")
    word.add_paragraph("绩效指标完成情况")
    rows = _long_table(word, 120, header=True)
    printed = _pdf(word)
    pages = _page_texts(printed)
    assert len(pages) >= 3
    assert all("清溪县财政局绩效评价资料" in page and f"第 {n} 页" in page for n, page in enumerate(pages, 1))
    document = read_bytes("t.pdf", printed)
    assert "财政局" not in document.text and "页" not in document.text
    assert [block.cells for block in document.blocks] == [["绩效指标完成情况"]] + rows


def test_a_title_that_opens_every_page_is_kept() -> None:
    word = Document()
    for unit in ("清溪县水利局", "清溪县教育局", "清溪县民政局"):
        word.add_paragraph("2023年度项目支出绩效自评表")
        _table(word, [["实施单位", unit]])
        word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    blocks = read_bytes("t.pdf", _pdf(word)).blocks
    assert [block.cells[0] for block in blocks].count("2023年度项目支出绩效自评表") == 3


def test_a_table_without_borders_is_read_by_the_words_positions() -> None:
    word = Document()
    rows = [["一级指标", "二级指标", "指标值", "得分"], ["产出指标", "数量指标", "12万人", "20"]]
    _table(word, rows, ruled=False)
    printed = _pdf(word)
    assert not _ruled(printed)
    assert _rows(printed) == rows


def test_tab_stops_in_a_paragraph_separate_cells() -> None:
    word = Document()
    for line in ("项目名称\t城乡居民基本养老保险", "年度资金总额\t150\t139.5\t93%", "自评结论：优"):
        paragraph = word.add_paragraph(line)
        for stop in (100, 180, 260):
            paragraph.paragraph_format.tab_stops.add_tab_stop(Pt(stop))
    blocks = read_bytes("t.pdf", _pdf(word)).blocks
    assert [(block.kind, block.cells) for block in blocks] == [
        ("row", ["项目名称", "城乡居民基本养老保险"]),
        ("row", ["年度资金总额", "150", "139.5", "93%"]),
        ("text", ["自评结论：优"]),
    ]


def _form() -> Document:
    word = Document()
    word.add_paragraph("2023年度项目支出绩效自评表")
    _table(word, [["项目名称", "道路养护"], ["实施单位", "清溪县公路站"]])
    return word


def test_a_pdf_with_an_open_password_is_refused_with_a_reason() -> None:
    locked = _pdf(
        _form(),
        {"EncryptFile": {"type": "boolean", "value": "true"}, "DocumentOpenPassword": {"type": "string", "value": "x"}},
    )
    with pytest.raises(UnreadableFile, match="密码或已加密.*去除密码后重新提交"):
        read_bytes("t.pdf", locked)


def test_a_pdf_only_protected_against_editing_is_read() -> None:
    protected = _pdf(
        _form(),
        {
            "RestrictPermissions": {"type": "boolean", "value": "true"},
            "PermissionPassword": {"type": "string", "value": "x"},
            "Changes": {"type": "long", "value": "0"},
        },
    )
    assert b"/Encrypt" in protected
    assert _rows(protected) == [["项目名称", "道路养护"], ["实施单位", "清溪县公路站"]]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: data[:400],
        lambda data: b"%PDF-1.4\n" + b"\x00" * 300,
        lambda data: "不是 PDF，只是几个字".encode(),
    ],
    ids=["cut in half", "only its start", "header and zeros", "not a pdf"],
)
def test_a_damaged_pdf_is_refused_with_a_reason(damage) -> None:
    with pytest.raises(UnreadableFile, match="PDF 文件已损坏.*重新导出"):
        read_bytes("t.pdf", damage(_pdf(_form())))


def test_a_pdf_without_pages_is_refused_not_sent_to_ocr(monkeypatch) -> None:
    calls = _ocr_stub(monkeypatch)
    empty = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF"
    )
    with pytest.raises(UnreadableFile, match="没有任何页面"):
        read_bytes("t.pdf", empty)
    assert calls == []


class _Extracted(Exception):
    """Raised if a page's content is read."""


def test_a_pdf_over_the_page_limit_is_refused_before_any_page_is_read(monkeypatch) -> None:
    import pdfplumber.page

    word = _form()
    for _ in range(2):
        word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        word.add_paragraph("附件")
    printed = _pdf(word)
    assert _pages(printed) == 3
    monkeypatch.setenv("EVALAUDIT_MAX_PDF_PAGES", "2")

    def touched(self):
        raise _Extracted

    monkeypatch.setattr(pdfplumber.page.Page, "objects", property(touched))
    with pytest.raises(UnreadableFile, match="共 3 页，超过上限 2 页.*只提交绩效自评表和自评报告"):
        read_bytes("t.pdf", printed)
    monkeypatch.setenv("EVALAUDIT_MAX_PDF_PAGES", "3")
    with pytest.raises(_Extracted):  # at the limit the pages are read
        read_bytes("t.pdf", printed)


def test_a_page_limit_that_is_no_positive_number_is_an_error(monkeypatch) -> None:
    monkeypatch.setenv("EVALAUDIT_MAX_PDF_PAGES", "0")
    with pytest.raises(ValueError, match="EVALAUDIT_MAX_PDF_PAGES"):
        read_bytes("t.pdf", _pdf(_form()))


def _ocr_stub(monkeypatch) -> list[bytes]:
    """An OCR module that records what it was given and returns one recognised line."""
    calls: list[bytes] = []
    stub = types.ModuleType("evalaudit.ingest.ocr")

    def scanned_pdf(data: bytes) -> Reading:
        calls.append(data)
        return Reading(
            [Block("text", ["识别出的文字"], "识别出的文字", 1)], ["本文件为扫描件，文字经 OCR 识别"], ocr=True
        )

    stub.scanned_pdf = scanned_pdf
    monkeypatch.setitem(sys.modules, "evalaudit.ingest.ocr", stub)
    return calls


def test_a_scanned_pdf_goes_to_ocr(monkeypatch) -> None:
    calls = _ocr_stub(monkeypatch)
    out = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(out, "PDF")
    scan = out.getvalue()
    document = read_bytes("scan.pdf", scan)
    assert calls == [scan]
    assert document.ocr and document.encoding == "ocr" and document.text == "识别出的文字"


def test_a_pdf_with_a_text_layer_is_not_sent_to_ocr(monkeypatch) -> None:
    calls = _ocr_stub(monkeypatch)
    document = read_bytes("t.pdf", _pdf(_form()))
    assert calls == [] and not document.ocr
