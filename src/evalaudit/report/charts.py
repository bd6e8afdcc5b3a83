"""Charts as inline SVG strings: no script, no library, nothing fetched. Text in them is escaped."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TypeVar

WIDTH, HEIGHT, PAD = 560, 300, 44
T = TypeVar("T")


def bar_chart(counts: list[tuple[str, int]], title: str) -> str:
    """Horizontal bars, one per label (findings per check)."""
    if not counts:
        return ""
    row = 22
    height = PAD + row * len(counts)
    top = max(count for _, count in counts) or 1
    bars = []
    for index, (label, count) in enumerate(counts):
        y = 28 + index * row
        width = 300 * count / top
        bars.append(
            f'<text x="236" y="{y + 14}" text-anchor="end" class="label">{escape(label)}</text>'
            f'<rect x="242" y="{y + 2}" width="{width:.1f}" height="15" class="bar"/>'
            f'<text x="{248 + width:.1f}" y="{y + 14}" class="value">{count}</text>'
        )
    return (
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" class="chart">'
        f'<text x="8" y="16" class="title">{escape(title)}</text>{"".join(bars)}</svg>'
    )


def scatter(points: list[tuple[float, float, str, bool]], title: str, x_label: str, y_label: str) -> str:
    """Stated (y) vs recomputed (x) total per form; the diagonal is where a right form sits."""
    if not points:
        return ""
    values = [v for x, y, _, _ in points for v in (x, y)]
    low, high = min(values + [80.0]), max(values + [100.0])
    span = (high - low) or 1

    def sx(v: float) -> float:
        return PAD + (v - low) / span * (WIDTH - 2 * PAD)

    def sy(v: float) -> float:
        return HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD)

    dots = "".join(
        f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="4" class="{"off" if off else "dot"}">'
        f"<title>{escape(label)}：填报 {y:g}，应为 {x:g}</title></circle>"
        for x, y, label, off in points
    )
    return (
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {HEIGHT}" class="chart">'
        f'<text x="8" y="16" class="title">{escape(title)}</text>'
        f'<line x1="{sx(low):.1f}" y1="{sy(low):.1f}" x2="{sx(high):.1f}" y2="{sy(high):.1f}" class="diagonal"/>'
        f'<text x="{WIDTH / 2:.0f}" y="{HEIGHT - 8}" text-anchor="middle" class="label">{escape(x_label)}</text>'
        f'<text x="12" y="{HEIGHT / 2:.0f}" class="label" transform="rotate(-90 12 {HEIGHT / 2:.0f})" '
        f'text-anchor="middle">{escape(y_label)}</text>'
        f'<text x="{sx(low):.1f}" y="{HEIGHT - PAD + 14}" class="value">{low:g}</text>'
        f'<text x="{sx(high) - 20:.1f}" y="{HEIGHT - PAD + 14}" class="value">{high:g}</text>'
        f"{dots}</svg>"
    )


def rate_strip(rates: list[tuple[float, str]], title: str) -> str:
    """Execution rate per form on one axis, with the 100 % line marked."""
    if not rates:
        return ""
    top = max([r for r, _ in rates] + [110.0])

    def sx(v: float) -> float:
        return PAD + max(v, 0) / top * (WIDTH - 2 * PAD)

    marks = "".join(
        f'<circle cx="{sx(rate):.1f}" cy="{70 + (index % 5) * 12}" r="4" class="{"off" if rate > 100 else "dot"}">'
        f"<title>{escape(label)}：{rate:.2f}%</title></circle>"
        for index, (rate, label) in enumerate(rates)
    )
    return (
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} 160" class="chart">'
        f'<text x="8" y="16" class="title">{escape(title)}</text>'
        f'<line x1="{sx(100):.1f}" y1="40" x2="{sx(100):.1f}" y2="140" class="limit"/>'
        f'<text x="{sx(100) + 4:.1f}" y="50" class="value">100%</text>'
        f'<text x="{sx(0):.1f}" y="154" class="value">0%</text>{marks}</svg>'
    )


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
