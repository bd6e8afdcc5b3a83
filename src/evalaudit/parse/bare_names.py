"""Indicator rows whose numbers are not in the text: names run together with nothing between them.

Some host sites strip every digit of a page. What is left of an indicator table is its level labels and names
run together, each stripped weight or score leaving a bare '分' (or '(分)', '()') behind:
`产出指标数量甲类补助人数分乙类补助人数丙类补助人数成本指标…`. No row can close at its numbers, so the normal
reader places nothing. Here such a table is read for what it still proves: the level labels (the template's
vocabulary) cut the text into groups; in a group, the names repeat a common ending (…人数…人数, …资助…资助,
…率…率) and are cut after it, a '分' left at a cut being the stripped score; a note in brackets explains the
name before it; a verdict written twice (是是) closes the last row as its target and actual. Taken only when the
table has no digit at all and every cell is read as a label, a leftover or names; anything else (a value cell,
a name that no ending confirms next to others) leaves the table unread.
"""

from __future__ import annotations

import re

from evalaudit.model import Indicator, ParseWarning, Section
from evalaudit.parse.flatten import matching_copy
from evalaudit.parse.indicators import LevelState, _make_indicator
from evalaudit.parse.lines import Line
from evalaudit.parse.vocab import (
    BARE_CONNECTIVES,
    BARE_RESIDUES,
    BARE_SCORE_RESIDUE,
    EXPLANATION_CUES,
    INDICATOR_COLUMNS,
    VERDICT_WORDS,
    column_role,
    is_known_label,
    leading_label,
)
from evalaudit.textnorm import fold

_DIGIT = re.compile(r"\d")
_RESIDUE = re.compile(rf"^[()（）\s*×%{re.escape(BARE_RESIDUES)}]*$")
_NOTE = re.compile(r"[(（](?P<note>[^()（）]{6,})[)）]")
_UNKNOWN_LEVEL = re.compile(r"^[\u4e00-\u9fff]{2,6}指标(?=[\u4e00-\u9fff])")
_MIN_NAME = 4  # characters: a name cut shorter is a fragment, not a row
_MAX_ENDING = 6


def values_absent(lines: list[Line]) -> bool:
    """The indicator rows' text holds no digit at all: its numbers were stripped, not run together."""
    text = "".join(line.text for line in lines)
    return bool(text.strip()) and not _DIGIT.search(matching_copy(text))


def is_residue(cell: str) -> bool:
    """'()', '(分)', '分', '(分*': what a stripped number leaves of a cell."""
    return bool(_RESIDUE.match(fold(cell)))


def _is_note(inside: str) -> bool:
    """A bracket holding a sentence ('因…下降,…减少'), not a unit ('(人)') or a template note ('≥**%')."""
    return bool(re.search(r"[,，;；。、]", inside)) or bool(EXPLANATION_CUES.match(inside))


def _verdict_pair(text: str) -> tuple[str, str]:
    """'…是否公平公正是是' → ('…是否公平公正', '是'): a verdict written twice closes the row (target = actual)."""
    copy = matching_copy(text)
    for word in sorted(VERDICT_WORDS, key=len, reverse=True):
        pair = word + word
        if copy.endswith(pair) and len(copy) - len(pair) >= _MIN_NAME:
            return text[: -len(pair)], text[-len(word) :]
    return text, ""


def _pieces(segments: list[str], ending: str) -> list[list[str]] | None:
    """Each segment cut after every occurrence of `ending`; a '分' left at a cut dropped. None unless every
    piece is a name ending so, long enough, and not a clause of the name before it ('及…')."""
    out: list[list[str]] = []
    for segment in segments:
        names, start = [], 0
        copy = matching_copy(segment)
        at = copy.find(ending)
        while at >= 0:
            names.append(segment[start : at + len(ending)])
            start = at + len(ending)
            at = copy.find(ending, start)
        rest = segment[start:]
        if rest and rest != BARE_SCORE_RESIDUE:
            return None
        cleaned = []
        for position, name in enumerate(names):
            if position and name.startswith(BARE_SCORE_RESIDUE):
                name = name[len(BARE_SCORE_RESIDUE) :]
            if len(name) < _MIN_NAME or name.startswith(BARE_CONNECTIVES):
                return None
            cleaned.append(name)
        out.append(cleaned)
    return out


def cut_names(cell: str) -> list[tuple[str, str]] | None:
    """(name, note) for each name of a cell of names run together, or None when no cut is confirmed.

    The cut ending is the longest one every name shares (the cell's last characters), written at least twice
    over the cell; a cell of one name is that name."""
    segments, notes, start = [], [], 0
    for match in _NOTE.finditer(cell):
        if _is_note(match.group("note")):
            segments.append(cell[start : match.start()])
            notes.append(match.group("note"))
            start = match.end()
    tail = cell[start:]
    if tail:
        segments.append(tail)
        notes.append("")
    segments = [segment.strip() for segment in segments]
    if not all(segments):
        return None
    last = segments[-1]
    best: list[list[str]] | None = None
    for size in range(min(_MAX_ENDING, len(last) - 1), 0, -1):
        ending = last[-size:]
        pieces = _pieces(segments, ending)
        if pieces is not None and sum(len(names) for names in pieces) >= 2:
            best = pieces
            break
    if best is None:
        if len(segments) != 1 or len(segments[0]) < _MIN_NAME:
            return None
        best = [[segments[0]]]
    rows = []
    for names, note in zip(best, notes):
        rows += [(name, "") for name in names[:-1]] + [(names[-1], note)]
    return rows


def bare_rows(lines: list[Line], roles: list[str]) -> tuple[list[Indicator], list[Section], ParseWarning] | None:
    """The rows of an indicator table whose numbers were stripped: labels, names and verdicts only."""
    if not ({"weight", "score"} & set(roles)) or not values_absent(lines):
        return None
    state = LevelState()
    labels: list[str] = []
    indicators: list[Indicator] = []
    cells = [cell.strip() for line in lines for cell in line.nonempty if cell.strip()]
    raw = "\n".join(dict.fromkeys(line.raw for line in lines))
    for cell in cells:
        if is_residue(cell):
            continue  # a stripped number between labels ('效益指标' '(分)' '社会效益指标')
        if not indicators and not labels and column_role(cell, INDICATOR_COLUMNS) and len(fold(cell)) <= 8:
            continue  # the header's words that wrapped under it ('实际完成值', '得分')
        if fold(cell) in VERDICT_WORDS:
            return None  # a value cell of its own: a table of another layout
        if is_known_label(cell):
            labels.append(cell)
            continue
        body = cell
        label = leading_label(body)
        if label and fold(body[len(label) :]).startswith("指标"):
            label = body[: len(label) + 2]  # '过程' + '指标': the label with its 指标
        label = label or (_unknown_level(body) if labels else "")
        if label:
            labels.append(label)
            body = body[len(label) :]
        body, verdict = _verdict_pair(body)
        rows = cut_names(body)
        if rows is None:
            return None
        _apply_labels(state, labels)
        labels = []
        for number, (name, note) in enumerate(rows, start=1):
            values = {"target": verdict, "actual": verdict} if verdict and number == len(rows) else {}
            indicator = _make_indicator(name, values, state, raw)
            indicator.explanation = note
            indicators.append(indicator)
    if not indicators:
        return None
    return indicators, state.sections, values_absent_warning(len(indicators))


def _unknown_level(cell: str) -> str:
    """'过程指标评审程序…' after a level label: a level the template does not name, read by its 指标."""
    match = _UNKNOWN_LEVEL.match(fold(cell))
    return cell[: match.end()] if match else ""


def _apply_labels(state: LevelState, labels: list[str]) -> None:
    """Labels printed before a group's names: two or more are its level-1 then its level-2; one is placed
    by what it names (数量 → level-2 of 产出指标)."""
    if len(labels) >= 2:
        state.set_level1(labels[0])
        state.set_level2(labels[-1])
    elif labels:
        state.apply_label(labels[0])


def values_absent_warning(rows: int) -> ParseWarning:
    """Said once: the numbers are not in the text, so no row is missing them."""
    return ParseWarning(
        "indicator_values_absent",
        f"指标表的数字（年度指标值、实际完成值、分值、得分）不在文本中（原文数字缺失），已只读出{rows}项指标的名称，"
        "各项数值未审核，请核对原表",
        "指标",
    )
