"""HTML pages and fragments: table rows keep their cells (merged cells leave blanks), paragraphs their breaks."""

from __future__ import annotations

from html.parser import HTMLParser

from evalaudit.ingest.blocks import Block

_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "caption", "title"}
_SKIP_TAGS = {"script", "style", "head", "noscript", "template"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._text: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._colspan = 1
        self._skip = 0
        # column index → rows still covered by a rowspan from above
        self._rowspans: dict[int, int] = {}

    # text outside tables -------------------------------------------------------------------------
    def _flush_text(self) -> None:
        text = "".join(self._text).strip()
        self._text = []
        for line in text.splitlines():
            if line.strip():
                self.blocks.append(Block("text", [line.strip()], line.strip()))
        if text:
            self.blocks.append(Block("blank", [], ""))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
            return
        attributes = dict(attrs)
        if tag == "tr":
            self._flush_text()
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._fill_rowspans()
            self._cell = []
            self._colspan = _int(attributes.get("colspan"))
            rowspan = _int(attributes.get("rowspan"))
            if rowspan > 1:
                for offset in range(self._colspan):
                    self._rowspans[len(self._row) + offset] = rowspan
        elif tag == "br":
            (self._cell if self._cell is not None else self._text).append("\n")
        elif tag in _BLOCK_TAGS:
            if self._cell is not None:
                self._cell.append("\n")
            else:
                self._flush_text()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
            return
        if tag in {"td", "th"} and self._row is not None and self._cell is not None:
            text = " ".join(part.strip() for part in "".join(self._cell).split("\n") if part.strip())
            self._row.append(text)
            self._row.extend([""] * (self._colspan - 1))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._fill_rowspans()
            self.blocks.append(Block("row", self._row, "\t".join(self._row)))
            self._rowspans = {col: left - 1 for col, left in self._rowspans.items() if left > 1}
            self._row = None
        elif tag == "table":
            self.blocks.append(Block("blank", [], ""))
        elif tag in _BLOCK_TAGS and self._cell is None:
            self._flush_text()

    def _fill_rowspans(self) -> None:
        """A cell merged from the row above occupies this column: leave it blank, as a printed form does."""
        assert self._row is not None
        while self._rowspans.get(len(self._row), 0) > 0:
            self._row.append("")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._row is None:
            self._text.append(data)

    def close(self) -> None:
        super().close()
        self._flush_text()


def _int(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def html_blocks(text: str) -> list[Block]:
    collector = _Collector()
    collector.feed(text)
    collector.close()
    for lineno, block in enumerate(collector.blocks, start=1):
        block.lineno = lineno
    return collector.blocks
