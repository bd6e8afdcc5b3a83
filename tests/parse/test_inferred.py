"""What a form leaves out, inferred from the document: the year, the project evaluated, the publishing office."""

from __future__ import annotations

from tests.parse.texts import forms_of as _forms

_REPORT = [
    "某县财政支出项目绩效评价自评报告",
    "项目名称:乡村道路养护",
    "项目单位:某县公路养护中心",
    "主管部门:某县交通运输局",
]


def test_a_form_without_a_year_takes_the_year_its_project_ran_in() -> None:
    (form,) = _forms("\n".join(_REPORT + ["报告日期:2021年07月12日", "项目起止时间:2020年1月起至2020年12月止"]))
    assert form.year == 2020
    assert any(w.code == "year_from_period" for w in form.warnings)


def test_a_project_over_several_years_gives_no_year() -> None:
    (form,) = _forms("\n".join(_REPORT + ["报告日期:2021年07月12日", "项目起止时间:2019年3月至2021年12月"]))
    assert form.year is None


def test_else_the_year_before_the_report_was_filed() -> None:
    (form,) = _forms("\n".join(_REPORT + ["报告日期:2022年7月8日"]))
    assert form.year == 2021
    assert any(w.code == "year_from_fill_date" and "2022-07-08" in w.message for w in form.warnings)


def test_a_report_filed_late_in_the_year_gives_no_year() -> None:
    (form,) = _forms("\n".join(_REPORT + ["报告日期:2022年11月8日"]))
    assert form.year is None


def test_a_report_names_its_year_in_the_sentence_that_says_what_was_evaluated() -> None:
    text = "\n".join(
        [
            "某县学前教育项目绩效评价自评报告",
            "依据《某省学前教育项目绩效评价办法》(某财(2018)12号),对我县2022年学前教育项目开展了自评,现报告如下:",
            "一、投入(20分)",
            "(一)项目立项(10分):程序规范。自评得10分。",
            "(二)资金落实(10分):资金到位。自评得9分。",
        ]
    )
    (form,) = _forms(text)
    assert form.year == 2022
    assert any(w.code == "year_from_text" for w in form.warnings)


def test_a_report_without_a_project_name_takes_the_project_it_says_it_evaluated() -> None:
    text = "\n".join(
        [
            "某市财政局依据《某市项目支出绩效评价管理办法》,组织对2020-2022年城区绿化养护项目实施重点绩效评价,"
            "项目最终得分88分,评价等级为良。",
            "一、项目概况",
        ]
    )
    (form,) = _forms(text)
    assert form.form_type == "report"
    assert form.project_name == "2020-2022年城区绿化养护项目"


def test_a_report_on_a_web_page_is_the_unit_s_that_published_it() -> None:
    body = [
        "某区2020年度困难群众救助民生工程绩效评价自评报告",
        "",
        "发表时间:2021-01-08 15:10 作者:民政局  点击数: 字体:[  ]",
        "",
        "现就2020年我区困难群众救助工作绩效自评情况报告如下:",
        "一、项目投入情况。分值20分(自评20分)",
        "(一)项目立项。分值10分,自评10分。",
        "(二)资金落实。分值10分,自评10分。",
    ]
    (form,) = _forms("\n".join(body))
    assert form.unit == "民政局"
    (form,) = _forms("\n".join(body[:2] + ["某省文化和旅游厅 | 2022-12-30"] + body[3:]))
    assert form.unit == "某省文化和旅游厅"


def test_a_report_cover_signed_above_a_date_in_chinese_numerals() -> None:
    text = "\n".join(
        [
            "某省体育专项资金转移支付2021年度绩效自评报告.docx",
            "某省体育专项资金转移支付2021年度绩效自评报某省体育局二〇二二年三月序号各设区市名称全年预算数全年执行数",
        ]
    )
    (form,) = _forms(text)
    assert form.unit == "某省体育局"
    (form,) = _forms(
        "\n".join(["某省体育专项资金2021年度绩效自评报告", "某省体育局", "二〇二二年三月", "一、基本情况"])
    )
    assert form.unit == "某省体育局"
