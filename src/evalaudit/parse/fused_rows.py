"""Weight-first rows run together: '指标1<name>8<target><actual>8' (分值 | 年度指标值 | 全年实际值 | 得分, no separators).

OCR'd and flattened Ningxia-style forms lose every cell boundary of an indicator row. Where the row's two values
carry units, `fused.split_fused` finds them; here the values may be words (是是, 是 / 基本达到), text before a
number ('11月底完成100%' beside '100%') or numbers whose comparison sign OCR misread ('工5%', '^80%', '5=50%').
Every way to cut a row into name, 分值, target, actual and 得分 is scored by what the form itself confirms:

* the two values agree — written twice, or the same number and unit (after restoring an OCR'd sign), or a
  pair of verdict words; without such agreement a row is not cut at all;
* the 分值 is one the sibling rows state unambiguously, never more than its section's points, and 得分 ≤ 分值;
* a 分值 is not the number of a quantity ('2021年11月' is a date, not 分值 20 or 11).

A row is cut only when one reading wins outright. OCR signs are restored only inside the value cells of a cut,
and only when the other value confirms them; a glued '2' read as '≥' ('290%') also needs other OCR signs in
the same table and a percentage impossible read whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evalaudit.model import ParseWarning
from evalaudit.parse.flatten import matching_copy
from evalaudit.parse.fused import unfuse
from evalaudit.parse.lines import Line
from evalaudit.parse.vocab import (
    OCR_GLUED_SIGN,
    OCR_PERCENT,
    OCR_SIGNS,
    QUANTITY_CHARS,
    VERDICT_WORDS,
    is_known_label,
    is_level1,
    split_points,
)

_OPERATOR = r"[≥≤><=]+|不低于|不少于|不高于|不超过|大于|小于|低于|高于"
_SIGN = "|".join(re.escape(sign) for sign, _ in OCR_SIGNS)
_UNIT = "|".join(
    ["%", "‰", *(re.escape(mark) for mark in OCR_PERCENT), r"[\u4e00-\u9fff]{1,3}(?:/[\u4e00-\u9fff]{1,2})?"]
)
_VALUE = re.compile(rf"(?P<op>{_OPERATOR}|{_SIGN})?(?P<num>\d+(?:\.\d+)?)(?P<unit>{_UNIT})?")
_POINTS = re.compile(r"\d{1,2}(?:\.\d{1,2})?")
_SCORE_AT_END = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d{1,2})?)(?P<tail>[\u4e00-\u9fff][^\d]*)?$")
_NUMBERING = re.compile(r"^指标(\d{1,2})[:：]?(?=[\u4e00-\u9fff\d])")
_MIN_SCORE = 3.0  # a reading needs the values' agreement plus the 分值's (sibling or = 得分) to be taken
_MIN_SCORE_WITH_TAIL = 5.0  # an explanation after 得分: the row must read unmistakably


@dataclass(frozen=True)
class RowHints:
    """What the table around a row says: its siblings' weights, its section's points, OCR signs seen."""

    weights: frozenset[float] = frozenset()
    bound: float = 100.0
    glued: bool = False  # '290%' may be read '≥90%' (other rows show OCR signs)


@dataclass(frozen=True)
class Reading:
    """A value cell read: its text (OCR signs restored when confirmed), number and unit."""

    text: str
    number: float | None
    unit: str
    restored: bool = False


@dataclass
class Cut:
    name: str
    weight: str
    target: str
    actual: str
    score: str
    tail: str
    plausibility: float
    doubled: bool
    restored: list[tuple[str, str]] = field(default_factory=list)  # (as printed, as read)

    @property
    def cells(self) -> list[str]:
        return [self.name, self.weight, self.target, self.actual, self.score] + ([self.tail] if self.tail else [])


def is_weight_first(roles: list[str]) -> bool:
    """分值 before 年度指标值 (Ningxia, some Hebei forms): a row is name, 分值, target, actual, 得分."""
    return {"weight", "target"} <= set(roles) and roles.index("weight") < roles.index("target")


def split_numbering(cell: str, allowed: set[int]) -> tuple[int | None, str]:
    """'指标12021年…' → (1, '2021年…') when 指标1 continues the section's numbering (`allowed`) and 指标12
    does not; the number and the name after it, or (None, cell) when the cell is not numbered."""
    copy = matching_copy(cell)
    match = _NUMBERING.match(copy)
    if not match:
        return None, cell
    digits = match.group(1)
    options = [digits] if len(digits) == 1 else [digits, digits[0]]  # 指标12… is 指标12 or 指标1 + 2…
    for option in options:
        if int(option) in allowed:
            return int(option), _after_numbering(cell, copy, len("指标") + len(option))
    if len(digits) == 2 and copy[len("指标") + 2 : len("指标") + 3] == "0":
        return int(digits[0]), _after_numbering(cell, copy, len("指标") + 1)  # '指标1' + '0…' never: 指标10 + 0…
    return int(digits), _after_numbering(cell, copy, match.end(1))


def _after_numbering(cell: str, copy: str, end: int) -> str:
    return cell[end + 1 :] if copy[end : end + 1] in (":", "：") else cell[end:]


def _value(copy: str) -> re.Match[str] | None:
    return _VALUE.fullmatch(copy) if copy else None


def _trailing_value(copy: str) -> int | None:
    """Where the value a target text ends with starts ('11月底完成100%' → at '100%'), or None."""
    for start in range(len(copy)):
        if start and (copy[start - 1].isdigit() or copy[start - 1] == "."):
            continue
        match = _value(copy[start:])
        if match and match.group("num"):
            return start
    return None


def read_value(raw: str, glued: bool = False) -> Reading:
    """A value cell with OCR'd signs restored ('工5%' → '≥5%', '290$' → '290%', with `glued` '290%' → '≥90%')."""
    copy = matching_copy(raw)
    match = _value(copy)
    if not match:
        return Reading(raw, None, "")
    text, number, unit = raw, match.group("num"), match.group("unit") or ""
    restored = False
    signs = dict(OCR_SIGNS)
    if match.group("op") in signs:
        text = text[: match.start("op")] + signs[match.group("op")] + text[match.end("op") :]
        restored = True
    if unit in OCR_PERCENT:
        text, unit, restored = text[: len(text) - len(unit)] + "%", "%", True
    glue, sign = OCR_GLUED_SIGN
    rest = number[len(glue) :]
    if (
        glued
        and not match.group("op")
        and unit == "%"
        and number.startswith(glue)
        and float(number) > 100
        and rest
        and not rest.startswith("0")
        and float(rest) <= 100
    ):
        at = match.start("num")
        text, number, restored = text[:at] + sign + text[at + len(glue) :], rest, True
    return Reading(text, float(number), unit, restored)


def _has_sign_noise(raw: str) -> bool:
    match = _value(matching_copy(raw))
    return match is not None and (match.group("op") in dict(OCR_SIGNS) or match.group("unit") in OCR_PERCENT)


def pair_evidence(target: str, actual: str, glued: bool = False) -> tuple[float, str, str, list[tuple[str, str]]]:
    """How far the two value cells confirm each other as this row's target and actual; the cells as read and
    the OCR signs restored. 0 when nothing confirms the cut."""
    if target == actual:
        reading = read_value(actual, glued)
        restored = [(actual, reading.text)] if reading.restored else []
        return 4.0, reading.text, reading.text, restored
    if fold_word(target) in VERDICT_WORDS and fold_word(actual) in VERDICT_WORDS:
        return 2.0, target, actual, []
    actual_copy = matching_copy(actual)
    if not _value(actual_copy) or not actual_copy[-1:] or actual_copy[-1].isdigit():
        return 0.0, target, actual, []  # a bare number would not show where 得分 starts
    start = _trailing_value(matching_copy(target))
    if start is None:
        return 0.0, target, actual, []
    head, tail = target[:start], target[start:]
    whole = 1.0 if not head else 0.0
    for allow_glue in (True, False) if glued else (False,):  # '290%' beside '290%': ≥90% where OCR signs are seen
        left, right = read_value(tail, allow_glue), read_value(actual, allow_glue)
        if left.number == right.number and left.unit == right.unit:
            restored = [(raw, read.text) for raw, read in ((tail, left), (actual, right)) if read.restored]
            return 2.0 + whole, head + left.text, right.text, restored
    plain_left, plain_right = read_value(tail), read_value(actual)
    if (
        plain_left.unit
        and plain_left.unit == plain_right.unit
        and not (_has_sign_noise(tail) or _has_sign_noise(actual))
    ):
        return 1.0, target, actual, []  # same kind of quantity, target not met exactly
    return 0.0, target, actual, []


def fold_word(text: str) -> str:
    return matching_copy(text).strip()


def _readings(cell: str, hints: RowHints):
    """Every (name, 分值, target, actual, 得分, explanation) the cell can be cut into, with its plausibility."""
    copy = matching_copy(cell)
    end = _SCORE_AT_END.search(copy)
    if not end:
        return
    score_start, score_end = end.start(1), end.end(1)
    score = float(end.group(1))
    tail = cell[score_end:]
    for start in range(2, score_start):
        if not copy[start].isdigit() or copy[start - 1].isdigit() or copy[start - 1] in ".≥≤><=":
            continue
        for stop in range(start + 1, min(start + 6, score_start)):
            weight_text = copy[start:stop]
            if not _POINTS.fullmatch(weight_text) or copy[stop] == ".":
                continue
            weight = float(weight_text)
            if weight <= 0 or weight > hints.bound or score > weight:
                continue
            rest = cell[stop:score_start]
            base = (3.0 if weight in hints.weights else 0.0) + (1.0 if weight == score else 0.0)
            if copy[stop] in QUANTITY_CHARS:
                base -= 3.0  # '2021年|11月…': the digits are a quantity's, not a 分值
            for target, actual in _value_splits(rest):
                evidence, target_read, actual_read, restored = pair_evidence(target, actual, hints.glued)
                if evidence <= 0:
                    continue
                yield Cut(
                    cell[:start],
                    cell[start:stop],
                    target_read,
                    actual_read,
                    cell[score_start:score_end],
                    tail,
                    base + evidence,
                    target == actual,
                    restored,
                )


def _value_splits(rest: str):
    """(target, actual) pairs of a row's middle: written twice, else each cut before a value or a verdict word."""
    half = len(rest) // 2
    if rest and len(rest) % 2 == 0 and rest[:half] == rest[half:]:
        yield rest[:half], rest[half:]
        return
    copy = matching_copy(rest)
    for at in range(1, len(rest)):
        if copy[at - 1].isdigit() and copy[at].isdigit():
            continue
        yield rest[:at], rest[at:]


def cut_weight_first(cell: str, hints: RowHints = RowHints()) -> Cut | None:
    """The one reading of a fused weight-first row the form confirms best, or None when none stands out."""
    readings = sorted(_readings(cell, hints), key=lambda cut: cut.plausibility, reverse=True)
    readings = [cut for cut in readings if _name_ok(cut.name)]
    if not readings:
        return None
    best = readings[0]
    runner_up = readings[1].plausibility if len(readings) > 1 else float("-inf")
    needed = _MIN_SCORE_WITH_TAIL if best.tail else _MIN_SCORE
    if best.plausibility < needed or runner_up >= best.plausibility:
        return None
    return best


def _name_ok(name: str) -> bool:
    copy = matching_copy(name).strip()
    return len(copy) >= 2 and bool(re.search(r"[\u4e00-\u9fff]", copy)) and not is_known_label(copy)


# a run of lines ----------------------------------------------------------------------------------


def _cut_run(lines: list[Line], hints: RowHints) -> list[list[tuple[str, Cut | None]]]:
    """Each line's cells as (cell without its numbering, its cut), section points and numbering followed."""
    bound, last = 100.0, 0
    out: list[list[tuple[str, Cut | None]]] = []
    for line in lines:
        cells: list[tuple[str, Cut | None]] = []
        for cell in line.nonempty:
            name, points = split_points(cell)
            if is_known_label(name) or points is not None:
                if is_level1(name):
                    bound = points if points is not None else 100.0
                cells.append((cell, None))
                continue
            number, body = split_numbering(cell, {1, last + 1})
            if number is not None:
                last = number
            row_hints = RowHints(hints.weights, bound, hints.glued)
            cells.append((body, cut_weight_first(body, row_hints)))
        out.append(cells)
    return out


# a name, then one number written three or four times over (分值 = target = actual [= 得分]), then text
_REPEATED_VALUE = re.compile(r"^(?P<name>.*?[^\d.])(?P<value>\d+(?:\.\d+)?)(?P<again>(?P=value){2,3})(?P<tail>\D*)$")
_SCORE_ENDING = re.compile(r"^(?P<text>\D*?)(?P<score>\d+(?:\.\d+)?)$")
_SCORE_SEARCH = 4  # cells of a 得分计算方法 sentence the score may come after


def _repeated_value(cell: str) -> tuple[str, str, int, str] | None:
    """'…的数量12.512.512.5完成值达到…' → (name, '12.5', 3, tail): one number written over and over.

    Equal values are the one reading the form confirms: the target met exactly scores the full 分值. The number
    has two characters at least ('555' could be anything) and is a possible 分值 (≤ 100)."""
    copy = matching_copy(cell)
    match = _REPEATED_VALUE.match(copy)
    if not match:
        return None
    value = match.group("value")
    if len(value) < 2 or (value.startswith("0") and not value.startswith("0.")) or float(value) > 100:
        return None
    name = cell[: match.end("name")]
    if not _name_ok(name):
        return None
    times = 1 + len(match.group("again")) // len(value)
    return name, cell[match.start("value") : match.end("value")], times, cell[match.start("tail") :]


def repeated_value_rows(lines: list[Line]) -> tuple[list[Line], list[ParseWarning]]:
    """Weight-first rows whose 分值, target and actual were written alike and run together
    ('<name>12.512.512.5' + the 得分计算方法 sentence + '…计分。12.5'): the row cut into name, 分值, target,
    actual, 得分. With three values the 得分 is the number that ends the sentence after them, taken only when
    it is that same number (full marks for a target met); the sentence is the row's method, not a cell."""
    cells = [(index, cell) for index, line in enumerate(lines) for cell in line.nonempty]
    replaced: dict[int, list[str]] = {}  # position in `cells` → the cells it becomes (none: the method text)
    raws = [line.raw for line in lines]
    warnings: list[ParseWarning] = []
    position = 0
    while position < len(cells):
        index, cell = cells[position]
        found = _repeated_value(cell)
        position += 1
        if found is None:
            continue
        name, value, times, tail = found
        score, used = (value, 0) if times == 4 else _score_after(cells[position : position + _SCORE_SEARCH], value)
        if score is None or (times == 4 and re.search(r"\d", tail)):
            continue
        replaced[position - 1] = [name, value, value, value, score]
        for other in range(position, position + used):
            replaced[other] = []
            if lines[cells[other][0]].raw not in raws[index]:
                raws[index] += "\n" + lines[cells[other][0]].raw
        position += used
        warnings.append(
            ParseWarning(
                "indicator_run_together",
                f"指标“{name}”的分值、年度指标值、实际值{'、得分' if times == 4 else ''}连在一起，"
                f"均为同一数值{value}，已按此拆分，请核对原表",
                f"指标/{name}",
                raws[index],
            )
        )
    if not warnings:
        return lines, []
    rebuilt: list[list[str]] = [[] for _ in lines]
    for at, (index, cell) in enumerate(cells):
        rebuilt[index].extend(replaced.get(at, [cell]))
    return [Line(new, raw, line.lineno, line.delimited) for line, new, raw in zip(lines, rebuilt, raws)], warnings


def _score_after(cells: list[tuple[int, str]], value: str) -> tuple[str | None, int]:
    """The 得分 ending the sentence that follows a row's three values, and how many cells that sentence spans."""
    for count, (_, cell) in enumerate(cells, start=1):
        copy = matching_copy(cell)
        name, points = split_points(cell)
        if is_known_label(name) or points is not None:
            return None, 0  # the next group began: the score is not in the text
        ending = _SCORE_ENDING.match(copy)
        if ending:
            if float(ending.group("score")) != float(value):
                return None, 0
            return cell[ending.start("score") :], count
        if re.search(r"\d", copy):
            return None, 0
    return None, 0


def unfuse_run(lines: list[Line], roles: list[str]) -> tuple[list[Line], list[ParseWarning]]:
    """The run's lines with fused rows cut into cells; OCR signs restored are reported once per row."""
    if not is_weight_first(roles):
        return [unfuse(line, roles) for line in lines], []
    lines, warnings = repeated_value_rows(lines)
    first = [cut for line in _cut_run(lines, RowHints()) for _, cut in line if cut]
    weights = frozenset(float(cut.weight) for cut in first if cut.doubled)
    glued = any(cut.restored for cut in first)
    out: list[Line] = []
    for line, cells in zip(lines, _cut_run(lines, RowHints(weights, glued=glued))):
        if not any(cut or body != cell for (body, cut), cell in zip(cells, line.nonempty)):
            out.append(unfuse(line, roles))
            continue
        pieces: list[str] = []
        for body, cut in cells:
            pieces.extend(cut.cells if cut else unfuse(Line([body], line.raw, line.lineno, False), roles).nonempty)
            if cut and cut.restored:
                shown = "、".join(f"{printed} 读作 {read}" for printed, read in cut.restored)
                warnings.append(
                    ParseWarning(
                        "ocr_sign_restored",
                        f"指标“{cut.name}”的数值含识别错误的符号（{shown}），已按年度指标值与实际值的一致读出，请核对原表",
                        f"指标/{cut.name}",
                        line.raw,
                    )
                )
        out.append(Line(pieces, line.raw, line.lineno, line.delimited))
    return out, warnings
