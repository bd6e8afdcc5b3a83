"""Plain text and markdown: lines become blocks; tab- or |-delimited lines become table rows."""

from __future__ import annotations

import re

from evalaudit.ingest.blocks import Block

_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _pipe_cells(line: str) -> list[str] | None:
    """`| a | b ||||` → ['a', 'b', '', '', '']: a row when the line is clearly |-delimited."""
    stripped = line.strip()
    if stripped.count("|") < 2:
        return None
    if not (stripped.startswith("|") or stripped.count("|") >= 3):
        return None
    if stripped.startswith("|"):
        stripped = stripped[1:]
    if stripped.endswith("|"):
        stripped = stripped[:-1]
    return [cell.strip() for cell in stripped.split("|")]


def text_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            blocks.append(Block("blank", [], line, lineno))
        elif _MD_RULE.match(line):
            continue
        elif "\t" in line:
            blocks.append(Block("row", [cell.strip() for cell in line.split("\t")], line, lineno))
        elif (cells := _pipe_cells(line)) is not None:
            blocks.append(Block("row", cells, line, lineno))
        else:
            blocks.append(Block("text", [line.strip()], line, lineno))
    return blocks
