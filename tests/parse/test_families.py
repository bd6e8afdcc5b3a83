"""Form families besides the target/actual table, each on a small form written for the test."""

from __future__ import annotations

from evalaudit.parse.fused_scoring import fused_scoring_rows
from tests.parse.texts import one_form as _form
from tests.parse.texts import parse_text as _parse


def test_a_scoring_table_one_cell_per_line_reads_groups_and_rows() -> None:
    cells = [
        "某项目绩效评价指标评分表",
        "一级指标",
        "分值",
        "二级指标",
        "分值",
        "三级指标",
        "分值",
        "得分",
        "项目决策",
        "20",
        "项目目标",
        "4",
        "目标内容",
        "4",
        "4",
        "决策过程",
        "16",
        "决策依据",
        "6",
        "5",
        "决策程序",
        "10",
        "10",
        "总分",
        "100",
        "99",
    ]
    form = _form("\n\n".join(cells))
    rows = [(i.level1, i.level2, i.name, i.weight, i.score) for i in form.indicators]
    assert rows == [
        ("项目决策", "项目目标", "目标内容", 4, 4),
        ("项目决策", "决策过程", "决策依据", 6, 5),
        ("项目决策", "决策过程", "决策程序", 10, 10),
    ]
    assert [(s.name, s.weight) for s in form.sections] == [("项目决策", 20), ("项目目标", 4), ("决策过程", 16)]


def test_a_scoring_table_with_a_sequence_column_and_bonus_points() -> None:
    cells = [
        "某奖补项目绩效评价自评表",
        "序号",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标说明",
        "分值",
        "评分",
        "1",
        "决策(10)",
        "项目立项",
        "民主议事",
        "记录齐全的，得2分；记录不全的扣1分",
        "2",
        "2",
        "2",
        "工作安排",
        "列入重点工作的，得1分；领导作出批示的，每个加1分，最多加2分",
        "1",
        "2",
    ]
    form = _form("\n\n".join(cells))
    rows = [(i.level1, i.level2, i.name, i.weight, i.score) for i in form.indicators]
    assert rows == [("决策", "项目立项", "民主议事", 2, 2), ("决策", "项目立项", "工作安排", 1, 2)]
    assert "加1分" in form.indicators[1].criteria  # the checks let a bonus row pass its points


def test_a_scoring_table_run_together_is_cut_at_its_scores() -> None:
    text = (
        "投入10预算配置10人员控制率5以编制数为准，超出的每人扣1分，扣完为止。5公用经费变动率5公用经费变动率不高于0的，"
        "计5分，每高出一个百分点扣0.5分。4过程20预算执行20预算完成率5100%计满分，每降低5%扣2分。3"
    )
    indicators, sections = fused_scoring_rows(text)
    assert [(i.level1, i.level2, i.name, i.weight, i.score) for i in indicators] == [
        ("投入", "预算配置", "人员控制率", 5, 5),
        ("投入", "预算配置", "公用经费变动率", 5, 4),
        ("过程", "预算执行", "预算完成率", 5, None),  # its score stands at the very end: the text may go on
    ]
    assert [(s.name, s.weight) for s in sections] == [("投入", 10), ("预算配置", 10), ("过程", 20), ("预算执行", 20)]


def test_a_run_together_scoring_table_with_ocr_noise_and_a_row_cut_off() -> None:
    text = (
        "过程20预算执行20预算控制率5预算控制率=本年追加预算/年初预算x100%o4"
        "楼堂馆所面积控制率5实际建设面积/批准建设面积×100%。5楼堂馆所投资"
    )
    indicators, _ = fused_scoring_rows(text)
    assert [(i.name, i.weight, i.score) for i in indicators] == [
        ("预算控制率", 5, 4),  # '100%o4': an OCR'd letter between the criterion and its score
        ("楼堂馆所面积控制率", 5, 5),
        ("楼堂馆所投资", None, None),  # the text stops in the row's name
    ]


def test_the_cover_funds_block_lists_each_source_once_per_column() -> None:
    cells = [
        "某县财政支出项目绩效评价自评报告",
        "项目名称",
        "道路养护",
        "项目单位",
        "某县公路站",
        "计划安排资金",
        "(万元)",
        "80",
        "实际到位资金",
        "(万元)",
        "80",
        "实际支出",
        "(万元)",
        "76",
        "结余(万元)",
        "4",
        "其中:中央财政",
        "其中:中央财政",
        "其中:中央财政",
        "其中:中央财政",
        "省财政",
        "30",
        "省财政",
        "30",
        "省财政",
        "28",
        "省财政",
        "2",
        "县市区财政",
        "50",
        "县市区财政",
        "50",
        "县市区财政",
        "48",
        "县市区财政",
        "2",
        "二、项目支出明细情况",
        "得分8分",
    ]
    form = _form("\n\n".join(cells))
    funds = [(f.item, f.budget, f.executed) for f in form.funds]
    assert funds == [("年度资金总额", 80, 76), ("中央资金", None, None), ("省级资金", 30, 28), ("市县资金", 50, 48)]


def test_funds_by_city_flattened_are_split_where_the_rate_confirms() -> None:
    text = (
        "某省体育专项资金绩效自评报告序号各设区市名称全年预算数全年执行数预算执行率"
        "1甲市100.0090.0090.00%2乙市5050.00100.00%合计150.00140.0093.33%从上表看执行较好，评价得分为90分。"
    )
    form = _form(text)
    assert [(f.label, f.budget, f.executed, f.stated_rate) for f in form.funds] == [
        ("甲市", 100, 90, 90),
        ("乙市", 50, 50, 100),
        ("合计", 150, 140, 93.33),
    ]
    assert form.funds[-1].item == "年度资金总额"


def test_a_report_states_scores_under_numbered_headings() -> None:
    text = "\n".join(
        [
            "某区2021年度孤儿保障民生工程绩效评价自评报告",
            "一、项目投入情况。分值20分(自评20分)",
            "(一)项目立项。分值10分，自评10分。项目符合规定。",
            "(二)资金落实。分值10分，自评10分。资金全部到位。",
            "二、项目过程情况。分值30分(自评29分)",
            "(一)项目管理。分值20分，自评19分。",
            "1、管理制度健全性。分值2分，自评2分。",
        ]
    )
    form = _form(text)
    assert form.form_type == "report" and form.project_name == "孤儿保障民生工程" and form.year == 2021
    assert [(i.level1, i.level2, i.name, i.weight, i.score) for i in form.indicators] == [
        ("项目投入情况", "", "项目立项", 10, 10),
        ("项目投入情况", "", "资金落实", 10, 10),
        ("项目过程情况", "项目管理", "管理制度健全性", 2, 2),
    ]
    assert [(s.name, s.weight, s.score) for s in form.sections] == [
        ("项目投入情况", 20, 20),
        ("项目过程情况", 30, 29),
        ("项目管理", 20, 19),
    ]
    assert form.stated_total_weight is None  # nested groups, no total over them


def test_a_text_about_forms_is_no_form() -> None:
    text = "本目录收录各地的绩效自评表和自评报告，每份文件为一张表的开头，评价表的格式各不相同，请对照原件阅读。" * 3
    result = _parse(text)
    assert result.evaluations == [] and [w.code for w in result.warnings] == ["no_form_found"]


def test_a_form_cut_off_inside_its_table_says_so_once() -> None:
    text = "\n".join(
        [
            "项目支出绩效自评表（2023年度）",
            "项目名称 | 道路养护 |",
            "主管部门 | 某县交通运输局 | 实施单位 | 某县公路站 |",
            "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |",
            "产出指标 | 数量指标 | 养护里程 | ≥30公里 | 31公里 | 20 | 20 |",
            "| 质量指标 | 验收合格率 | 100% |",
        ]
    )
    form = _form(text)
    assert form.cut_off == "end"
    assert [w.code for w in form.warnings].count("text_cut_off") == 1


def test_the_row_the_text_stops_in_keeps_its_labels_and_name() -> None:
    rows = [
        "项目支出绩效自评表（2023年度）",
        "项目名称 项目 道路养护",
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分",
        "产出指标",
        "数量指标",
        "养护里程 ≥30公里 31公里 20 20",
        "效益指标",
    ]
    form = _form("\n".join(rows + ["社会效益指标", "群众出行便捷度"]))
    assert [(i.level1, i.level2, i.name, i.weight) for i in form.indicators][-1] == (
        "效益指标",
        "社会效益指标",
        "群众出行便捷度",
        None,
    )
    assert form.cut_off == "end"
    # the text stops inside the next label ('生态' of 生态效益指标): no row
    form = _form("\n".join(rows + ["社会效益指标", "群众出行便捷度 提高 提高 10 10", "生态"]))
    assert [i.name for i in form.indicators] == ["养护里程", "群众出行便捷度"]
    # a label run into the name it heads
    form = _form("\n".join(rows + ["社会效益指标群众出行便捷度"]))
    assert (form.indicators[-1].level2, form.indicators[-1].name) == ("社会效益指标", "群众出行便捷度")
    # a level-2 the vocabulary does not know, then the name
    form = _form("\n".join(rows + ["满意度指标(10分) | 出行群众 | 群众出行便捷度"]))
    assert (form.indicators[-1].level2, form.indicators[-1].name) == ("出行群众", "群众出行便捷度")
    # a numbered name is a name
    form = _form("\n".join(rows + ["社会效益指标", "指标1:群众出行便捷度"]))
    assert form.indicators[-1].name == "指标1:群众出行便捷度"
    # a row merged across its level cells repeats its name
    form = _form("\n".join(rows + ["预算执行率 预算执行率"]))
    assert [(i.level1, i.level2, i.name) for i in form.indicators][-1] == ("预算执行率", "", "预算执行率")


def test_a_funds_table_shown_but_not_read_is_said_to_be_unread() -> None:
    text = "\n".join(
        [
            "项目支出绩效自评表（2023年度）",
            "项目名称 | 道路养护 |",
            "年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |",
            "年度资金总额 | 见附表 | 见附表 | 10 |",
            "总分 | 100 | 95 |",
        ]
    )
    form = _form(text)
    assert "funds" in form.unread
    assert "funds_unread" in [w.code for w in form.warnings]


def test_a_report_lists_results_group_by_group_without_scores() -> None:
    text = "\n".join(
        [
            "某市图书馆2022年度项目支出绩效自评报告",
            "一、自评结论",
            "自评得分100分。",
            "1.产出指标完成情况",
            "数量指标:举办讲座6次,指标完成率100%,新增图书2000册,指标完成率100%。",
            "2.效益指标完成情况",
            "借阅量持续提高,指标完成率100%。",
        ]
    )
    form = _form(text)
    assert form.stated_total == 100
    assert [(i.level1, i.level2, i.name, i.actual.raw, i.weight) for i in form.indicators] == [
        ("产出指标", "数量指标", "举办讲座", "6次", None),
        ("产出指标", "数量指标", "新增图书", "2000册", None),
        ("效益指标", "", "借阅量", "持续提高", None),
    ]


def test_a_second_header_line_that_splits_columns() -> None:
    """预期指标值 split into 符号 | 值 | 单位, 自评得分 into 单项得分 | 权重占比 | 折算得分 (a Hebei template)."""
    text = "\n".join(
        [
            "某县民政局2020年度预算项目绩效自评表",
            "项目名称: 高龄补贴",
            "四、年度绩效指标完成情况 一级指标 二级指标 三级指标 指标分值 预期指标值 单项指标实际完成值 单项指标完成情况 自评得分",
            "符号 单位(文字描述) 单项指标得分 权重占比(%) 单项指标折算得分",
            "产出指标 数量指标 发放人数 按月发放的人数 >= 95 %(百分比) 98% 完成 40.00 40.00 16.00",
            "时效指标 审核完成率 依照规定按月及时办结申报对象审核的比例(百分比) >= 90 %(百分比) 100% 完成 20.00 20.00 4.00",
            "满意度指标 服务对象满意度指标 满意度 领取对象的满意情况 >= 90 %(百分比) 96% 完成 40.00 40.00 16.00",
        ]
    )
    rows = [(i.level1, i.level2, i.name, i.actual.raw, i.weight, i.score) for i in _form(text).indicators]
    assert rows == [
        ("产出指标", "数量指标", "发放人数", "98%", 40, 16),
        # the row's level-1 cell is merged with the row above: its first cell is the level-2 label
        ("产出指标", "时效指标", "审核完成率", "100%", 20, 4),
        ("满意度指标", "服务对象满意度指标", "满意度", "96%", 40, 16),
    ]


def test_a_fund_row_short_of_one_amount_names_the_amount_the_rate_leaves_blank() -> None:
    text = "\n".join(
        [
            "项目支出绩效自评表（2023年度）",
            "项目名称 | 救助站建设 |",
            "项目资金 (万元) |",
            "| 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |",
            "年度资金总额 |",
            "| 32.4 | 31.69 | 10 | 97.80% | 9 |",
        ]
    )
    (total,) = _form(text).funds
    assert (total.initial_budget, total.budget, total.executed) == (None, 32.4, 31.69)
    message = next(w.message for w in _form(text).warnings if w.code == "fund_row_misaligned")
    assert "缺少：年初预算数" in message


def test_a_column_header_note_in_brackets_does_not_rename_the_column() -> None:
    """'得分 (20分*执行率)' heads the score column, although it names the rate."""
    text = "\n".join(
        [
            "项目支出绩效目标自评表",
            "项目名称 | 图书共享 |",
            "预算执行情况(万元) (20分) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分 (20分*执行率) |",
            "年度财政资金总额 | 8 | 6 | 75% | 15 |",
        ]
    )
    (total,) = _form(text).funds
    assert (total.budget, total.executed, total.stated_rate, total.stated_score) == (8, 6, 75, 15)


def test_the_points_of_each_table_stated_above_its_header() -> None:
    text = "\n".join(
        [
            "項目支出績效自評表",
            "項目名稱 | 水文監測 |",
            "預算執行情況(萬元)(20分) | 預算數(A) | 執行數(B) | 執行率(B/A) | 得分(20分*執行率) |",
            "年度財政資金總額 | 10 | 10 | 100% | 20 |",
            "年度绩效目标1(40分)",
            "一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分 |",
            "产出指标 | 质量指标 | 数据合格率 | 100% | 100% | 40 |",
            "年度绩效目标2(40分)",
            "一级指标 | 二级指标 | 三级指标 | 年初目标值(A) | 实际完成值(B) | 得分 |",
            "产出指标 | 时效指标 | 按期上报率 | 100% | 100% | 40 |",
            "总分 | 100 |",
        ]
    )
    form = _form(text)
    assert [(s.name, s.weight) for s in form.sections][:3] == [
        ("預算執行情況", 20),
        ("年度绩效目标1", 40),
        ("年度绩效目标2", 40),
    ]
    assert [i.name for i in form.indicators] == ["数据合格率", "按期上报率"]


def test_a_summary_of_what_was_done_is_a_result_of_the_goal_above() -> None:
    """Sichuan's 项目基本情况: '2.项目实施内容及过程概述' under the goal is compared with the goal, as its result."""
    goal = "完成全县林地巡护与防火宣传，组织业务培训两次，按期兑现管护补助资金。"
    text = "\n".join(
        [
            "部门预算项目支出绩效自评表(2023年度) |",
            "项目名称 | 林地管护 |",
            "项目基本情况 | 1.项目年度目标完成情况 | 项目年度目标 | 年度目标完成情况 |",
            f"| {goal} | 全年巡护林地三万亩，培训两次，补助资金全部兑现。 |",
            f"| 2.项目实施内容及过程概述 | {goal} |",
        ]
    )
    goals = _form(text).goals
    assert [(g.expected, g.actual_label) for g in goals] == [(goal, ""), (goal, "项目实施内容及过程概述")]
    assert goals[1].actual == goal


def test_goal_columns_interleaved_that_say_the_same_are_a_copied_result() -> None:
    """预期目标 | 实际完成情况 wrapped line by line into one text: when the two columns hold the same words, the
    result copies the goal; when they differ, which is which stays unclear."""
    head = ["项目支出绩效自评表（2021年度）", "项目名称 | 普法宣传 |", "预期目标 实际完成情况"]
    copied = (
        "1.深入开展法治宣传教育,抓好重点 1.深入开展法治宣传教育,抓好重点法规宣讲, 法规宣讲,"
        "推动普法工作覆盖城乡社区。 推动普法工作覆盖城乡社区。2.加强社区矫正日常 2.加强社区矫正日常巡查走访,严防脱管漏管。 巡查走访,严防脱管漏管。"
    )
    (goal,) = _form("\n".join(head + [copied])).goals
    assert goal.expected == goal.actual
    differ = (
        "1.深入开展法治宣传教育,抓好重点 1.全年举办法治讲座四十场,发放资料 法规宣讲,推动普法工作覆盖城乡社区。"
        " 两万份,覆盖全部村居。2.加强社区矫正日常 2.社区矫正对象无一脱管漏管。 巡查走访,严防脱管漏管。"
    )
    form = _form("\n".join(head + [differ]))
    assert form.goals[0].actual == "" and "goal_columns_unclear" in [w.code for w in form.warnings]


def test_a_result_in_the_columns_own_words_is_a_result_not_a_label() -> None:
    """'按时保质完成预期目标' under 实际完成情况 names 预期目标 but is what the unit says was done; the
    columns' labels (年初设定目标, 年度总体目标完成情况) are still labels."""
    goal = "完成全县林地巡护与防火宣传，组织业务培训两次，按期兑现管护补助资金。"
    text = "\n".join(
        [
            "部门预算项目支出绩效自评表(2023年度) |",
            "项目名称 | 林地管护 |",
            "预期目标 | 实际完成情况 |",
            f"{goal} | 按时保质完成预期目标 |",
        ]
    )
    assert [(g.expected, g.actual) for g in _form(text).goals] == [(goal, "按时保质完成预期目标")]
    labelled = text.replace("预期目标 | 实际完成情况 |", "年初设定目标 | 年度总体目标完成情况 |")
    assert [g.actual for g in _form(labelled).goals] == ["按时保质完成预期目标"]
