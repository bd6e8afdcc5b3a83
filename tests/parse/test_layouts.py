"""Layouts units publish, undone before the form is read: each a small form written for the test."""

from __future__ import annotations

from evalaudit.ingest.blocks import Block
from evalaudit.ingest.text import text_blocks
from evalaudit.parse.flatten import join_page_chunks, matching_copy, split_flat, strip_pinyin
from evalaudit.parse.fused import name_and_value, split_fused
from evalaudit.parse.lines import is_chrome, rebuild_rows, to_lines


def test_inserted_pinyin_is_removed_and_numbers_in_brackets_are_kept() -> None:
    assert strip_pinyin("實(shí)施單(dān)位") == "實施單位"
    assert strip_pinyin("全年预算数(A)") == "全年预算数(A)"
    assert strip_pinyin("满意度(≥90%)") == "满意度(≥90%)"


def test_matching_copy_keeps_every_position() -> None:
    text = "項目名稱：某某（2023年度）"
    assert len(matching_copy(text)) == len(text)
    assert matching_copy(text).startswith("项目名称:")


def test_a_flattened_form_is_cut_at_its_own_labels() -> None:
    line = (
        "项目支出绩效自评表(2022年度)项目名称乡村道路养护项目主管部门某县交通运输局实施单位某县公路站"
        "项目资金(万元)年初预算数全年预算数全年执行数分值执行率得分年度资金总额:1001009090%9"
        "其中:当年财政拨款1001009090%9其他资金"
    )
    cells = split_flat(line)
    assert cells is not None
    assert cells[cells.index("项目名称") + 1] == "乡村道路养护项目"
    assert cells[cells.index("实施单位") + 1] == "某县公路站"
    assert cells[cells.index("年度资金总额:") + 1] == "1001009090%9"


def test_a_sentence_that_names_columns_is_not_cut() -> None:
    note = (
        "注：绩效自评采取打分评价形式，满分为100分，各部门可根据指标的重要程度自主确定各项三级指标的权重分值，"
        "各项指标得分加总得出该项目绩效自评的总分，一级指标和二级指标的分值由部门根据实际情况确定，产出指标和效益指标均应量化。"
    )
    assert split_flat(note) is None


def test_document_site_page_chunks_are_glued_back() -> None:
    first = "1、" + "甲" * 120 + "12.5"
    second = "2、" + "1乙" * 60
    assert join_page_chunks([first, second]) == ["甲" * 120 + "12.5" + "1乙" * 60]
    numbered_list = ["1、投入 10 分", "2、过程 20 分"]
    assert join_page_chunks(numbered_list) == numbered_list


def test_page_chrome_is_recognised() -> None:
    assert is_chrome("发布时间: 2023-05-22 16:35 信息来源:某局")
    assert is_chrome("• 索引号")
    assert not is_chrome("项目名称 | 乡村道路养护项目")


def test_one_cell_per_line_tables_become_rows_again() -> None:
    header = ["|", "一级指标 |", "二级指标 |", "三级指标 |", "分值 |", "年度指标值 |", "全年实际值 |", "得分 |"]
    first = ["|", "产出指标 |", "数量指标 |", "养护里程 |", "10 |", "≥30公里 |", "31公里 |", "10 |"]
    second = ["|", "|", "时效指标 |", "完工时间 |", "10 |", "12月底 |", "11月底 |", "10 |"]
    text = "\n".join(
        [
            "项目名称 |",
            "道路养护 |",
            "||||||",
            "主管部门 |",
            "某县交通运输局 |",
            "||||||",
            *header,
            *first,
            *second,
            "||||||",
        ]
    )
    rows = [block.cells for block in rebuild_rows(text_blocks(text)) if block.kind == "row"]
    assert rows[0] == ["项目名称", "道路养护"]
    assert rows[2] == ["", "一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分"]
    assert rows[3] == ["", "产出指标", "数量指标", "养护里程", "10", "≥30公里", "31公里", "10"]
    assert rows[4] == ["", "", "时效指标", "完工时间", "10", "12月底", "11月底", "10"]


def test_a_name_fused_with_its_values_is_cut_by_the_number_of_value_columns() -> None:
    assert split_fused("监测数据质量合格100%100%10", 3) == ["监测数据质量合格", "100%", "100%", "10"]
    assert split_fused("收集2018-2022监测资料98%98%19.6", 3) == ["收集2018-2022监测资料", "98%", "98%", "19.6"]
    assert split_fused("1010100", 3) is None  # bare digits: the funds table's arithmetic decides those


def test_lines_of_a_wrapped_label_stay_one_label() -> None:
    blocks = [
        Block(
            "text",
            [
                "年度资金总额: 620.82万元 620.82万元 620.82万元 100 100% 10 其中:当年财政 拨款 620.82万元 "
                "620.82万元 620.82万元 100 100% 10 上年结转资金 其他资金 项目名称 司法行政经费 主管部门 某市司法局 "
                "实施单位 某市司法局 年初预算数 全年预算数 全年执行数"
            ],
            "",
            1,
        )
    ]
    cells = [cell for line in to_lines(blocks) for cell in line.cells]
    assert "其中:当年财政拨款" in cells


def test_a_name_fused_with_its_one_value() -> None:
    assert name_and_value("火灾起因查明率不低于95%") == ["火灾起因查明率", "不低于95%"]
    # a bare number is a value only when the name states its unit
    assert name_and_value("维护经费控制额(万元)48") == ["维护经费控制额(万元)", "48"]
    assert name_and_value("维护经费控制额48") is None
    # a yes/no answers a question the name asks
    assert name_and_value("群众防汛意识是否明显增强是") == ["群众防汛意识是否明显增强", "是"]
    assert name_and_value("群众防汛意识明显增强是") is None
