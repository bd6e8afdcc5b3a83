"""Funds headers an extraction spread over lines, and the rows under them.

Two layouts: a transfer-payment table whose columns are named with their letters on lines of their own
(全年预算数 / (A) / … / 全年执行资金 / (E) / 预算执行 / (E/C×100%)), its rows numbered (行次) and wrapped; and
column heads stacked over two or three lines (年初 | 全年预算 | 全年 over 预算数 | 数 | 执行数), each line holding a
slice of every column. The letters and the form's own arithmetic (E/C = the stated rate) place the amounts;
nothing the arithmetic or the header's words cannot prove is read.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations

from evalaudit.model import FundRow, ParseWarning
from evalaudit.parse.flatten import matching_copy
from evalaudit.parse.lines import Line
from evalaudit.parse.numbers import is_empty, parse_number, parse_percent
from evalaudit.parse.vocab import (
    FUND_ARRIVED_WORDS,
    FUND_COLUMN_NAMES,
    FUND_COLUMNS,
    FUND_EXECUTED_WORDS,
    ROW_NUMBER_COLUMNS,
    column_role,
    fund_item,
)
from evalaudit.textnorm import fold

_LETTER = re.compile(r"\(([A-Z])(?:[/÷]([A-Z]))?(?:[×x*]100%)?\)")
_UNIT_ASIDE = re.compile(r"[(（]万?元[^)）]*[)）]")
_NUMBERING = re.compile(r"^列次(\s+\d+)+")
_TOLERANCE = 0.51  # a stated rate against its amounts, as elsewhere in the funds table
_ORDER = ("initial_budget", "budget", "executed", "weight", "rate", "score")


# Lettered headers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetteredColumn:
    name: str
    letter: str  # the amount's letter, or a rate's numerator
    over: str | None = None  # a rate's denominator: '(E/C×100%)' is E over C


@dataclass(frozen=True)
class LetteredHeader:
    columns: tuple[LetteredColumn, ...]
    numbered: bool  # a 行次 column before the lettered ones: each row's first cell is its number
    rate: int  # the column of the execution rate

    @property
    def budget(self) -> str:
        return self.columns[self.rate].over or ""

    @property
    def executed(self) -> str:
        return self.columns[self.rate].letter


def lettered_header(text: str) -> LetteredHeader | None:
    """The columns of a header that names each with its letter ('扣除…后预算金额(C)', '预算执行(E/C×100%)').

    The execution rate is the one rate column about money spent (执行), not arrived (到位): its numerator is the
    executed amount and its denominator the budget it is computed on, whatever the columns are called."""
    folded = matching_copy(text)  # spaces kept: they part the words before a letter
    columns: list[LetteredColumn] = []
    start, numbered = 0, False
    for match in _LETTER.finditer(folded):
        before = folded[start : match.start()]
        if not columns:
            numbered = any(word in before for word in ROW_NUMBER_COLUMNS)
        columns.append(LetteredColumn(_column_name(before), match.group(1), match.group(2)))
        start = match.end()
    amounts = [column.letter for column in columns if column.over is None]
    if len(amounts) < 2 or len(set(amounts)) != len(amounts):
        return None
    rates = [index for index, column in enumerate(columns) if column.over is not None]
    if any(columns[i].letter not in amounts or columns[i].over not in amounts for i in rates):
        return None
    names = {column.letter: column.name for column in columns if column.over is None}
    spent = [
        index
        for index in rates
        if _spending(columns[index].name, names[columns[index].letter]) and columns[index].letter != columns[index].over
    ]
    if len(spent) != 1:
        return None
    return LetteredHeader(tuple(columns), numbered, spent[0])


def _column_name(before: str) -> str:
    """The words just before a letter: its column's name ('行次 全年预算数' → '全年预算数'), unit dropped."""
    words = _UNIT_ASIDE.sub("", before).split()
    return words[-1] if words else ""


def _spending(rate_name: str, numerator_name: str) -> bool:
    names = rate_name + numerator_name
    if any(word in names for word in FUND_ARRIVED_WORDS):
        return False  # 预算到位(D/C): money arrived, neither budget nor spending
    return any(word in names for word in FUND_EXECUTED_WORDS)


def _fragment(line: Line) -> bool:
    """A line of a spread header: a column's letter, a short line of words, or the 列次 numbering."""
    text = matching_copy(line.text)
    return (
        bool(_LETTER.search(text)) or bool(_NUMBERING.match(text)) or (len(text) <= 30 and not re.search(r"\d", text))
    )


class SpreadHeader:
    """Collects the lines of a lettered header; `feed` gives the header on the first line past it."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def feed(self, line: Line) -> LetteredHeader | None:
        if _fragment(line):
            self.texts.append(line.text)
            return None
        found = lettered_header(" ".join(self.texts)) if self.texts else None
        self.texts = []
        return found


# Lettered rows -------------------------------------------------------------------------------------


@dataclass
class _Row:
    label: str
    values: list[str]
    raw: str


@dataclass
class LetteredTable:
    """The rows under a lettered header: label, 行次 number, amounts and rates (wrapped over lines), then text
    (佐证材料)."""

    header: LetteredHeader
    rows: list[_Row] = field(default_factory=list)
    number: int | None = None

    def take(self, line: Line) -> bool:
        """Whether the line belongs to the table: a row, the wrapped rest of one, or (before the first row) what
        is left of the header."""
        parts = _row_parts([token for cell in line.nonempty for token in cell.split()])
        if parts is None:
            return False
        label, values = parts
        if label and fund_item(_row_label(label)):
            if self.header.numbered and values and re.fullmatch(r"[1-9]\d?", fold(values[0])):
                number = int(fold(values[0]))
                if self.number is None or number == self.number + 1:
                    self.number, values = number, values[1:]  # the row's 行次, not an amount
            self.rows.append(_Row(_row_label(label), values, line.raw))
            return True
        if not label and values and self.rows and len(self.rows[-1].values) < len(self.header.columns):
            self.rows[-1].values += values  # the row wrapped after its first amount
            self.rows[-1].raw += "\n" + line.raw
            return True
        return not self.rows and _fragment(line)

    def fund_rows(self) -> tuple[list[FundRow], list[ParseWarning]]:
        funds, warnings = [], []
        for row in self.rows:
            placed = place_lettered(row.values, self.header)
            fund = FundRow(item=fund_item(row.label) or row.label, label=row.label, raw=row.raw)
            if placed is None:
                warnings.append(
                    ParseWarning(
                        "fund_row_unplaced",
                        f"资金行“{row.label}”的数值无法按表头各列（字母）与执行率唯一对应，已保留原文，请核对原表",
                        f"资金表/{row.label}",
                        row.raw,
                    )
                )
            elif placed:
                fund.budget, fund.executed = parse_number(placed["budget"]), parse_number(placed["executed"])
                fund.stated_rate, fund.stated_rate_raw = parse_percent(placed["rate"]), placed["rate"]
            funds.append(fund)
        return funds, warnings


def _row_parts(tokens: list[str]) -> tuple[str, list[str]] | None:
    """A row's label (the words before its first value), its values, then text only (佐证材料); None when
    words and values alternate (a sentence, not a row)."""
    at = next((index for index, token in enumerate(tokens) if _value(token)), len(tokens))
    label, values = " ".join(tokens[:at]), []
    rest = tokens[at:]
    while rest and _value(rest[0]):
        token = rest.pop(0)
        values += same_decimals(fold(token)) or [token]
    if any(_value(token) for token in rest):
        return None
    return label, values


def _value(token: str) -> bool:
    folded = fold(token)
    return parse_number(folded) is not None or parse_percent(folded) is not None or bool(same_decimals(folded))


def _row_label(label: str) -> str:
    """'年度资金总额(万元):' → '年度资金总额': the unit and its aside are the header's, not the row's name."""
    return _UNIT_ASIDE.sub("", label).strip().rstrip(":：").strip()


def place_lettered(values: list[str], header: LetteredHeader) -> dict[str, str] | None:
    """The budget, executed amount and rate of a row, {} when it shows none, None when no reading is proven.

    A row as wide as the header is read column by column. A shorter one left some columns blank: every way
    of leaving them blank is tried, amounts in amount columns and rates in rate columns, and a reading
    counts only when each rate it places is its own numerator over its denominator; all readings left must
    give the same budget, executed amount and rate."""
    columns = header.columns
    if not any(not is_empty(value) for value in values):
        return {}
    if len(values) > len(columns):
        return None
    found = set()
    for chosen in combinations(range(len(columns)), len(values)):
        cells = dict(zip(chosen, values))
        if not all(_fits(columns[index], value) for index, value in cells.items()):
            continue
        by_letter = {columns[i].letter: v for i, v in cells.items() if columns[i].over is None}
        rates = [(columns[i], v) for i, v in cells.items() if columns[i].over is not None and not is_empty(v)]
        if len(values) < len(columns) and not (rates and all(_confirmed(c, v, by_letter) for c, v in rates)):
            continue
        rate = cells.get(header.rate, "")
        found.add((by_letter.get(header.budget, ""), by_letter.get(header.executed, ""), rate))
    if len(found) != 1:
        return None
    budget, executed, rate = found.pop()
    return {"budget": budget, "executed": executed, "rate": rate}


def _fits(column: LetteredColumn, value: str) -> bool:
    if is_empty(value):
        return True
    if column.over is not None:
        return parse_percent(value) is not None
    return parse_number(value) is not None


def _confirmed(column: LetteredColumn, rate: str, by_letter: dict[str, str]) -> bool:
    numerator = parse_number(by_letter.get(column.letter, ""))
    denominator = parse_number(by_letter.get(column.over or "", ""))
    stated = parse_percent(rate)
    if numerator is None or not denominator or stated is None:
        return False
    return abs(numerator / denominator * 100 - stated) <= _TOLERANCE


# Amounts run together -----------------------------------------------------------------------------


def _amounts(run: str, places: int) -> tuple[list[str], str]:
    """The amounts of `places` decimals a run starts with, and what is left after them."""
    pieces, at = [], 0
    pattern = re.compile(rf"(0|[1-9]\d*)\.\d{{{places}}}")
    while match := pattern.match(run, at):
        pieces.append(match.group(0))
        at = match.end()
    return pieces, run[at:]


def same_decimals(run: str) -> list[str] | None:
    """'52.80000052.800000' → ['52.800000', '52.800000']: amounts a line join ran together, split where every
    one has the same decimals — taken only when a single number of decimals reads the whole run."""
    if run.count(".") < 2 or not re.fullmatch(r"[\d.]+", run):
        return None
    readings = [pieces for places in range(1, 9) for pieces, rest in [_amounts(run, places)] if not rest]
    readings = [pieces for pieces in readings if len(pieces) >= 2]
    return readings[0] if len(readings) == 1 else None


def leading_amounts(run: str, places: int) -> list[str] | None:
    """'4678.504468.' with 2 decimals → ['4678.50']: the complete amounts of a run the text stops inside, the
    one it stops in left out. None when what is left cannot be the start of one more such amount."""
    if places < 1:
        return None
    pieces, rest = _amounts(run, places)
    if rest and not re.fullmatch(rf"(0|[1-9]\d*)(\.\d{{0,{places - 1}}})?", rest):
        return None
    return pieces or None


def written_decimals(lines: list[Line]) -> int | None:
    """The decimals the document writes its amounts with (872.60, 128.33 → 2): the number of decimals most
    of its plainly written decimal numbers share (at least three, two in three), else None."""
    counts: Counter[int] = Counter()
    for line in lines:
        for token in re.findall(r"\d[\d.]*%?", matching_copy(line.text)):
            token = token.rstrip(".")
            if token.count(".") == 1 and not token.endswith("%"):
                counts[len(token.split(".")[1])] += 1
    if not counts:
        return None
    places, count = counts.most_common(1)[0]
    total = sum(counts.values())
    return places if count >= 3 and count * 3 >= total * 2 else None


# Stacked headers ----------------------------------------------------------------------------------


def stacked_fund_roles(pieces: list[str]) -> list[str] | None:
    """'年初全年预算全年' / '分值执行率得分' / '预算数数执行数' → initial_budget, budget, executed, weight, rate,
    score: lines each holding a slice of every column head, read column by column.

    Every reading of the lines as full column names (each name cut into one slice per line, in the same
    column order on every line) that leaves nothing over is found; a column must span two lines in it (else
    the header was not stacked). Columns written on one line only may sit anywhere between the stacked ones,
    so the readings left are ranked by the template's order of columns; a tie reads nothing."""
    lines = tuple(fold(piece) for piece in pieces)
    if len(lines) < 2 or len(lines) > 4 or sum(map(len, lines)) > 60:
        return None  # a header's slices, not a paragraph
    if any(not line or re.search(r"[\d\s()]", line) for line in lines):
        return None
    orders = set()
    for names, stacked in _readings(lines, (0,) * len(lines)):
        roles = [column_role(name, FUND_COLUMNS) or "" for name in names]
        if stacked and "" not in roles and len(set(roles)) == len(roles) >= 3:
            orders.add(tuple(roles))
    if not any({"budget", "initial_budget"} & set(order) for order in orders):
        return None
    ranked = sorted(orders, key=_inversions)
    if len(ranked) > 1 and _inversions(ranked[0]) == _inversions(ranked[1]):
        return None
    return list(ranked[0])


@lru_cache(maxsize=256)
def _readings(lines: tuple[str, ...], at: tuple[int, ...]) -> tuple[tuple[tuple[str, ...], bool], ...]:
    if all(position == len(line) for position, line in zip(at, lines)):
        return (((), False),)
    found = []
    for name in FUND_COLUMN_NAMES:
        for parts in _cuts(name, len(lines)):
            if all(lines[j].startswith(part, at[j]) for j, part in enumerate(parts)):
                after = tuple(position + len(part) for position, part in zip(at, parts))
                spans = sum(1 for part in parts if part) > 1
                found += [((name, *rest), spans or stacked) for rest, stacked in _readings(lines, after)]
    return tuple(found)


def _cuts(name: str, parts: int) -> list[tuple[str, ...]]:
    """Every cut of a name into `parts` slices in order, some empty, not all."""
    cuts = []
    for bounds in combinations(range(len(name) + parts - 1), parts - 1):
        edges = [bound - index for index, bound in enumerate(bounds)]
        ends = (0, *edges, len(name))
        cuts.append(tuple(name[a:b] for a, b in zip(ends, ends[1:])))
    return cuts


def _inversions(roles: tuple[str, ...]) -> int:
    ranks = [_ORDER.index(role) for role in roles]
    return sum(1 for i, j in combinations(range(len(ranks)), 2) if ranks[i] > ranks[j])
