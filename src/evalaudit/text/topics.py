"""What kind of work a text is about, from topic words that belong to one kind of unit.

An explanation about 税费征收 inside a government service centre's form, whose own words never mention
tax, is the classic paste from another unit's form. Words are chosen to be specific to one kind of unit;
general words (服务, 管理, 资金, 完成) are deliberately absent.
"""

from __future__ import annotations

import re

KINDS: dict[str, tuple[str, ...]] = {
    "税务": (
        "纳税",
        "办税",
        "税收",
        "税费",
        "征收",
        "征管",
        "代征",
        "社保费",
        "税务",
        "退税",
        "发票",
        "税源",
        "纳税人",
        "个税",
        "增值税",
        "减税降费",
        "税款",
        "稽查",
    ),
    "教育": (
        "学校",
        "教师",
        "学生",
        "教学",
        "课堂",
        "校舍",
        "招生",
        "学前",
        "义务教育",
        "入学",
        "学籍",
        "课程",
        "师资",
        "校园",
        "家长",
        "辍学",
        "幼儿园",
    ),
    "卫生健康": (
        "医疗",
        "患者",
        "疫苗",
        "接种",
        "诊疗",
        "医院",
        "卫生院",
        "健康档案",
        "慢性病",
        "疾病",
        "医生",
        "护理",
        "传染病",
        "孕产妇",
        "门诊",
        "药品",
        "体检",
    ),
    "水利": (
        "供水",
        "管网",
        "水质",
        "饮水",
        "水库",
        "灌溉",
        "河道",
        "堤防",
        "水源",
        "排涝",
        "防汛",
        "水利",
        "取水",
        "渠道",
        "泵站",
    ),
    "交通运输": (
        "公路",
        "路面",
        "养护里程",
        "桥梁",
        "客运",
        "货运",
        "道路运输",
        "路况",
        "公交",
        "隧道",
        "路基",
        "优良路率",
        "客车",
        "航道",
        "养护",
    ),
    "政务服务": (
        "政务服务",
        "办件",
        "窗口",
        "审批",
        "一网通办",
        "热线",
        "便民服务",
        "帮办代办",
        "跨省通办",
        "营商环境",
        "进驻",
        "一窗受理",
        "即办件",
        "帮办",
        "企业开办",
        "话务",
    ),
    "党建": (
        "党支部",
        "党员",
        "党建",
        "组织生活",
        "党费",
        "三会一课",
        "主题党日",
        "党风廉政",
        "支部",
        "入党",
        "党组织",
        "廉政",
        "积极分子",
    ),
    "乡镇": (
        "村民",
        "农户",
        "乡村振兴",
        "村级",
        "村集体",
        "人居环境",
        "脱贫",
        "农村",
        "村委会",
        "驻村",
        "宅基地",
        "种植",
        "养殖",
    ),
    "民政": (
        "低保",
        "救助",
        "养老服务",
        "特困",
        "残疾人",
        "婚姻登记",
        "殡葬",
        "社会组织",
        "孤儿",
        "临时救助",
        "敬老院",
        "老年人",
    ),
}
_WORD_KIND = {word: kind for kind, words in KINDS.items() for word in words}
_PATTERN = re.compile("|".join(sorted(map(re.escape, _WORD_KIND), key=len, reverse=True)))


def topic_words(text: str) -> list[str]:
    """The topic words in a text, in order, each once."""
    return list(dict.fromkeys(_PATTERN.findall(text)))


def kind_of(word: str) -> str:
    return _WORD_KIND[word]


def foreign_words(explanation: str, context: str) -> list[str]:
    """Topic words of the explanation that appear nowhere in the form's own context."""
    return [word for word in topic_words(explanation) if word not in context]
