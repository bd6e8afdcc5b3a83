"""HTML is read through lxml: what a browser shows as a table row is a row of cells, whatever the markup leaves
out or wraps around it (Word and Excel "Save as HTML" included), and no nesting depth breaks the reader."""

from __future__ import annotations

from evalaudit.ingest import read_bytes
from evalaudit.ingest.html import html_blocks


def rows(html: str) -> list[list[str]]:
    return [block.cells for block in html_blocks(html) if block.kind == "row"]


def texts(html: str) -> list[str]:
    return [block.cells[0] for block in html_blocks(html) if block.kind == "text"]


def test_cells_and_rows_left_open_are_closed_where_the_next_one_starts() -> None:
    html = "<table><tr><td>资金来源<td>全年预算数<tr><td>年度资金总额<td>100</table>"
    assert rows(html) == [["资金来源", "全年预算数"], ["年度资金总额", "100"]]


def test_a_table_left_open_at_the_end_of_a_cut_off_page_keeps_its_rows() -> None:
    assert rows("<table><tr><td>分值<td>10<tr><td>得分<td>9") == [["分值", "10"], ["得分", "9"]]


def test_rowspan_and_colspan_leave_blanks_where_the_merged_cell_sits() -> None:
    html = (
        "<table><tr><td rowspan=2 colspan=2>产出指标</td><td>a</td></tr><tr><td>b</td></tr>"
        "<tr><td>c</td><td>d</td><td>e</td></tr></table>"
    )
    assert rows(html) == [["产出指标", "", "a"], ["", "", "b"], ["c", "d", "e"]]


def test_absurd_spans_are_capped_instead_of_building_a_huge_grid() -> None:
    ((name, *blanks),) = rows('<table><tr><td colspan="99999999">总分</td></tr></table>')
    assert name == "总分" and len(blanks) == 999  # the HTML standard's cap of 1,000 columns


def test_nested_table_rows_follow_their_outer_row_and_the_cell_keeps_its_own_text() -> None:
    html = (
        "<table><tr><td>绩效指标</td><td>说明<table><tr><td>数量指标</td><td>20</td></tr>"
        "<tr><td>质量指标</td><td>30</td></tr></table></td></tr><tr><td>总分</td><td>100</td></tr></table>"
    )
    assert rows(html) == [["绩效指标", "说明"], ["数量指标", "20"], ["质量指标", "30"], ["总分", "100"]]


def test_a_layout_table_around_the_form_adds_no_row_of_its_own() -> None:
    html = "<table><tr><td><table><tr><td>分值</td><td>得分</td></tr></table></td></tr></table>"
    assert rows(html) == [["分值", "得分"]]


def test_rowspans_of_an_outer_table_survive_a_nested_one() -> None:
    html = (
        "<table><tr><td rowspan=2>产出</td><td><table><tr><td>内</td></tr></table>甲</td></tr>"
        "<tr><td>乙</td></tr></table>"
    )
    assert rows(html) == [["产出", "甲"], ["内"], ["", "乙"]]


WORD_PAGE = """<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8">
<style><!-- p.MsoNormal {mso-style-parent:""; margin:0cm; font-size:10.5pt;} --></style>
<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>作者</o:Author></o:DocumentProperties></xml><![endif]-->
</head>
<body lang=ZH-CN style='tab-interval:21.0pt'>
<p class=MsoNormal><![if !supportLists]><span style='mso-list:Ignore'>一、<span
style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]><span
style='font-family:宋体;mso-ascii-font-family:Calibri'>项目</span><span style='font-family:宋体'>概况</span><o:p></o:p></p>
<table x:str border=0 cellpadding=0 cellspacing=0 style='border-collapse:collapse;mso-padding-alt:0cm 5.4pt'>
<col width=72 style='mso-width-source:userset;mso-width-alt:2304;width:54pt'>
<col width=90 style='width:68pt'>
<tr height=19 style='height:14.25pt'><td class=xl65 width=72>年度资金总额</td>
 <td class=xl66 align=right x:num="520.4">520.40</td></tr>
<tr><td class=xl65>&nbsp;</td><td x:num>10</td></tr>
<tr><td><p class=MsoNormal><span style='mso-bidi-font-size:10.5pt'>执行率<o:p></o:p></span></p></td>
 <td x:num="0.9971">99.71%</td></tr>
<![if supportMisalignedColumns]><tr height=0 style='display:none'>
 <td width=72 style='width:54pt'></td><td width=90></td></tr><![endif]>
</table>
<script>document.write("<td>脚本</td>")</script>
</body></html>"""


def test_word_and_excel_save_as_html_reads_as_the_printed_form() -> None:
    blocks = html_blocks(WORD_PAGE)
    assert [b.cells[0] for b in blocks if b.kind == "text"] == ["一、\xa0\xa0 项目概况"]  # list number kept
    assert [b.cells for b in blocks if b.kind == "row"] == [
        ["年度资金总额", "520.40"],  # the displayed value, not x:num's
        ["", "10"],  # &nbsp; is a blank cell
        ["执行率", "99.71%"],
    ]  # Excel's hidden row of column widths is not a row
    assert not any(word in block.raw for block in blocks for word in ("作者", "脚本", "mso", "DocumentProperties"))


def test_hidden_rows_are_dropped_but_still_count_for_rowspans() -> None:
    html = (
        "<table><tr><td rowspan=3>产出</td><td>甲</td></tr><tr style='display: none'><td>隐藏</td></tr>"
        "<tr><td>乙</td></tr><tr><td>丙</td><td>丁</td></tr></table>"
    )
    assert rows(html) == [["产出", "甲"], ["", "乙"], ["丙", "丁"]]


def test_script_style_and_comments_are_dropped() -> None:
    html = "<style>td{color:red}</style><p>正文<!-- 注释 --></p><script>var a = '<p>脚本</p>';</script><noscript>无</noscript>"
    assert texts(html) == ["正文"]


def test_br_inside_a_cell_is_a_line_break_of_the_cell() -> None:
    (block,) = [
        b for b in html_blocks("<table><tr><td>网上办税<br>业务量</td><td>20</td></tr></table>") if b.kind == "row"
    ]
    assert block.cells == ["网上办税 业务量", "20"]  # the parser reads one line per cell
    assert block.raw == "网上办税\n业务量\t20"  # the reviewer sees the break


def test_br_and_paragraphs_outside_tables_are_lines() -> None:
    assert texts("<p>填报日期：2024-01-20<br>填报人：张三</p><div>审核人：李四</div>") == [
        "填报日期：2024-01-20",
        "填报人：张三",
        "审核人：李四",
    ]


def test_line_breaks_of_the_markup_are_whitespace_and_vanish_between_chinese_characters() -> None:
    html = "<p>预算执行\n  情况良好</p><p>budget\nexecution</p><p>分值 得分</p>"
    assert texts(html) == ["预算执行情况良好", "budget execution", "分值 得分"]


def test_pre_keeps_its_lines() -> None:
    assert texts("<pre>一级指标\n二级指标</pre>") == ["一级指标", "二级指标"]


def test_stray_cells_outside_a_table_still_make_a_row() -> None:
    assert rows("<td>分值</td><td>10</td><p>说明</p>") == [["分值", "10"]]


def test_ten_thousand_nested_divs_are_read_to_the_end() -> None:
    html = "<p>开头</p>" + "<div>" * 10_000 + "深处" + "</div>" * 10_000 + "<p>结尾</p>"
    assert texts(html) == ["开头", "深处", "结尾"]  # libxml2 as a tree would stop at depth 256


def test_deep_markup_never_closed_is_read_too() -> None:
    html = "<table><tr><td>分值</td></tr></table>" + "<div><span><b>" * 50_000 + "最后"
    blocks = html_blocks(html)
    assert [b.cells for b in blocks if b.kind == "row"] == [["分值"]]
    assert [b.cells for b in blocks if b.kind == "text"] == [["最后"]]


def test_blocks_are_numbered_in_order() -> None:
    blocks = html_blocks("<p>甲</p><table><tr><td>乙</td></tr></table><p>丙</p>")
    assert [b.lineno for b in blocks] == list(range(1, len(blocks) + 1))


def test_a_page_with_only_markup_is_no_blocks_not_an_error() -> None:
    assert html_blocks("<html><head><title>标题</title></head><body></body></html>") == []
    assert html_blocks("<!-- 只有注释 -->") == []


def test_the_declared_charset_does_not_reach_the_parser_twice() -> None:
    """The bytes are decoded once (decode.py); lxml gets text and must not re-decode it by the meta."""
    page = '<?xml version="1.0" encoding="gb2312"?><html><head><meta charset="big5"></head><body><p>預算執行</p>'
    document = read_bytes("a.html", page.encode("big5"))
    assert [b.cells for b in document.blocks if b.kind == "text"] == [["預算執行"]]


def test_a_saved_as_web_page_table_is_read_by_its_grid_like_the_word_table() -> None:
    """Word and Excel "save as web page" keep the table: a blank cell keeps its column, as in the .docx."""
    from evalaudit.parse import parse_document

    html = (
        "<p>2023年度项目支出绩效自评表</p><table>"
        "<tr><td>项目名称</td><td colspan=7>道路养护</td></tr>"
        "<tr><td rowspan=3>项目资金（万元）</td><td></td><td>年初预算数</td><td>全年预算数</td><td>全年执行数</td>"
        "<td>分值</td><td>执行率</td><td>得分</td></tr>"
        "<tr><td>年度资金总额</td><td>100</td><td>100</td><td>95</td><td>10</td><td>95%</td><td>9.5</td></tr>"
        "<tr><td>其中：财政拨款</td><td>60</td><td>60</td><td>59.8</td><td></td><td></td><td></td></tr>"
        "</table>"
    )
    document = read_bytes("表.html", html.encode())
    assert all(block.grid for block in document.blocks if block.kind == "row")
    (form,) = parse_document(document).evaluations
    amounts = [(row.initial_budget, row.budget, row.executed, row.weight, row.stated_score) for row in form.funds]
    assert amounts == [(100, 100, 95, 10, 9.5), (60, 60, 59.8, None, None)]
