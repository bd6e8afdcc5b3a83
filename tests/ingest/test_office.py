"""Word and Excel submissions, made here as real files, read into the same forms as their text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import Workbook

from evalaudit.ingest import UnreadableFile, read_bytes
from evalaudit.parse import parse_document
from evalaudit.parse.accuracy import extraction
from tests.ingest.documents import INBOX, TABLE_SAMPLES, as_docx, as_xlsx


def _forms(name: str, data: bytes) -> list[dict]:
    return [extraction(e) for e in parse_document(read_bytes(name, data)).evaluations]


@pytest.mark.parametrize("sample", TABLE_SAMPLES)
@pytest.mark.parametrize(("suffix", "convert"), [(".docx", as_docx), (".xlsx", as_xlsx)])
def test_a_form_as_word_or_excel_reads_as_its_text(sample: str, suffix: str, convert) -> None:
    data = (INBOX / sample).read_bytes()
    text = read_bytes(sample, data)
    expected = _forms(sample, data)
    assert expected and any(form["indicators"] for form in expected)
    assert _forms(Path(sample).stem + suffix, convert(text)) == expected


def test_word_merged_cells_are_read_once_in_their_first_position() -> None:
    word = Document()
    table = word.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "项目名称"
    table.cell(0, 2).text = "道路养护"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "产出指标"
    table.cell(1, 1).text = "数量指标"
    table.cell(2, 1).text = "质量指标"
    out = io.BytesIO()
    word.save(out)
    rows = [block.cells for block in read_bytes("t.docx", out.getvalue()).blocks if block.kind == "row"]
    assert rows == [["项目名称", "", "道路养护"], ["产出指标", "数量指标", ""], ["", "质量指标", ""]]


def test_word_tracked_changes_read_as_accepted() -> None:
    word = Document()
    paragraph = word.add_paragraph("实施单位：")
    inserted = paragraph._p.makeelement(qn("w:ins"), {qn("w:id"): "1", qn("w:author"): "x"})
    run = paragraph._p.makeelement(qn("w:r"), {})
    text = run.makeelement(qn("w:t"), {})
    text.text = "某县公路站"
    run.append(text)
    inserted.append(run)
    paragraph._p.append(inserted)
    deleted = paragraph._p.makeelement(qn("w:del"), {qn("w:id"): "2", qn("w:author"): "x"})
    gone = deleted.makeelement(qn("w:r"), {})
    gone_text = gone.makeelement(qn("w:delText"), {})
    gone_text.text = "某县交通局"
    gone.append(gone_text)
    deleted.append(gone)
    paragraph._p.append(deleted)
    out = io.BytesIO()
    word.save(out)
    (block,) = read_bytes("t.docx", out.getvalue()).blocks
    assert block.cells == ["实施单位：某县公路站"]


def test_excel_shows_numbers_as_the_sheet_formats_them_and_skips_what_is_hidden() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["年度资金总额", 200, 190.5, 0.9525, "备注"])
    sheet["D1"].number_format = "0.00%"
    sheet.append(["隐藏行", 1, 2, 3])
    sheet.row_dimensions[2].hidden = True
    sheet.column_dimensions["E"].hidden = True
    sheet.merge_cells("A3:B3")
    sheet["A3"] = "合计"
    hidden = workbook.create_sheet("说明")
    hidden.append(["不应读出"])
    hidden.sheet_state = "hidden"
    out = io.BytesIO()
    workbook.save(out)
    rows = [block.cells for block in read_bytes("t.xlsx", out.getvalue()).blocks if block.kind == "row"]
    assert rows == [["年度资金总额", "200", "190.5", "95.25%"], ["合计"]]


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_a_file_that_is_no_office_archive_is_refused_with_a_reason(suffix: str) -> None:
    with pytest.raises(UnreadableFile, match="已损坏"):
        read_bytes("t" + suffix, b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableFile, match="旧版 Office"):
        read_bytes("t" + suffix, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)


def test_the_same_form_as_word_gets_the_same_findings(tmp_path: Path) -> None:
    from evalaudit.pipeline import audit

    sample = INBOX / "07_township_party_building_errors.txt"
    word = tmp_path / "07_township_party_building_errors.docx"
    word.write_bytes(as_docx(read_bytes(sample.name, sample.read_bytes())))
    as_text, as_word = audit([sample]), audit([word])

    def found(run) -> list[tuple]:
        return sorted((f.check_id, f.location, f.stated, f.expected, f.severity) for f in run.findings)

    assert found(as_text) and found(as_word) == found(as_text)
    assert any(f.severity == "error" for f in as_word.findings)
