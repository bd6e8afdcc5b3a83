"""PDF submissions with a text layer → the same blocks the Word reader produces, placed by the words' positions.

A form printed from Word or Excel keeps its grid as ruling lines: there pdfplumber's table finder gives the
cells, a merged cell read once in its first position and the positions it covers left blank. Text outside the
tables is grouped into lines by its height on the page; a line with wide gaps (tab stops, a table without
borders) is split there into the cells of a row. Each page is read top to bottom, paragraphs and tables in the
order they stand. What printing adds is undone: page numbers and the header or footer repeated on most pages
are dropped, a table continued on the next page is joined to its first part (its repeated header row left out),
and a row split by the page break is read as one row. A PDF without text (a scan) goes to OCR.
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass, field
from itertools import islice

from evalaudit.ingest.blocks import Block, BlockKind, Reading, numbered
from evalaudit.ingest.decode import UnreadableFile
from evalaudit.ingest.settings import positive_whole

MAX_PAGES_ENV = "EVALAUDIT_MAX_PDF_PAGES"
DEFAULT_MAX_PAGES = 100
SCAN_MAX_CHARS = 20  # fewer characters than this over the whole file, and images: a scan with a stray label

ENCRYPTED = "PDF 文件设有密码或已加密，无法读取，请去除密码后重新提交"
DAMAGED = "PDF 文件已损坏或不是有效的 PDF（{detail}），无法读取，请重新导出 PDF 后提交"

_CELL_GAP = 0.9  # a gap this many font sizes wide between words on a line separates two cells
_EDGE_BAND = 0.15  # the top and bottom share of a page where headers and footers stand
_ALIGN = 2.0  # points: column edges this close are the same column on the next page
_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页"
    r"|\d+\s*/\s*\d+|\d+|page\s*\d+(?:\s*(?:of|/)\s*\d+)?)[-—–\s]*$",
    re.IGNORECASE,
)
# a form's title stands at the top of every page of a file of one-page forms; it is content, not a header
_TITLE_LIKE = re.compile(r"(?:表|报告)(?:[(（][^)）]*[)）])?$")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u2018-\u201f]")


def max_pages() -> int:
    """The most pages read from one PDF, from EVALAUDIT_MAX_PDF_PAGES (default 100)."""
    return positive_whole(MAX_PAGES_ENV, DEFAULT_MAX_PAGES, "（页数）")


def pdf_blocks(data: bytes) -> Reading:
    """The blocks of a PDF's pages in reading order, or a scan's recognised text."""
    import pdfplumber  # imported when a PDF arrives: the other formats need no PDF library
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    limit = max_pages()
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            count = _page_count(pdf.doc, limit)
            if count > limit:
                raise UnreadableFile(
                    f"PDF 共 {count} 页，超过上限 {limit} 页，未读取；请只提交绩效自评表和自评报告"
                    f"（或由管理员调整 {MAX_PAGES_ENV}）"
                )
            if count == 0:
                raise UnreadableFile("PDF 文件没有任何页面，请重新导出 PDF 后提交")
            pages = [_page_chars(page) for page in pdf.pages]
            scan = _is_scan(pages)
            items = [] if scan else [_page_items(page, chars) for page, (chars, _) in zip(pdf.pages, pages)]
    except UnreadableFile:
        raise
    except Exception as error:  # pdfminer raises many kinds on a broken file; the reason names the kind
        cause = error.args[0] if type(error).__name__ == "PdfminerException" and error.args else error
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(cause).lower():
            raise UnreadableFile(ENCRYPTED) from error
        if isinstance(cause, _BROKEN) or type(cause).__module__.startswith("pdfminer"):
            raise UnreadableFile(DAMAGED.format(detail=type(cause).__name__)) from error
        raise
    if scan:
        from evalaudit.ingest.ocr import (
            scanned_pdf,  # the OCR engine loads only for a scan
        )

        return scanned_pdf(data)
    return Reading(numbered(_blocks(_joined(_without_headers(items)))))


# what a malformed file makes pdfminer raise besides its own exceptions
_BROKEN = (ValueError, KeyError, TypeError, IndexError, AttributeError, AssertionError, OverflowError, zlib.error)


def _page_count(document, limit: int) -> int:
    """The page count from the page tree without reading a page: the pages are walked up to one over the
    limit, and the tree's own count names how many more a file over it has."""
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdftypes import resolve1

    walked = sum(1 for _ in islice(PDFPage.create_pages(document), limit + 1))
    if walked <= limit:
        return walked
    try:
        stated = resolve1(resolve1(document.catalog["Pages"])["Count"])
    except (KeyError, TypeError):
        stated = None
    return stated if isinstance(stated, int) and stated > walked else walked


def _page_chars(page) -> tuple[list[dict], int]:
    """The page's visible characters and its number of images."""
    chars = [char for char in page.chars if char["text"].strip() or char["text"] == " "]
    return chars, len(page.images)


def _is_scan(pages: list[tuple[list[dict], int]]) -> bool:
    """No text layer: no characters at all, or a handful over pages of images."""
    visible = sum(1 for chars, _ in pages for char in chars if char["text"].strip())
    images = sum(count for _, count in pages)
    return visible == 0 or (visible < SCAN_MAX_CHARS and images > 0)


# ---- a page: its tables and lines, top to bottom


@dataclass
class _Line:
    """Characters on one line, left to right."""

    chars: list[dict]
    top: float = 0.0
    bottom: float = 0.0

    def __post_init__(self) -> None:
        self.chars.sort(key=lambda char: char["x0"])
        self.top = min(char["top"] for char in self.chars)
        self.bottom = max(char["bottom"] for char in self.chars)

    @property
    def x0(self) -> float:
        return min(char["x0"] for char in self.chars if char["text"].strip())

    @property
    def x1(self) -> float:
        return max(char["x1"] for char in self.chars if char["text"].strip())

    @property
    def size(self) -> float:
        sizes = sorted(char["size"] for char in self.chars)
        return sizes[len(sizes) // 2] or 10.0


@dataclass
class _Cell:
    """A table cell: its box and its lines of text."""

    x0: float
    x1: float
    bottom: float
    lines: list[_Line]

    @property
    def text(self) -> str:
        return _cell_text(self.lines, self.x0, self.x1)


@dataclass
class _Table:
    top: float
    bottom: float
    edges: list[float]  # the columns' left edges
    rows: list[list[_Cell | None]]  # None: a position covered by a merged cell


@dataclass
class _Text:
    top: float
    bottom: float
    cells: list[str]
    edge: bool = False  # within the page's top or bottom band, before or after everything else


@dataclass
class _Page:
    items: list[_Table | _Text] = field(default_factory=list)


def _page_items(page, chars: list[dict]) -> _Page:
    """The page's tables and lines of text, ordered by where they start down the page."""
    tables = []
    for found in page.find_tables():
        if len(found.rows) * len(found.columns) > 1:  # one box around text (a frame) is no table
            tables.append(found)
    inside: list[bool] = [False] * len(chars)
    items: list[_Table | _Text] = []
    for found in tables:
        x0, top, x1, bottom = found.bbox
        taken = [i for i, char in enumerate(chars) if not inside[i] and _within(char, x0, top, x1, bottom)]
        for i in taken:
            inside[i] = True
        items.append(_table(found, [chars[i] for i in taken]))
    loose = [char for i, char in enumerate(chars) if not inside[i]]
    for line in _lines(loose):
        if line.chars and any(char["text"].strip() for char in line.chars):
            items.append(_Text(line.top, line.bottom, _line_cells(line)))
    items.sort(key=lambda item: item.top)
    _mark_edges(items, page.height)
    return _Page(items)


def _within(char: dict, x0: float, top: float, x1: float, bottom: float) -> bool:
    """The character's centre is inside the box."""
    x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return x0 <= x <= x1 and top <= y <= bottom


def _table(found, chars: list[dict]) -> _Table:
    """A found table's rows, each cell holding the lines of the characters inside it."""
    rows: list[list[_Cell | None]] = []
    for row in found.rows:
        cells: list[_Cell | None] = []
        for box in row.cells:
            if box is None:
                cells.append(None)
                continue
            x0, top, x1, bottom = box
            mine = [char for char in chars if _within(char, x0, top, x1, bottom)]
            cells.append(_Cell(x0, x1, bottom, _lines(mine)))
        rows.append(cells)
    x0, top, x1, bottom = found.bbox
    edges = sorted({column.bbox[0] for column in found.columns})
    return _Table(top, bottom, edges, rows)


def _lines(chars: list[dict]) -> list[_Line]:
    """Characters grouped into lines: a character whose middle is within the current line's height joins it."""
    lines: list[_Line] = []
    current: list[dict] = []
    top = bottom = 0.0
    for char in sorted(chars, key=lambda char: (char["top"], char["x0"])):
        middle = (char["top"] + char["bottom"]) / 2
        if current and top <= middle <= bottom:
            current.append(char)
            bottom = max(bottom, char["bottom"])
            continue
        if current:
            lines.append(_Line(current))
        current, top, bottom = [char], char["top"], char["bottom"]
    if current:
        lines.append(_Line(current))
    return [line for line in lines if any(char["text"].strip() for char in line.chars)]


def _words(line: _Line) -> list[tuple[str, float, float]]:
    """The line's words (text, x0, x1): split at spaces and at gaps wider than a fifth of the font size."""
    words: list[tuple[str, float, float]] = []
    text, x0, x1 = "", 0.0, 0.0
    for char in line.chars:
        if not char["text"].strip():
            if text:
                words.append((text, x0, x1))
            text = ""
            continue
        if text and char["x0"] - x1 > 0.2 * line.size:
            words.append((text, x0, x1))
            text = ""
        if not text:
            x0 = char["x0"]
        text += char["text"]
        x1 = char["x1"]
    if text:
        words.append((text, x0, x1))
    return words


def _line_cells(line: _Line) -> list[str]:
    """A line's text, split into cells where its words stand far apart (a tab stop, a column)."""
    cells: list[str] = []
    previous_x1: float | None = None
    for text, x0, x1 in _words(line):
        if previous_x1 is None or x0 - previous_x1 > _CELL_GAP * line.size:
            cells.append(text)
        else:
            cells[-1] = _join(cells[-1], text, " ")
        previous_x1 = x1
    return cells


def _join(left: str, right: str, space: str) -> str:
    """Two pieces of text: no space between Chinese characters, `space` between Latin letters or digits."""
    if not left or not right:
        return left + right
    if _CJK.match(left[-1]) or _CJK.match(right[0]):
        return left + right
    return left + space + right


def _cell_text(lines: list[_Line], x0: float, x1: float) -> str:
    """A cell's lines joined as the text they wrap. A line broken at a space ends in that space; one broken
    inside a word (a long number in a narrow column) is full: the next line's first word would not have fit."""
    if not lines:
        return ""
    right = _right_edge(lines, x0, x1)
    text = _line_text(lines[0])
    for above, below in zip(lines, lines[1:]):
        spaced = not above.chars[-1]["text"].strip()
        text = _join(text, _line_text(below), " " if spaced or not _full(above, below, right) else "")
    return text


def _line_text(line: _Line) -> str:
    """The line's words, a space between Latin words only (the space set between Chinese and a number is the
    typesetter's, not the writer's)."""
    text = ""
    for word, _, _ in _words(line):
        text = _join(text, word, " ")
    return text


def _right_edge(lines: list[_Line], x0: float, x1: float) -> float:
    """Where a cell's text must stop: its right edge, less the padding its text keeps on the left."""
    return x1 - (min(line.x0 for line in lines) - x0) + 0.5


def _full(line: _Line, following: _Line, right: float) -> bool:
    """The line has no room for the first word of the line after it: the text wrapped there."""
    return line.x1 + _first_word_width(following) > right


def _first_word_width(line: _Line) -> float:
    """How wide the line's first word is, as line breaking moves it: up to a space or a Chinese character (one
    Chinese character is a word), with the punctuation that may not begin a line (。，）…) kept with it."""
    chars = [char["text"] for char in line.chars]
    start = next(i for i, text in enumerate(chars) if text.strip())
    end = start + 1
    if not _CJK.match(chars[start]):
        while end < len(chars) and chars[end].strip() and not _CJK.match(chars[end]):
            end += 1
    while end < len(chars) and chars[end] in _NO_LINE_START:
        end += 1
    return line.chars[end - 1]["x1"] - line.chars[start]["x0"]


_NO_LINE_START = set("。，、；：？！）》」』】〕〉”’…—·%,.;:?!)]}")


def _mark_edges(items: list[_Table | _Text], height: float) -> None:
    """Lines that could be a header or footer: the first two or last two items when in the page's edge band."""
    for item in items[:2]:
        if isinstance(item, _Text) and item.bottom <= height * _EDGE_BAND:
            item.edge = True
    for item in items[-2:]:
        if isinstance(item, _Text) and item.top >= height * (1 - _EDGE_BAND):
            item.edge = True


# ---- the file: headers dropped, tables joined across pages


def _without_headers(pages: list[_Page]) -> list[_Page]:
    """The pages without page numbers and without the line repeated at the top or bottom of most pages."""

    def key(item: _Text) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", "".join(item.cells)))

    seen: dict[str, set[int]] = {}
    for number, page in enumerate(pages):
        for item in page.items:
            if isinstance(item, _Text) and item.edge:
                seen.setdefault(key(item), set()).add(number)
    most = max(2, (len(pages) * 3 + 4) // 5)  # three pages in five, and at least two

    def header(item: _Table | _Text) -> bool:
        if not isinstance(item, _Text) or not item.edge:
            return False
        text = " ".join(item.cells)
        if _PAGE_NUMBER.match(text):
            return True
        return len(seen[key(item)]) >= most and not _TITLE_LIKE.search(text.strip())

    return [_Page([item for item in page.items if not header(item)]) for page in pages]


def _joined(pages: list[_Page]) -> list[_Table | _Text]:
    """All pages' items in order, a table that continues the last table of the previous page joined to it."""
    items: list[_Table | _Text] = []
    for page in pages:
        rest = list(page.items)
        if items and rest and isinstance(items[-1], _Table) and isinstance(rest[0], _Table):
            if _continues(items[-1], rest[0]):
                _append(items[-1], rest[0])
                del rest[0]
        items.extend(rest)
    return items


def _continues(table: _Table, following: _Table) -> bool:
    """The same columns: as many, at the same places."""
    return len(table.edges) == len(following.edges) and all(
        abs(a - b) <= _ALIGN for a, b in zip(table.edges, following.edges)
    )


def _append(table: _Table, following: _Table) -> None:
    """The continuation's rows after the table's: the header rows it repeats left out, and a first row that
    only carries on the cells cut at the page's foot read into the row it continues."""
    texts = [_texts(row) for row in table.rows]
    rows = list(following.rows)
    repeated = 0
    while repeated < len(rows) and repeated < len(table.rows) - 1 and _texts(rows[repeated]) == texts[repeated]:
        repeated += 1
    rows = rows[repeated:]
    if rows and _carries_on(table.rows[-1], rows[0]):
        last = table.rows[-1]
        for cell, more in zip(last, rows.pop(0)):
            if cell is not None and more is not None and more.lines:
                cell.lines.extend(more.lines)
    table.rows.extend(rows)


def _texts(row: list[_Cell | None]) -> list[str]:
    return [cell.text if cell is not None else "" for cell in row]


def _carries_on(last: list[_Cell | None], first: list[_Cell | None]) -> bool:
    """A row split by the page break: the first row below it has text only in columns whose text above the
    break runs to the foot of the cell and fills its last line (the next word did not fit): the text wrapped
    into the next page. A row of its own has text under a cell that ended short: a number, a unit, a score."""
    continued = [(above, below) for above, below in zip(last, first) if below is not None and below.lines]
    return bool(continued) and all(
        above is not None
        and above.lines
        and _to_foot(above)
        and _full(above.lines[-1], below.lines[0], _right_edge(above.lines, above.x0, above.x1))
        for above, below in continued
    )


def _to_foot(cell: _Cell) -> bool:
    """The cell's text reaches its bottom edge: there was no room left for another line."""
    foot = cell.lines[-1]
    return cell.bottom - foot.bottom < 0.8 * foot.size


def _blocks(items: list[_Table | _Text]) -> list[Block]:
    blocks: list[Block] = []
    for item in items:
        if isinstance(item, _Text):
            kind: BlockKind = "row" if len(item.cells) > 1 else "text"
            blocks.append(Block(kind, item.cells, " | ".join(item.cells) if kind == "row" else item.cells[0]))
            continue
        for row in item.rows:
            cells = _texts(row)
            if any(cells):
                blocks.append(Block("row", cells, " | ".join(cells), grid=True))  # a ruled table's cells
    return blocks
