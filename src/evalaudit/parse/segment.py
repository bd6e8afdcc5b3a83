"""Split a document into forms: one file may hold a department form, several project forms and a report."""

from __future__ import annotations

import re
from dataclasses import dataclass

from evalaudit.model import FormType
from evalaudit.parse.lines import Line
from evalaudit.parse.scoring import is_scoring_header, scoring_roles
from evalaudit.textnorm import fold

_TITLE = re.compile(r"(自评表|评价表|自评报告|评价报告|自评情况报告)$")
_CONTENT = re.compile(r"(一级指标|三级指标|年度资金总额|全年预算数|年初预算数|总分|得分|预算数)")


@dataclass
class Segment:
    form_type: FormType
    title: str
    lines: list[Line]


def title_type(line: Line) -> FormType | None:
    """The form type a title line announces, or None when the line is not a form title."""
    text = fold(line.text).lstrip("#").strip()
    if len(text) > 60 or not _TITLE.search(text):
        return None
    if text.startswith(("注", "根据", "按照")):
        return None
    if "报告" in text[-6:]:
        return "report"
    if "项目" in text and "整体" not in text:
        return "project"
    return "department"


def guess_type(lines: list[Line]) -> FormType | None:
    text = fold("".join(line.text for line in lines))
    if "一级指标" in text or "三级指标" in text or "年度资金总额" in text:
        return "project" if re.search("项目名称|项目实施单位|项目资金|部门预算项目", text) else "department"
    if re.search(r"得\d+(\.\d+)?分", text):
        return "report"
    return None


def split_forms(lines: list[Line]) -> list[Segment]:
    """Forms at their titles; a table under a different header with no title between is a form of its own."""
    return [part for segment in _split_at_titles(lines) for part in _split_at_new_headers(segment)]


def _split_at_new_headers(segment: Segment) -> list[Segment]:
    """Two scoring tables on one page ('一级指标|二级指标|三级指标|得分', then '…|分值|得分'): two forms."""
    heads = [index for index, line in enumerate(segment.lines) if is_scoring_header(line)]
    if len(heads) < 2:
        return [segment]
    first = scoring_roles(segment.lines[heads[0]])
    for index in heads[1:]:
        if scoring_roles(segment.lines[index]) != first and index - heads[0] > 3:
            start = index
            while start - 1 > heads[0] and len(segment.lines[start - 1].nonempty) <= 2 and "名称" in fold(
                segment.lines[start - 1].text
            ):
                start -= 1
            rest = segment.lines[start:]
            kind = guess_type(rest) or segment.form_type
            head = Segment(guess_type(segment.lines[:start]) or segment.form_type, segment.title, segment.lines[:start])
            return [head, *_split_at_new_headers(Segment(kind, "", rest))]
    return [segment]


def _split_at_titles(lines: list[Line]) -> list[Segment]:
    starts = [(index, kind) for index, line in enumerate(lines) if (kind := title_type(line)) is not None]
    if not starts:
        kind = guess_type(lines)
        return [Segment(kind, "", lines)] if kind else []
    segments: list[Segment] = []
    carried: list[Line] = []
    for number, (start, kind) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(lines)
        begin = 0 if number == 0 else start
        body = lines[begin:end]
        title = lines[start].text.lstrip("#").strip()
        has_content = any(_CONTENT.search(fold(line.text)) for line in lines[start + 1 : end])
        if not has_content and kind != "report":
            if segments:
                # a repeated page header or a title with nothing under it: keep the text with the form above
                segments[-1].lines.extend(body)
            else:
                carried.extend(body)  # a page title above the form's own title: the form starts here
            continue
        segments.append(Segment(kind, title, carried + body))
        carried = []
    if carried and segments:
        segments[-1].lines.extend(carried)
    elif carried:
        segments.append(Segment(starts[0][1], lines[starts[0][0]].text.lstrip("#").strip(), carried))
    return segments
