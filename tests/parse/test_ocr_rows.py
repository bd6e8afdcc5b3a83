"""OCR'd weight-first rows run together (名称 分值 年度指标值 全年实际值 得分, no separators), on forms written for
the test."""

from __future__ import annotations

from evalaudit.parse.flatten import split_flat
from evalaudit.parse.fused_rows import RowHints, cut_weight_first, read_value, split_numbering
from tests.parse.texts import one_form

SIBLINGS = RowHints(frozenset({6.0}), bound=30)


def _cells(cell: str, hints: RowHints = SIBLINGS) -> list[str] | None:
    cut = cut_weight_first(cell, hints)
    return cut.cells if cut else None


def test_values_written_twice_as_words_or_numbers_end_where_the_score_starts() -> None:
    assert _cells("单位成本不超过定额6否否6") == ["单位成本不超过定额", "6", "否", "否", "6"]
    assert _cells("完成绿化面积612亩12亩6", RowHints()) == ["完成绿化面积", "6", "12亩", "12亩", "6"]


def test_a_verdict_pair_and_an_explanation_after_the_score() -> None:
    cells = _cells("管护机制长效运行6是基本达到5加强日常巡查")
    assert cells == ["管护机制长效运行", "6", "是", "基本达到", "5", "加强日常巡查"]
    # without a sibling's 分值 the same reading is not sure enough to take an explanation after it
    assert _cells("管护机制长效运行6是基本达到5加强日常巡查", RowHints()) is None


def test_a_target_with_words_before_its_value_is_confirmed_by_the_actual() -> None:
    assert _cells("验收合格率6验收合格率95%95%6") == ["验收合格率", "6", "验收合格率95%", "95%", "6"]


def test_sibling_weights_and_dates_decide_where_the_weight_is() -> None:
    # '2024年6月…': 6 after 年 would be a date's month; the sibling rows weigh 6, the row's 分值 is the 6 after 前
    cells = _cells("2024年6月30日前完成拨付69月底完成100%100%6")
    assert cells == ["2024年6月30日前完成拨付", "6", "9月底完成100%", "100%", "6"]


def test_values_that_disagree_are_not_cut() -> None:
    assert _cells("群众知晓率6工85%工70%6") is None  # OCR noise that the other value does not confirm
    assert _cells("培训人次6300人次280人次7") is None  # 得分 7 > 分值 6
    assert _cells("培训人次40300人次280人次7") is None  # 分值 40 > the section's 30 points


def test_ocr_signs_are_restored_only_when_the_other_value_confirms_them() -> None:
    assert _cells("道路完好率6工85%工85%6") == ["道路完好率", "6", "≥85%", "≥85%", "6"]
    assert _cells("出行便利度670%^70%6") == ["出行便利度", "6", "70%", "≥70%", "6"]
    assert _cells("垃圾清运率695$95%6") == ["垃圾清运率", "6", "95%", "95%", "6"]


def test_a_glued_two_is_a_sign_only_in_a_table_with_ocr_signs() -> None:
    assert read_value("260%", glued=True).text == "≥60%"
    assert read_value("260%").text == "260%"
    assert read_value("205%", glued=True).text == "205%"  # '≥05%' is no reading
    assert read_value("85%", glued=True).text == "85%"
    noisy = RowHints(frozenset({6.0}), bound=30, glued=True)
    assert _cells("事故下降率6260%5=60%6", noisy) == ["事故下降率", "6", "≥60%", "≥60%", "6"]
    assert _cells("事故下降率6260%5=60%6") is None  # no other OCR sign in the table: left as printed
    assert _cells("增长率6250%250%6") == ["增长率", "6", "250%", "250%", "6"]


def test_numbering_glued_to_a_name_that_starts_with_a_digit() -> None:
    assert split_numbering("指标12024年底前完成", {1, 3}) == (1, "2024年底前完成")
    assert split_numbering("指标12绿化带养护", {1, 12}) == (12, "绿化带养护")
    assert split_numbering("指标3:巡查次数", {1, 3}) == (3, "巡查次数")
    assert split_numbering("巡查次数", {1}) == (None, "巡查次数")


def test_a_label_ending_in_zhibiao_leaves_it_to_the_numbering_after_it() -> None:
    line = (
        "产出指标(30分)数量指标指标1养护里程1045公里45公里10指标2修补坑槽10120处118处9效益指标(30分)"
        "社会效益指标指标1便利度1090%90%10生态效益指标1扬尘投诉下降103%3%10满意度指标(10分)服务对象满意度指标"
    )
    cells = split_flat(line)
    assert cells is not None
    assert cells[cells.index("生态效益") + 1] == "指标1扬尘投诉下降103%3%10"


TEXT = (
    "乡村道路养护项目绩效目标自评表(2023年度)项目总得分95分项目名称乡村道路养护"
    "项目实施单位/项目负责人青石镇交通站/李明远主管部门县交通运输局专项实施期2023年1月-2023年12月"
    "市县财政部门青石县财政局资金情况(万元)年度资金总额全年预算数(A)120全年执行数(B)执行率(B/A)"
    "其中中央补助自治区补助120万元\n96万元\n80%市县资金年度总体目标完成全县乡村道路日常养护,"
    "修补坑槽120处;新建错车道50处,合计完成养护里程45公里"
    "绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因及改进措施"
    "产出指标(50分)数量指标指标1养护里程1045公里45公里10指标2修补坑槽10120处118处9指标3新建错车道50处\n"
    "52处质量指标指标1路面完好率10工85%工85%10时效指标指标12023年10月31日前完成养护1010月底完成100%100%10"
    "效益指标(40分)社会效益指标指标1群众出行便利度1070%^70%10指标2安全事故下降率10260%5=60%10"
    "生态效益指标1扬尘投诉下降103%3%10可持续影响指标长效养护机制10是基本达到8加强巡查"
    "满意度指标(10分)服务对象满意度指标指标1沿线村民满意度1090%92%10"
)


def _form():
    return one_form(TEXT)


def test_an_ocr_form_run_together_is_read_row_by_row() -> None:
    evaluation = _form()
    rows = {
        row.name: (row.level2, row.target.raw, row.actual.raw, row.weight, row.score) for row in evaluation.indicators
    }
    assert rows == {
        "养护里程": ("数量指标", "45公里", "45公里", 10, 10),
        "修补坑槽": ("数量指标", "120处", "118处", 10, 9),
        "新建错车道": ("数量指标", "50处", "52处", None, None),  # its 分值 and 得分 lost: target and actual kept
        "路面完好率": ("质量指标", "≥85%", "≥85%", 10, 10),
        "2023年10月31日前完成养护": ("时效指标", "10月底完成100%", "100%", 10, 10),
        "群众出行便利度": ("社会效益指标", "70%", "≥70%", 10, 10),
        "安全事故下降率": ("社会效益指标", "≥60%", "≥60%", 10, 10),
        "扬尘投诉下降": ("生态效益", "3%", "3%", 10, 10),
        "长效养护机制": ("可持续影响指标", "是", "基本达到", 10, 8),
        "沿线村民满意度": ("服务对象满意度指标", "90%", "92%", 10, 10),
    }
    assert next(row for row in evaluation.indicators if row.name == "长效养护机制").explanation == "加强巡查"
    restored = [w.message for w in evaluation.warnings if w.code == "ocr_sign_restored"]
    assert len(restored) == 3 and "工85% 读作 ≥85%" in restored[0]
    assert not [w for w in evaluation.warnings if w.code == "indicator_text_unplaced"]


def test_a_label_pair_with_a_slash_and_its_value_pair() -> None:
    evaluation = _form()
    assert evaluation.unit == "青石镇交通站"
    assert evaluation.supervising_department == "县交通运输局"


def test_a_funds_header_scattered_over_lines_with_the_first_rows_amount_between_its_words() -> None:
    evaluation = _form()
    rows = {row.label: (row.budget, row.executed, row.stated_rate) for row in evaluation.funds}
    assert rows == {
        "年度资金总额": (120, None, None),
        "其中中央补助": (None, None, None),
        "自治区补助": (120, 96, 80),
        "市县资金": (None, None, None),
    }


def test_a_total_word_inside_the_goal_text_does_not_end_the_form() -> None:
    evaluation = _form()
    assert evaluation.stated_total == 95  # '项目总得分95分' above the tables, not the goal's '合计'
    assert len(evaluation.indicators) == 10
