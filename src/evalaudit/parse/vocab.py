"""The words real forms use for their columns, rows and indicator levels — all matched on folded text."""

from __future__ import annotations

import re

from evalaudit.textnorm import fold

# Column headers -> roles -------------------------------------------------------------------------

FUND_COLUMNS: list[tuple[str, str]] = [
    ("年初预算", "initial_budget"),
    ("全年预算", "budget"),
    ("调整后预算", "budget"),
    ("预算数", "budget"),
    ("全年执行", "executed"),
    ("实际支出", "executed"),
    ("全年支出数", "executed"),
    ("执行数", "executed"),
    ("执行率", "rate"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("得分", "score"),
]

# a funds column of money arrived (全年到位资金, 预算到位 D/C): neither the budget nor the money spent
FUND_ARRIVED_WORDS = ("到位",)
# a rate column of the money spent (预算执行 E/C): its letter formula's numerator is what was spent
FUND_EXECUTED_WORDS = ("执行", "支出")
# the row-number column of a lettered funds table (行次 1, 2, …): its cells are no amounts
ROW_NUMBER_COLUMNS = ("行次", "序号")
# a funds header's full column names, each of which a stacked header may split over its lines
FUND_COLUMN_NAMES = (
    "年初预算数",
    "全年预算数",
    "调整后预算数",
    "预算数",
    "全年执行数",
    "执行数",
    "实际支出",
    "全年支出数",
    "执行率",
    "分值",
    "权重",
    "得分",
)

INDICATOR_COLUMNS: list[tuple[str, str]] = [
    ("一级指标", "level1"),
    ("二级指标", "level2"),
    ("三级指标", "name"),
    ("指标名称", "name"),
    ("指标性质", "nature"),
    ("度量单位", "unit"),
    ("计量单位", "unit"),
    ("年度指标值", "target"),
    ("预期指标值", "target"),
    ("年度目标值", "target"),
    ("指标值", "target"),
    ("目标值", "target"),
    ("实际完成值", "actual"),
    ("实际完成", "actual"),
    ("完成值", "actual"),
    ("实际值", "actual"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("得分", "score"),
    ("原因", "explanation"),
    ("偏差", "explanation"),
    ("备注", "explanation"),
    ("改进措施", "explanation"),
]


# the indicator table's column words as whole cells ('二级指标', '分值'): a header cell, never a row's value or name
INDICATOR_HEADER_WORDS = frozenset(fold(word) for word, _ in INDICATOR_COLUMNS)


def column_role(cell: str, table: list[tuple[str, str]]) -> str | None:
    """The column a header cell heads; its words outside brackets first ('得分(20分*执行率)' is the score).

    Every row of every form asks this of its cells for every table kind: answers are kept per (table, cell).
    A table is known by its id, and kept alive in `_TABLES` so that no other list can take its id."""
    key = (id(table), cell)
    if key in _ROLES:
        return _ROLES[key]
    if len(_ROLES) > 200_000:
        _ROLES.clear()
    _TABLES.setdefault(id(table), table)
    role = _ROLES[key] = _column_role(cell, table)
    return role


_ROLES: dict[tuple[int, str], str | None] = {}
_TABLES: dict[int, list[tuple[str, str]]] = {}


def _column_role(cell: str, table: list[tuple[str, str]]) -> str | None:
    text = fold(cell)
    if not text or len(text) > 24:
        return None
    outside = re.sub(r"\([^)]*\)", "", text)
    for candidate in (outside, text) if outside != text else (text,):
        for word, role in table:
            if word in candidate:
                return role
    return None


# A checklist form (指标名称 一级/二级/三级 | 指标解释 | 记录: 自评内容 + 完成情况 | 未完成原因 | 支撑材料): no
# target, weight or score columns; the record's result column is the indicator's actual.
CHECKLIST_RESULT_COLUMNS = frozenset({"完成情况", "完成情况说明", "自评情况"})
CHECKLIST_DEFINITION_COLUMNS = frozenset({"指标解释", "指标说明", "指标内涵", "指标定义"})


# Fund rows ---------------------------------------------------------------------------------------

FUND_ITEMS: list[tuple[str, str]] = [
    ("年度资金总额", "年度资金总额"),
    ("资金总额", "年度资金总额"),
    ("全年支出", "年度资金总额"),
    ("整体支出", "年度资金总额"),
    ("收支总额", "年度资金总额"),
    ("总额", "年度资金总额"),
    ("合计", "年度资金总额"),  # read as a funds row only under the funds header (form.py)
    ("基本支出", "基本支出"),
    ("项目支出", "项目支出"),
    ("财政拨款", "本年财政拨款"),
    ("一般公共预算", "本年财政拨款"),
    ("预算内拨款", "本年财政拨款"),
    ("上年结转", "上年结转"),
    ("其他资金", "其他资金"),
    # by level of government (transfer payments, the Hunan/Hainan cover)
    ("中央财政", "中央资金"),
    ("中央补助", "中央资金"),
    ("中央资金", "中央资金"),
    ("省级资金", "省级资金"),
    ("省财政", "省级资金"),
    ("自治区补助", "省级资金"),
    ("市县资金", "市县资金"),
    ("市县财政", "市县资金"),
    ("地方财政", "地方资金"),
    ("地方资金", "地方资金"),
    # below the province: a county form's 市级 (the city above it) and 本级 (its own); in a municipality such as
    # 重庆 市级 is the province level, but either way it is a part of the level breakdown
    ("市级资金", "市县资金"),
    ("区县资金", "市县资金"),
    ("县级资金", "市县资金"),
    ("本级资金", "市县资金"),
]

# A funds table whose columns are the sources of its one row's money, a PDF header wrapped over two lines
# ('中央 省、地 本级 其他 合计 执行数 执行' over '(万元) … 率'): the source columns' words (joined by 、 or /,
# optionally with 级 / 资金 / 财政), the column of their total, and the unit cell printed under an amount column
FUND_SOURCE_WORDS = ("中央", "省", "市", "县", "区", "地", "本级", "其他", "自筹", "上级", "社会")
FUND_SOURCE_SUFFIXES = ("级", "资金", "财政")
FUND_TOTAL_COLUMN_WORDS = ("合计", "总计", "小计")
AMOUNT_UNIT_CELLS = ("(万元)", "(元)", "万元", "元")


def fund_item(cell: str) -> str | None:
    text = fold(cell)
    if not text or len(text) > 20 or any(ch.isdigit() for ch in text.replace("(A)", "").replace("(B)", "")):
        return None
    if "小计" in text or "指标" in text:
        return None
    for word, item in FUND_ITEMS:
        if word in text:
            return item
    return None


# Indicator levels --------------------------------------------------------------------------------

# level-2 dimensions whose level-1 parent is fixed by the national templates
LEVEL2_PARENTS: dict[str, str] = {
    "数量": "产出指标",
    "质量": "产出指标",
    "时效": "产出指标",
    "成本": "产出指标",
    "进度": "产出指标",
    "经济效益": "效益指标",
    "社会效益": "效益指标",
    "生态效益": "效益指标",
    "可持续影响": "效益指标",
    "服务对象满意度": "满意度指标",
    "社会公众满意度": "满意度指标",
}
LEVEL1_WORDS = (
    "产出指标",
    "效益指标",
    "满意度指标",
    "成本指标",
    "部门管理",
    "履职效果",
    "能力建设",
    "投入",
    "过程",
    "产出",
    "效益",
)
GROUP_WORDS = ("绩效指标", "指标")
# The side label a template merges down the whole indicator table: a row that starts with it while the header
# does not has one cell more than the header, and nothing is wrong with it.
TABLE_SIDE_LABELS = frozenset({"绩效指标", "年度绩效指标", "绩效指标完成情况"})
_POINTS = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]$")
_NUMBERED = re.compile(r"^指标\s*\d+\s*[:：]")


def split_points(label: str) -> tuple[str, float | None]:
    """'产出指标(50分)' → ('产出指标', 50.0)."""
    match = _POINTS.search(fold(label))
    if not match:
        return label.strip(), None
    name = re.sub(r"\s*[(（]\s*[\d０-９.．]+\s*分\s*[)）]\s*$", "", label.strip())
    return name, float(match.group(1))


def level2_key(label: str) -> str | None:
    """'数量指标' / '产出数量' / '质量' → the dimension it names, if it is one of the template's."""
    text = fold(split_points(label)[0]).removesuffix("指标")
    for key in LEVEL2_PARENTS:
        if text in (key, "产出" + key) or (key == "服务对象满意度" and text == "服务对象满意度"):
            return key
    return None


def is_level1(label: str) -> bool:
    text = fold(split_points(label)[0])
    return text in LEVEL1_WORDS or text in {"服务对象满意度指标", "满意度"}


def is_group(label: str) -> bool:
    return fold(label) in GROUP_WORDS


def is_known_label(label: str) -> bool:
    return is_level1(label) or level2_key(label) is not None or is_group(label)


def _label_forms() -> list[str]:
    forms = {*LEVEL1_WORDS, *(form for key in LEVEL2_PARENTS for form in (key, key + "指标", "产出" + key))}
    return sorted(forms, key=len, reverse=True)


def is_label_start(text: str) -> bool:
    """'生态', '可': the start of a level label the text was cut off in, not a name."""
    folded = fold(text)
    return bool(folded) and any(label.startswith(folded) and label != folded for label in _label_forms())


def leading_label(text: str) -> str:
    """'服务对象满意度种薯扩繁企业…' → '服务对象满意度': a level label run into the cell after it (in `text`'s
    own characters, one folded character for one)."""
    folded = fold(text)
    label = next((label for label in _label_forms() if folded.startswith(label) and len(folded) > len(label)), "")
    return text[: len(label)] if label and len(fold(text[: len(label)])) == len(label) else ""


def is_numbered_name(cell: str) -> bool:
    """'指标1: 保安保洁人员' can only be an indicator name."""
    return bool(_NUMBERED.match(fold(cell)))


def without_numbering(cell: str) -> str:
    """'指标1:保安保洁人员' → '保安保洁人员' (folded)."""
    return _NUMBERED.sub("", fold(cell), count=1)


EXPLANATION_CUES = re.compile(r"^(原因|该|由于|因|主要|偏差|无偏差|说明|未完成|改进|存在|经|受)|原因")


# Flattened text ----------------------------------------------------------------------------------

# Labels a form's cells start or end with: a line that runs several of them together is a flattened table
# (parse/flatten.py cuts it at them). Matched on text folded to simplified characters.
FLAT_LABELS: tuple[str, ...] = (
    # who and what
    "项目名称",
    "主管部门及代码",
    "项目主管部门",
    "主管部门",
    "中央主管部门",
    "地方主管部门",
    "市县主管部门",
    "项目实施单位",
    "实施单位(盖章)",
    "实施单位",
    "资金使用单位",
    "部门(单位)名称",
    "单位名称",
    "部门名称",
    "填报单位",
    "项目单位",
    "填报日期",
    "项目负责人",
    "项目类别",
    "项目属性",
    "项目类型",
    "专项实施期",
    "市县财政部门",
    "是否为专项资金",
    "金额单位",
    "预算编码",
    "报告日期",
    "(制)",
    # funds
    "项目资金(万元)",
    "资金情况(万元)",
    "预算执行情况(万元)",
    "资金投入情况(万元)",
    "项目资金",
    "年初预算数",
    "全年预算数",
    "调整后预算数",
    "全年执行数",
    "预算数",
    "执行数",
    "执行率",
    "预算执行率",
    "得分计算方法",
    "分值",
    "得分",
    "年度资金总额",
    "年度财政资金总额",
    "其中:当年财政拨款",
    "其中:本年财政拨款",
    "其中:本年一般公共预算拨款",
    "当年财政拨款",
    "上年结转资金",
    "其他资金",
    "其中:中央财政资金",
    "中央财政资金",
    "地方财政资金",
    "地方资金",
    "其中中央补助",
    "中央补助",
    "自治区补助",
    "市县资金",
    "资金来源",
    # goals
    "年度总体目标完成情况综述",
    "年度总体目标",
    "年初设定目标",
    "预期目标",
    "实际完成情况",
    "总体目标完成情况",
    "全年实际完成情况",
    "年度绩效目标完成情况",
    # indicators
    "绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "年初目标值",
    "实际完成值",
    "全年实际值",
    "未完成原因及改进措施",
    "未完成原因分析",
    "偏差原因分析及改进措施",
    "偏差大或目标未完成原因分析",
    "产出指标",
    "效益指标",
    "满意度指标",
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "进度指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    # totals
    "项目总得分",
    "自评总分",
    "总分",
    "合计",
    # level-2 names without 指标 (Hubei: 产出数量 / 产出质量 …) and fund sources
    "产出数量",
    "产出质量",
    "产出时效",
    "产出成本",
    "经济效益",
    "社会效益",
    "生态效益",
    "可持续影响",
    "一般预算内拨款",
    "一般公共预算拨款",
    "财政专户管理资金",
    "单位资金",
    # the stock 未完成原因 that ends a row
    "已达成预期指标",
    "达成预期指标",
    "达到预期目标",
    "达到预期指标",
    "完成预期目标",
)
FLAT_MIN_LENGTH = 120  # characters; shorter lines are rows or labels, read as they are
FLAT_MIN_LABELS = 5  # distinct labels on one line before it is taken for a flattened table
FLAT_MIN_ADJACENT = 3  # of them directly followed by another label or a number (a sentence has words between)


# Scoring tables ----------------------------------------------------------------------------------

SCORING_COLUMNS: list[tuple[str, str]] = [
    ("序号", "seq"),
    ("一级指标", "level1"),
    ("二级指标", "level2"),
    ("三级指标", "name"),
    ("指标名称", "name"),
    ("评价内容", "name"),
    ("指标分值", "weight"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("评分标准", "criteria"),
    ("评价标准", "criteria"),
    ("评分细则", "criteria"),
    ("指标说明", "criteria"),
    ("指标解释", "criteria"),
    ("评价要点", "criteria"),
    ("自评得分", "score"),
    ("自评分", "score"),
    ("县级评分", "score"),
    ("市级评分", "review"),
    ("复核分", "review"),
    ("评分", "score"),
    ("得分", "score"),
    ("指标", "name"),
]
# group labels of the scoring templates (Hubei: 项目决策 / 项目管理 / 项目绩效), beside LEVEL1_WORDS and the
# level-2 dimensions
SCORING_GROUP_WORDS = frozenset({"项目决策", "项目过程", "项目管理", "项目产出", "项目效益", "项目绩效", "决策"})
# the words of a scoring table's header, folded: each reader adds the fragments it also meets
SCORING_HEADER_WORDS = frozenset(fold(word) for word, _ in SCORING_COLUMNS)
# cells of a scoring table that are neither labels nor values
SCORING_NOISE = frozenset({"说明:", "依据:", "说明", "依据", "/", "-", "—", "——"})


# Header labels --------------------------------------------------------------------------------------

# label -> the fields its value fills; longest labels first so '项目实施单位' is not read as '项目…'
HEADER_KEYS: list[tuple[str, tuple[str, ...]]] = sorted(
    [
        ("项目名称", ("project_name",)),
        ("转移支付(项目)名称", ("project_name",)),
        ("主管部门及代码", ("supervising_department",)),
        ("项目主管部门(单位)", ("supervising_department",)),
        ("项目主管部门", ("supervising_department",)),
        ("项目主管单位", ("supervising_department",)),
        ("地方主管部门", ("supervising_department",)),
        ("主管部门(盖章)", ("supervising_department",)),
        ("主管部门", ("supervising_department",)),
        ("实施(主管)单位", ("unit", "supervising_department")),
        ("项目实施单位", ("unit",)),
        ("实施单位(盖章)", ("unit",)),
        ("实施单位", ("unit",)),
        ("资金使用单位", ("unit",)),
        ("部门(单位)名称", ("unit",)),
        ("省级预算部门名称", ("unit",)),
        ("预算部门名称", ("unit",)),
        ("单位名称", ("unit",)),
        ("部门名称", ("unit",)),
        ("预算单位", ("unit",)),
        ("项目单位(盖章)", ("unit",)),
        ("项目单位", ("unit",)),
        ("填报单位", ("unit",)),
        ("评价单位(盖章)", ("unit",)),
    ],
    key=lambda item: len(item[0]),
    reverse=True,
)


# Header fields not read, whose labels end the value before them when a cell runs them together
HEADER_STOPS = ("项目负责人", "联系电话", "联系人", "地址", "邮编", "项目类型", "项目类别", "项目属性", "金额单位")

# When the form names no fiscal year: the project's period, else the date it was filled in
PERIOD_LABELS = ("项目起止时间", "项目实施期", "专项实施期", "实施期限", "实施周期", "项目周期", "实施期", "执行期")
FILL_DATE_LABELS = ("填报日期", "填表日期", "报告日期")


# Page chrome ---------------------------------------------------------------------------------------

# What web pages and document sites print around a form: a line starting with one of these is not the form's
CHROME_WORDS: tuple[str, ...] = (
    "来源:",
    "来源：",
    "信息来源",
    "发布时间",
    "发布日期",
    "发布机构",
    "发文机构",
    "发文日期",
    "发表时间",
    "索引号",
    "浏览量",
    "浏览次数",
    "阅读次数",
    "点击率",
    "点击数",
    "作者:",
    "作者：",
    "字号",
    "打印",
    "关闭",
    "分享:",
    "语音播报",
    "上传时间",
    "上传人",
    "文档编号",
    "当前位置",
    "您现在的位置",
    "首页>",
    "下载",
    "举报",
    "ID:",
    "大小:",
    "页数:",
    "时间:",
    "资源描述",
    "文本内容",
    "版权说明",
    "文档简介",
    "主题词",
    "主题分类",
    "公开目录",
    "组配分类",
    "发布文号",
    "文号",
    "关键词",
    "责编",
    "日期:",
)


# Cover funds block (计划安排资金 / 实际到位资金 / 实际支出 / 结余, each source listed once per column) ----

COVER_COLUMNS: list[tuple[str, str]] = [
    ("计划安排资金", "budget"),
    ("计划投资额", "budget"),
    ("实际到位资金", "arrived"),
    ("实际使用情况", "executed"),
    ("实际支出", "executed"),
    ("结余", "balance"),
    ("预算数", "budget"),  # Hebei: 预算数 X 到位数 Y 执行数 Z, then 其中:财政资金 … once per column
    ("到位数", "arrived"),
    ("执行数", "executed"),
]
COVER_SOURCES: list[tuple[str, str]] = [
    ("中央财政", "中央资金"),
    ("省财政", "省级资金"),
    ("市县财政", "市县资金"),
    ("县市区财政", "市县资金"),
    ("县财政", "市县资金"),
    ("市财政", "市县资金"),
    ("财政资金", "本年财政拨款"),
    ("其它", "其他资金"),
    ("其他", "其他资金"),
]


# Units of measure (度量单位 cells) -------------------------------------------------------------------

UNITS = frozenset(
    "% ‰ 元 万元 亿元 个 次 人 人次 万人 天 年 月 日 件 万件 项 所 家 户 亩 万亩 平方米 米 公里 千米 册 台 套 场 篇 份 批 吨 "
    "辆 处 座 条 名 期 种 例 小时 分钟 工作日 元/人 元/人/年 元/亩 元/户 元/平方米".split()
)


def is_unit(cell: str) -> bool:
    return fold(cell) in UNITS


# The overall-goal table: a planned column beside a done column -------------------------------------

GOAL_PLANNED = re.compile(r"预期目标|年初设定目标|项目年度目标|年度目标(?!完成)|总体目标(?!完成)")
# a row of the goal block that summarises what was done ('2.项目实施内容及过程概述 | …'): a result of the goal above
GOAL_SUMMARY = re.compile(r"^\d*[.、．]?(项目)?实施内容(及过程)?(概述|情况)?$|^(项目)?实施情况(概述|综述)$")
GOAL_DONE = re.compile(r"实际完成情况|完成情况综述|目标完成情况|具体完成情况|实际完成")


# A report's funds in prose: '项目预算资金140.11万元 … 实际支出140.11万元' ------------------------------------

REPORT_BUDGET_WORDS = "|".join(
    (
        "收到财政资金",
        "全年预算数?",
        "项目预算总额",
        "预算总额",
        "年度预算数?",
        "全年收入",
        "下达指标金额",
        "项目预算资金",
        "预算资金",
    )
)
REPORT_SPENT_WORDS = "|".join(("全年实际支出", "实际支出", "全年支出", "年度支出", "累计支出", "实际拨付金额"))


# Stock phrases a row's 未完成原因 cell holds when there is nothing to explain: they end the row
STOCK_EXPLANATIONS = ("已达成预期指标", "达成预期指标", "达到预期目标", "达到预期指标", "完成预期目标", "无偏差")
REPORT_TOTAL_WORDS = "|".join(
    (
        "项目总得分",
        "项目最终得分",
        "最终得分",
        "自评总分",
        "项目自评分",
        "自评分数",
        "评价得分",
        "自评得分",
        "综合得分",
        "总得分",
        "总分",
    )
)


# Weight-first rows run together (parse/fused_rows.py) ---------------------------------------------

# How OCR misreads the comparison sign before a number ('≥5%' as '工5%', '^80%', '5=50%'). Restored only
# inside a value cell being cut, and only when the row's other value then reads the same number.
OCR_SIGNS: tuple[tuple[str, str], ...] = (("5=", "≥"), ("工", "≥"), ("^", "≥"))
# '%' read as '$' right after a number ('290$' beside '290%')
OCR_PERCENT = ("$",)
# '≥90%' read as '290%': a '2' glued before a percentage. Only in a run of rows whose other values show OCR
# signs, when the percentage is impossible read whole (over 100) and the pair then agrees.
OCR_GLUED_SIGN = ("2", "≥")
# words a target or actual cell holds instead of a number (是 / 基本达到 …), as a pair they are the row's values
VERDICT_WORDS = frozenset(
    {
        "是",
        "否",
        "有",
        "无",
        "达到",
        "已达到",
        "基本达到",
        "未达到",
        "达标",
        "基本达标",
        "未达标",
        "完成",
        "已完成",
        "基本完成",
        "未完成",
        "合格",
        "优秀",
        "良好",
        "较好",
        "满意",
        "基本满意",
    }
)
# A table whose host site stripped every digit (parse/bare_names.py): what a stripped '10分' leaves at the end of a
# row's name, the characters a stripped cell may keep ('(分)', '()'), and words that open a clause of a name, never
# a name of its own ('…满意度及…满意度' is one name)
BARE_SCORE_RESIDUE = "分"
BARE_RESIDUES = "分"
BARE_CONNECTIVES = ("及", "和", "与", "并", "或", "且", "、", "暨", "以及")
# characters that continue a number as its unit: a row's 分值 is never followed by one ('2021年11月…')
QUANTITY_CHARS = frozenset("年月日%‰万亿元个人次天项件户亩吨家所台套条名期")


# The parser's notes a unit must act on: they stop the audit of something only the unit can supply (a form cut
# off, numbers missing from the text, no form at all, the project named as its department). Every other note is
# about how the form was laid out or read, and is for the reviewers (checks: Finding.audience).
# The parser's notes by name, as the report and the workbook show them (findings `completeness.parse.<code>`);
# a code not listed here shows as 识别说明.
PARSE_NOTE_NAMES = {
    "text_cut_off": "文本不完整",
    "indicator_values_absent": "指标数值缺失",
    "no_form_found": "未找到自评表",
    "report_total_missing": "报告未写总分",
    "project_name_is_department": "项目名称填成单位名称",
    "indicator_row_misaligned": "指标行与表头列数不符",
    "fund_row_misaligned": "资金行与表头列数不符",
    "fund_run_together": "资金行数字连写",
    "indicator_run_together": "指标行数字连写",
    "indicator_text_unplaced": "指标文字未能归位",
    "indicator_row_unplaced": "指标行无法识别",
    "fund_row_unplaced": "资金行无法识别",
    "indicator_row_incomplete": "指标行不完整",
    "indicators_unread": "指标表未能读出",
    "indicator_rows_interleaved": "指标行交错",
    "fund_row_interleaved": "资金行交错",
    "fund_rows_apart": "资金行分散",
    "fund_amount_unconfirmed": "资金数额未能核实",
    "ocr_sign_restored": "识别时补回符号",
    "file_ocr": "扫描件文字识别",
    "year_from_fill_date": "年度取自填报日期",
    "year_from_text": "年度取自正文",
    "year_from_period": "年度取自实施期",
    "project_name_apart": "项目名称另行写出",
    "goal_columns_unclear": "目标栏次不清",
    "goal_columns_repeated": "目标两栏文字相同",
}
PARSE_NOTES_FOR_UNITS = frozenset(
    {"text_cut_off", "indicator_values_absent", "no_form_found", "report_total_missing", "project_name_is_department"}
)
