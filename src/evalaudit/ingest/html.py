"""HTML pages and fragments, Word/Excel "Save as HTML" included: table rows keep their cells (merged cells leave
blanks), paragraphs and <br> break lines.

lxml's HTML parser (libxml2) tokenises, decodes entities and closes what authors leave open (<td> without
</td>, <tr> without </tr>). Its events go to a target instead of a tree: libxml2 refuses trees deeper than
256 elements (2,048 with huge_tree) and drops the rest of the document, while events cost nothing per level.
Comments are not passed on, so Word's `<!--[if gte mso 9]>…<![endif]-->` blocks go, while the content of
`<![if !supportLists]>…<![endif]>` (the list numbers a browser shows) stays.

Whitespace is read as a browser shows it: a line break in the markup is a space (nothing between two Chinese
characters), while <br>, paragraphs and the lines of <pre> are breaks. display:none is not shown; a hidden row
(Excel's) still counts for the rowspans above it.

A table nested in a cell: its rows become rows of their own, in document order (each row where it starts,
so the outer row comes first), and the cell keeps only its own text. Forms use nesting for layout — one
outer cell holding the whole form, or a label beside a sub-table — and either way the inner rows stay
readable rows, where the alternative (the inner table's text as one cell) would bury a form in one cell.
An outer row left with nothing but its nested tables is layout and is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from evalaudit.ingest.blocks import Block

_BLOCK_TAGS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "blockquote",
    "pre",
    "address",
    "figure",
    "figcaption",
    "form",
    "fieldset",
    "legend",
    "caption",
    "title",
    "hr",
    "center",
}
_SKIP_TAGS = {"script", "style", "head", "noscript", "template", "xml", "object", "iframe"}
_CELL_TAGS = {"td", "th"}
_HIDDEN = re.compile(r"display\s*:\s*none", re.IGNORECASE)
_MAX_COLSPAN, _MAX_ROWSPAN = 1000, 65534  # the HTML standard's caps: a typo'd colspan=99999999 is not a grid

_BREAK = "\n"  # <br>, block boundaries, newlines in <pre>
_SOFT = "\x00"  # a newline in the markup: whitespace, or nothing between two CJK characters (decode admits no NUL)
_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_SOFT_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])[ \t\f{_SOFT}]*{_SOFT}[ \t\f{_SOFT}]*(?=[{_CJK}])")
_SOURCE_NEWLINE = re.compile(r"[ \t\f]*[\r\n][ \t\f\r\n]*")
_SPACES = re.compile(f"[ \t\f\r{_SOFT}]+")


@dataclass
class _Row:
    slot: int  # index of this row's block: rows sit where they start, nested rows after their outer row
    hidden: bool  # display:none (Excel's hidden rows): counted for rowspans, not shown
    cells: list[str] = field(default_factory=list)
    raws: list[str] = field(default_factory=list)
    cell: list[str] | None = None  # text of the open cell
    colspan: int = 1
    nested: bool = False  # a table was nested in one of its cells


@dataclass
class _Table:
    depth: int  # depth of the element holding it; an implicit table (a stray <td>) closes with that element
    implicit: bool = False
    row: _Row | None = None
    rowspans: dict[int, int] = field(default_factory=dict)  # column → rows still covered from above


def _lines(text: str) -> list[str]:
    """Hard lines of a run of text, with the markup's own whitespace collapsed as a browser does."""
    text = _SOFT_BETWEEN_CJK.sub("", text)
    return [line for line in (_SPACES.sub(" ", part).strip() for part in text.split(_BREAK)) if line]


def _span(value: str | None, cap: int) -> int:
    try:
        return min(cap, max(1, int((value or "1").strip())))
    except ValueError:
        return 1


class _Collector:
    """lxml parser target: start/end/data events → blocks."""

    def __init__(self) -> None:
        self.blocks: list[Block | None] = []
        self._text: list[str] = []  # text outside any cell, up to the next block boundary
        self._tables: list[_Table] = []
        self._depth = 0
        self._skip = 0  # depth inside script/style/head/hidden elements
        self._pre = 0

    # text outside cells -------------------------------------------------------------------------------
    def _flush_text(self) -> None:
        text, self._text = "".join(self._text), []
        lines = _lines(text)
        self.blocks.extend(Block("text", [line], line) for line in lines)
        if lines:
            self.blocks.append(Block("blank", [], ""))

    def _open_cell(self) -> list[str] | None:
        table = self._tables[-1] if self._tables else None
        return table.row.cell if table is not None and table.row is not None else None

    def _append(self, piece: str) -> None:
        cell = self._open_cell()
        (cell if cell is not None else self._text).append(piece)

    # tables -------------------------------------------------------------------------------------------
    def _table(self) -> _Table:
        """The table a row or cell belongs to; a stray one outside any table gets an implicit table."""
        if not self._tables:
            self._flush_text()
            self._tables.append(_Table(self._depth - 1, implicit=True))
        return self._tables[-1]

    def _start_row(self, table: _Table, hidden: bool) -> None:
        if table.row is not None:
            self._end_row(table)
        self._flush_text()
        table.row = _Row(slot=len(self.blocks), hidden=hidden)
        self.blocks.append(None)

    def _start_cell(self, attributes: dict[str, str]) -> None:
        table = self._table()
        if table.row is None:
            self._start_row(table, hidden=False)
        row = table.row
        assert row is not None
        if row.cell is not None:
            self._end_cell(row)
        self._fill_rowspans(table)
        row.cell = []
        row.colspan = _span(attributes.get("colspan"), _MAX_COLSPAN)
        rowspan = _span(attributes.get("rowspan"), _MAX_ROWSPAN)
        if rowspan > 1:
            for offset in range(row.colspan):
                table.rowspans[len(row.cells) + offset] = rowspan

    def _end_cell(self, row: _Row) -> None:
        assert row.cell is not None
        lines = _lines("".join(row.cell))
        row.cells.append(" ".join(lines))
        row.raws.append("\n".join(lines))
        row.cells.extend([""] * (row.colspan - 1))
        row.raws.extend([""] * (row.colspan - 1))
        row.cell = None

    def _fill_rowspans(self, table: _Table) -> None:
        """A cell merged from the row above occupies this column: leave it blank, as a printed form does."""
        assert table.row is not None
        while table.rowspans.get(len(table.row.cells), 0) > 0:
            table.row.cells.append("")
            table.row.raws.append("")

    def _end_row(self, table: _Table) -> None:
        row = table.row
        assert row is not None
        if row.cell is not None:
            self._end_cell(row)
        self._fill_rowspans(table)
        table.rowspans = {col: left - 1 for col, left in table.rowspans.items() if left > 1}
        table.row = None
        layout_only = row.nested and not any(cell.strip() for cell in row.cells)
        if not row.hidden and not layout_only:
            self.blocks[row.slot] = Block("row", row.cells, "\t".join(row.raws), grid=not row.nested)

    def _end_table(self) -> None:
        table = self._tables.pop()
        if table.row is not None:
            self._end_row(table)
        self.blocks.append(Block("blank", [], ""))

    # parser target ------------------------------------------------------------------------------------
    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self._depth += 1
        if self._skip:
            self._skip += 1
            return
        hidden = bool(_HIDDEN.search(attrib.get("style", ""))) or "hidden" in attrib
        if tag in _SKIP_TAGS or (hidden and tag != "tr"):
            self._skip = 1
        elif tag == "table":
            if self._open_cell() is not None:
                row = self._tables[-1].row
                assert row is not None
                row.nested = True
            else:
                self._flush_text()
            self._tables.append(_Table(self._depth - 1))
        elif tag == "tr":
            self._start_row(self._table(), hidden)
        elif tag in _CELL_TAGS:
            self._start_cell(attrib)
        elif tag == "br":
            self._append(_BREAK)
        elif tag in _BLOCK_TAGS:
            if tag == "pre":
                self._pre += 1
            self._boundary()

    def end(self, tag: str) -> None:
        self._depth -= 1
        if self._skip:
            self._skip -= 1
            return
        if tag == "table" and self._tables and not self._tables[-1].implicit:
            self._end_table()
        elif tag == "tr" and self._tables and self._tables[-1].row is not None:
            self._end_row(self._tables[-1])
        elif tag in _CELL_TAGS and self._tables and (row := self._tables[-1].row) is not None and row.cell is not None:
            self._end_cell(row)
        elif tag in _BLOCK_TAGS:
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
            self._boundary()
        while self._tables and self._tables[-1].implicit and self._depth < self._tables[-1].depth:
            self._end_table()

    def data(self, data: str) -> None:
        if self._skip or not data:
            return
        data = data.replace(_SOFT, "")
        self._append(data if self._pre else _SOURCE_NEWLINE.sub(_SOFT, data))

    def _boundary(self) -> None:
        if self._open_cell() is not None:
            self._append(_BREAK)
        else:
            self._flush_text()

    def close(self) -> list[Block]:
        while self._tables:
            self._end_table()
        self._flush_text()
        blocks = [block for block in self.blocks if block is not None]
        for lineno, block in enumerate(blocks, start=1):
            block.lineno = lineno
        return blocks


def html_blocks(text: str) -> list[Block]:
    collector = _Collector()
    parser = lxml.html.HTMLParser(target=collector, remove_comments=True, remove_pis=True)
    try:
        parser.feed(text)
        return parser.close()
    except etree.LxmlError:
        return collector.close()  # what was read before libxml2 gave up: a cut-off page keeps its start
