"""What a form leaves out, inferred from the rest of the document: the fiscal year from the project's period,
the sentence saying what was evaluated or the filing date (said in a warning); the project a report says it
evaluated; the office a web page says published it, or the one signing the report's cover."""

from __future__ import annotations

import re

from evalaudit.model import ParseWarning
from evalaudit.parse.flatten import matching_copy
from evalaudit.parse.lines import Line
from evalaudit.parse.vocab import PERIOD_LABELS
from evalaudit.textnorm import fold


def infer_year(lines: list[Line], fill_date: str) -> tuple[int | None, ParseWarning | None]:
    """The fiscal year of a form that names none: the year its project ran in (项目起止时间 2020年1月至2020年12月),
    else the year before it was filled in (a self-evaluation is filed in the first months after the year)."""
    for line in lines:
        folded = fold(line.text)
        label = next((label for label in PERIOD_LABELS if label in folded), None)
        if label is None:
            continue
        years = {int(year) for year in re.findall(r"(20\d{2})\s*年", folded.split(label, 1)[1][:40])}
        if len(years) == 1:
            (year,) = years
            return year, ParseWarning(
                "year_from_period",
                f"表中未写明评价年度，按项目实施期推定为{year}年度，请核对",
                "基本信息/年度",
                line.raw,
            )
        if years:
            return None, None  # a project over several years: which one is evaluated is not said
    for line in lines:
        found = _year_evaluated(fold(line.text))
        if found is not None:
            return found, ParseWarning(
                "year_from_text", f"表头未写明评价年度，按正文所述推定为{found}年度，请核对", "基本信息/年度", line.raw
            )
    match = re.match(r"(20\d{2})-(\d{2})", fill_date or "")
    if match and int(match.group(2)) <= 8:
        year = int(match.group(1)) - 1
        return year, ParseWarning(
            "year_from_fill_date",
            f"表中未写明评价年度，按填报日期（{fill_date}）推定为{year}年度，请核对",
            "基本信息/年度",
            fill_date,
        )
    return None, None


_CITED = re.compile(r"《[^》]*》|[(（〔\[][^)）〕\]]*[)）〕\]]")


def _year_evaluated(text: str) -> int | None:
    """'…对我县2021年学前教育项目开展了自评': the one year named in the sentence that says what was evaluated
    (cited documents and their numbers, 《…》 (2018)257号, left out)."""
    for sentence in re.split(r"[。;；]", text):
        if not re.search(r"开展了?(绩效)?自评|进行了?(绩效)?自评|自评情况报告如下", sentence):
            continue
        years = {int(year) for year in re.findall(r"(20\d{2})\s*年", _CITED.sub("", sentence))}
        if len(years) == 1:
            return years.pop()
    return None


_EVALUATED_PROJECT = re.compile(
    r"对(?:我[县市区局州])?(?P<name>[^,，。;；、对]{2,40}?(?:项目|专项资金|经费))(?:工作)*(?:实施|开展|进行)"
)


def project_evaluated(lines: list[Line]) -> str:
    """'…组织对2019-2021年道路保洁项目实施重点绩效评价': the project a report without a 项目名称 says it evaluated."""
    for line in lines:
        for sentence in re.split(r"[。;；]", line.text):
            if "评价" in sentence or "自评" in sentence:
                match = _EVALUATED_PROJECT.search(_CITED.sub("", sentence))
                if match:
                    return match.group("name").strip()
    return ""


_ORG = r"[\u4e00-\u9fff()（）]{2,30}?(?:厅|局|委员会|委|办公室|办|中心|政府)"
_PUBLISHER = re.compile(
    r"(?:作者|发布机构)[:：]\s*(" + _ORG + r")(?:\s|$)|^(" + _ORG + r")\s*[|｜]\s*20\d{2}-\d{1,2}-\d{1,2}$"
)


def publisher(text: str) -> str:
    """The office the web page says published the document ('作者:民政局', '某某厅 | 2022-12-30'), from the
    page chrome at its top."""
    for line in text.split("\n", 15)[:15]:  # the top of the page only: never the whole text split
        match = _PUBLISHER.search(matching_copy(line.strip()))  # folded, spaces kept: they end the name
        if match:
            return (match.group(1) or match.group(2)).strip()
    return ""


_CN_DATE = re.compile(r"[二〇O○零][〇O○零一二三四五六七八九]{3}年[一二三四五六七八九十]{1,3}月")
_SIGNER = re.compile(r"[\u4e00-\u9fff]{2,20}(?:局|厅|委员会|中心|办公室|政府)$")


def signed_by(texts: list[str], title: str) -> str:
    """The unit signing a report's cover above its date in Chinese numerals ('某省体育局' / '二〇二二年三月'),
    on a line of its own or run into the line after the title."""
    for index, text in enumerate(texts[:8]):
        date = _CN_DATE.search(text)
        if date is None:
            continue
        before = text[: date.start()]
        if title and before.startswith(title[:10]):
            shared = next((n for n in range(min(len(title), len(before)), 0, -1) if before.startswith(title[:n])), 0)
            before = before[shared:]
        if not before and index > 0:
            before = texts[index - 1]
        if _SIGNER.fullmatch(before):
            return before
    return ""
