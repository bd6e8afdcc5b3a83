"""Forms with no grid of fund columns or score columns: fund rows written `label amount` one per line, a
checklist table (指标解释 / 自评内容 / 完成情况, nothing scored), and a scoring table a PDF interleaved."""

from __future__ import annotations

from evalaudit.parse.checklist import is_checklist_header, parse_checklist
from evalaudit.parse.label_amounts import label_amount_funds
from evalaudit.parse.lines import Line
from evalaudit.parse.scoring_stream import stream_scoring
from tests.parse.texts import forms_of as _parse


def _lines(*rows: list[str]) -> list[Line]:
    return [Line(cells, " ".join(cells), number, False) for number, cells in enumerate(rows, start=1)]


# label amount, one per line ------------------------------------------------------------------------


def _fund_block(middle_part: str = "30.00") -> list[Line]:
    return _lines(
        ["某项目资金合计(万元)", "年度预算资金总额):", "200.50"],
        ["其中:中央补助", "120.00"],
        ["市级资金", "50.00"],
        ["本级资金(含结转)", "30.50"],
        ["其中:"],
        ["甲类补助资金(万元)"],
        ["年度预算资金总额:", "150.00"],
        ["其中:中央补助", "100.00"],
        ["市级资金", "20.00"],
        ["本级资金(含结转)", "30.00"],
        ["其中:"],
        ["乙类补助资金(万元)"],
        ["年度预算资金总额:", "50.50"],
        ["其中:中央补助", "20.00"],
        ["市级资金", middle_part],
        ["本级资金(含结转)", "0.50"],
        ["下一个指标 说明文字，不是金额。"],
    )


def test_label_amount_lines_are_fund_rows_when_their_parts_add_up() -> None:
    rows, warnings = label_amount_funds(_fund_block())
    assert [(row.label, row.budget) for row in rows[:4]] == [
        ("年度预算资金总额", 200.5),
        ("其中:中央补助", 120.0),
        ("市级资金", 50.0),
        ("本级资金(含结转)", 30.5),
    ]
    assert rows[0].item == "年度资金总额" and rows[1].item == "中央资金"
    # the schemes' rows are parts of the total row, not more parts of it: their items carry the scheme
    assert rows[4].item == "甲类补助资金/年度资金总额" and rows[4].budget == 150.0
    assert len(rows) == 12 and not warnings


def test_an_amount_no_sum_confirms_is_not_read_and_is_said() -> None:
    # 乙类: 20 + 31 + 0.5 ≠ 50.5, and 20 + 31 ≠ 50 across the schemes; its other amounts agree with a sum
    rows, warnings = label_amount_funds(_fund_block(middle_part="31.00"))
    scheme = [(row.label, row.budget) for row in rows if row.item.startswith("乙类")]
    assert scheme == [("年度预算资金总额", 50.5), ("其中:中央补助", 20.0), ("本级资金(含结转)", 0.5)]
    assert [w.code for w in warnings] == ["fund_amount_unconfirmed"] and "31.00" in warnings[0].message
    # the unit is told which sums fail, written out
    assert "20.00 + 31.00 + 0.50 = 51.50，与年度预算资金总额 50.50 不符" in warnings[0].message


def test_label_amount_lines_whose_sums_fail_are_no_funds_table() -> None:
    lines = _lines(["年度资金总额:", "100"], ["其中:中央补助", "70"], ["市级资金", "20"])
    assert label_amount_funds(lines) == ([], [])


def test_the_label_says_which_column_its_amount_is() -> None:
    lines = _lines(["全年执行数资金总额:", "90"], ["其中:中央补助执行数", "60"], ["本级资金执行数", "30"])
    rows, _ = label_amount_funds(lines)
    assert [(row.executed, row.budget) for row in rows] == [(90.0, None), (60.0, None), (30.0, None)]


# checklist rows ---------------------------------------------------------------------------------------

_CHECKLIST_HEADER = Line(["一级指标", "二级指标", "三级指标", "自评内容", "完成情况"], "", 1, False)


def test_a_checklist_header_names_levels_and_a_result_but_nothing_scored() -> None:
    assert is_checklist_header(_CHECKLIST_HEADER)
    assert not is_checklist_header(Line(["一级指标", "二级指标", "三级指标", "完成情况", "得分"], "", 1, False))


def test_checklist_rows_open_at_their_labels_and_carry_their_levels() -> None:
    rows = _lines(
        ["资金管理 资金使用 支出合规性 支出符合财务制度，手续完备，无挪用 支出审核记录 已按规定支出"],
        ["1.有关支出凭证。"],
        ["审核意见(文字描述)", "已审核"],
        ["会计核算 账务处理符合会计制度要求，科目使用正确。"],
        ["资金拨付 拨付及时性 资金到位后，十五日内拨付到项目单位。 拨付文号，拨付日期 按时"],
    )
    indicators = parse_checklist(_CHECKLIST_HEADER, rows)
    assert [(i.level1, i.level2, i.name, i.actual.raw) for i in indicators] == [
        ("资金管理", "资金使用", "支出合规性", "已按规定支出"),
        ("资金管理", "资金使用", "会计核算", ""),
        # a record cell that is a sentence may hold spaces of its own: the result's place is unknown
        ("资金管理", "资金拨付", "拨付及时性", ""),
    ]


def test_a_checklist_form_reads_its_rows_and_its_fund_lines() -> None:
    text = "\n".join(
        [
            "某县2024年度某某补助项目绩效自评表",
            "指标名称 指标解释 记录 未完成原因及改进措施 需提供的支撑材料",
            "一级指标 二级指标 三级指标 自评内容 完成情况",
            "预算管理 资金投入 预算安排 补助资金纳入年度预算，按标准测算，足额安排 测算标准 已足额安排",
            "资金安排情况 年度预算资金安排情况说明。",
            "年度预算资金总额: 80.00 ",
            "其中:中央补助 50.00 ",
            "本级资金 30.00 ",
        ]
    )
    (form,) = _parse(text)
    assert [(i.level1, i.name, i.actual.raw) for i in form.indicators] == [
        ("预算管理", "预算安排", "已足额安排"),
        ("预算管理", "资金安排情况", ""),
    ]
    assert [(f.item, f.budget) for f in form.funds] == [("年度资金总额", 80.0), ("中央资金", 50.0), ("市县资金", 30.0)]


# a scoring table interleaved by a PDF -------------------------------------------------------------


_STREAM = (
    "项目基本情况 309 309 权重 评价内容 分值 自评分 复核分 项目决策 5 分 立项依据 5 4 1、有立项文件的 3 分; "
    "2、有批复 2 分。 资金管理 3 3 1、有办法 1 分; 预算执行 项目过程 10 分 3 2 2、按进度 2 分。 "
    "执行监控 4 4 0.5 分,扣完为止; 一级 指标 二级 指标名称 年初指标值 数量指 路段 100 标 20 分 "
    "质量指 合格率 标 10 分 产出 指标 30 分"
)


def test_interleaved_scoring_rows_are_a_name_and_two_numbers() -> None:
    indicators, sections = stream_scoring(_lines(_STREAM.split(" ")))
    assert [(i.name, i.weight, i.score) for i in indicators] == [
        ("立项依据", 5, 4),
        ("资金管理", 3, 3),
        ("预算执行", 3, 2),  # the group's merged cell landed between the name and its numbers
        ("执行监控", 4, 4),  # 0.5 分 is its criterion's points
    ]
    # the groups' own points place the rows: 5 | 3 + 3 + 4 = 10
    assert [i.level1 for i in indicators] == ["项目决策", "项目过程", "项目过程", "项目过程"]
    assert [(s.name, s.weight) for s in sections] == [
        ("项目决策", 5),
        ("项目过程", 10),
        ("数量指标", 20),
        ("质量指标", 10),
        ("产出指标", 30),
    ]


def test_interleaved_rows_get_no_group_when_the_points_do_not_add_up() -> None:
    text = _STREAM.replace("项目过程 10 分", "项目过程 12 分")
    indicators, _ = stream_scoring(_lines(text.split(" ")))
    assert [i.name for i in indicators] == ["立项依据", "资金管理", "预算执行", "执行监控"]
    assert all(i.level1 == "" for i in indicators)


def test_no_interleaved_scoring_without_its_header() -> None:
    assert stream_scoring(_lines("立项依据 5 4 资金管理 3 3".split(" "))) == ([], [])


def test_rows_picked_out_of_interleaved_columns_prove_no_sum() -> None:
    text = "某局某某项目绩效自评表\n项目名称 某某项目 自评总分: 90\n" + _STREAM
    (form,) = _parse(text)
    assert [i.name for i in form.indicators][:2] == ["立项依据", "资金管理"]
    assert "indicator_rows_interleaved" in [w.code for w in form.warnings]
    assert "rows" in form.unread.split()
