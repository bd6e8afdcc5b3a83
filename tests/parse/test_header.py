"""Who and when, on forms that do not say it where the template puts it."""

from __future__ import annotations

from tests.parse.texts import forms_of as _forms


def test_a_cover_page_names_the_unit_and_year_of_the_table_after_it() -> None:
    text = "\n".join(
        [
            "某区2022年度部门整体支出绩效评价自评报告",
            "部门(单位)名称",
            "某区发展和改革局",
            "报告日期:2023年5月10日",
            "部门整体支出绩效评价指标表",
            "一级指标 分值 二级指标 分值 三级指标 分值 得分",
            "投入 20 预算配置 20 在职人员控制率 10 10",
            "三公经费变动率 10 9",
        ]
    )
    cover, table = _forms(text)
    assert (cover.unit, cover.year) == ("某区发展和改革局", 2022)
    assert table.indicators and (table.unit, table.year) == ("某区发展和改革局", 2022)


def test_labels_and_values_run_into_one_cell_are_cut_at_each_label() -> None:
    text = "\n".join(
        [
            "项目支出绩效评价表",
            "项目实施单位某县林场管理中心主管部门某县林业局项目负责人张三联系电话12345678",
            "一级指标 二级指标 三级指标 分值 得分",
            "产出指标 数量指标 造林面积 50 50",
        ]
    )
    (form,) = _forms(text)
    assert (form.unit, form.supervising_department) == ("某县林场管理中心", "某县林业局")


def test_a_blank_field_does_not_take_the_next_label_or_a_column_header() -> None:
    text = "\n".join(
        [
            "某县财政支出项目绩效评价自评报告",
            "项目名称 乡村道路养护",
            "主管部门",
            "评价方式: 自评",
            "单位名称/ 项目名称",
            "一级 指标 | 二级 指标 | 三级指标 | 分值 | 得分",
            "产出指标 | 数量指标 | 养护里程 | 50 | 50",
        ]
    )
    (form,) = _forms(text)
    assert form.supervising_department == ""
    assert form.project_name == "乡村道路养护"


def test_a_stray_pipe_between_a_label_and_its_value_is_skipped() -> None:
    text = "\n".join(
        [
            "项目支出绩效自评表",
            "| ( 2023年度) |",
            "项目名称 | 2023年某林场救助站建设项目 |",
            "一级指标 | 二级指标 | 三级指标 | 分值 | 得分 |",
            "产出指标 | 数量指标 | 救助站面积 | 50 | 50 |",
        ]
    )
    (form,) = _forms(text)
    assert form.project_name == "2023年某林场救助站建设项目"


def test_a_report_is_no_cover_page_of_the_table_after_it() -> None:
    prose = "本年度资金全部按时拨付到位，各项工作按计划推进，取得了预期成效。" * 12
    text = "\n".join(
        [
            "某区2022年度部门整体支出绩效评价自评报告",
            "部门(单位)名称",
            "某区发展和改革局",
            prose,
            "部门整体支出绩效评价指标表",
            "一级指标 分值 二级指标 分值 三级指标 分值 得分",
            "投入 20 预算配置 20 在职人员控制率 10 10",
            "三公经费变动率 10 9",
        ]
    )
    report, table = _forms(text)
    assert report.unit == "某区发展和改革局"
    assert table.indicators and table.unit == ""


def test_a_file_name_as_title_names_the_fund_before_its_year() -> None:
    text = "\n".join(
        [
            "某省省级体育专项资金转移支付2021年度绩效自评报告.docx",
            "一、投入(20分)",
            "(一)项目立项(10分):程序规范。自评得10分。",
            "(二)资金落实(10分):资金到位。自评得9分。",
        ]
    )
    (form,) = _forms(text)
    assert (form.form_type, form.project_name, form.year) == ("report", "某省省级体育专项资金转移支付", 2021)


def test_a_label_wrapped_around_its_value() -> None:
    """'省级预算' / value / '部门名称': a two-line label cell with its value centred beside it."""
    text = "\n".join(
        [
            "部门整体支出绩效自评表",
            "(2021年度)",
            "省级预算",
            "某县教育局",
            "部门名称",
            "一级指标 二级指标 三级指标 分值 得分",
            "产出指标 数量指标 在校生人数 50 50",
        ]
    )
    (form,) = _forms(text)
    assert form.unit == "某县教育局"
