"""What a form shows but the parser could not read, said once and plainly instead of as missing values.

A funds table whose numbers are visible and none came out, indicator rows visible and none came out, or a
text that stops inside a table: each is one `completeness.parse.*` warning on the form, and the checks that
would otherwise report every value of that part as missing leave it alone (`Evaluation.cut_off`,
`facts.forms`).
"""

from __future__ import annotations

import re

from evalaudit.model import FundRow, Indicator, ParseWarning
from evalaudit.parse.lines import Line
from evalaudit.textnorm import fold

_FUND_WORDS = re.compile(r"年度资金总额|全年预算数|全年执行数|预算数\(A\)|执行数\(B\)|计划安排资金|资金总额|执行数")
_INDICATOR_WORDS = re.compile(r"三级指标|一级指标|产出指标|效益指标|满意度指标|数量指标|质量指标|评价指标")
_NUMBER = re.compile(r"\d")


def unread_warnings(
    lines: list[Line], funds: list[FundRow], indicators: list[Indicator], report: bool = False
) -> list[ParseWarning]:
    """A warning for each table the text shows with numbers and the parser returned nothing of.

    A report speaks of funds in prose everywhere: only its indicators are said to be unread (指标 named
    in its text, none read)."""
    text = fold("".join(line.text for line in lines))
    warnings = []
    read_funds = any(
        row.budget is not None or row.executed is not None or row.initial_budget is not None for row in funds
    )
    fund_words = None if report else _FUND_WORDS.search(text)
    if not read_funds and fund_words and _NUMBER.search(text[fund_words.end() :]):
        warnings.append(
            ParseWarning(
                "funds_unread",
                "表中可见资金表，但未能识别出其中的预算数、执行数，资金表各项未审核，请人工核对原表",
                "资金表",
                _FUND_WORDS.search(text).group(0),  # type: ignore[union-attr]
            )
        )
    if not indicators and _INDICATOR_WORDS.search(text):
        where = "报告中列有绩效指标的完成情况" if report else "表中可见绩效指标"
        warnings.append(
            ParseWarning(
                "indicators_unread",
                f"{where}，但未能逐项识别出指标（分值、得分、完成值），各项指标未审核，请人工核对原文",
                "指标",
                _INDICATOR_WORDS.search(text).group(0),  # type: ignore[union-attr]
            )
        )
    return warnings


def cut_at_end(state: str) -> bool:
    """The text stops inside the form's tables: it never reached the total, the conclusion or the notes
    that close a form (a page cut off, a file truncated)."""
    return state in ("funds", "goals", "indicators", "scoring", "checklist")


def cut_warning(lines: list[Line]) -> ParseWarning:
    last = next((line for line in reversed(lines) if line.nonempty), None)
    where = last.nonempty[0][:20] if last else ""
    return ParseWarning(
        "text_cut_off",
        f"文本在“{where}”处中断，其后的内容（指标、总分等）不在文件中，未审核；请核对是否提交了完整的表",
        "表尾",
        last.raw[:200] if last else "",
    )
