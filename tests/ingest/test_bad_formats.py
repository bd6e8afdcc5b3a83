"""Every bad file a unit may send, in one inbox with a good form: each is recorded with a Chinese reason that
says what is wrong and what to resubmit, stays where it is, unchanged, and the good form is still audited."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import msoffcrypto.format.ooxml
import py7zr
import pypdfium2
import pytest
from openpyxl import Workbook

from evalaudit.inbox import UNPARSEABLE, UNREADABLE
from evalaudit.pipeline import audit
from tests.ingest.documents import INBOX, as_docx, as_xlsx, sample, soffice_convert, soffice_convert_many

GOOD = "07_township_party_building_errors.txt"


def _encrypted(plain: bytes) -> bytes:
    out = io.BytesIO()
    msoffcrypto.format.ooxml.OOXMLFile(io.BytesIO(plain)).encrypt("x", out)
    return out.getvalue()


def _pages(count: int) -> bytes:
    document = pypdfium2.PdfDocument.new()
    for _ in range(count):
        document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _locked_7z(member: bytes) -> bytes:
    out = io.BytesIO()
    with py7zr.SevenZipFile(out, "w", password="x") as archive:
        archive.writestr(member, "表.txt")
    return out.getvalue()


def _empty_workbook() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def bad_inbox(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    text = sample(GOOD)
    word, book = as_docx(text), as_xlsx(text)
    locked_pdf = soffice_convert(word, ".docx", "pdf:writer_pdf_Export:" + json.dumps(
        {"EncryptFile": {"type": "boolean", "value": "true"}, "DocumentOpenPassword": {"type": "string", "value": "x"}}
    ))  # fmt: skip
    doc = soffice_convert_many({"f.docx": word}, "doc")["f.docx"]
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("表.txt", text.text)
    files = {
        "加密.docx": _encrypted(word),
        "加密.xlsx": _encrypted(book),
        "加密.pdf": locked_pdf,
        "加密.7z": _locked_7z(text.text.encode()),
        "损坏.zip": zipped.getvalue()[: len(zipped.getvalue()) // 2],
        "损坏.docx": word[: len(word) // 3],
        "空表.xlsx": _empty_workbook(),
        "五百页.pdf": _pages(500),
        "照片.png": b"\x89PNG\r\n\x1a\n" + bytes(64),  # a photo that never finished uploading
        "实为doc.docx": doc,  # read as the Word 97 file it is, with a note
    }
    inbox = tmp_path_factory.mktemp("inbox")
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    (inbox / GOOD).write_bytes((INBOX / GOOD).read_bytes())
    return inbox, files


REASONS = {  # name → (status, words its reason must hold)
    "加密.docx": (UNREADABLE, ("密码", "重新提交")),
    "加密.xlsx": (UNREADABLE, ("密码", "重新提交")),
    "加密.pdf": (UNREADABLE, ("密码", "重新提交")),
    "加密.7z": (UNREADABLE, ("密码", "重新提交")),
    "损坏.zip": (UNREADABLE, ("损坏",)),
    "损坏.docx": (UNREADABLE, ("损坏", "提交")),
    "空表.xlsx": (UNREADABLE, ("没有可见的内容", "重新提交")),
    "五百页.pdf": (UNREADABLE, ("500 页", "只提交")),
    "照片.png": (UNREADABLE, ("图片", "重新")),
}


@pytest.fixture(scope="module")
def run(bad_inbox):
    return audit([bad_inbox[0]])


@pytest.mark.parametrize("name", REASONS)
def test_a_bad_file_is_recorded_with_a_reason_that_says_what_to_do(run, name: str) -> None:
    status, words = REASONS[name]
    problems = {p.source_file: p for p in run.batch.problems}
    assert problems[name].status == status
    assert all(word in problems[name].reason for word in words), problems[name].reason
    findings = [f for f in run.findings if f.source_file == name]
    assert [f.check_id for f in findings] == [f"completeness.file_{status}"]


def test_bad_files_stay_where_they_are_unchanged(run, bad_inbox) -> None:
    inbox, files = bad_inbox
    assert all((inbox / name).read_bytes() == data for name, data in files.items())
    assert sorted(path.name for path in inbox.iterdir()) == sorted([*files, GOOD])


def test_the_rest_of_the_batch_is_audited(run) -> None:
    audited = {e.source_file for e in run.batch.evaluations}
    assert {GOOD, "实为doc.docx"} <= audited
    assert {f.check_id for f in run.findings if f.source_file == GOOD} >= {"arithmetic.total"}


def test_a_word_97_file_named_docx_is_audited_as_what_it_is_and_the_unit_told(run) -> None:
    notes = [f for f in run.findings if f.source_file == "实为doc.docx" and f.check_id.endswith("file_format")]
    assert notes and "Word 97-2003" in notes[0].message
    found = {f.check_id for f in run.findings if f.source_file == "实为doc.docx" and f.severity == "error"}
    assert found == {f.check_id for f in run.findings if f.source_file == GOOD and f.severity == "error"}


def test_unparseable_is_not_confused_with_unreadable(run) -> None:
    assert not [p for p in run.batch.problems if p.status == UNPARSEABLE]
