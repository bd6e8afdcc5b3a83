"""The overview reads at a glance (issue 17, item 4): Chinese check names, no clipped label, axes with ticks,
outliers named, a chart per question, zero never red, errors and warnings told apart."""

from __future__ import annotations

import re
from html import unescape

from evalaudit.check_names import check_name
from evalaudit.report.charts import RATE_BINS, bar_chart, rate_strip, scatter, text_width, ticks


def svgs(page: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", page, re.S)


def test_bar_labels_are_chinese_names_and_never_clipped(seed_report):
    run, out = seed_report
    index = (out / "index.html").read_text(encoding="utf-8")
    checks_chart = next(s for s in svgs(index) if "哪些问题最多" in s)
    labels = re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="end" class="label">([^<]+)</text>', checks_chart)
    assert labels and all(float(x) - text_width(unescape(text)) >= 0 for x, text in labels)
    named = {unescape(text) for _, text in labels}
    assert check_name("arithmetic.total") in named and not any(re.fullmatch(r"[a-z_.]+", n) for n in named)
    assert "<title>arithmetic.total</title>" in checks_chart  # the id on hover
    units_chart = next(s for s in svgs(index) if "哪些单位错误最多" in s)
    assert "武威市政府政务服务中心" in units_chart


def test_the_checks_table_names_each_check_in_chinese_with_its_id_beside(seed_report):
    _, out = seed_report
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'{check_name("arithmetic.total")}<span class="check-id">arithmetic.total</span>' in index


def test_the_totals_scatter_has_ticks_and_names_its_outliers():
    points = [
        (95.0, 95.0, "甲单位 第1张", False),
        (93.0, 88.0, "乙单位 第1张", True),
        (99.5, 98.5, "丙单位 第2张", True),
    ]
    chart = scatter(points, "填报总分与按得分合计的总分", "按各项得分合计", "填报总分")
    tick_labels = re.findall(r'class="value">([\d.]+)</text>', chart)
    assert len(tick_labels) >= 6  # both axes
    assert "1. 乙单位 第1张：填报 88，按得分合计 93" in chart  # the furthest first, on paper too
    assert "2. 丙单位 第2张" in chart and "甲单位" not in chart.split("</circle>")[-1]
    assert ticks(80, 100) == [80, 85, 90, 95, 100]


def test_execution_rates_are_counted_by_band_and_overspends_named():
    rates = [(45.0, "甲"), (85.0, "乙"), (95.0, "丙"), (100.0, "丁"), (100.0, "戊"), (105.0, "己 第1张")]
    chart = rate_strip(rates, "预算执行率分布")
    counts = [int(n) for n in re.findall(r'class="value">(\d+)</text>', chart)]
    assert counts == [1, 0, 1, 1, 2, 1] and len(counts) == len(RATE_BINS)
    assert "己 第1张：105.00%" in chart and 'class="off"' in chart


def test_zero_is_never_red_and_a_warning_cell_is_not_marked_like_an_error(seed_report):
    run, out = seed_report
    index = (out / "index.html").read_text(encoding="utf-8")
    assert not re.search(r'class="num error">0<', index) and not re.search(r'class="card error">[^<]*<b>0<', index)
    assert re.search(r'class="num error">[1-9]', index)
    warned = next(f for f in run.findings if f.for_unit and f.severity == "warning" and f.cell.startswith("indicators/")
                  and not any(g.cell == f.cell and g.severity == "error" for g in run.findings))  # fmt: skip
    page = (out / "forms" / f"{warned.evaluation_id}.html").read_text(encoding="utf-8")
    cell = re.search(rf'<td data-cell="{warned.cell}" class="([^"]*)">', page)
    assert cell and "flagged-warning" in cell[1]


def test_a_bar_chart_is_as_wide_as_its_longest_label():
    short = bar_chart([("甲", 1, "a")], "t")
    long = bar_chart([("一个很长很长很长的检查名称", 1, "a")], "t")
    width = lambda chart: float(re.search(r'width="([\d.]+)" class="chart"', chart)[1])  # noqa: E731
    assert width(long) > width(short)
