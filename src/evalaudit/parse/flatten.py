"""Text that lost its table: whole forms on one line, page chunks of document sites, pinyin inserted.

Spreadsheet and PDF extractions, and the document sites that republish forms, run every cell of a form into
one line (`项目名称X主管部门Y实施单位Z年度资金总额:310.2154.741050%5…`). The cells are still there: each
starts or ends at one of the form's own labels. `split_flat` cuts such a line at the labels of
`vocab.FLAT_LABELS`, so the rest of the parser reads it as it reads one cell per line. Matching is done on a
copy folded character by character, so every cut falls at the same place in the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import zhconv

from evalaudit.parse.vocab import FLAT_LABELS, FLAT_MIN_ADJACENT, FLAT_MIN_LABELS, FLAT_MIN_LENGTH

_SINGLE = {key: value for key, value in zhconv.zhconv.getdict("zh-hans").items() if len(key) == 1 and len(value) == 1}
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])[(（]([a-zàáǎāèéěēìíǐīòóǒōùúǔūǖǘǚǜü]{1,6})[)）]")
_TONED = re.compile(r"[àáǎāèéěēìíǐīòóǒōùúǔūǖǘǚǜ]")
_NOTE = re.compile(r"^\s*(注|备注|说明|\d+[.．]\s*\D)")  # the form's footnotes are prose, not cells
_SENTENCE = re.compile(r"[，。；]")
_CHUNK = re.compile(r"^(\d{1,3})、")
_CHUNK_MIN = 100  # characters: a site cuts pages, not headings


def strip_pinyin(text: str) -> str:
    """'實(shí)施單(dān)位' → '實施單位': reading aids some sites insert after characters."""
    if "(" not in text and "（" not in text:
        return text
    return _PINYIN.sub(lambda m: "" if _TONED.search(m.group(1)) or len(m.group(1)) >= 2 else m.group(0), text)


class _CharFolds(dict):
    """Code point → its one-character fold, filled on first sight (`str.translate` asks for each)."""

    def __missing__(self, point: int) -> str:
        ch = chr(point)
        folded = unicodedata.normalize("NFKC", ch)
        folded = folded if len(folded) == 1 else ch
        self[point] = value = _SINGLE.get(folded, folded)
        return value


_FOLDS = _CharFolds()


@lru_cache(maxsize=65536)  # pure; the parser asks about the same lines and cells many times
def matching_copy(text: str) -> str:
    """Width and traditional characters folded one character for one, so positions stay those of `text`."""
    return text.translate(_FOLDS)


def join_page_chunks(lines: list[str]) -> list[str]:
    """Document sites cut a text into numbered chunks ('1、…', '2、…') that break words and numbers.

    Recognised only as a run 1、, 2、, 3、 … at line starts; each chunk is glued back to the text before it.
    """
    numbered = [index for index, line in enumerate(lines) if _CHUNK.match(line.strip())]
    expected, chunks = 1, []
    for index in numbered:
        if int(_CHUNK.match(lines[index].strip()).group(1)) == expected:  # type: ignore[union-attr]
            chunks.append(index)
            expected += 1
    if len(chunks) < 2 or any(len(lines[index]) < _CHUNK_MIN for index in chunks[:-1]):
        return lines  # a numbered list ('1、投入 10 分'), not a site's page chunks
    out: list[str] = []
    starts = set(chunks)
    for index, line in enumerate(lines):
        if index in starts:
            body = _CHUNK.sub("", line.strip(), count=1)
            if index != chunks[0] and out:
                out[-1] = out[-1].rstrip() + body
                continue
            out.append(body)
        elif out and chunks[0] < index and not line.strip() and _inside_chunks(index, chunks):
            continue  # blank lines between chunks
        else:
            out.append(line)
    return out


def _inside_chunks(index: int, chunks: list[int]) -> bool:
    return chunks[0] < index < chunks[-1]


@lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern[str]:
    words = sorted({matching_copy(word) for word in FLAT_LABELS}, key=len, reverse=True)
    # a wrapped cell breaks a label anywhere ('当年财政 拨款'): spaces may fall between its characters
    return re.compile("|".join(r"[ 　]?".join(re.escape(char) for char in word) for word in words))


# a table's title ends a cell (a report's title is too often named inside sentences to cut at)
_TITLE_END = re.compile(r"绩效(?:目标)?(?:自评表|评价指标表|评价表)(?:\(20\d{2}年度\))?")
_NUMBERED = re.compile(r"(?<=[\d%])指标\d{1,2}(?=[:：]?[\u4e00-\u9fff])")
_NUMBERING = re.compile(r"指标\d{1,2}[:：]?(?=[\u4e00-\u9fff\d])")
_GROUP_LABEL = re.compile(r"[\u4e00-\u9fff]{2,10}\d?[(（]\d+(?:\.\d+)?分[)）]")
_POINTS_AFTER = re.compile(r"^\s*[(（]\s*\d+(\.\d+)?\s*分?\s*[)）]")
_AB_AFTER = re.compile(r"^\s*[(（]\s*[A-Ea-e](/[A-Ea-e])?(\s*[×x*]\s*100%)?\s*[)）]")


def _adjacent(hits: list[re.Match[str]], copy: str) -> int:
    """Labels directly followed by another label or a number: cells run together, not words in a sentence."""
    starts = {hit.start() for hit in hits}
    count = 0
    for hit in hits:
        end = hit.end()
        while end < len(copy) and copy[end] in ":：() （）AB/×%* 　":
            end += 1
        if end in starts or (end < len(copy) and copy[end].isdigit()):
            count += 1
    return count


def _after_project_name(previous: re.Match[str] | None, hit: re.Match[str], copy: str) -> re.Match[str]:
    """'…养护项目主管部门' after 项目名称: the name ends in 项目, the label is 主管部门 (项目主管部门 would take it)."""
    if (
        previous is not None
        and previous.group(0) == "项目名称"
        and hit.group(0).startswith("项目")
        and len(hit.group(0)) > 4
    ):
        return _label_pattern().match(copy, hit.start() + 2) or hit
    return hit


def _numbering_kept(hits: list[re.Match[str]], copy: str) -> list[re.Match[str]]:
    """'…生态效益指标1病害下降…' in a table whose rows are numbered 指标1, 指标2 …: the label is 生态效益, its
    指标 opens the numbering of the row after it (the label 生态效益指标 would take it)."""
    if len(_NUMBERING.findall(copy)) < 2:
        return hits
    kept = []
    for hit in hits:
        word = hit.group(0)
        if word.endswith("指标") and len(word) > 2 and _NUMBERING.match(copy, hit.end() - 2):
            shorter = _label_pattern().fullmatch(copy, hit.start(), hit.end() - 2)
            if shorter:
                hit = shorter
        kept.append(hit)
    return kept


def _group_start(group: re.Match[str], hits: list[re.Match[str]]) -> int:
    """Where a group label with its points starts: at the form's label it ends with ('…加强宣传满意度指标(20分)'
    is text, then 满意度指标(20分)), else where its characters start."""
    points = group.group(0).find("(") if "(" in group.group(0) else group.group(0).find("（")
    inside = [hit.start() for hit in hits if group.start() <= hit.start() and hit.end() == group.start() + points]
    return min(inside) if inside else group.start()


def split_flat(text: str) -> list[str] | None:
    """The cells of a flattened line, or None when the line is not one (prose, a row, a short label)."""
    if len(text) < FLAT_MIN_LENGTH or (_NOTE.match(text) and _SENTENCE.search(text)):
        return None
    copy = matching_copy(text)
    hits = list(_label_pattern().finditer(copy))
    if len({hit.group(0) for hit in hits}) < FLAT_MIN_LABELS or _adjacent(hits, copy) < FLAT_MIN_ADJACENT:
        return None
    hits = [_after_project_name(previous, hit, copy) for previous, hit in zip([None, *hits], hits)]
    hits = _numbering_kept(hits, copy)
    cuts: set[int] = set()
    for group in _GROUP_LABEL.finditer(copy):  # '年度绩效目标2(40分)', '产出指标(40分)': a cell of its own
        cuts.update((_group_start(group, hits), group.end()))
    for numbered in _NUMBERED.finditer(copy):  # '…8指标2企业自主采购…': each numbered indicator is a row
        cuts.add(numbered.start())
    for title in _TITLE_END.finditer(copy):  # '…整体支出绩效评价指标表' is a cell: a form's title
        cuts.add(title.end())
        sentence = max(copy.rfind(mark, 0, title.start()) for mark in "，。；,;:：")
        if sentence >= 0 and title.end() - sentence <= 60:
            cuts.add(sentence + 1)  # after the sentence it follows

    for hit in hits:
        end = hit.end()
        tail = copy[end:]
        extra = _POINTS_AFTER.match(tail) or _AB_AFTER.match(tail)
        if extra:
            end += extra.end()
        if end < len(copy) and copy[end] in ":：":
            end += 1
        cuts.update((hit.start(), end))
    bounds = sorted(cut for cut in cuts if 0 < cut < len(text))
    labels = {hit.start() for hit in hits}
    pieces = []
    for a, b in zip([0, *bounds], [*bounds, len(text)]):
        piece = text[a:b].strip()
        if piece:
            pieces.append(re.sub(r"[ 　]", "", piece) if a in labels else piece)  # a label wrapped over a space
    return pieces
