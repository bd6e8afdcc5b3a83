"""The yearly overall goal: 预期目标 beside 实际完成情况."""

from __future__ import annotations

import re

from evalaudit.model import Goal, ParseWarning
from evalaudit.parse.lines import Line
from evalaudit.parse.vocab import GOAL_DONE, GOAL_PLANNED, GOAL_SUMMARY, is_group
from evalaudit.textnorm import fold

_LABEL = re.compile(
    r"^(年度)?(总体)?(绩效)?(目标|预期目标|实际完成情况|目标实际完成情况|实际完成目标|完成情况|目标完成情况)"
)

# what may stand beside a column's name in its label cell: 年度总体绩效目标完成情况, 2023年度目标, 目标/完成情况
_LABEL_FILLER = re.compile(r"[\d\s/|:：()（）]|年度|年|总体|绩效|项目|目标|情况|完成|及|和|的")


def is_goal_header(line: Line) -> bool:
    """'预期目标 | 实际完成情况', '年初设定目标 | 年度总体目标完成情况综述', '项目年度目标 | 年度目标完成情况' …"""
    text = fold(line.text)
    return len(text) < 60 and bool(GOAL_PLANNED.search(text)) and bool(GOAL_DONE.search(text))


def _is_label(cell: str) -> bool:
    text = fold(cell)
    if not text or is_group(cell):
        return True
    short = len(text) <= 16 and not re.search(r"[,，。;；]", text)
    if not short:
        return False
    if _LABEL.match(text):
        return True
    # a label names the column (年初设定目标, 年度总体目标完成情况); '按时保质完成预期目标' is a result that
    # says the goal was met, in the column's own words
    named = GOAL_PLANNED.search(text) or GOAL_DONE.search(text)
    return bool(named) and not _LABEL_FILLER.sub("", GOAL_DONE.sub("", GOAL_PLANNED.sub("", text)))


def _pair(line: Line) -> tuple[str, str] | None:
    texts = [cell.strip(" |") for cell in line.cells if cell.strip(" |") and not _is_label(cell)]
    texts = [text for text in texts if not re.fullmatch(r"[\d.%]+", fold(text))]
    if len(texts) == 2 and (line.delimited or all(len(fold(text)) >= 6 for text in texts)):
        return texts[0], texts[1]
    return None


def parse_goals(lines: list[Line]) -> tuple[list[Goal], list[ParseWarning]]:
    # rows of their own with both columns, the goal beside what was done (a 完成率 number beside them)
    pairs = [_pair(line) for line in lines]
    if pairs and pairs[0] is not None:
        goals: list[Goal] = []
        for label, text in (pair for pair in pairs if pair):
            if GOAL_SUMMARY.match(fold(label)) and goals:
                # what was done, summarised under the goal: compared with the goal it reports on
                goals.append(
                    Goal(expected=goals[-1].expected, actual=text, actual_label=re.sub(r"^\d*[.、．]", "", label))
                )
            else:
                goals.append(Goal(expected=label, actual=text))
        return goals, []
    texts = [cell.strip() for line in lines for cell in line.cells if cell.strip() and not _is_label(cell)]
    if not texts:
        return [], []
    if len(texts) == 2:
        return [Goal(expected=texts[0], actual=texts[1])], []
    if len(texts) == 1:
        return [Goal(expected=texts[0])], []
    # text wrapped over paragraphs: the actual column restarts where the text starts over
    head = fold(texts[0])[:8]
    for index in range(1, len(texts)):
        if fold(texts[index]).startswith(head):
            return [Goal(expected="".join(texts[:index]), actual="".join(texts[index:]))], []
    whole = "".join(texts)
    if len(whole) >= 40 and repeated_share(whole) >= _COPIED_COLUMNS:
        # the two columns interleaved line by line, saying the same: the result is the goal copied
        warning = ParseWarning(
            "goal_columns_repeated",
            "年度总体目标的“预期目标”与“实际完成情况”两栏在文本中交错排列，且文字相同，已按实际完成情况照抄预期目标处理，请核对原表",
            "总体目标",
            "\n".join(line.raw for line in lines),
        )
        return [Goal(expected=whole, actual=whole)], [warning]
    warning = ParseWarning(
        "goal_columns_unclear",
        "年度总体目标的“预期目标”与“实际完成情况”无法区分，已全部记入预期目标，请核对原表",
        "总体目标",
        "\n".join(line.raw for line in lines),
    )
    return [Goal(expected="".join(texts))], [warning]


_COPIED_COLUMNS = 0.8  # an ordinary goal repeats a few phrases (about a quarter of it); two copied columns, all
_SHINGLE = 6


def repeated_share(text: str) -> float:
    """The share of a text's characters inside a 6-character run that occurs in it at least twice."""
    letters = re.sub(r"[\s\d.、。,，;；:：()（）]", "", fold(text))
    if len(letters) < _SHINGLE:
        return 0.0
    runs = [letters[i : i + _SHINGLE] for i in range(len(letters) - _SHINGLE + 1)]
    counts: dict[str, int] = {}
    for run in runs:
        counts[run] = counts.get(run, 0) + 1
    covered = [False] * len(letters)
    for start, run in enumerate(runs):
        if counts[run] >= 2:
            covered[start : start + _SHINGLE] = [True] * _SHINGLE
    return sum(covered) / len(letters)
