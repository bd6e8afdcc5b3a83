"""Indicator cells a spreadsheet extraction emitted out of row order: names first, then their values in runs.

A sheet exported to one line does not always walk its cells row by row. Two shapes recur, and the form's own
cell types show how to put them back:

* several numbered names in a row, then their rows' values in order (`指标24:A 指标25:B t a w s t a w s`):
  the values are cut into rows of the header's width, one per name;
* a column-major block: N targets, then N `actual weight score` triples (the names scattered among the
  targets, some missing): the two runs are zipped into N rows, the names placed by their numbering.

A block is taken only when every cell is accounted for, its counts agree, 得分 ≤ 分值 ≤ 100 on every row and
each row's target and actual carry the same unit; anything else is left to the row-by-row reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evalaudit.parse.fused import is_value_token
from evalaudit.parse.lines import Line
from evalaudit.parse.numbers import is_empty, is_plain_number, looks_like_value, parse_measure, parse_number
from evalaudit.parse.vocab import INDICATOR_HEADER_WORDS, is_known_label, is_numbered_name, is_unit
from evalaudit.textnorm import fold

ROW_ROLES = ("target", "actual", "weight", "score")
_NUMBER = re.compile(r"^指标\s*(\d+)")


@dataclass
class ZippedRow:
    """One indicator row put back together from a block: its name ('' where the sheet printed none)."""

    name: str
    values: dict[str, str]
    raw: str


@dataclass
class _Block:
    start: int  # token positions [start, end) the block covers
    end: int
    names: list[str]
    values: list[str]
    next_number: int | None  # the numbering of the name that follows the block, if one does


def applies(roles: list[str]) -> bool:
    """Rows of name, target, actual, 分值, 得分 in this order (a 分值-first or 得分-only table is read otherwise)."""
    if not all(role in roles for role in ("name", *ROW_ROLES)):
        return False
    return [roles.index(role) for role in ("name", *ROW_ROLES)] == sorted(roles.index(r) for r in ("name", *ROW_ROLES))


def is_header_word(cell: str) -> bool:
    """'二级指标', '分值', '得分': a column's header word that landed among the data."""
    return fold(cell).strip() in INDICATOR_HEADER_WORDS


def _number(name: str) -> int:
    return int(_NUMBER.match(fold(name)).group(1))  # type: ignore[union-attr]


def _joined_units(cells: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """'不少于12' '种' → '不少于12种': a cell wrapped between a number and its unit."""
    out: list[tuple[str, int]] = []
    for cell, line in cells:
        if out and is_unit(cell) and re.search(r"\d$", fold(out[-1][0])):
            out[-1] = (out[-1][0] + cell, out[-1][1])
        else:
            out.append((cell, line))
    return out


def _is_value(cell: str) -> bool:
    return (looks_like_value(cell) or is_value_token(cell)) and not is_empty(cell)


def _collect(tokens: list[tuple[str, int]], start: int) -> _Block | None:
    """The block that opens with the numbered name at `start`: names (and the words wrapped after one),
    then values, up to the next numbered name after a 分值/得分 number, or None when a cell fits neither."""
    names: list[str] = []
    values: list[str] = []
    scored = False
    after_name = False
    position = start
    while position < len(tokens):
        cell = tokens[position][0]
        if is_header_word(cell):
            position += 1
            continue
        if is_numbered_name(cell):
            if scored:
                break
            names.append(cell.strip())
            after_name = True
        elif is_known_label(cell):
            break  # a level label opens the next group
        elif _is_value(cell):
            values.append(cell.strip())
            scored = scored or is_plain_number(cell)
            after_name = False
        elif after_name and not is_empty(cell):
            names[-1] += cell.strip()  # '…事件报告' '数': the name wrapped
        else:
            return None
        position += 1
    following = tokens[position][0] if position < len(tokens) else ""
    next_number = _number(following) if is_numbered_name(following) else None
    return _Block(start, position, names, values, next_number)


def _scores(weight: str, score: str) -> bool:
    w, s = parse_number(weight), parse_number(score)
    return w is not None and s is not None and 0 <= s <= w <= 100 and w > 0


def _same_unit(target: str, actual: str) -> bool:
    return parse_measure(target).unit == parse_measure(actual).unit


def _typed(target: str, actual: str) -> bool:
    """A target and an actual the sheet wrote with their units (a bare number could be a 分值 as well)."""
    return not is_plain_number(target) and not is_plain_number(actual) and _same_unit(target, actual)


def _consecutive(numbers: list[int]) -> bool:
    return all(b == a + 1 for a, b in zip(numbers, numbers[1:]))


def _rows_in_order(block: _Block) -> list[tuple[str, list[str]]] | None:
    """Names then their rows' values in order: as many rows of four as names, numbered one after another."""
    count = len(block.names)
    if count < 2 or len(block.values) != 4 * count or not _consecutive([_number(n) for n in block.names]):
        return None
    rows = [block.values[4 * index : 4 * index + 4] for index in range(count)]
    if not all(_typed(t, a) and _scores(w, s) for t, a, w, s in rows):
        return None
    return list(zip(block.names, rows))


def _slot_start(block: _Block, count: int) -> int | None:
    """The number of the block's first row: the next row's number less the block's rows, or the names' own
    when every row is named; None when the numbering cannot tell which row is which."""
    numbers = [_number(name) for name in block.names]
    if len(numbers) == count and _consecutive(numbers):
        return numbers[0]
    if block.next_number is None:
        return None
    start = block.next_number - count
    if numbers and all(start <= number < block.next_number for number in numbers) and numbers == sorted(set(numbers)):
        return start
    return None


def _column_major(block: _Block) -> list[tuple[str, list[str]]] | None:
    """N targets, then N (actual, 分值, 得分) triples: the two runs zipped, names placed by their numbers."""
    values = block.values
    if len(values) % 4:
        return None
    count = len(values) // 4
    if count < 2:
        return None
    targets, triples = values[:count], [values[count + 3 * i : count + 3 * i + 3] for i in range(count)]
    if not all(_typed(t, a) and _scores(w, s) for t, (a, w, s) in zip(targets, triples)):
        return None
    start = _slot_start(block, count)
    if start is None:
        return None
    names = {_number(name) - start: name for name in block.names}
    return [(names.get(index, ""), [targets[index], *triples[index]]) for index in range(count)]


def _read(block: _Block) -> list[tuple[str, list[str]]] | None:
    return _rows_in_order(block) or _column_major(block)


def column_runs(lines: list[Line], roles: list[str]) -> list[list[Line] | ZippedRow]:
    """The run's lines in order, as pieces for the row-by-row reader and the rows of the blocks read here.

    When no block is found the run comes back whole, so ordinary text is read exactly as before."""
    if not applies(roles):
        return [lines]
    tokens = _joined_units([(cell, index) for index, line in enumerate(lines) for cell in line.nonempty])
    found: list[tuple[_Block, list[tuple[str, list[str]]]]] = []
    position = 0
    while position < len(tokens):
        block = _collect(tokens, position) if is_numbered_name(tokens[position][0]) else None
        rows = _read(block) if block is not None else None
        if block is not None and rows:
            found.append((block, rows))
            position = block.end
        else:
            position += 1
    if not found:
        return [lines]
    pieces: list[list[Line] | ZippedRow] = []
    done = 0
    for block, rows in found:
        if block.start > done:
            pieces.append(_regroup(tokens[done : block.start], lines))
        # the row's own cells are its evidence: the block's text holds every row of it, out of order
        pieces += [
            ZippedRow(name, dict(zip(ROW_ROLES, cells)), " ".join([name, *cells]).strip()) for name, cells in rows
        ]
        done = block.end
    if done < len(tokens):
        pieces.append(_regroup(tokens[done:], lines))
    return pieces


def _regroup(tokens: list[tuple[str, int]], lines: list[Line]) -> list[Line]:
    """Tokens back into lines, each keeping its source line's raw text and number."""
    out: list[Line] = []
    last = None
    for cell, index in tokens:
        if index == last:
            out[-1].cells.append(cell)
        else:
            out.append(Line([cell], lines[index].raw, lines[index].lineno, False))
            last = index
    return out
