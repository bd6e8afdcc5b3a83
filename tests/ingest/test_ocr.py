"""Scans and photos read by OCR: a form printed to PDF by LibreOffice, drawn at 300 dpi as a scanner would, is
read back into the cells of its table. OCR is slow, so the suite reads three pages in all (one shared scan)."""

from __future__ import annotations

import difflib
import io
import re
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from evalaudit.ingest import SourceDocument, UnreadableFile, ocr, read_bytes
from evalaudit.ingest.grid import binarised, tables
from evalaudit.ingest.ocr_text import Word, cell_text, numeric
from evalaudit.parse import parse_document
from evalaudit.parse.accuracy import extraction
from tests.ingest.documents import as_docx, sample, scanned_pages, soffice_convert

NUMBER = re.compile(r"[+-]?\d+(?:,\d{3})*(?:\.\d+)?%?")
SCANNED = "05_sichuan_template.txt"  # two pages once printed: a one-page image and a two-page PDF


def numbers(blocks) -> list[str]:
    """The table cells that are a number ('20', '19.5', '95%', '1,268.72'), in reading order."""
    return [cell.strip() for block in blocks if block.kind == "row" for cell in block.cells if NUMBER.fullmatch(cell)]


def read_right(expected: list, got: list) -> int:
    return sum(
        match.size for match in difflib.SequenceMatcher(None, expected, got, autojunk=False).get_matching_blocks()
    )


@pytest.fixture(scope="module")
def pages() -> list[bytes]:
    """The form as PNG pages at 300 dpi in grey: what a scanner makes of the printed form."""
    return scanned_pages(soffice_convert(as_docx(sample(SCANNED)), ".docx", "pdf"))


@pytest.fixture(scope="module")
def scanned_pdf(pages) -> bytes:
    """An image-only PDF of the pages: a scan without a text layer."""
    images = [Image.open(io.BytesIO(page)) for page in pages]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=300, save_all=True, append_images=images[1:])
    return out.getvalue()


@pytest.fixture(scope="module")
def from_pdf(scanned_pdf) -> SourceDocument:
    reading = ocr.scanned_pdf(scanned_pdf)
    return SourceDocument(
        "form.pdf", "", "ocr", "\n".join(b.raw for b in reading.blocks), reading.blocks, reading.warnings, reading.ocr
    )


@pytest.fixture(scope="module")
def from_png(pages) -> SourceDocument:
    return read_bytes("form.png", pages[0])


def test_a_clean_scan_reads_at_least_95_percent_of_the_numeric_cells_right(from_pdf) -> None:
    expected = numbers(sample(SCANNED).blocks)
    assert len(expected) > 20
    assert read_right(expected, numbers(from_pdf.blocks)) >= 0.95 * len(expected)


def test_a_photo_of_the_first_page_reads_its_table_as_the_scan_does(pages, from_png, from_pdf) -> None:
    assert len(pages) == 2 and from_png.ocr and from_png.encoding == "ocr"
    first_page = from_pdf.blocks[: [b.kind for b in from_pdf.blocks].index("blank")]
    expected = numbers(first_page)
    assert len(expected) > 10
    assert read_right(expected, numbers(from_png.blocks)) >= 0.95 * len(expected)
    funds = next(block.cells for block in from_png.blocks if block.kind == "row" and "139.5" in block.cells)
    assert funds[0] == "" and funds[2:7] == ["150", "139.5", "93%", "9.3", ""]  # each cell in its column


def test_the_scan_parses_into_the_form_its_text_is(from_pdf) -> None:
    (expected,) = [extraction(e) for e in parse_document(sample(SCANNED)).evaluations]
    (read,) = [extraction(e) for e in parse_document(from_pdf).evaluations]
    fields = ("budget", "executed", "stated_rate", "stated_score")
    assert [[f[k] for k in fields] for f in read["funds"]] == [[f[k] for k in fields] for f in expected["funds"]]
    scores = [(i["weight"], i["score"]) for i in expected["indicators"]]
    assert read_right(scores, [(i["weight"], i["score"]) for i in read["indicators"]]) >= 0.8 * len(scores)
    assert (read["stated_total"], read["project_name"]) == (expected["stated_total"], expected["project_name"])


def test_every_ocr_reading_is_marked_for_the_reviewer(from_pdf, from_png) -> None:
    for document in (from_pdf, from_png):
        assert document.ocr and document.warnings == [ocr.OCR_NOTE]
        assert "OCR" in ocr.OCR_NOTE and "核对原件" in ocr.OCR_NOTE
    assert from_pdf.blocks[0].kind == "text" and "绩效自评表" in from_pdf.blocks[0].cells[0]  # the title, above
    (form,) = parse_document(from_png).evaluations
    assert form.ocr and [w.code for w in form.warnings if w.message == ocr.OCR_NOTE] == ["file_ocr"]
    (typed,) = parse_document(sample(SCANNED)).evaluations
    assert not typed.ocr


def ruled(rows: int, columns: int, merged_right: set = frozenset(), merged_down: set = frozenset()) -> np.ndarray:
    """A white page with a ruled grid of 200×100 px cells; (r, c) in merged_right has no line to its right, in
    merged_down none below it."""
    page = np.full((100 + rows * 100 + 100, 100 + columns * 200 + 100), 255, dtype=np.uint8)
    for r in range(rows + 1):
        for c in range(columns):
            if not (0 < r and (r - 1, c) in merged_down):
                page[100 + r * 100 : 103 + r * 100, 100 + c * 200 : 303 + c * 200] = 0
    for c in range(columns + 1):
        for r in range(rows):
            if not (0 < c and (r, c - 1) in merged_right):
                page[100 + r * 100 : 203 + r * 100, 100 + c * 200 : 103 + c * 200] = 0
    return page


def test_the_grid_is_the_ruling_lines_and_a_merged_cell_is_one_cell_at_its_first_position() -> None:
    page = ruled(3, 3, merged_right={(0, 0)}, merged_down={(1, 2)})
    page[50:60, 100:400] = 0  # a rule above the table, touching nothing: not a table
    (table,) = tables(binarised(page))
    assert table.shape == (3, 3)
    spans = {(cell.row, cell.column): (cell.rows, cell.columns) for cell in table.cells}
    assert spans == {
        (0, 0): (1, 2),
        (0, 2): (1, 1),
        (1, 0): (1, 1),
        (1, 1): (1, 1),
        (1, 2): (2, 1),
        (2, 0): (1, 1),
        (2, 1): (1, 1),
    }
    blocks = ocr._rows(table, {(id(table), 0, 0): "项目名称", (id(table), 1, 2): "20"})
    assert [block.cells for block in blocks] == [["项目名称", "", ""], ["", "", "20"], ["", "", ""]]


def test_a_doubled_or_thick_rule_is_one_line() -> None:
    page = ruled(2, 2)
    page[204:206, 100:503] = 0  # the middle rule drawn twice, 4 px apart
    (table,) = tables(binarised(page))
    assert table.shape == (2, 2)


def words(*texts: str, top: int = 0, line: int = 1) -> list[Word]:
    placed, left = [], 0
    for text in texts:
        gap = 2 if text.startswith("~") else 30
        text = text.lstrip("~")
        placed.append(Word(text, left, top, 40 * len(text), 40, (1, 1, 1, line)))
        left += 40 * len(text) + gap
    return placed


def test_words_join_without_spaces_in_chinese_and_with_them_between_latin_words_apart() -> None:
    assert cell_text(words("年", "度", "资金", "总额")) == "年度资金总额"
    assert cell_text(words("Project", "A", "一期")) == "Project A一期"
    assert cell_text(words("95.00", "~%")) == "95.00%"  # touching: one token
    assert cell_text(words("139.") + words("5", top=50, line=2)) == "139.5"  # a number wrapped in its cell
    assert cell_text(words("参保") + words("人数", top=50, line=2)) == "参保人数"


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("1O", "10"),
        ("l00", "100"),
        ("I9.5", "19.5"),
        ("９５％", "95%"),
        ("19，5", "19.5"),
        ("1，268.72", "1,268.72"),
        ("95.00 %", "95.00%"),
        ("20", "20"),
    ],
)
def test_ocr_confusions_are_cleaned_inside_numbers(read: str, meant: str) -> None:
    assert numeric(read) == meant


@pytest.mark.parametrize("text", ["IT", "项目O", "lo", "Oil", "无偏差", "2023年", "≥95%", "OI"])
def test_text_that_is_not_a_number_is_left_as_read(text: str) -> None:
    assert numeric(text) == text


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header says width × height (its pixel data is a few bytes): a decompression bomb."""
    out = io.BytesIO()
    Image.new("L", (8, 8), 255).save(out, "PNG")
    data = bytearray(out.getvalue())
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("scan.jpg", "部门（单位）名称：清溪县教育局".encode(), "不是可识别的图片"),
        ("scan.png", png_claiming(20_000, 20_000), "图片过大"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "图片"),
        (
            "blank.png",
            (lambda out: (Image.new("L", (2480, 3508), 255).save(out, "PNG"), out.getvalue())[1])(io.BytesIO()),
            "未识别出文字",
        ),
    ],
    ids=["renamed", "bomb", "damaged", "blank"],
)
def test_an_image_that_cannot_be_read_is_refused_with_a_reason(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFile, match=reason):
        read_bytes(name, data)


def test_a_scan_of_more_pages_than_allowed_is_refused_before_any_is_drawn(monkeypatch, scanned_pdf) -> None:
    monkeypatch.setenv(ocr.PAGES_ENV, "1")
    monkeypatch.setattr(ocr, "_render", lambda *args: pytest.fail("a page was drawn"))
    with pytest.raises(UnreadableFile, match=r"共 2 页.*上限 1 页.*只提交绩效自评表"):
        ocr.scanned_pdf(scanned_pdf)


def test_without_tesseract_or_its_chinese_pack_the_reason_says_what_to_install(monkeypatch, tmp_path, pages) -> None:
    monkeypatch.setenv("EVALAUDIT_CACHE_DIR", str(tmp_path / "cache"))  # not the reading an earlier test cached
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UnreadableFile, match="缺少 Tesseract OCR.*tesseract-ocr-chi-sim"):
        read_bytes("scan.png", pages[0])
    fake = tmp_path / "tesseract"  # a tesseract with English only
    fake.write_text("#!/bin/sh\necho 'List of available languages (2):'; echo eng; echo osd\n")
    fake.chmod(0o755)
    with pytest.raises(UnreadableFile, match="中文语言包"):
        read_bytes("scan.png", pages[0])
    fake.write_text("#!/bin/sh\necho chi_sim; echo eng\n")  # tesseract complete, poppler missing
    with pytest.raises(UnreadableFile, match="pdftoppm"):
        ocr.scanned_pdf(b"%PDF-1.4")


def test_ocr_that_takes_too_long_is_stopped_with_a_reason(monkeypatch, tmp_path, pages) -> None:
    monkeypatch.setenv("EVALAUDIT_CACHE_DIR", str(tmp_path))  # not the reading an earlier test cached
    monkeypatch.setenv(ocr.TIMEOUT_ENV, "0.01")
    with pytest.raises(UnreadableFile, match="识别超时"):
        read_bytes("scan.png", pages[0])


@pytest.mark.parametrize("suffix", [".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp"])
def test_image_formats_are_read_by_ocr(suffix: str) -> None:
    from evalaudit.ingest import BINARY_READERS, SUPPORTED_SUFFIXES

    assert BINARY_READERS[suffix] is ocr.image_blocks and suffix in SUPPORTED_SUFFIXES
