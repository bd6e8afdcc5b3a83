"""Word 97, WPS, RTF and OpenDocument files, made here by LibreOffice from real tables, read as their text.

Each is converted by LibreOffice to .docx/.xlsx (one process per batch) and read as that; the conversion is
cached by content, so a file is converted once.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evalaudit.ingest import UnreadableFile, convert, read_bytes
from evalaudit.parse import parse_document
from evalaudit.parse.accuracy import extraction
from tests.ingest.documents import TABLE_SAMPLES, as_docx, as_xlsx, sample, soffice_convert_many


def _forms(name: str, data: bytes) -> list[dict]:
    return [extraction(e) for e in parse_document(read_bytes(name, data)).evaluations]


@pytest.fixture(scope="module")
def legacy() -> dict[str, bytes]:
    """Every table sample as Word 97 (.doc) and Excel 97 (.xls), and one as RTF/ODT/ODS, by LibreOffice."""
    words = {Path(name).stem + ".docx": as_docx(sample(name)) for name in TABLE_SAMPLES}
    books = {Path(name).stem + ".xlsx": as_xlsx(sample(name)) for name in TABLE_SAMPLES}
    made = {}
    for target, sources in (("doc", words), ("xls", books)):
        made |= {Path(n).stem + "." + target: d for n, d in soffice_convert_many(sources, target).items()}
    first = Path(TABLE_SAMPLES[-1]).stem
    for target, sources in (("rtf", words), ("odt", words), ("ods", books)):
        source = {k: v for k, v in sources.items() if k.startswith(first)}
        made |= {Path(n).stem + "." + target: d for n, d in soffice_convert_many(source, target).items()}
    return made


@pytest.mark.parametrize("name", TABLE_SAMPLES)
@pytest.mark.parametrize("suffix", [".doc", ".xls"])
def test_a_word_97_or_excel_97_form_reads_as_its_text(legacy, name: str, suffix: str) -> None:
    expected = _forms(name, sample(name).text.encode())
    assert expected and any(form["indicators"] for form in expected)
    assert _forms(Path(name).stem + suffix, legacy[Path(name).stem + suffix]) == expected


@pytest.mark.parametrize(("made", "sent_as"), [(".doc", ".wps"), (".xls", ".et"), (".rtf", ".rtf"),
                                               (".odt", ".odt"), (".ods", ".ods")])  # fmt: skip
def test_wps_rtf_and_opendocument_forms_read_as_their_text(legacy, made: str, sent_as: str) -> None:
    name = TABLE_SAMPLES[-1]
    expected = _forms(name, sample(name).text.encode())
    assert _forms(Path(name).stem + sent_as, legacy[Path(name).stem + made]) == expected


def test_a_batch_is_converted_by_one_libreoffice_process_and_never_again(legacy, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("EVALAUDIT_CACHE_DIR", str(tmp_path))
    documents = [(data, ".doc") for name, data in legacy.items() if name.endswith(".doc")]
    assert len(documents) == 3
    assert convert.convert_all(documents, workers=1) == 1
    assert convert.convert_all(documents, workers=1) == 0  # all cached
    assert len(list((tmp_path / "converted").iterdir())) == 3
    assert convert.convert_all([(legacy[n], ".et") for n in legacy if n.endswith(".xls")], workers=2) == 2


def test_without_libreoffice_the_file_is_refused_naming_what_to_install(legacy, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("EVALAUDIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on it
    with pytest.raises(UnreadableFile, match="缺少 LibreOffice.*libreoffice-writer-nogui"):
        read_bytes("表.doc", next(d for n, d in legacy.items() if n.endswith(".doc")))


def test_a_file_libreoffice_cannot_open_is_refused_and_not_tried_again(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("EVALAUDIT_CACHE_DIR", str(tmp_path))
    damaged = b"{\\rtf1\\ansi " + b"\x00\xff" * 2000  # an RTF header, then nothing LibreOffice can read
    with pytest.raises(UnreadableFile) as first:
        read_bytes("表.rtf", damaged)
    assert "重新提交" in str(first.value)
    assert convert.convert_all([(damaged, ".rtf")]) == 0  # its failure is remembered with its content


def test_a_converter_that_hangs_is_killed_at_the_timeout(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("EVALAUDIT_CACHE_DIR", str(tmp_path))
    hanging = tmp_path / "bin" / "soffice"
    hanging.parent.mkdir()
    hanging.write_text("#!/bin/sh\nexec /bin/sleep 600\n")
    hanging.chmod(0o755)
    monkeypatch.setenv("PATH", str(hanging.parent))
    monkeypatch.setenv("EVALAUDIT_CONVERT_TIMEOUT", "0.5")
    monkeypatch.setattr(convert, "_START", 0.5)
    with pytest.raises(UnreadableFile, match="超时"):
        read_bytes("表.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\0\0")
