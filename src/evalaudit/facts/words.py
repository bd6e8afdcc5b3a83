"""Words that decide a fact: trivial explanations, missed targets, grades, indicator dimensions.

Matched on folded text (width, traditional → simplified), so 無偏差 and 无偏差 are the same word.
"""

from __future__ import annotations

import re

from evalaudit.textnorm import fold

_PUNCTUATION = re.compile(r"[\s，,。.;；:：、!！()（）\[\]【】<>《》&\"'“”‘’-]+")

# An explanation that explains nothing.
NO_DEVIATION = {
    "无",
    "无偏差",
    "暂无",
    "没有",
    "没有偏差",
    "无差异",
    "未偏差",
    "未发生偏差",
    "不存在偏差",
    "无偏离",
    "正常",
}
EMPTY_TEXT = {"", "—", "——", "-", "--", "/", "\\", "空", "略"}

# An actual value that says the target was not reached.
MISS_WORDS = {
    "无",
    "否",
    "没有",
    "未完成",
    "未达到",
    "未达标",
    "不达标",
    "不合格",
    "未通过",
    "未开展",
    "未实施",
    "差",
    "较差",
}
MISS_PREFIXES = ("未", "没有", "有待", "不及时", "不足", "尚未")

# Grades, best first: 优 > 良 > 中 > 差.
GRADES = {
    "优": "优",
    "优秀": "优",
    "良": "良",
    "良好": "良",
    "中": "中",
    "中等": "中",
    "合格": "中",
    "一般": "中",
    "差": "差",
    "较差": "差",
    "不合格": "差",
}
GRADE_RANK = {"优": 4, "良": 3, "中": 2, "差": 1}
DEFAULT_BANDS = (("优", 90.0), ("良", 80.0), ("中", 60.0), ("差", float("-inf")))

_BAND = re.compile(
    r"(\d+(?:\.\d+)?)\s*分?\s*(?:[(（]含[)）])?\s*(?:以上|及以上|[-~—至到]\s*\d+(?:\.\d+)?\s*分?(?:[(（]不?含[)）])?)?"
    r"\s*(?:的)?\s*(?:为|评为|定为|属于)\s*[“\"']?(优秀|优|良好|良|中等|中|合格|差)"
)


def bare(text: str) -> str:
    """Folded text without spaces and punctuation: the words only."""
    return _PUNCTUATION.sub("", fold(text))


def explanation_kind(text: str) -> str:
    """'empty', 'no_deviation' (无 / 无偏差 …) or 'text'."""
    words = bare(text)
    if words in EMPTY_TEXT:
        return "empty"
    if words in NO_DEVIATION:
        return "no_deviation"
    return "text"


def says_missed(actual: str) -> bool:
    """The actual value is words that admit the target was not reached (无, 未完成, 有待提升 …)."""
    words = bare(actual)
    return bool(words) and (words in MISS_WORDS or words.startswith(MISS_PREFIXES))


def grade(text: str) -> str | None:
    """优 / 良 / 中 / 差 from a conclusion such as 优秀 or 良好, None when there is no grade."""
    words = bare(text)
    if words in GRADES:
        return GRADES[words]
    for label in sorted(GRADES, key=len, reverse=True):
        if words.startswith(label) and len(words) <= len(label) + 1:
            return GRADES[label]
    return None


def stated_bands(raw_text: str) -> tuple[tuple[str, float], ...] | None:
    """Grade bands the form states itself ("90分（含）以上为优、80-90分为良 …"), best first."""
    if "为" not in raw_text:
        return None
    found = {GRADES[label]: float(number) for number, label in _BAND.findall(fold(raw_text))}
    if not found:
        return None
    bands = [(label, found.get(label, default)) for label, default in DEFAULT_BANDS]
    bands[-1] = ("差", float("-inf"))
    return tuple(bands)


def band_grade(score: float, bands: tuple[tuple[str, float], ...] = DEFAULT_BANDS) -> str:
    for label, lower in bands:
        if score >= lower:
            return label
    return "差"


def dimension(level1: str) -> str:
    """The dimension an indicator group belongs to, so 满意度指标 matches 服务对象满意度指标."""
    words = bare(level1)
    for key in ("满意", "效益", "产出", "成本", "投入", "过程", "管理", "履职", "能力"):
        if key in words:
            return key
    return words.removesuffix("指标")


# A target that states a bound (≥95%, 不低于95%, ≤平均成本): written again as the actual, it is still a target.
BOUND_OPS = ("≥", "≤", ">", "<")
BOUND_WORDS = (
    "不低于",
    "不少于",
    "不小于",
    "不超过",
    "不高于",
    "不大于",
    "不多于",
    "低于",
    "高于",
    "少于",
    "超过",
    "以上",
    "以下",
    "以内",
    "之内",
    "控制在",
    "至少",
    "最多",
    "平均成本",
)


def states_bound(target: str) -> bool:
    """The target is a bound, not a value: a comparison sign or words such as 不低于, 以内, 平均成本."""
    words = fold(target)
    return any(sign in words for sign in BOUND_OPS) or any(word in words for word in BOUND_WORDS)


# A result (实际完成情况) that says only "done": these words, and nothing else, make up a stock phrase.
GENERIC_RESULT_WORDS = (
    "按时",
    "按期",
    "如期",
    "及时",
    "保质",
    "保量",
    "按质",
    "按量",
    "按计划",
    "按要求",
    "全面",
    "全部",
    "顺利",
    "圆满",
    "基本",
    "较好",
    "良好",
    "已经",
    "已",
    "均",
    "都",
    "各项",
    "完成",
    "实现",
    "达到",
    "达成",
    "预期",
    "预定",
    "既定",
    "年度",
    "全年",
    "总体",
    "绩效",
    "工作",
    "任务",
    "目标",
    "计划",
    "要求",
    "效果",
    "成效",
    "取得",
    "项目",
    "情况",
    "的",
    "了",
    "地",
    "和",
    "及",
    "并",
)
_GENERIC_RESULT = re.compile("|".join(sorted(GENERIC_RESULT_WORDS, key=len, reverse=True)))


def is_generic_result(text: str) -> bool:
    """Only completion words and no number: 按时保质完成预期目标, 年度目标基本完成, 已全部完成."""
    words = bare(text)
    return bool(words) and not re.search(r"\d", words) and not _GENERIC_RESULT.sub("", words)


# What a 预期目标 says when it reports results, and what a 实际完成情况 says when it plans (two columns swapped).
DONE_MARKS = re.compile(
    r"已完成|已建成|已实现|已达到|已全部|已经|完成了|实现了|达到了|取得了|解决了|提高了|提升了|"
    r"目标\s*[0-9一二三四五六七八九十]+\s*完成情况|完成情况[:：]|累计|共计|全年共"
)
PLAN_MARKS = re.compile(
    r"计划|拟|力争|争取|预计|将于|将在|将进一步|将继续|确保|"
    r"目标\s*[0-9一二三四五六七八九十]+\s*[:：]"
)


def done_marks(text: str) -> int:
    """How many times a text says something has been achieved (已完成, 完成了, 目标1完成情况:, 累计 …)."""
    return len(DONE_MARKS.findall(fold(text)))


def plan_marks(text: str) -> int:
    """How many times a text says something is planned (计划, 拟, 力争, 确保, a numbered 目标1: …)."""
    return len(PLAN_MARKS.findall(fold(text)))
