"""What every reader produces: the file's text as a list of blocks (a text line or a table row)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["row", "text", "blank"]


@dataclass(slots=True)  # a million-line file is a million blocks
class Block:
    """One physical line of the source. `row` blocks carry delimited cells (tab, |, HTML <td>).

    An HTML cell broken by <br> or paragraphs has its lines joined by a space in `cells` and by a newline in
    `raw`, which is what a reviewer is shown.
    """

    kind: BlockKind
    cells: list[str]
    raw: str
    lineno: int = 0
    # the row is a row of a real table (Word, Excel): its cells stand in the table's columns, blanks included,
    # so a cell's place says which column it is in
    grid: bool = False

    @property
    def text(self) -> str:
        return " ".join(cell for cell in self.cells if cell.strip())


@dataclass
class SourceDocument:
    name: str  # file name, as in findings.csv's source_file
    sha256: str
    encoding: str
    text: str  # decoded text: what the raw_text of each form is cut from
    blocks: list[Block] = field(default_factory=list)
    # what the reader had to do to the bytes, in Chinese for the reviewer (e.g. a cut-off last character)
    warnings: list[str] = field(default_factory=list)
    ocr: bool = False  # the text was recognised from an image (a scan or a photo), not read from the file


@dataclass
class Reading:
    """What a reader of a binary format (Word, Excel, PDF, a scan) returns: its blocks in document order, the
    notes for the reviewer about how they were read, and whether they were recognised from an image."""

    blocks: list[Block]
    warnings: list[str] = field(default_factory=list)
    ocr: bool = False


def numbered(blocks: list[Block]) -> list[Block]:
    """The blocks with their line numbers, counted from 1 as a text file's lines are."""
    for number, block in enumerate(blocks, start=1):
        block.lineno = number
    return blocks
