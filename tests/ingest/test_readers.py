from __future__ import annotations

import pytest

from evalaudit.ingest import UnreadableFile, read_bytes

FORM = "部门（单位）名称\t清溪县教育局\n年度资金总额\t100\t100\t90\t10\t90%\t9\n"


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (FORM.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + FORM.encode("utf-8"), "utf-8-sig"),
        (FORM.encode("gbk"), "gb18030"),
        (FORM.encode("gb18030"), "gb18030"),
    ],
)
def test_encodings_are_detected(encoded: bytes, encoding: str) -> None:
    document = read_bytes("form.txt", encoded)
    assert document.encoding == encoding
    assert document.blocks[0].cells == ["部门（单位）名称", "清溪县教育局"]


def test_pipe_rows_keep_padding_cells() -> None:
    (block,) = read_bytes("a.md", "| 项目名称 | 饮水工程 ||||".encode()).blocks
    assert block.kind == "row" and block.cells == ["项目名称", "饮水工程", "", "", ""]


def test_html_cells_paragraphs_and_entities() -> None:
    html = (
        "<p>标题&amp;说明</p><table><tr><td rowspan=2>产出指标</td><td>a</td></tr>"
        "<tr><td>b<br>c</td></tr></table><script>alert(1)</script>"
    )
    blocks = read_bytes("a.html", html.encode()).blocks
    rows = [b.cells for b in blocks if b.kind == "row"]
    assert [b.cells for b in blocks if b.kind == "text"] == [["标题&说明"]]
    assert rows == [["产出指标", "a"], ["", "b c"]]  # the merged cell leaves a blank, as printed forms do
    assert not any("alert" in b.raw for b in blocks)


@pytest.mark.parametrize(("name", "data"), [("form.pdf", b"%PDF-1.4"), ("form.txt", b"\x00\x01binary")])
def test_unreadable_files_raise_a_chinese_reason(name: str, data: bytes) -> None:
    with pytest.raises(UnreadableFile) as error:
        read_bytes(name, data)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(error.value))
