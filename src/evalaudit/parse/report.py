"""A narrative 绩效自评报告: scores and funds stated in prose ("预算执行得 19 分。预算完成率 1% 得 5 分；…")."""

from __future__ import annotations

import re
import unicodedata

from evalaudit.model import FundRow, Indicator, ParseWarning, Section
from evalaudit.parse.header import Header, parse_date, parse_header
from evalaudit.parse.inferred import signed_by
from evalaudit.parse.lines import Line
from evalaudit.parse.numbers import parse_measure
from evalaudit.parse.prose_scores import prose_results, prose_scores
from evalaudit.parse.segment import title_type
from evalaudit.parse.vocab import REPORT_BUDGET_WORDS, REPORT_SPENT_WORDS, REPORT_TOTAL_WORDS

_SCORE = re.compile(r"得(\d+(?:\.\d+)?)分")
_LEVEL1 = re.compile(r"^\d+[、.．]([^\d，,。]+?)(\d+(?:\.\d+)?)分$")
_LEVEL2 = re.compile(r"^[(（]\d+[)）](.+?)得(\d+(?:\.\d+)?)分(.*)$")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
_NUMBERED = re.compile(r"^指标\d+[:：](.+)$")
_TOTAL = re.compile(f"({REPORT_TOTAL_WORDS})" + r"(为|是|[:：])?(\d+(?:\.\d+)?)分?(?![\d.])")
_GRADE = re.compile(r"(自评等级|评价等级|自评结论|评价结论|绩效等级)(为|是|:)?[“\"]?(优秀|优|良好|良|中|合格|差)")
_AMOUNT = r"(\d+(?:,\d{3})*(?:\.\d+)?)(万元|元)"


def _light(text: str) -> str:
    """Width and LaTeX folded, spaces removed, characters otherwise as written."""
    text = "".join(ch if ch in _CIRCLED else unicodedata.normalize("NFKC", ch) for ch in text)
    text = re.sub(r"\\geq?\s*", "≥", text)
    text = re.sub(r"\\leq?\s*", "≤", text)
    text = text.replace("\\%", "%").replace("$", "")
    return re.sub(r"\s+", "", text)


def _amount(match: re.Match[str] | None, unit: str) -> float | None:
    if match is None:
        return None
    value = float(match.group(1).replace(",", ""))
    if match.group(2) == "元" and unit == "万元":
        value = value / 10000
    return value


def _funds(text: str, unit: str) -> list[FundRow]:
    received = re.search(f"({REPORT_BUDGET_WORDS})(为|共计|合计|总额)?" + _AMOUNT, text)
    spent = re.search(f"({REPORT_SPENT_WORDS})(为|共计|合计)?" + _AMOUNT, text)
    rows: list[FundRow] = []
    if received or spent:
        # '…实际支出140.11万元，执行率100%': the rate stated beside the amounts
        near = text[(spent or received).end() : (spent or received).end() + 20]  # type: ignore[union-attr]
        rate = re.search(r"(?:预算)?执行率(?:为|达)?(\d+(?:\.\d+)?)%", near)
        rows.append(
            FundRow(
                item="年度资金总额",
                label=received.group(1) if received else spent.group(1),  # type: ignore[union-attr]
                budget=_amount(_tail(received), unit),
                executed=_amount(_tail(spent), unit),
                stated_rate=float(rate.group(1)) if rate else None,
                stated_rate_raw=rate.group(1) + "%" if rate else "",
                raw=" / ".join(m.group(0) for m in (received, spent) if m),
            )
        )
    after = text[received.end() :] if received else text
    for item in ("基本支出", "项目支出"):
        match = re.search(item + r"(为|共计)?" + _AMOUNT, after)
        if match:
            rows.append(FundRow(item=item, label=item, budget=_amount(_tail(match), unit), raw=match.group(0)))
    return rows


def _tail(match: re.Match[str] | None) -> re.Match[str] | None:
    """Re-match the amount at the end of a labelled match so groups are (number, unit)."""
    if match is None:
        return None
    return re.search(_AMOUNT + "$", match.group(0))


def _clause_indicator(clause: str, level1: str, level2: str) -> Indicator | None:
    score = _SCORE.search(clause)
    if not score:
        return None
    head = clause.removeprefix("其中:").removeprefix("其中")
    actual = target = ""
    numbered = _NUMBERED.match(head)
    if numbered:
        # 指标 1：受理办理业务 ≥ 3000 人次，得 2.5 分
        body = numbered.group(1)
        op = re.search(r"[≥≤><=]", body)
        stop = body.find(",")
        if op and (stop < 0 or op.start() < stop):
            name, target = body[: op.start()], body[op.start() : stop if stop >= 0 else None]
        else:
            name = body[: stop if stop >= 0 else _SCORE.search(body).start()]  # type: ignore[union-attr]
    else:
        # 在职人员控制率：…，得 5 分 / 预算完成率 1% 得 5 分 / 无新建楼堂馆所得 1 分
        ends = (head.find(":"), head.find(","), _SCORE.search(head).start())  # type: ignore[union-attr]
        name = head[: min(end for end in ends if end >= 0)]
        tail_number = re.search(r"(\d+(?:\.\d+)?%?)$", name)
        if tail_number and tail_number.start() > 0 and not re.search(r"[≥≤]", name):
            actual, name = tail_number.group(1), name[: tail_number.start()]
    return Indicator(
        name=name.strip(),
        level1=level1,
        level2=level2,
        target=parse_measure(target),
        actual=parse_measure(actual),
        score=float(score.group(1)),
        raw=clause,
    )


def parse_report(lines: list[Line]) -> tuple[Header, dict]:
    title_index = next((index for index, line in enumerate(lines) if title_type(line)), None)
    header = parse_header(lines, title_index)
    warnings: list[ParseWarning] = list(header.warnings)
    texts = [_light(line.text) for line in lines]
    whole = "".join(texts)
    header.amount_unit = header.amount_unit or (
        "万元" if "万元" in whole else ("元" if re.search(r"\d元", whole) else "")
    )
    if not header.fill_date:
        for text in reversed(texts):
            if re.fullmatch(r"20\d{2}年\d{1,2}月\d{1,2}日", text):
                header.fill_date = parse_date(text)
                break
    if not header.unit:
        for text in reversed(texts):
            if re.search(r"(局|中心|政府|办公室|委员会|学校|医院|站|所)$", text) and len(text) <= 30:
                header.unit = text
                break
    if not header.unit:
        header.unit = signed_by(texts, texts[title_index] if title_index is not None else "")

    sections: list[Section] = []
    indicators: list[Indicator] = []
    level1 = level2_label = ""
    parent: int | None = None
    for line, text in zip(lines, texts):
        if match := _LEVEL1.match(text):
            level1, parent, level2_label = match.group(1), None, ""
            sections.append(Section(name=level1, weight=float(match.group(2)), raw=line.raw))
            continue
        if not level1:
            continue
        if text[:1] in _CIRCLED and not _SCORE.search(text):
            level2_label = re.sub(r"(内容|方面)?[:：]?$", "", text[1:])
            continue
        match = _LEVEL2.match(text)
        head_score = _SCORE.search(text.split("。")[0]) if not match else None
        if match or (head_score and not _NUMBERED.match(text) and text[:1] not in _CIRCLED and parent is None):
            name = match.group(1) if match else text[: head_score.start()]  # type: ignore[union-attr]
            score = float(match.group(2) if match else head_score.group(1))  # type: ignore[union-attr]
            rest = match.group(3) if match else text.split("。", 1)[1] if "。" in text else ""
            indicators.append(Indicator(name=name.strip(), level1=level1, score=score, raw=line.raw))
            parent, level2_label = len(indicators) - 1, ""
            for clause in re.split(r"[;；]", rest.lstrip("。.")):
                child = _clause_indicator(clause.strip("。. "), level1, indicators[parent].name)
                if child is not None:
                    child.parent = parent
                    indicators.append(child)
            continue
        if _SCORE.search(text) and parent is not None:
            circled = text[:1] in _CIRCLED  # '③社会公众或服务对象满意度得 10 分' is an item of its own
            clause = text[1:] if circled else text
            level2 = indicators[parent].name if circled else (level2_label or indicators[parent].name)
            child = _clause_indicator(clause.split("。")[0], level1, level2)
            if child is not None:
                child.parent = parent
                child.raw = line.raw
                indicators.append(child)
    for index, indicator in enumerate(indicators):
        indicator.is_subtotal = any(other.parent == index for other in indicators)

    total_weight = sum(s.weight for s in sections if s.weight is not None) or None  # 1、投入 10 分 … over 100
    if not indicators and not sections:
        # '(一)项目立项。分值10分,自评10分。' under numbered headings: nested groups, no total over them
        indicators, sections = prose_scores(lines)
    if not indicators:
        indicators = prose_results(lines)  # results listed group by group, with no scores
    total_match = _TOTAL.search(whole)
    grade_match = _GRADE.search(whole)
    if total_match is None:
        warnings.append(
            ParseWarning("report_total_missing", "报告中未找到自评总分（如“评价得分为 N 分”）", "报告/总分", "")
        )
    return header, dict(
        funds=_funds(whole, header.amount_unit),
        goals=[],
        indicators=indicators,
        sections=sections,
        stated_total_weight=total_weight,
        stated_total=float(total_match.group(3)) if total_match else None,
        conclusion=grade_match.group(3) if grade_match else "",
        notes="",
        warnings=warnings,
    )
