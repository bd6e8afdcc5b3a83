"""How Chinese a decoding looks: right decodings are almost all common characters, Big5 read as GB18030 is not."""

from __future__ import annotations

from evalaudit.ingest.plausible import MIN_EVIDENCE, THRESHOLD, plausibility

TRADITIONAL = "本年度項目預算執行率為百分之九十八，資金已按計劃全部撥付，績效目標基本實現。"
SIMPLIFIED = "本年度项目预算执行率为百分之九十八，资金已按计划全部拨付，绩效目标基本实现。"


def test_right_decodings_of_simplified_and_traditional_text_are_plausible() -> None:
    for text in (SIMPLIFIED, TRADITIONAL, "产出指标（50分）≥90% ①②③ ■ 10‰ ±0.5 ℃"):
        judged = plausibility(text)
        assert judged.share >= THRESHOLD and judged.plausible, (text, judged)


def test_big5_bytes_read_as_gb18030_are_not() -> None:
    garbled = (TRADITIONAL * 2).encode("big5").decode("gb18030")
    judged = plausibility(garbled)
    assert judged.judged >= MIN_EVIDENCE and judged.share < THRESHOLD and not judged.plausible


def test_gbk_bytes_read_as_big5_are_not() -> None:
    garbled = (SIMPLIFIED * 2).encode("gbk").decode("big5hkscs", errors="ignore")
    assert not plausibility(garbled).plausible


def test_pinyin_and_ascii_are_neutral() -> None:
    judged = plausibility("Yùsuàn zhíxíng qíngkuàng 2023 预算执行")
    assert (judged.common, judged.judged) == (4, 4)


def test_control_characters_mean_binary_however_short() -> None:
    assert not plausibility("预算\x01").plausible
    assert not plausibility("\x85").plausible  # C1 control


def test_a_few_characters_are_too_few_to_refuse() -> None:
    assert plausibility("箇衡").plausible  # two characters say nothing either way
    assert plausibility("").plausible
