"""Server-rendered SVG charts: horizontal bar charts and line charts, as safe HTML strings.

Pure presentation: numbers and labels in, markup out, no ORM. Every piece of text goes through
`format_html`, so a pack called `<script>` is shown as text. Each chart carries a `<title>` and a
`<desc>` named by `aria-labelledby`, and the page puts a data table beside it, so the chart is
never the only way to read a figure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Okabe-Ito colours, told apart by most colour-blind readers; lines also differ by dash pattern.
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2")
LABEL_CHARS = 28


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as the page writes it, e.g. "67% (2 of 3)"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per x label; None leaves a gap


def _join(parts: Sequence[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _n(value: float) -> str:
    """A coordinate with one decimal (format_html escapes its arguments to strings first, so
    numbers are formatted before they go in)."""
    return f"{value:.1f}"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _frame(
    chart_id: str, title: str, desc: str, width: int, height: int, body: SafeString
) -> SafeString:
    return format_html(
        '<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=desc,
        body=body,
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    max_value: float | None = None,
    width: int = 560,
) -> SafeString:
    """One horizontal bar per item, its label on the left and its value text after the bar."""
    label_width, text_width, row, top = 190, 110, 26, 6
    plot = width - label_width - text_width
    scale = max_value if max_value else max((bar.value for bar in bars), default=0) or 1
    height = top * 2 + row * max(len(bars), 1)
    parts = []
    for index, bar in enumerate(bars):
        y = top + index * row
        length = max(0.0, min(bar.value / scale, 1.0)) * plot
        parts.append(
            format_html(
                '<g class="bar-row"><title>{label}: {text}</title>'
                '<text x="{lx}" y="{ty}" text-anchor="end" class="chart-label">{short}</text>'
                '<rect x="{x}" y="{y}" width="{plot}" height="{h}" class="chart-track"/>'
                '<rect x="{x}" y="{y}" width="{len}" height="{h}" fill="{color}"/>'
                '<text x="{vx}" y="{ty}" class="chart-value">{text}</text></g>',
                label=bar.label,
                short=_short(bar.label),
                text=bar.text,
                lx=label_width - 8,
                ty=y + 16,
                x=label_width,
                y=y + 4,
                h=row - 8,
                plot=plot,
                len=_n(length),
                color=PALETTE[0],
                vx=_n(label_width + length + 6),
            )
        )
    return _frame(chart_id, title, desc, width, height, _join(parts))


def _segments(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive points; a None (a day without data) breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _axes(
    x_labels: Sequence[str],
    y_max: float,
    y_format: Callable[[float], str],
    box: tuple[int, int, int, int],
) -> SafeString:
    left, top, right, bottom = box
    parts = []
    for tick in range(5):
        value = y_max * tick / 4
        y = bottom - (bottom - top) * tick / 4
        parts.append(
            format_html(
                '<line x1="{l}" x2="{r}" y1="{y}" y2="{y}" class="chart-grid"/>'
                '<text x="{tx}" y="{ty}" text-anchor="end" class="chart-label">{v}</text>',
                l=left,
                r=right,
                y=_n(y),
                tx=left - 6,
                ty=_n(y + 4),
                v=y_format(value),
            )
        )
    last = len(x_labels) - 1
    step = max(1, len(x_labels) // 8)
    for index, label in enumerate(x_labels):
        # Every step-th label counted back from the last, so the newest day is always named;
        # the ends are anchored inwards so they are not clipped.
        if (last - index) % step:
            continue
        anchor = "end" if index == last else "start" if index == 0 else "middle"
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" text-anchor="{anchor}" class="chart-label">{label}</text>',
                x=_n(_x(index, len(x_labels), left, right)),
                y=bottom + 18,
                anchor=anchor,
                label=label,
            )
        )
    return _join(parts)


def nice_ceiling(value: float) -> float:
    """The smallest round number (1, 2, 2.5, 3, 4, 5, 6, 8 or 10 times a power of ten) at or
    above `value`, so the axis top and its quarter ticks read cleanly."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    steps = (1, 2, 2.5, 3, 4, 5, 6, 8, 10)
    return next(top for step in steps if (top := round(step * power, 10)) >= value)


def nice_axis_top(value: float) -> float:
    """An axis top whose quarter ticks are themselves round (1, 2, 2.5 or 5 times a power of
    ten): 0.3 gives 0.4 (ticks 0.1 apart), 7.2 gives 8 (ticks 2 apart)."""
    if value <= 0:
        return 1.0
    quarter = value / 4
    power = 10 ** math.floor(math.log10(quarter))
    step = next(s for s in (1, 2, 2.5, 5, 10) if round(s * power, 10) >= quarter)
    return round(4 * step * power, 10)


def tick_decimals(top: float) -> int:
    """The fewest decimals that print every quarter tick of `top` exactly, so no two read alike."""
    for decimals in range(6):
        ticks = [top * tick / 4 for tick in range(5)]
        if all(abs(round(value, decimals) - value) < 1e-9 for value in ticks):
            return decimals
    return 6


def _x(index: int, count: int, left: int, right: int) -> float:
    return left + (right - left) * (index / (count - 1) if count > 1 else 0.5)


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_format: Callable[[float], str],
    y_max: float | None = None,
    width: int = 960,
    height: int = 260,
) -> SafeString:
    """One line per series over shared x labels, with a legend, gridlines and a dot per value
    (hover shows it); gaps where a series has no value."""
    legend_height = 22 * ((len(series) + 2) // 3)
    box = (56, legend_height + 8, width - 16, height - 28)
    left, top, right, bottom = box
    values = [v for s in series for v in s.values if v is not None]
    scale = y_max if y_max else nice_ceiling(max(values, default=0))
    parts = [_axes(x_labels, scale, y_format, box)]
    for index, line in enumerate(series):
        color, dash = PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)]
        points = [
            None
            if value is None
            else (
                _x(i, len(x_labels), left, right),
                bottom - (bottom - top) * min(value / scale, 1),
            )
            for i, value in enumerate(line.values)
        ]
        present = [point for point in points if point is not None]
        if len(present) > 1:
            # A faint guide across days without data, so a sparse series still reads as one
            # line; the solid segments join consecutive days only.
            parts.append(
                format_html(
                    '<polyline points="{p}" fill="none" stroke="{c}" stroke-width="1" '
                    'stroke-opacity=".35"/>',
                    p=" ".join(f"{x:.1f},{y:.1f}" for x, y in present),
                    c=color,
                )
            )
        for run in _segments(points):
            if len(run) < 2:
                continue
            parts.append(
                format_html(
                    '<polyline points="{p}" fill="none" stroke="{c}" stroke-width="2" '
                    'stroke-dasharray="{d}"/>',
                    p=" ".join(f"{x},{y}" for x, y in run),
                    c=color,
                    d=dash,
                )
            )
        for i, point in enumerate(points):
            if point is not None:
                parts.append(
                    format_html(
                        '<circle cx="{x}" cy="{y}" r="3" fill="{c}">'
                        "<title>{name}, {day}: {v}</title></circle>",
                        x=_n(point[0]),
                        y=_n(point[1]),
                        c=color,
                        name=line.name,
                        day=x_labels[i],
                        v=y_format(line.values[i] or 0),
                    )
                )
        column, row_index = index % 3, index // 3
        parts.append(
            format_html(
                '<g class="chart-legend"><line x1="{x}" x2="{x2}" y1="{y}" y2="{y}" stroke="{c}" '
                'stroke-width="3" stroke-dasharray="{d}"/>'
                '<text x="{tx}" y="{ty}" class="chart-label">{name}</text></g>',
                x=left + column * 190,
                x2=left + column * 190 + 24,
                y=12 + row_index * 22,
                c=color,
                d=dash,
                tx=left + column * 190 + 30,
                ty=16 + row_index * 22,
                name=_short(line.name),
            )
        )
    return _frame(chart_id, title, desc, width, height, _join(parts))
