"""Split a document into forms: one file may hold a department form, several project forms and a report."""

from __future__ import annotations

import re
from dataclasses import dataclass

from evalaudit.model import FormType
from evalaudit.parse.lines import Line
from evalaudit.parse.scoring import is_scoring_header, scoring_roles
from evalaudit.parse.vocab import SCORING_HEADER_WORDS
from evalaudit.textnorm import fold

_TITLE = re.compile(r"(自评表|评价表|评价指标表|自评报告|评价报告|自评情况报告)([(（][^)）]*[)）]?)?$")
_CONTENT = re.compile(r"(一级指标|三级指标|年度资金总额|全年预算数|年初预算数|总分|得分|预算数)")


@dataclass
class Segment:
    form_type: FormType
    title: str
    lines: list[Line]


_FILE_EXTENSION = re.compile(r"\.(docx?|pdf|xlsx?|wps|et|txt)$", re.IGNORECASE)


def title_type(line: Line) -> FormType | None:
    """The form type a title line announces, or None when the line is not a form title."""
    text = fold(line.text).lstrip("#•·").strip()
    text = _FILE_EXTENSION.sub("", text)  # a file name as the page's title: '…自评报告.docx'
    if len(text) > 60 or not (match := _TITLE.search(text)) or match.start() < 3:
        return None
    if text.startswith(("注", "根据", "按照")):
        return None
    if "报告" in match.group(1):
        return "report"
    if "整体" in text:
        return "department"
    if re.search(r"项目|转移支付|专项|资金|经费", text):
        return "project"
    return "department"


def guess_type(lines: list[Line]) -> FormType | None:
    text = fold("".join(line.text for line in lines))
    header_cells = any(fold(cell) in _TABLE_CELLS for line in lines for cell in line.nonempty)
    if not header_cells and _mostly_prose(lines) and re.search(r"评价|自评", text) and _states_scores(text):
        return "report"  # a narrative that merely names 一级指标 in its sentences is no table
    tables = "一级指标" in text or "三级指标" in text or "年度资金总额" in text
    if tables or any(is_scoring_header(line) for line in lines) or _header_one_word_per_line(lines):
        return (
            "project"
            if re.search("项目名称|项目实施单位|项目资金|部门预算项目|项目绩效|项目单位", text)
            else "department"
        )
    if re.search(r"得\d+(\.\d+)?分", text) or ("评价类型" in text and "项目名称" in text):
        return "report"
    if re.search(r"绩效(自评|评价)报", text) and re.search(r"预算数.{0,6}执行数", text):
        return "report"  # a report whose title is cut ('…绩效自评报') and that tabulates its funds
    return None


def _header_one_word_per_line(lines: list[Line]) -> bool:
    """'序号' / '指标' / '权重' / '得分' on lines of their own: a scoring table's header, cell by cell."""
    run: list[str] = []
    for line in lines:
        cells = line.nonempty
        if len(cells) == 1 and fold(cells[0]) in SCORING_HEADER_WORDS:
            run.append(fold(cells[0]))
            if len(run) >= 3 and is_scoring_header(Line(run, "", 0, False)):
                return True
        else:
            run = []
    return False


_TABLE_CELLS = frozenset({"一级指标", "二级指标", "三级指标", "年度资金总额", "年度资金总额:", "指标名称", "绩效指标"})


def _states_scores(text: str) -> bool:
    """A report gives points: '得分85.82', '自评分数100', '分值10分，自评9分' — a text about forms does not."""
    return len(re.findall(r"\d+(?:\.\d+)?分", text)) >= 2 or bool(re.search(r"(得分|评分|分数)为?\d", text))


def _is_report_text(lines: list[Line]) -> bool:
    text = fold("".join(line.text for line in lines))
    return len(text) > 300 and _mostly_prose(lines) and bool(re.search(r"绩效自评|自评报告|自评的报告", text))


def _mostly_prose(lines: list[Line]) -> bool:
    """Most of the text stands in sentences (long lines with Chinese punctuation), not in cells."""
    sizes = [(len(line.text), len(line.text) > 40 and bool(re.search(r"[，。；、,;]", line.text))) for line in lines]
    total = sum(size for size, _ in sizes)
    return total > 0 and sum(size for size, prose in sizes if prose) / total > 0.7


def split_forms(lines: list[Line]) -> list[Segment]:
    """Forms at their titles; a table under a different header with no title between is a form of its own."""
    segments = [part for segment in _split_at_titles(lines) for part in _split_at_new_headers(segment)]
    for segment in segments:
        if segment.form_type == "department" and "整体" not in fold(segment.title):
            # '绩效目标自评表 (2019年度)': the title does not say; a 项目名称 row does
            if any(fold(line.text).startswith(("项目名称", "转移支付(项目)名称")) for line in segment.lines[:30]):
                segment.form_type = "project"
    return segments


def _split_at_new_headers(segment: Segment) -> list[Segment]:
    """Two scoring tables on one page ('一级指标|二级指标|三级指标|得分', then '…|分值|得分'): two forms."""
    heads = [index for index, line in enumerate(segment.lines) if is_scoring_header(line)]
    if len(heads) < 2:
        return [segment]
    first = scoring_roles(segment.lines[heads[0]])
    for index in heads[1:]:
        if scoring_roles(segment.lines[index]) != first and index - heads[0] > 3:
            start = index
            while (
                start - 1 > heads[0]
                and len(segment.lines[start - 1].nonempty) <= 2
                and "名称" in fold(segment.lines[start - 1].text)
            ):
                start -= 1
            rest = segment.lines[start:]
            kind = guess_type(rest) or segment.form_type
            head = Segment(guess_type(segment.lines[:start]) or segment.form_type, segment.title, segment.lines[:start])
            return [head, *_split_at_new_headers(Segment(kind, "", rest))]
    return [segment]


def _split_at_titles(lines: list[Line]) -> list[Segment]:
    starts: list[tuple[int, FormType | None]] = [
        (index, kind) for index, line in enumerate(lines) if (kind := title_type(line)) is not None
    ]
    starts = _with_attachments(lines, starts)
    if not starts:
        kind = guess_type(lines)
        return [Segment(kind, "", lines)] if kind else []
    segments: list[Segment] = []
    head = lines[: starts[0][0]]
    carried: list[Line] = []
    if _has_table_rows(head):
        # the page starts in the middle of a form: what is above the first title is a form of its own
        # (typed as a bare '附件' start's body is below when neither says what it is)
        segments.append(Segment(guess_type(head) or starts[0][1] or "project", "", head))
    elif _is_report_text(head):
        segments.append(Segment("report", "", head))  # a report's prose, then the table it attaches
    else:
        carried = head
    for number, (start, kind) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(lines)
        body = lines[start:end]
        title = lines[start].text.lstrip("#").strip()
        if not has_content(lines[start + 1 : end]):
            if segments:
                # a repeated page header or a title with nothing under it: keep the text with the form above
                segments[-1].lines.extend(body)
            else:
                carried.extend(body)  # a page title above the form's own title: the form starts here
            continue
        if kind is None:
            kind = guess_type(body) or "project"
        segments.append(Segment(kind, title, carried + body))
        carried = []
    if carried and segments:
        segments[-1].lines.extend(carried)
    elif carried:
        kind = next((kind for _, kind in starts if kind), None) or guess_type(carried)
        if kind:
            segments.append(Segment(kind, lines[starts[0][0]].text.lstrip("#").strip(), carried))
    return segments


_ATTACHMENT = re.compile(r"^附件\s*\d+([-－]\d+)?[:：]?$")


def _with_attachments(
    lines: list[Line], starts: list[tuple[int, FormType | None]]
) -> list[tuple[int, FormType | None]]:
    """'附件4-3' alone on a line starts an attachment: a form of its own unless a title follows at once."""
    titled = {index for index, _ in starts}
    extra = [
        (index, None)
        for index, line in enumerate(lines)
        if _ATTACHMENT.match(fold(line.text)) and index + 1 not in titled and index + 2 not in titled
    ]
    return sorted([*starts, *extra], key=lambda item: item[0])


def has_content(lines: list[Line]) -> bool:
    """Anything a form states: table words, header labels with values (on the line or the next), scores."""
    if any(_CONTENT.search(fold(line.text)) for line in lines):
        return True
    text = fold("".join(line.text for line in lines))
    return bool(re.search(r"(项目名称|单位\)?名称|实施单位|项目单位|主管部门).", text))


def _has_table_rows(lines: list[Line]) -> bool:
    """Rows of a form cut off at its top: indicator or fund rows with numbers, before any title."""
    rows = [line for line in lines if line.delimited and len(line.nonempty) >= 3]
    return len(rows) >= 3 and any(_CONTENT.search(fold(line.text)) or _LEVELS.search(fold(line.text)) for line in rows)


_LEVELS = re.compile(r"(产出指标|效益指标|满意度指标|数量指标|质量指标|时效指标|成本指标)")
