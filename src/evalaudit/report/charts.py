"""Charts as inline SVG strings: no script, no library, nothing fetched. Text in them is escaped."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TypeVar

WIDTH, HEIGHT, PAD = 560, 300, 44
T = TypeVar("T")


CHAR = 12  # px a CJK character takes at the charts' 11–12 px type; a Latin one about half
LABELLED = 8  # outliers named on a chart at most


def text_width(text: str) -> float:
    return sum(CHAR if ord(ch) > 0x2E80 else CHAR * 0.55 for ch in text)


def bar_chart(counts: list[tuple[str, float, str]], title: str, shown: Callable[[float], str] = str) -> str:
    """Horizontal bars, one per (label, value, tooltip): the label column is as wide as the longest label and
    the value column as its longest value (`shown` writes one), so nothing is clipped; the tooltip (a check id)
    shows on hover."""
    if not counts:
        return ""
    row = 22
    left = max(text_width(label) for label, _, _ in counts) + 16
    right = max(text_width(shown(value)) for _, value, _ in counts) + 16
    width = max(left + 300 + right, text_width(title) + 16)
    height = PAD + row * len(counts)
    top = max(value for _, value, _ in counts) or 1
    bars = []
    for index, (label, value, tip) in enumerate(counts):
        y = 28 + index * row
        length = 300 * value / top
        bars.append(
            f"<g><title>{escape(tip)}</title>"
            f'<text x="{left - 6:.0f}" y="{y + 14}" text-anchor="end" class="label">{escape(label)}</text>'
            f'<rect x="{left:.0f}" y="{y + 2}" width="{length:.1f}" height="15" class="bar"/>'
            f'<text x="{left + length + 6:.1f}" y="{y + 14}" class="value">{escape(shown(value))}</text></g>'
        )
    return (
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width:.0f} {height}" width="{width:.0f}" '
        f'class="chart"><text x="8" y="16" class="title">{escape(title)}</text>{"".join(bars)}</svg>'
    )


def ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values spanning [low, high]."""
    span = high - low or 1
    raw = span / count
    magnitude = 10 ** int(f"{raw:e}".split("e")[1])
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = int(low // step) * step
    values = []
    value = first
    while value <= high + step * 1e-9:
        if value >= low - step * 1e-9:
            values.append(round(value, 6))
        value += step
    return values


def scatter(points: list[tuple[float, float, str, bool]], title: str, x_label: str, y_label: str) -> str:
    """Stated (y) vs recomputed (x) total per form; the diagonal is where a right form sits. Axes carry ticks;
    the forms furthest off the diagonal are named beside their dot (on paper too)."""
    if not points:
        return ""
    values = [v for x, y, _, _ in points for v in (x, y)]
    low, high = min(values + [80.0]), max(values + [100.0])
    span = (high - low) or 1
    left, bottom = PAD + 20, HEIGHT - PAD

    def sx(v: float) -> float:
        return left + (v - low) / span * (WIDTH - left - PAD)

    def sy(v: float) -> float:
        return bottom - (v - low) / span * (bottom - 30)

    axes = [f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - PAD}" y2="{bottom}" class="axis"/>',
            f'<line x1="{left}" y1="{bottom}" x2="{left}" y2="30" class="axis"/>']  # fmt: skip
    for tick in ticks(low, high):
        axes.append(f'<line x1="{sx(tick):.1f}" y1="{bottom}" x2="{sx(tick):.1f}" y2="{bottom + 4}" class="axis"/>'
                    f'<text x="{sx(tick):.1f}" y="{bottom + 15}" text-anchor="middle" class="value">{tick:g}</text>'
                    f'<line x1="{left - 4}" y1="{sy(tick):.1f}" x2="{left}" y2="{sy(tick):.1f}" class="axis"/>'
                    f'<text x="{left - 6}" y="{sy(tick) + 4:.1f}" text-anchor="end" class="value">{tick:g}</text>')  # fmt: skip
    dots = "".join(
        f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="4" class="{"off" if off else "dot"}">'
        f"<title>{escape(label)}：填报 {y:g}，应为 {x:g}</title></circle>"
        for x, y, label, off in points
    )
    furthest = sorted((p for p in points if p[3]), key=lambda p: -abs(p[1] - p[0]))[:LABELLED]
    # numbered beside their dot, named in a list under the chart: names never overlap, and read on paper
    names = "".join(
        f'<text x="{sx(x) + 6:.1f}" y="{sy(y) - 5:.1f}" class="callout">{number}</text>'
        f'<text x="{left}" y="{HEIGHT + 14 + (number - 1) * 16}" class="callout">'
        f"{number}. {escape(label)}：填报 {y:g}，按得分合计 {x:g}</text>"
        for number, (x, y, label, _) in enumerate(furthest, start=1)
    )
    height = HEIGHT + 16 * len(furthest) + (8 if furthest else 0)
    return (
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" class="chart">'
        f'<text x="8" y="16" class="title">{escape(title)}</text>{"".join(axes)}'
        f'<line x1="{sx(low):.1f}" y1="{sy(low):.1f}" x2="{sx(high):.1f}" y2="{sy(high):.1f}" class="diagonal"/>'
        f'<text x="{(left + WIDTH - PAD) / 2:.0f}" y="{HEIGHT - 6}" text-anchor="middle" class="label">{escape(x_label)}</text>'
        f'<text x="12" y="{HEIGHT / 2:.0f}" class="label" transform="rotate(-90 12 {HEIGHT / 2:.0f})" '
        f'text-anchor="middle">{escape(y_label)}</text>'
        f"{dots}{names}</svg>"
    )


RATE_BINS = ("50%以下", "50%–80%", "80%–90%", "90%–100%", "100%", "超过100%")


def rate_strip(rates: list[tuple[float, str]], title: str) -> str:
    """How many forms spent how much of their budget: one bar per band of execution rates, the bands a reviewer
    asks about (under 90 % needs a reason; over 100 % is an overspend), with the forms over 100 % named."""
    if not rates:
        return ""
    counts = [0] * len(RATE_BINS)
    for rate, _ in rates:
        counts[_band(rate)] += 1
    row, left = 22, 90
    top = max(counts) or 1
    bars = []
    for index, (label, count) in enumerate(zip(RATE_BINS, counts, strict=True)):
        y = 28 + index * row
        length = 300 * count / top
        kind = "off" if index == len(RATE_BINS) - 1 else "bar"
        bars.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end" class="label">{label}</text>'
                    f'<rect x="{left}" y="{y + 2}" width="{length:.1f}" height="15" class="{kind}"/>'
                    f'<text x="{left + length + 6:.1f}" y="{y + 14}" class="value">{count}</text>')  # fmt: skip
    over = sorted((r for r in rates if r[0] > 100), key=lambda r: -r[0])[:LABELLED]
    y0 = 28 + len(RATE_BINS) * row + 14
    named = "".join(
        f'<text x="{left}" y="{y0 + i * 16}" class="callout">{escape(label)}：{rate:.2f}%</text>'
        for i, (rate, label) in enumerate(over)
    )
    height = y0 + len(over) * 16 + 6
    return (
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" class="chart">'
        f'<text x="8" y="16" class="title">{escape(title)}</text>{"".join(bars)}{named}</svg>'
    )


def _band(rate: float) -> int:
    """Which of `RATE_BINS` a rate falls in."""
    if rate > 100:
        return 5
    if rate == 100:
        return 4
    return 3 if rate >= 90 else 2 if rate >= 80 else 1 if rate >= 50 else 0


def sample(points: list[T], limit: int, keep: Callable[[T], bool]) -> list[T]:
    """At most `limit` points, so a chart over 100,000 forms stays small: every point `keep` marks (a problem)
    first, evenly thinned if even those are too many, then an even sample of the rest. Deterministic."""
    if len(points) <= limit:
        return points
    marked = [point for point in points if keep(point)]
    rest = [point for point in points if not keep(point)]
    shown = _evenly(marked, limit)
    return shown + _evenly(rest, limit - len(shown))


def _evenly(points: list, count: int) -> list:
    if count <= 0:
        return []
    if len(points) <= count:
        return points
    step = len(points) / count
    return [points[int(index * step)] for index in range(count)]
