"""Fund rows written one `label amount` per line, with no columns (a checklist form's 预算资金安排 cell):

    年度预算资金总额: 120.50
    其中:中央补助 80.00
    市级资金 30.00
    本级资金 10.50
    其中:
    <scheme title>(万元)
    年度预算资金总额: 70.00
    其中:中央补助 …

A block is a total line followed by its part lines; blocks after the first, each under a title of its own,
are the schemes the first is made of. Nothing says which column the one amount is, nor that the labels are
the block's parts, so the form's own arithmetic decides: an amount is kept only when it takes part in a sum
that holds — the parts adding up to their block's total, or the schemes' totals (or the schemes' parts of one
kind) adding up to the first block's. An amount that agrees with no sum is not read, and said once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evalaudit.model import FundRow, ParseWarning
from evalaudit.parse.lines import Line
from evalaudit.parse.numbers import decimals, parse_number
from evalaudit.parse.vocab import FUND_COLUMNS, column_role, fund_item
from evalaudit.textnorm import fold

TOTAL = "年度资金总额"
_OF_WHICH = re.compile(r"^其中[:：]?")
_COLON_TAIL = re.compile(r"[\s:：]+$")
_FUSED_AMOUNT = re.compile(r"^(?P<label>.*?[^\d.,])[:：]?\s*(?P<amount>\d+(?:,\d{3})*(?:\.\d+)?)$")
_TITLE_UNIT = re.compile(r"[(（]万?元[)）]$")
_AMOUNT_ROLES = ("initial_budget", "budget", "executed")
_EPSILON = 1e-9


@dataclass
class _Entry:
    """One `label amount` line: the label as written, its canonical item, the amount's column and text."""

    label: str
    item: str
    role: str
    amount: str  # '' when the line states no amount
    raw: str

    @property
    def value(self) -> float | None:
        return parse_number(self.amount) if self.amount else None


@dataclass
class _Block:
    title: str
    total: _Entry
    parts: list[_Entry] = field(default_factory=list)


def label_amount_funds(lines: list[Line]) -> tuple[list[FundRow], list[ParseWarning]]:
    """The rows of the first run of label-amount blocks whose arithmetic confirms the reading, or []."""
    for blocks in _runs(lines):
        rows, warnings = _confirmed_rows(blocks)
        if rows:
            return rows, warnings
    return [], []


def entry(line: Line) -> _Entry | None:
    """A line that is a fund label and at most one amount after it (text before the label is context)."""
    cells = [cell.strip() for cell in line.nonempty]
    if not cells:
        return None
    amount = ""
    if parse_number(cells[-1]) is not None:
        amount, cells = cells[-1], cells[:-1]
    elif (fused := _FUSED_AMOUNT.match(cells[-1])) and fund_item(_clean_label(fused["label"])):
        amount, cells = fused["amount"], [*cells[:-1], fused["label"]]
    if not cells or any(parse_number(cell) is not None for cell in cells):
        return None
    label = _clean_label(cells[-1])
    item = fund_item(label)
    if item is None or not _OF_WHICH.sub("", fold(label)):
        return None
    role = column_role(_OF_WHICH.sub("", label), FUND_COLUMNS)
    return _Entry(label, item, role if role in _AMOUNT_ROLES else "budget", amount, line.raw)


def _clean_label(cell: str) -> str:
    """'年度预算资金总额):' → '年度预算资金总额': the colon and a bracket closed without being opened."""
    label = _COLON_TAIL.sub("", cell.strip())
    if label.endswith((")", "）")) and _opened(label) < _closed(label):
        label = _COLON_TAIL.sub("", label[:-1])
    return label


def _opened(text: str) -> int:
    return text.count("(") + text.count("（")


def _closed(text: str) -> int:
    return text.count(")") + text.count("）")


def _runs(lines: list[Line]) -> list[list[_Block]]:
    """Runs of consecutive blocks, with only '其中:' lines and scheme titles between them."""
    runs: list[list[_Block]] = []
    blocks: list[_Block] = []
    title = ""
    for line in lines:
        found = entry(line)
        if found is not None and found.item == TOTAL:
            blocks.append(_Block(title, found))
            title = ""
        elif found is not None and blocks and not title:
            blocks[-1].parts.append(found)
        elif blocks and _is_title(line):
            if not _OF_WHICH.fullmatch(fold(line.text)):
                title = _TITLE_UNIT.sub("", line.text.strip()).strip()
        else:
            if blocks:
                runs.append(blocks)
            blocks, title = [], ""
    if blocks:
        runs.append(blocks)
    return runs


def _is_title(line: Line) -> bool:
    """'其中:' or one short cell with no number: what stands between the blocks of a run."""
    cells = line.nonempty
    return len(cells) == 1 and len(fold(cells[0])) <= 40 and parse_number(cells[0]) is None


def _confirmed_rows(blocks: list[_Block]) -> tuple[list[FundRow], list[ParseWarning]]:
    """Rows for the amounts a holding sum confirms; a warning for the amounts no sum confirms."""
    confirmed: set[int] = set()  # id() of the entries whose amount is confirmed
    for block in blocks:
        _confirm(block.total, block.parts, confirmed)
    main, schemes = blocks[0], blocks[1:]
    if schemes:
        _confirm(main.total, [scheme.total for scheme in schemes], confirmed)
        for part in main.parts:
            same = [p for scheme in schemes for p in scheme.parts if _part_key(p) == _part_key(part)]
            _confirm(part, same, confirmed)
    if id(main.total) not in confirmed:
        return [], []  # the first block's total agrees with nothing: these lines are not a funds table
    rows: list[FundRow] = []
    unconfirmed: list[_Entry] = []
    for index, block in enumerate(blocks):
        prefix = "" if index == 0 else f"{block.title or f'分项{index}'}/"
        for found in [block.total, *block.parts]:
            if found.value is None:
                continue
            if id(found) not in confirmed:
                unconfirmed.append(found)
                continue
            row = FundRow(item=prefix + found.item, label=found.label, raw=found.raw)
            setattr(row, found.role, found.value)
            rows.append(row)
    warnings = [
        ParseWarning(
            "fund_amount_unconfirmed",
            "资金表中下列金额与其合计、分项均对不上，未采用，请核对修改："
            + "；".join(f"{e.label} {e.amount}（{'；'.join(_broken_sums(e, blocks))}）" for e in unconfirmed),
            "资金表",
            "\n".join(e.raw for e in unconfirmed),
        )
    ]
    return rows, warnings if unconfirmed else []


def _broken_sums(found: _Entry, blocks: list[_Block]) -> list[str]:
    """The sums an amount takes part in that do not hold, as the reviewer would write them out."""
    sums: list[tuple[str, _Entry, list[_Entry]]] = []
    for block in blocks:
        if found is block.total or found in block.parts:
            sums.append((block.title, block.total, block.parts))
    main, schemes = blocks[0], blocks[1:]
    if schemes and found is main.total:
        sums.append(("各分项合计", main.total, [scheme.total for scheme in schemes]))
    for part in main.parts:
        same = [p for scheme in schemes for p in scheme.parts if _part_key(p) == _part_key(part)]
        if found is part or found in same:
            sums.append((f"各分项{_OF_WHICH.sub('', part.label)}", part, same))
    texts = []
    for title, total, parts in sums:
        stated = [part for part in parts if part.value is not None]
        if total.value is None or not stated:
            continue
        added = sum(part.value for part in stated)  # type: ignore[misc]
        if abs(total.value - added) > 0.005:
            where = f"{title}：" if title else ""
            texts.append(
                f"{where}{' + '.join(part.amount for part in stated)} = {added:.2f}，与{total.label} {total.amount} 不符"
            )
    return texts


def _part_key(part: _Entry) -> tuple[str, str]:
    """A part the same in every scheme: '其中:中央补助' in the first block is '中央补助' in the next."""
    return part.item, _OF_WHICH.sub("", fold(part.label))


def _confirm(total: _Entry, parts: list[_Entry], confirmed: set[int]) -> None:
    """Mark the total and its parts when the parts stated add up to it (each to the cent it shows)."""
    stated = [part for part in parts if part.value is not None]
    if total.value is None or not stated or any(part.role != total.role for part in stated):
        return
    terms = [total, *stated]
    tolerance = sum(0.5 * 10 ** -max(decimals(term.amount), 2) for term in terms) + _EPSILON
    if abs(total.value - sum(part.value for part in stated)) <= tolerance:  # type: ignore[misc]
        confirmed.update(id(term) for term in terms)
