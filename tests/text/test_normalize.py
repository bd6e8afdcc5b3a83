"""Text is compared after folding width, traditional characters, numbering and punctuation."""

from __future__ import annotations

from evalaudit.text.normalize import is_trivial, jaccard, normalize


def test_numbering_punctuation_width_and_traditional_characters_fold_away():
    assert (
        normalize("目标1：推進網上辦事，提升效率。")
        == normalize("（一）推进网上办事 提升效率")
        == "推进网上办事提升效率"
    )
    assert normalize("一是加强培训；二是完善制度") == "加强培训完善制度"


def test_numbers_inside_sentences_are_kept():
    assert normalize("完成培训2100人次") == "完成培训2100人次"
    assert normalize("改造管网40.5公里") == "改造管网405公里"


def test_trivial_explanations():
    assert (
        is_trivial(normalize("無偏差。"))
        and is_trivial(normalize("已完成"))
        and not is_trivial(normalize("资金拨付滞后"))
    )


def test_jaccard_of_three_grams():
    assert jaccard("推进网上办事提升效率", "推进网上办事提升效率") == 1.0
    assert 0.5 < jaccard("推进网上办事大厅建设提升效率", "推进网上办事大厅建设提升服务效率") < 1.0
    assert jaccard("推进网上办事提升效率", "加强教师队伍建设") == 0.0
