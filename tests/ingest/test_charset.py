"""The charset an HTML page declares, as the codecs to try; labels of encodings forms are not written in are
ignored, since their codecs would decode any bytes."""

from __future__ import annotations

import pytest

from evalaudit.ingest.charset import declared_encodings


@pytest.mark.parametrize(
    ("head", "codecs"),
    [
        (b'<meta charset="big5">', ("cp950", "big5hkscs")),
        (b"<META CHARSET=GB2312>", ("gb18030",)),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=gbk">', ("gb18030",)),
        (b"<meta http-equiv=Content-Type content='text/html; charset=x-gbk'>", ("gb18030",)),
        (b'<?xml version="1.0" encoding="Big5"?><html>', ("cp950", "big5hkscs")),
        (b'<?xml version="1.0" encoding="utf-8"?><meta charset="gb2312">', ("gb18030",)),  # the meta wins
        (b'<meta charset="UTF-8">', ("utf-8",)),
        (b'<meta charset="iso-8859-1">', ()),
        (b'<meta charset="utf-16">', ()),
        (b"<p>charset=big5 in the text is not a declaration</p>", ()),
        (b"", ()),
    ],
)
def test_declared_encodings(head: bytes, codecs: tuple[str, ...]) -> None:
    assert declared_encodings(b"<html><head>" + head if head.startswith(b"<meta") else head) == codecs


def test_a_declaration_after_the_prescan_window_is_not_looked_for() -> None:
    assert declared_encodings(b" " * 10_000 + b'<meta charset="big5">') == ()
