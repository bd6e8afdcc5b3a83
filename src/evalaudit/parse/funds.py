"""The funds table: 年度资金总额 and its sub-rows, aligned to the form's own column order."""

from __future__ import annotations

import re
from itertools import combinations

from evalaudit.model import FundRow, ParseWarning
from evalaudit.parse.align import align
from evalaudit.parse.lines import Line, by_content
from evalaudit.parse.numbers import EMPTY_MARKS, is_empty, parse_number, parse_percent
from evalaudit.parse.spread_funds import leading_amounts
from evalaudit.parse.vocab import FUND_COLUMNS, column_role, fund_item
from evalaudit.textnorm import fold

DEFAULT_ROLES = ["initial_budget", "budget", "executed", "weight", "rate", "score"]
AMOUNTS = ("initial_budget", "budget", "executed")
_RUN = re.compile(r"^[\d.,%]+$")
_LABEL_COLUMN = re.compile(r"^(年度)?预算数?[(（]万?元[)）]$|^资金来源$|^项目资金[(（]万?元[)）]$")


def fund_roles(line: Line) -> list[str]:
    """Value columns of a fund header line, in the form's order; labels and unknown cells are skipped."""
    roles: list[str] = []
    for cell in line.nonempty:
        if _LABEL_COLUMN.match(fold(cell)):
            continue  # '年度预算数(万元)': the head of the row labels, not a column of amounts
        role = column_role(cell, FUND_COLUMNS)
        if role and role not in roles:
            roles.append(role)
    return roles


def fund_columns(line: Line) -> dict[int, str]:
    """Where each value column of a delimited fund header stands in its row (a table's grid): column → role.

    Empty when the header is no row of a real table: a text's tabs and pipes need not line up."""
    if not line.grid:
        return {}
    columns: dict[int, str] = {}
    for index, cell in enumerate(line.cells):
        if not cell.strip() or _LABEL_COLUMN.match(fold(cell)):
            continue
        role = column_role(cell, FUND_COLUMNS)
        if role and role not in columns.values():
            columns[index] = role
    return columns


def _by_position(cells: list[str], label_at: int, columns: dict[int, str], roles: list[str]) -> dict[str, str] | None:
    """A row of the header's grid read by position: each value under the column it stands in.

    A table leaves a blank cell where the form states nothing (a sub-row's 分值, a 全年执行数 not yet known), so
    the cells' places say which amount is which where their content cannot ('40 | 40 | 39.8 |  |  | ' is no
    分值 of 39.8). Taken only when every value stands under a column of the header and fits it; otherwise None
    and the row is aligned by content (a row shifted against its header, a text whose tabs do not line up)."""
    placed = {role: "" for role in roles}
    for index in range(label_at + 1, len(cells)):
        cell = cells[index]
        if not cell.strip():
            continue
        role = columns.get(index)
        rate_as_number = role == "rate" and parse_number(cell) is not None  # '100.00' under 执行率
        if role not in placed or (_fit(role, cell) <= 0 and fold(cell) not in EMPTY_MARKS and not rate_as_number):
            return None
        placed[role] = cell
    return placed


@by_content
def is_fund_header(line: Line) -> bool:
    roles = fund_roles(line)
    return len(roles) >= 3 and ("budget" in roles or "initial_budget" in roles)


def _fit(role: str, cell: str) -> float:
    folded = fold(cell)
    if folded in EMPTY_MARKS:
        return 0.0
    number, percent = parse_number(cell), parse_percent(cell)
    if role in AMOUNTS:
        return 2.0 if number is not None else (-5.0 if percent is not None else -3.0)
    if role == "rate":
        return 3.0 if percent is not None else (-2.0 if number is not None else -3.0)
    if number is None:
        return -5.0
    if role == "weight":
        return 2.5 if number == 10 else (2.0 if 0 < number <= 100 else -4.0)
    return 2.0 if 0 <= number <= 100 else -4.0  # score


def _gap(role: str) -> float:
    return {"initial_budget": 1.1, "budget": 1.0, "executed": 0.9}.get(role, 1.0)


def _label_index(cells: list[str]) -> int | None:
    """The row label is the last fund-item cell before the first value; failing that, a lone text cell
    followed only by values (a sub-unit, a city, a source the vocabulary does not know)."""
    found = None
    for index, cell in enumerate(cells):
        if not cell.strip():
            continue
        if fund_item(cell):
            found = index
        elif parse_number(cell) is not None or parse_percent(cell) is not None or is_empty(cell):
            break
    if found is not None:
        return found
    filled = [index for index, cell in enumerate(cells) if cell.strip()]
    if len(filled) >= 2 and _is_label(cells[filled[0]]):
        rest = [cells[index] for index in filled[1:]]
        if all(_is_value(cell) for cell in rest) and any(parse_number(cell) is not None for cell in rest):
            return filled[0]
    return None


def _is_label(cell: str) -> bool:
    text = fold(cell)
    return 2 <= len(text) <= 20 and not any(ch.isdigit() for ch in text) and "指标" not in text


def _is_value(cell: str) -> bool:
    return (
        parse_number(cell) is not None
        or parse_percent(cell) is not None
        or is_empty(cell)
        or bool(_RUN.match(fold(cell)))
    )


def split_run_together(run: str, roles: list[str], known: frozenset[float] = frozenset()) -> list[str] | None:
    """'202010100.00%10' with roles budget/executed/weight/rate/score → ['20','20','10','100.00%','10'].

    Only a split the form's own arithmetic confirms is accepted (rate = B/A, score = rate × weight);
    anything ambiguous returns None and the row is kept raw with a warning.
    """
    text = fold(run)
    if "%" not in text and known:
        return _split_by_known(text, roles, known)
    if "%" not in text or "rate" not in roles:
        return None
    before, _, after = text.partition("%")
    rate_at = roles.index("rate")
    solutions: list[list[str]] = []
    for left in _splits(before, rate_at + 1):
        for right in _splits(after, len(roles) - rate_at - 1):
            cells = left[:-1] + [left[-1] + "%"] + right
            if _consistent(dict(zip(roles, cells))):
                solutions.append(cells)
    if not solutions:
        return None
    # several splits agree with B/A when a rate is 0 % or amounts take odd decimals ('35035 | 0.0010 | 0.00%'):
    # money is written to the cent, so the reading with the fewest such oddities is the form's own
    ranked = sorted({tuple(solution) for solution in solutions}, key=_oddity)
    if len(ranked) > 1 and _oddity(ranked[0]) == _oddity(ranked[1]):
        return None
    return list(ranked[0])


def _oddity(cells: tuple[str, ...]) -> tuple[int, int]:
    decimals = sum(1 for cell in cells if "." in cell and len(cell.rstrip("%").split(".")[1]) > 2)
    zeros = sum(1 for cell in cells if parse_number(cell.rstrip("%")) == 0)
    return decimals, zeros


def _split_by_known(text: str, roles: list[str], known: frozenset[float]) -> list[str] | None:
    """'310.2154.74' under a total row of 310.2 and 154.74: the one split into amounts the table already shows."""
    amounts = [role for role in roles if role in AMOUNTS]
    found = [
        pieces
        for parts in range(2, len(amounts) + 1)
        for pieces in _splits(text, parts)
        if all(float(piece) in known for piece in pieces)
    ]
    if len({tuple(pieces) for pieces in found}) != 1:
        return None
    pieces = found[0]
    placed = dict(zip([role for role in amounts if role != "initial_budget" or len(pieces) == len(amounts)], pieces))
    return [placed.get(role, "") for role in roles]


def _splits(digits: str, parts: int) -> list[list[str]]:
    if parts == 0:
        return [[]] if not digits else []
    results = []
    for cuts in combinations(range(1, len(digits)), parts - 1):
        bounds = (0, *cuts, len(digits))
        pieces = [digits[a:b] for a, b in zip(bounds, bounds[1:])]
        if all(_valid_number(piece) for piece in pieces):
            results.append(pieces)
    return results


def _valid_number(piece: str) -> bool:
    return bool(re.match(r"^(0|[1-9]\d*)(\.\d+)?$", piece))


def _consistent(values: dict[str, str]) -> bool:
    budget = parse_number(values.get("budget", "") or values.get("initial_budget", ""))
    executed = parse_number(values.get("executed", ""))
    rate = parse_percent(values.get("rate", ""))
    weight, score = parse_number(values.get("weight", "")), parse_number(values.get("score", ""))
    if rate is None or ("weight" in values and (weight is None or not (0 < weight <= 100))):
        return False
    if budget and executed is not None and abs(executed / budget * 100 - rate) > 0.51:
        return False
    if score is not None and weight is not None and abs(min(rate, 100) / 100 * weight - score) > 0.051 * max(weight, 1):
        return False
    return True


def parse_fund_row(
    line: Line,
    roles: list[str],
    known: frozenset[float] = frozenset(),
    cut: int | None = None,
    columns: dict[int, str] | None = None,
) -> tuple[FundRow | None, list[ParseWarning]]:
    """One fund row aligned to the header's roles; `known` holds amounts of rows above (to split runs); `cut`
    the decimals the document writes amounts with, when the text stops in this row; `columns` where the
    header's columns stand, when the header and the row are cells of one table (`fund_columns`)."""
    cells = line.cells if line.delimited else line.nonempty
    warnings: list[ParseWarning] = []
    label_at = _label_index(cells)
    values: list[str]
    if label_at is None:
        # no separators at all: '年度资金总额:202010100.00%10'
        joined = fold("".join(cells))
        match = re.match(r"^(\D+?)[:：]?([\d.,%]+)$", joined)
        if not match or not fund_item(match.group(1)):
            return None, []
        label = match.group(1)
        split = split_run_together(match.group(2), roles, known)
        if split is None and cut is not None and (leading := _cut_row(label, match.group(2), roles, cut, line)):
            return leading
        if split is None:
            warnings.append(
                ParseWarning(
                    "fund_run_together",
                    f"资金行“{label}”的数字连在一起且无法唯一拆分，请核对原表",
                    f"资金表/{label}",
                    line.raw,
                )
            )
            return FundRow(item=fund_item(label) or label, label=label, raw=line.raw), warnings
        warnings.append(
            ParseWarning(
                "fund_run_together",
                f"资金行“{label}”的数字连在一起，已按表内勾稽关系拆分为：{' | '.join(split)}",
                f"资金表/{label}",
                line.raw,
            )
        )
        values = split
    else:
        label = cells[label_at].strip().rstrip(":：")
        values = list(cells[label_at + 1 :])
        while values and not values[-1].strip():
            values.pop()
        if not line.delimited:
            values = [value for value in values if value.strip()]
        run = [value for value in values if value.strip()]
        if len(run) == 1 and _RUN.match(fold(run[0])) and len(roles) >= 3 and parse_number(run[0]) is None:
            # '年度财政资金总额' then '1010100%20': the row's values run together
            split = split_run_together(run[0], roles, known)
            note = f"已按表内勾稽关系拆分为：{' | '.join(split)}" if split else "且无法唯一拆分，请核对原表"
            warnings.append(
                ParseWarning("fund_run_together", f"资金行“{label}”的数字连在一起，{note}", f"资金表/{label}", line.raw)
            )
            if split is None:
                return FundRow(item=fund_item(label) or label, label=label, raw=line.raw), warnings
            values = split

    item = fund_item(label) or label
    filled = [value for value in values if value.strip()]
    if "score" not in roles and len(filled) > len(roles) and "weight" in roles:
        roles = [*roles, "score"]  # '… 分值 执行率' with its 得分 printed elsewhere: the last value is the score
    positional = (
        _by_position(cells, label_at, columns, roles) if columns and line.grid and label_at is not None else None
    )
    alignment = align(values, roles, _fit, _gap)
    if positional is not None:
        assert columns is not None  # read by position: in the header's grid
        alignment.values, alignment.dropped = positional, []
        # a blank cell is stated blank; the columns after the row's last value are what it lacks, as a text's
        # row that ends early does
        last = max(index for index, cell in enumerate(cells) if cell.strip())
        alignment.gaps = [role for index, role in columns.items() if index > last and role in roles]
    got = _by_arithmetic(alignment.values, roles)
    details = []
    if alignment.dropped:
        details.append("重复录入：" + "、".join(alignment.dropped))
    # sub-rows leave 分值/执行率/得分 blank by design; the total row and every amount must be there. The blank
    # is named after the amounts were placed by the rate ('32.4 | 31.69 | … 97.80%' lacks 年初预算数, not B)
    expected = ROLE_NAMES if item == "年度资金总额" else {role: ROLE_NAMES[role] for role in AMOUNTS}
    gaps = alignment.gaps
    if got is not alignment.values:  # the rate moved the amounts: the blank is the amount left without one
        gaps = [gap for gap in gaps if gap not in AMOUNTS] + [r for r in roles if r in AMOUNTS and not got.get(r)]
    missing = [expected[gap] for gap in roles if gap in gaps and gap in expected]
    has_values = any(value.strip() and fold(value) not in EMPTY_MARKS for value in values)
    if missing and has_values:
        details.append("缺少：" + "、".join(missing))
    if details:
        warnings.append(
            ParseWarning(
                "fund_row_misaligned",
                f"资金行“{label}”与表头列数不符（{'；'.join(details)}），已按内容类型对齐，请核对原表",
                f"资金表/{label}",
                line.raw,
            )
        )
    rate_raw = got.get("rate", "").strip()
    rate = parse_percent(rate_raw)
    if rate is None and parse_number(rate_raw) is not None:
        rate = _as_percentage(parse_number(rate_raw), got)
    initial = parse_number(got.get("initial_budget", ""))
    row = FundRow(
        item=item,
        label=label,
        initial_budget=initial,
        # 年初预算数(A) and no 全年预算数: the form's A, what B/A is taken over, is its 年初预算数
        budget=parse_number(got.get("budget", "")) if "budget" in roles else initial,
        executed=parse_number(got.get("executed", "")),
        weight=parse_number(got.get("weight", "")),
        stated_rate=rate,
        stated_rate_raw="" if is_empty(rate_raw) else rate_raw,
        stated_score=parse_number(got.get("score", "")),
        raw=line.raw,
    )
    return row, warnings


def _cut_row(
    label: str, run: str, roles: list[str], places: int, line: Line
) -> tuple[FundRow, list[ParseWarning]] | None:
    """'年度资金总额4678.504468.' where the text ends: the complete amounts it starts with, in the leading
    amount columns; the amount the text stops in is not read."""
    pieces = leading_amounts(run, places)
    if not pieces or len(pieces) > len(roles) or any(role not in AMOUNTS for role in roles[: len(pieces)]):
        return None
    placed = dict(zip(roles, pieces))
    initial = parse_number(placed.get("initial_budget", ""))
    row = FundRow(
        item=fund_item(label) or label,
        label=label,
        initial_budget=initial,
        budget=parse_number(placed.get("budget", "")) if "budget" in roles else initial,
        executed=parse_number(placed.get("executed", "")),
        raw=line.raw,
    )
    shown = " | ".join(f"{ROLE_NAMES[role]} {value}" for role, value in placed.items())
    warning = ParseWarning(
        "fund_run_together",
        f"资金行“{label}”的数字连在一起，文本在其中中断，只读出完整的金额：{shown}，其余未读，请核对原表",
        f"资金表/{label}",
        line.raw,
    )
    return row, [warning]


def _as_percentage(rate: float | None, values: dict[str, str]) -> float | None:
    """A rate written as a fraction (0.958 for 95.8 %) when B/A says so; otherwise the number as written."""
    budget = parse_number(values.get("budget", "") or values.get("initial_budget", ""))
    executed = parse_number(values.get("executed", ""))
    if rate is not None and 0 < rate <= 1.5 and budget and executed is not None:
        if abs(executed / budget - rate) < 0.01 and abs(executed / budget * 100 - rate) > 1:
            return round(rate * 100, 10)
    return rate


def _by_arithmetic(values: dict[str, str], roles: list[str]) -> dict[str, str]:
    """With an amount missing, place the amounts so that B/A gives the stated rate ('32.4 | 31.69 | … 97.80%').

    Content alone cannot tell which of 年初预算数 / 全年预算数 / 全年执行数 is the blank one; the rate can.
    When the rate cannot decide, the aligner's placement stands.
    """
    slots = [role for role in roles if role in AMOUNTS]
    filled = [values[role] for role in slots if values.get(role, "").strip()]
    rate = parse_percent(values.get("rate", "")) or parse_number(values.get("rate", ""))
    if not rate or len(filled) >= len(slots) or len(filled) < 2:
        return values
    fits = []
    for chosen in combinations(slots, len(filled)):
        placed = dict(zip(chosen, filled))
        budget = parse_number(placed.get("budget", "") or placed.get("initial_budget", ""))
        executed = parse_number(placed.get("executed", ""))
        if budget and executed is not None and abs(executed / budget * 100 - rate) <= 0.51:
            fits.append(placed)
    if not fits:
        return values
    # prefer the reading that leaves 年初预算数 blank: the rate is B over 全年预算数
    best = min(fits, key=lambda placed: ("budget" not in placed, "executed" not in placed))
    return {**{role: value for role, value in values.items() if role not in AMOUNTS}, **{r: "" for r in slots}, **best}


def split_by_rates(cells: list[str], roles: list[str]) -> list[list[str]] | None:
    """'0 207.45 10 100% 10 207.45 — 100% —' under '全年预算数 全年执行数 分值 执行率 得分': the values of several
    rows run together after the header, their labels printed apart.

    Each row has one rate and ends as many cells after it as the header has columns after 执行率; the cells
    before the rate fill the columns just before it (a spreadsheet prints nothing for a blank amount, '—' for
    a blank 分值 or 得分). Rows as full-width cell lists ('' where nothing was printed), or None when the run
    is not such rows: a cell that is no value, a row with more cells than columns, cells left over."""
    if "rate" not in roles or not cells:
        return None
    rate_at = roles.index("rate")
    after = len(roles) - rate_at - 1
    rows: list[list[str]] = []
    current: list[str] = []
    left: int | None = None
    for cell in cells:
        if parse_number(cell) is None and parse_percent(cell) is None and not is_empty(cell):
            return None
        current.append(cell.strip())
        if parse_percent(cell) is not None:
            if left is not None:
                return None  # two rates in one row
            left = after
        elif left is not None:
            left -= 1
        if left == 0:
            before = current[: len(current) - after - 1]
            if len(before) > rate_at:
                return None
            row = [""] * (rate_at - len(before)) + current
            if not _agrees(dict(zip(roles, row))):
                return None
            rows.append(row)
            current, left = [], None
    if current or len(rows) < 2:
        return None
    return rows


def _agrees(values: dict[str, str]) -> bool:
    """A row's own arithmetic, on the cells it printed: B/A = rate (A > 0), 得分 = rate × 分值."""
    budget = parse_number(values.get("budget", "")) or parse_number(values.get("initial_budget", ""))
    executed = parse_number(values.get("executed", ""))
    rate = parse_percent(values.get("rate", ""))
    weight, score = parse_number(values.get("weight", "")), parse_number(values.get("score", ""))
    if rate is None:
        return False
    if budget and executed is not None and abs(executed / budget * 100 - rate) > 0.51:
        return False
    if weight is not None and score is not None:
        return abs(min(rate, 100) / 100 * weight - score) <= 0.051 * max(weight, 1)
    return True


def with_apart_columns(roles: list[str], apart: dict[str, str]) -> list[str]:
    """The header's roles with the amount columns printed apart from it ('年初预算数' then '0' above the
    header), each in its place among the amounts."""
    amounts = [role for role in roles if role in AMOUNTS]
    if all(role in roles for role in apart) or roles[: len(amounts)] != amounts:
        return roles  # nothing apart, or a header whose amounts do not lead
    return [role for role in AMOUNTS if role in roles or role in apart] + roles[len(amounts) :]


def place_split_rows(
    funds: list[FundRow],
    at: int,
    line: Line,
    roles: list[str],
    total_label: str,
    apart: dict[str, str] | None = None,
) -> list[FundRow] | None:
    """The rows of a label-less run (`split_by_rates`) given the labels printed apart from them: the total's
    label seen above the header (when no total row was read), then the labels printed with no values after
    the run, in order. A column printed apart with its one value (`apart`) is the first row's, when that
    total row left it blank. None when there are fewer such labels than rows."""
    apart = apart or {}
    roles = with_apart_columns(roles, apart)
    rows = split_by_rates(line.nonempty, roles)
    if rows is None:
        return None
    labels = [total_label] if total_label and not any(row.item == "年度资金总额" for row in funds) else []
    for role, value in apart.items():
        if labels and role in roles and not rows[0][roles.index(role)]:
            rows[0][roles.index(role)] = value  # the column's one value is the total row's
    bare = []
    for index in range(at, len(funds)):
        if not _valueless(funds[index]):
            break
        bare.append(index)
    labels += [funds[index].label for index in bare]
    if len(labels) < len(rows):
        return None
    known = frozenset(v for f in funds for v in (f.initial_budget, f.budget, f.executed) if v is not None)
    placed = []
    for label, cells in zip(labels, rows):
        row, _ = parse_fund_row(Line([label, *cells], line.raw, line.lineno, True), roles, known)
        if row is None:
            return None
        placed.append(row)
    filled = len(rows) - (len(labels) - len(bare))  # the bare rows given values (the total is a new row)
    return funds[:at] + placed + funds[at + filled :]


def _valueless(row: FundRow) -> bool:
    values = (row.initial_budget, row.budget, row.executed, row.weight, row.stated_rate, row.stated_score)
    return all(value is None for value in values)


ROLE_NAMES = {
    "initial_budget": "年初预算数",
    "budget": "全年预算数",
    "executed": "全年执行数",
    "weight": "分值",
    "rate": "执行率",
    "score": "得分",
}
