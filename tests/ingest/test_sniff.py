"""A file is read as what its bytes are; a name that claims another format is told to the unit."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalaudit.ingest import UnreadableFile, read_bytes
from evalaudit.ingest.sniff import ENCRYPTED, sniff
from evalaudit.parse import parse_document
from evalaudit.parse.accuracy import extraction
from tests.ingest.documents import as_docx, as_xlsx, sample, soffice_convert_many

NAME = "07_township_party_building_errors.txt"


@pytest.fixture(scope="module")
def formats() -> dict[str, bytes]:
    text = sample(NAME)
    made = {".docx": as_docx(text), ".xlsx": as_xlsx(text)}
    made[".doc"] = soffice_convert_many({"f.docx": made[".docx"]}, "doc")["f.docx"]
    made[".pdf"] = soffice_convert_many({"f.docx": made[".docx"]}, "pdf")["f.docx"]
    return made


@pytest.mark.parametrize(("made", "named"), [(".doc", ".docx"), (".docx", ".doc"), (".xlsx", ".xls"),
                                             (".pdf", ".docx"), (".docx", ".txt")])  # fmt: skip
def test_a_renamed_file_is_read_as_what_it_is_with_a_note(formats, made: str, named: str) -> None:
    document = read_bytes("表" + named, formats[made])
    assert sniff(formats[made]) == made
    assert document.warnings[0].startswith(f"文件扩展名为 {named}，但内容是") and f"（{made}）" in document.warnings[0]
    (form,) = [extraction(e) for e in parse_document(document).evaluations]
    (typed,) = [extraction(e) for e in parse_document(sample(NAME)).evaluations]
    assert form == {**typed, "form_type": form["form_type"]} and form["indicators"]


def test_a_word_page_saved_as_doc_is_read_as_the_web_page_it_is() -> None:
    html = (Path(__file__).parents[2] / "data" / "inbox" / "06_tax_weight_first.html").read_bytes()
    document = read_bytes("表.doc", html)
    assert "网页" in document.warnings[0] and any(block.kind == "row" for block in document.blocks)


def test_an_office_file_with_a_password_is_refused_saying_so() -> None:
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le") + bytes(8)
    assert sniff(encrypted) == ENCRYPTED
    for name in ("表.docx", "表.xlsx", "表.doc"):
        with pytest.raises(UnreadableFile, match="密码"):
            read_bytes(name, encrypted)


def test_a_file_that_is_an_unsupported_format_under_a_supported_name_says_what_it_is() -> None:
    with pytest.raises(UnreadableFile, match="RAR 压缩包"):
        read_bytes("表.docx", b"Rar!\x1a\x07\x00" + bytes(100))
    with pytest.raises(UnreadableFile, match="不是Word 97-2003 文档"):
        read_bytes("表.doc", "只是几个字".encode())  # never handed to LibreOffice, which reads anything as text


def test_a_text_that_mentions_a_signature_is_still_a_text() -> None:
    text = "2023年度项目支出绩效自评表\n说明：附件为扫描件（%PDF-1.4 格式），{\\rtf 不适用}\n".encode()
    assert sniff(text) is None
    assert sniff(b"\n\n%PDF-1.7\n" + bytes(100)) == ".pdf"
