"""Blocks → logical lines of cells.

Delimited rows (tab, |, HTML) keep their cells, blanks included. Free text is split on spaces when it
reads like a row of cells (`基本支出 377.57 377.57 399.98`), kept whole when it reads like prose. When a
form's text comes as paragraphs (PDF extractions: a blank line after every cell or row), the lines inside
one paragraph are wrapped text and are joined back; otherwise every line stands alone (one cell per line).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps

from evalaudit.ingest.blocks import Block
from evalaudit.parse.flatten import join_page_chunks, matching_copy, split_flat, strip_pinyin
from evalaudit.parse.numbers import is_numeric_value
from evalaudit.parse.vocab import CHROME_WORDS, FLAT_LABELS, INDICATOR_COLUMNS, column_role, fund_item
from evalaudit.textnorm import clean_cell

_CELL_START = re.compile(
    "|".join(
        [r"[一二三四五六七八九十]+、", r"[(（][一二三四五六七八九十\d]+[)）]", r"\d+[.、．]\D"]
        + [re.escape(matching_copy(word)) for word in (*FLAT_LABELS, *CHROME_WORDS)]
    )
)
_CHROME = tuple(matching_copy(word) for word in CHROME_WORDS)
_CHROME_LABELS = frozenset(word.rstrip(":：") for word in _CHROME)
_ROW_HEAD = re.compile(
    r"^(产出指标|效益指标|满意度指标|成本指标|数量指标|质量指标|时效指标|经济效益|社会效益|生态效益|可持续影响|指标\d+[:：])"
)
_PROSE = re.compile(r"[，。；！？]|[,;](?!\d)")


@dataclass
class Line:
    cells: list[str]
    raw: str
    lineno: int
    delimited: bool  # cells came from real delimiters (tab, |, HTML cells)
    grid: bool = False  # a row of a real table (Block.grid): each cell in its column, blanks included

    @property
    def nonempty(self) -> list[str]:
        return [cell for cell in self.cells if cell.strip()]

    @property
    def text(self) -> str:
        return " ".join(self.nonempty)


def by_content(predicate: Callable[[Line], bool]) -> Callable[[Line], bool]:
    """Cache a question about a line by what the line holds (its cells and how they were delimited).

    The parser asks whether a line is a header of each kind many times over the same lines; the answer
    depends on the cells alone, never on where the line stands.
    """

    @lru_cache(maxsize=16384)
    def cached(cells: tuple[str, ...], delimited: bool, grid: bool) -> bool:
        return predicate(Line(list(cells), "", 0, delimited, grid))

    @wraps(predicate)
    def ask(line: Line) -> bool:
        return cached(tuple(line.cells), line.delimited, line.grid)

    return ask


def split_text_line(line: str) -> list[str]:
    """Space-separated cells, unless the line is prose (a sentence with Chinese punctuation)."""
    stripped = clean_cell(line)
    if not stripped:
        return []
    parts = stripped.split(" ")
    if len(parts) == 1:
        return parts
    if _PROSE.search(stripped) and len(stripped) > 30 and not _opens_row(parts):
        # prose: one cell, except where a sentence ends and a space follows (two columns side by side)
        return [part for part in re.split(r"(?<=[。；！？])\s+", stripped) if part]
    return parts


def is_chrome(text: str) -> bool:
    """'发布时间: 2023-05-22 信息来源:…', '• 索引号': what the web page printed around the form."""
    copy = matching_copy(text.strip().lstrip("•·-*| ").strip())
    return len(copy) < 80 and copy.startswith(_CHROME)


def starts_cell(text: str) -> bool:
    """A line that begins with a label, a heading number or page chrome starts a cell of its own."""
    return bool(_CELL_START.match(matching_copy(text.strip())))


def _opens_row(parts: list[str]) -> bool:
    """'产出指标 数量指标 指标1:… <long target> <long actual>': a table row whose cells hold sentences."""
    if len(parts) < 3:
        return False
    head = matching_copy(parts[0])
    return (bool(_ROW_HEAD.match(head)) or fund_item(parts[0]) is not None) and len(head) <= 12


def is_paragraph_layout(blocks: list[Block]) -> bool:
    """PDF text: most text lines are followed by a blank line."""
    text_lines = [index for index, block in enumerate(blocks) if block.kind == "text"]
    if len(text_lines) < 6:
        return False
    followed_by_blank = sum(1 for index in text_lines if index + 1 < len(blocks) and blocks[index + 1].kind == "blank")
    return followed_by_blank / len(text_lines) >= 0.3


def prepare(blocks: list[Block]) -> list[Block]:
    """Undo what publishing did to the text: pinyin inserted, page chunks, lone '|' cell ends, '||||' row ends."""
    blocks = rebuild_rows(blocks)
    out: list[Block] = []
    drop_value = False
    for block in blocks:
        cells = [strip_pinyin(cell) for cell in block.cells]
        if drop_value and block.kind == "text" and len(block.raw.strip()) < 40:
            drop_value = False  # '• 发布机构' then '• 澜屏市文化和旅游局': the chrome label's value
            out.append(Block("blank", [], block.raw, block.lineno))
            continue
        if block.kind != "blank":
            drop_value = False
        piped = block.kind == "row" and "|" in block.raw and "\t" not in block.raw
        if piped and not any(cell.strip() for cell in cells):
            out.append(Block("blank", [], block.raw, block.lineno))  # '||||||||' ends a row of one-per-line cells
            continue
        if piped and len([c for c in cells if c.strip()]) == 1 and _is_cell_line(block.raw):
            cells = [next(c for c in cells if c.strip())]
            out.append(Block("text", cells, block.raw, block.lineno))
            continue
        if block.kind == "text" and is_chrome(cells[0] if cells else ""):
            out.append(Block("blank", [], block.raw, block.lineno))
            drop_value = matching_copy(cells[0].strip().lstrip("•·-*| ").strip()).rstrip(":：") in _CHROME_LABELS
            continue
        if block.kind == "text":
            cells = [re.sub(r"\s*\|\s*$", "", re.sub(r"^\s*\|\s*", "", cells[0]))] if cells else cells
            if not cells or not cells[0].strip():
                out.append(Block("blank", [], block.raw, block.lineno))
                continue
        out.append(Block(block.kind, cells, block.raw, block.lineno, block.grid))
    texts = [index for index, block in enumerate(out) if block.kind == "text"]
    joined = join_page_chunks([out[index].cells[0] for index in texts])
    if len(joined) != len(texts):
        # page chunks are a document site's: its text has no table rows, so it is rebuilt as text lines
        return [Block("text", [line], line, number) for number, line in enumerate(joined, start=1) if line.strip()]
    return out


def _is_break(block: Block) -> bool:
    stripped = block.raw.strip()
    return len(stripped) >= 2 and set(stripped) == {"|"}


def _is_cell_end(block: Block) -> bool:
    stripped = block.raw.strip()
    return stripped.endswith("|") and stripped.count("|") == 1


def rebuild_rows(blocks: list[Block]) -> list[Block]:
    """A table published one cell per line ('项目名称 |', '临时救助 |', a lone '|' for a blank cell) with a
    '||||||' line after each row: the cells between two such lines are one row again."""
    breaks = sum(1 for block in blocks if _is_break(block))
    cells = sum(1 for block in blocks if _is_cell_end(block))
    if breaks < 3 or cells < 2 * breaks:
        return blocks
    out: list[Block] = []
    row: list[Block] = []

    def close() -> None:
        if row:
            texts = [block.raw.strip().removesuffix("|").strip() for block in row]
            width = _header_width(texts)
            for start in range(0, len(texts), width or len(texts)):
                part = row[start : start + (width or len(texts))]
                raw = "\n".join(block.raw for block in part)
                out.append(Block("row", texts[start : start + len(part)], raw, part[0].lineno))
            row.clear()

    for block in blocks:
        if _is_break(block):
            close()
        elif _is_cell_end(block) or (block.raw.strip() == "|"):
            row.append(block)
        elif block.kind == "blank":
            continue
        else:
            close()
            out.append(block)
    close()
    return out


def _header_width(texts: list[str]) -> int | None:
    """A run of cells that opens with a table header (一级指标 … 得分 …) and goes on: rows of the header's width.

    Blank cells keep their place (a lone '|'), so every row of a table has as many cells as its header.
    """
    roles = [column_role(text, INDICATOR_COLUMNS) if text.strip() else None for text in texts]
    named = [index for index, role in enumerate(roles[:16]) if role]
    if len(named) < 4:
        return None
    width = named[-1] + 1
    return width if len(texts) > width * 1.5 else None


def _is_cell_line(raw: str) -> bool:
    """'项目名称 |' or '| 临时救助': one cell of a table published one cell per line ('| a |' is a row)."""
    stripped = raw.strip()
    return stripped.count("|") == 1 and len(stripped) > 1


def _two_numbers(end: str, start: str) -> bool:
    """A line ending in a number and the next starting with one, glued into no number ('52.800000' +
    '52.800000', '100.00%' + '5'): two cells of a wrapped row, not one cell's text wrapped."""
    return is_numeric_value(end) and is_numeric_value(start) and not is_numeric_value(end + start)


def to_lines(blocks: list[Block]) -> list[Line]:
    blocks = prepare(blocks)
    paragraph_mode = is_paragraph_layout(blocks)
    lines: list[Line] = []
    previous_kind = "blank"
    for block in blocks:
        if block.kind == "blank":
            previous_kind = "blank"
            continue
        if block.kind == "row":
            cells = [clean_cell(cell) for cell in block.cells]
            flat_at, pieces = next(
                ((index, found) for index, cell in enumerate(cells) if (found := split_flat(cell))), (None, [])
            )
            if flat_at is not None:
                # a whole form run together inside one cell (a page's 内容概述): its cells, then the rest of the row
                lines.append(Line(cells[:flat_at], block.raw, block.lineno, True))
                lines.extend(Line(split_text_line(piece) or [piece], piece, block.lineno, False) for piece in pieces)
                lines.append(Line(cells[flat_at + 1 :], block.raw, block.lineno, True))
            else:
                lines.append(Line(cells, block.raw, block.lineno, True, block.grid))
            previous_kind = "row"
            continue
        flat = split_flat(clean_cell(block.cells[0] if block.cells else block.raw))
        if flat is not None:
            # each piece keeps its own text as raw: a warning quotes the cell, not the whole flattened page
            lines.extend(Line(split_text_line(piece) or [piece], piece, block.lineno, False) for piece in flat)
            previous_kind = "blank"
            continue
        cells = split_text_line(block.cells[0] if block.cells else block.raw)
        if not cells:
            continue
        continues_paragraph = (
            paragraph_mode
            and previous_kind == "text"
            and lines
            and not lines[-1].delimited
            and not lines[-1].raw.rstrip().endswith("|")  # '项目名称 |': the cell ended there
            and not block.raw.lstrip().startswith("|")  # '| 25%': a cell starts here
            and not starts_cell(cells[0])
        )
        if continues_paragraph:
            last = lines[-1]
            if _two_numbers(last.cells[-1], cells[0]):
                last.cells.append(cells[0])  # '1 52.800000' then '52.800000 …': a row wrapped after a number
            else:
                last.cells[-1] = last.cells[-1] + cells[0]
            last.cells.extend(cells[1:])
            last.raw = last.raw + "\n" + block.raw
        else:
            lines.append(Line(cells, block.raw, block.lineno, False))
        previous_kind = "text"
    return lines
