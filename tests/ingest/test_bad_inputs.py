"""Whatever bytes arrive under whatever name, the reader returns a SourceDocument or raises UnreadableFile with
a Chinese reason — never another exception. Real bytes in real files, read through read_source."""

from __future__ import annotations

import codecs
import random
import re
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from evalaudit.ingest import SourceDocument, UnreadableFile, read_source
from tests.conftest import INBOX

CJK = re.compile(r"[\u4e00-\u9fff]")
FORM = "部门（单位）名称\t清溪县教育局\n年度资金总额\t100\t100\t90\t10\t90%\t9\n预算执行情况良好，资金全部拨付到位。\n"
TRADITIONAL = (
    "部門（單位）名稱\t清溪縣教育局\n年度資金總額\t100\t100\t90\t10\t90%\t9\n預算執行情況良好，資金全部撥付到位。\n"
)
SAMPLE = sorted(INBOX.iterdir())[0]


def outcome(path: Path) -> SourceDocument | str:
    """The document, or the reason it could not be read (which must be Chinese); anything else propagates."""
    try:
        return read_source(path)
    except UnreadableFile as error:
        assert CJK.search(str(error)), f"reason without Chinese: {error}"
        return str(error)


def sparse(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        handle.truncate(size)


def write(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


REFUSED = {  # name → (how to make it, a word its reason contains)
    "empty.txt": (write(b""), "空"),
    "only_blank_lines.txt": (write(b"\n \n\t\n"), "空"),
    "png_and_noise.txt": (write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(7).randbytes(8192)), "PNG"),
    "noise_without_nul.txt": (write(bytes(b or 1 for b in random.Random(8).randbytes(8192))), "编码"),
    "huge.txt": (lambda path: sparse(path, 50 * 1024 * 1024), "过大"),
    "form.pdf": (write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), "损坏"),  # a PDF header, nothing after it
    "no_suffix": (write(FORM.encode()), "格式"),
}


@pytest.mark.parametrize("name", REFUSED)
def test_bad_files_are_refused_with_a_chinese_reason(tmp_path, monkeypatch, name: str) -> None:
    monkeypatch.delenv("EVALAUDIT_MAX_FILE_MB", raising=False)
    make, word = REFUSED[name]
    make(tmp_path / name)
    result = outcome(tmp_path / name)
    assert isinstance(result, str) and word in result, result


def nested_html(depth: int) -> bytes:
    return ("<p>开头</p>" + "<div><span>" * depth + "深处" + "</span></div>" * depth + "<p>结尾</p>").encode()


READ = {  # name → (bytes, text that must be among the blocks)
    "truncated_utf8.txt": (FORM.encode()[:-5], "预算执行情况良好，资金全部拨付到"),
    "truncated_gb18030.txt": (FORM.encode("gb18030")[:-4], "预算执行情况良好，资金全部拨付到"),
    "big5.txt": (TRADITIONAL.encode("big5"), "預算執行情況良好，資金全部撥付到位。"),
    "cp950.txt": (TRADITIONAL.encode("cp950"), "預算執行情況良好，資金全部撥付到位。"),
    "utf16le_bom.txt": (codecs.BOM_UTF16_LE + FORM.encode("utf-16-le"), "清溪县教育局"),
    "utf16be_bom.txt": (codecs.BOM_UTF16_BE + FORM.encode("utf-16-be"), "清溪县教育局"),
    "utf16le.txt": (FORM.encode("utf-16-le"), "清溪县教育局"),
    "utf16be.txt": (FORM.encode("utf-16-be"), "清溪县教育局"),
    "deeply_nested.html": (nested_html(20_000), "深处"),
    "unclosed.html": ("<table><tr><td>年度资金总额<td>100<tr><td>分值<td>10<p>说明<b>未闭合".encode(), "未闭合"),
    "FORM.TXT": (FORM.encode(), "清溪县教育局"),
    "名称 含空格 😀.txt": (FORM.encode(), "清溪县教育局"),
    "长" * 80 + ".txt": (FORM.encode(), "清溪县教育局"),
    "Page.HTM": ("<p>预算执行</p>".encode("gbk"), "预算执行"),
}


@pytest.mark.parametrize("name", READ, ids=lambda name: name if len(name) < 40 else "very_long_name.txt")
def test_readable_files_are_read_whatever_their_encoding_name_or_markup(tmp_path, name: str) -> None:
    data, expected = READ[name]
    (tmp_path / name).write_bytes(data)
    document = outcome(tmp_path / name)
    assert isinstance(document, SourceDocument), document
    assert document.name == name
    assert any(expected in cell for block in document.blocks for cell in block.cells), document.blocks[:5]


def test_a_real_sample_form_reads_the_same_under_any_file_name(tmp_path) -> None:
    names = [
        SAMPLE.name,
        "名称 含空格 😀" + SAMPLE.suffix,
        "长" * 80 + SAMPLE.suffix,
        SAMPLE.stem + SAMPLE.suffix.upper(),
    ]
    documents = []
    for name in names:
        (tmp_path / name).write_bytes(SAMPLE.read_bytes())
        documents.append(outcome(tmp_path / name))
    assert all(isinstance(document, SourceDocument) for document in documents)
    assert len({(d.sha256, tuple((b.kind, tuple(b.cells)) for b in d.blocks)) for d in documents}) == 1


def test_a_million_short_lines_are_read_in_memory_proportional_to_the_file(tmp_path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes("".join(f"第{i}项\n" for i in range(1_000_000)).encode())
    size = path.stat().st_size
    tracemalloc.start()
    try:
        document = outcome(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(document, SourceDocument) and len(document.blocks) == 1_000_000
    assert document.blocks[-1].cells == ["第999999项"] and document.blocks[-1].lineno == 1_000_000
    assert peak < 40 * size, f"peak {peak / 1e6:.0f} MB for a {size / 1e6:.0f} MB file"
