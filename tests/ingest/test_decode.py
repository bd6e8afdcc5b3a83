"""Bytes → text: a BOM wins, then UTF-16 by its NUL bytes, a page's declared charset, valid UTF-8, and the legacy
encoding whose text reads as Chinese. A file cut off mid-character keeps the rest; damage is a Chinese reason
that says where, never garbage."""

from __future__ import annotations

import codecs
import re

import pytest
import zhconv

from evalaudit.ingest import TRUNCATED_WARNING, UnreadableFile, read_bytes
from evalaudit.ingest.decode import decode_bytes
from tests.conftest import ROOT, SEEDS

CORPUS = ROOT.parent / "shared" / "corpus"
REAL_FORMS = sorted(CORPUS.glob("*.txt")) + sorted(SEEDS.glob("*.txt"))
CJK = re.compile(r"[\u4e00-\u9fff]")

SIMPLIFIED = "本年度项目预算执行率为百分之九十八，资金已按计划全部拨付，绩效目标基本实现。\n"
TRADITIONAL = "本年度項目預算執行率為百分之九十八，資金已按計劃全部撥付，績效目標基本實現。\n"
WITH_ASCII = "全年预算数 120.5 万元\t执行数 118.1 万元\n" + SIMPLIFIED


def read(data: bytes, name: str = "form.txt"):
    return read_bytes(name, data)


def reason(data: bytes, name: str = "form.txt") -> str:
    with pytest.raises(UnreadableFile) as error:
        read_bytes(name, data)
    assert CJK.search(str(error.value)), str(error.value)
    return str(error.value)


# BOMs and UTF-16 ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("bom_encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_a_bom_always_wins(bom_encoding: str) -> None:
    data = WITH_ASCII.encode(bom_encoding)
    if bom_encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    assert read(data).text == WITH_ASCII


def test_a_bom_beats_the_page_s_own_declaration() -> None:
    page = f'<meta charset="big5"><p>{SIMPLIFIED}</p>'
    assert read(page.encode("utf-8-sig"), "a.html").encoding == "utf-8-sig"


def test_content_contradicting_its_bom_is_damage_with_a_place() -> None:
    data = codecs.BOM_UTF8 + SIMPLIFIED.encode() + "第二行\n".encode("gbk") + SIMPLIFIED.encode()
    assert "UTF-8" in (why := reason(data)) and "第 2 行" in why


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [WITH_ASCII, SIMPLIFIED], ids=["with-ascii", "chinese-and-a-newline"])
def test_utf16_without_bom_is_recognised_by_where_its_nul_bytes_fall(encoding: str, text: str) -> None:
    document = read(text.encode(encoding))
    assert (document.text, document.encoding) == (text, encoding)


# legacy Chinese encodings -------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["big5", "cp950"])
def test_big5_is_not_taken_for_the_gb18030_it_also_decodes_as(encoding: str) -> None:
    data = (TRADITIONAL + "全年預算數 120.5 萬元\n").encode(encoding)
    assert data.decode("gb18030") != TRADITIONAL  # the trap: strict GB18030 succeeds, with garbage
    document = read(data)
    assert document.text == TRADITIONAL + "全年預算數 120.5 萬元\n"
    assert document.encoding in {"cp950", "big5hkscs"}


@pytest.mark.parametrize("text", [SIMPLIFIED, TRADITIONAL, WITH_ASCII])
def test_gbk_text_stays_gb18030_simplified_or_traditional(text: str) -> None:
    document = read(text.encode("gbk"))
    assert (document.text, document.encoding) == (text, "gb18030")


def _encodable(text: str, encoding: str) -> str:
    """The text without the few characters `encoding` has no code for."""
    return "".join(char for char in text if char.encode(encoding, errors="ignore"))


@pytest.mark.parametrize("path", REAL_FORMS, ids=lambda path: path.name)
def test_real_forms_read_back_the_same_in_every_encoding_they_are_saved_in(path) -> None:
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\r", "\n")
    traditional = zhconv.convert(text, "zh-hant")
    cases = [
        (text, "gb18030"),
        (traditional, "gb18030"),
        (_encodable(traditional, "cp950"), "cp950"),
        (text, "utf-16-le"),
        (text, "utf-16-be"),
        (text, "utf-8"),
    ]
    for text_saved, encoding in cases:
        data = text_saved.encode(encoding)
        document = read(data, path.name)
        # the codec's own reading: CP950 maps a few symbols to look-alikes (• → ‧, £ → ￡) and back
        assert document.text == data.decode(encoding), (path.name, encoding, document.encoding)
    assert read(text.encode("gb18030"), path.name).text == text


# declared charsets --------------------------------------------------------------------------------------
SHORT_TRADITIONAL = "預算執行"  # four characters: too few to tell Big5 from GB18030 by their look


@pytest.mark.parametrize(
    "head",
    [
        '<meta charset="big5">',
        "<meta http-equiv=Content-Type content='text/html; charset=big5'>",
        '<?xml version="1.0" encoding="big5"?>',
    ],
)
def test_a_page_s_declared_charset_decides_what_its_bytes_cannot(head: str) -> None:
    data = f"{head}<p>{SHORT_TRADITIONAL}</p>".encode("big5")
    document = read(data, "a.html")
    assert [b.cells for b in document.blocks if b.kind == "text"] == [[SHORT_TRADITIONAL]]


def test_a_declaration_is_honoured_only_in_html() -> None:
    data = f'<meta charset="big5">{SIMPLIFIED}'.encode("gbk")
    assert read(data, "a.txt").encoding == "gb18030"


def test_valid_utf8_beats_a_stale_gb2312_declaration() -> None:
    document = read(f'<meta charset="gb2312"><p>{SIMPLIFIED}</p>'.encode(), "a.html")
    assert document.encoding == "utf-8" and SIMPLIFIED.strip() in document.text


def test_a_declaration_the_text_contradicts_is_overruled_by_how_it_reads() -> None:
    document = read(f'<meta charset="gb2312"><p>{TRADITIONAL * 3}</p>'.encode("big5"), "a.html")
    assert document.encoding in {"cp950", "big5hkscs"} and TRADITIONAL.strip() in document.text


def test_a_western_declaration_on_a_chinese_page_is_ignored() -> None:
    document = read(f'<meta charset="iso-8859-1"><p>{SIMPLIFIED}</p>'.encode("gbk"), "a.html")
    assert document.encoding == "gb18030" and SIMPLIFIED.strip() in document.text


# cut-off and damaged files ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("encoding", "after"),
    [
        ("utf-8", b""),
        ("utf-8", b"\n"),
        ("gb18030", b""),
        ("gb18030", b"\r\n"),
        ("big5", b""),
        ("big5", b"\n"),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
    ],
)
def test_a_file_cut_mid_character_keeps_everything_before_it(encoding: str, after: bytes) -> None:
    """Also when an editor saved the cut-off file and added a line break after the half character."""
    text = TRADITIONAL if encoding == "big5" else WITH_ASCII
    body = text.rstrip("\n").rstrip("。")
    document = read(body.encode(encoding)[:-1] + after)
    assert document.text == body[:-1] + after.decode().replace("\r\n", "\n")
    assert document.warnings == [TRUNCATED_WARNING]


def test_a_four_byte_gb18030_character_cut_off_is_dropped_too() -> None:
    text = SIMPLIFIED.rstrip("\n") + "㐀"  # CJK extension A: four bytes in GB18030
    document = read(text.encode("gb18030")[:-2])
    assert document.text == SIMPLIFIED.rstrip("\n") and document.warnings == [TRUNCATED_WARNING]


def test_a_whole_file_has_no_warning() -> None:
    assert read(WITH_ASCII.encode("gbk")).warnings == []


def test_nul_padding_left_by_a_crash_is_dropped() -> None:
    document = read(WITH_ASCII.encode() + b"\x00" * 4096)
    assert document.text == WITH_ASCII and document.warnings == [TRUNCATED_WARNING]


def test_mixed_encodings_name_the_line_where_reading_stops() -> None:
    data = (SIMPLIFIED * 3).encode() + "第四行是另一种编码\n".encode("gbk") + SIMPLIFIED.encode()
    assert "UTF-8" in (why := reason(data)) and "第 4 行" in why


def test_a_gbk_file_damaged_in_the_middle_says_so() -> None:
    data = (SIMPLIFIED * 40).encode("gbk") + b"\xff\xff" + SIMPLIFIED.encode("gbk")
    assert "GB18030" in (why := reason(data)) and "第 41 行" in why


def test_bytes_that_read_as_no_chinese_at_all_are_refused() -> None:
    data = bytes(range(0x80, 0x100)) * 8
    assert "编码" in reason(data)


def test_binary_content_of_no_known_format_is_refused_as_not_text() -> None:
    assert "二进制" in reason(b"\x00\x01binary")


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "PNG"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "旧版 Office"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "压缩包"),
    ],
    ids=["png", "ole-doc", "zip"],
)
def test_a_text_file_that_is_another_format_is_refused_naming_what_it_is(data: bytes, named: str) -> None:
    assert named in reason(data)


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8, b" \n\t\r\n", "\u3000\n".encode("gbk")])
def test_empty_files_are_refused_as_empty(data: bytes) -> None:
    assert "文件为空" in reason(data)


def test_decode_bytes_itself_reads_empty_bytes_as_empty_text() -> None:
    """The registry reads its CSV with decode_bytes and decides itself what an empty one means."""
    assert decode_bytes(b"")[0] == "" and decode_bytes(codecs.BOM_UTF8)[0] == ""


def test_ascii_is_read_as_utf8() -> None:
    assert decode_bytes(b"Total 100\n") == ("Total 100\n", "utf-8")
