"""A batch's slow files are converted and recognised ahead, on every core, and never twice."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from evalaudit.ingest import convert, read_bytes
from evalaudit.ingest.prepare import prepare
from tests.ingest.documents import TABLE_SAMPLES, as_docx, sample, scanned_pages, soffice_convert, soffice_convert_many


@pytest.fixture(scope="module")
def batch() -> dict[str, bytes]:
    """Three Word 97 forms and two scans (the same page saved twice, so two contents)."""
    words = {Path(name).stem + ".docx": as_docx(sample(name)) for name in TABLE_SAMPLES}
    files = {Path(n).stem + ".doc": data for n, data in soffice_convert_many(words, "doc").items()}
    page = scanned_pages(soffice_convert(words["05_sichuan_template.docx"], ".docx", "pdf"))[0]
    files["scan-1.png"] = page
    again = io.BytesIO()
    Image.open(io.BytesIO(page)).save(again, "PNG", dpi=(300, 300))
    files["scan-2.png"] = again.getvalue()
    assert files["scan-1.png"] != files["scan-2.png"]
    return files


def _loaders(files: dict[str, bytes]):
    return [(name, (lambda data=data: data)) for name, data in files.items()]


def test_a_batch_is_read_ahead_then_read_without_any_converter(batch, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("EVALAUDIT_CACHE_DIR", str(tmp_path))
    done = prepare(_loaders(batch) + [("notes.txt", lambda: "说明".encode())], workers=2)
    assert (done.converted, done.recognised, done.converter_runs) == (3, 2, 2)  # one LibreOffice per core
    monkeypatch.setenv("PATH", str(tmp_path))  # neither LibreOffice nor Tesseract from here on
    for name, data in batch.items():
        document = read_bytes(name, data)
        assert any(block.kind == "row" for block in document.blocks), name
        assert document.ocr == name.endswith(".png")
    again = prepare(_loaders(batch), workers=2)
    assert again.converter_runs == 0


def test_a_file_that_cannot_be_loaded_is_left_for_the_parse_step_to_report(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("EVALAUDIT_CACHE_DIR", str(tmp_path))

    def vanished() -> bytes:
        raise FileNotFoundError("gone")

    assert prepare([("gone.doc", vanished), ("renamed.doc", lambda: b"not a document")]).converted == 0


def test_a_damaged_cache_entry_is_read_again_not_trusted(batch, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("EVALAUDIT_CACHE_DIR", str(tmp_path))
    first = read_bytes("scan.png", batch["scan-1.png"])
    (entry,) = (tmp_path / "readings").iterdir()
    entry.write_bytes(b'{"blocks": [')  # cut off, as by a crash mid-write of an older version
    assert read_bytes("scan.png", batch["scan-1.png"]).blocks == first.blocks
    assert convert.convert_all([]) == 0
