"""What the analytics page shows, made from `BrandAnalytics`: numbers written out, SVG charts and
the rows of the data table beside each chart. Pure presentation: no queries, no arithmetic
beyond formatting. A figure without data is None, and the page says "no data yet".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString

from projects.charts import Bar, Series, bar_chart, line_chart, nice_axis_top, tick_decimals
from projects.metrics import DayCell, PassRate, Summary
from projects.selectors.analytics import BrandAnalytics

FIRST_PASS_GROUPS = (
    ("pack", "By reference pack", "Reference pack"),
    ("template", "By poster template", "Poster template"),
    ("provider", "By provider", "Provider"),
)


def format_duration(seconds: float) -> str:
    """A span of time as people read it: "45 s", "12 min", "3 h 05 min", "2 d 4 h"."""
    sign, seconds = ("−" if seconds < 0 else ""), abs(seconds)
    minutes, hours, days = int(seconds // 60), int(seconds // 3600), int(seconds // 86400)
    if seconds < 60:
        text = f"{seconds:.0f} s"
    elif seconds < 3600:
        text = f"{minutes} min"
    elif seconds < 86400:
        text = f"{hours} h {minutes % 60:02d} min"
    else:
        text = f"{days} d {hours % 24} h"
    return sign + text


def format_seconds(seconds: float) -> str:
    return f"{seconds:.1f} s"


def format_percent(rate: float) -> str:
    return f"{rate * 100:.0f}%"


def format_money(amount: Decimal) -> str:
    return f"${amount:.4f}"


@dataclass(frozen=True)
class SummaryText:
    median: str
    p90: str
    count: int


def _summary_text(summary: Summary | None, unit: Callable[[float], str]) -> SummaryText | None:
    if summary is None:
        return None
    return SummaryText(unit(summary.median), unit(summary.p90), summary.count)


def _approval(analytics: BrandAnalytics) -> dict[str, Any]:
    times = analytics.approval_times
    chart = None
    if times.buckets:
        chart = bar_chart(
            chart_id="chart-approval",
            title="Approved assets by time from first generation to approval",
            desc=", ".join(f"{label}: {count}" for label, count in times.buckets),
            bars=[Bar(label, count, str(count)) for label, count in times.buckets],
        )
    return {
        "summary": _summary_text(times.summary, format_duration),
        "chart": chart,
        "rows": times.buckets,
    }


def _rounds(analytics: BrandAnalytics) -> dict[str, Any]:
    rounds = analytics.rounds
    rows = [
        (f"{number} round{'s' * (number != 1)}", count) for number, count in rounds.distribution
    ]
    chart = None
    if rows:
        chart = bar_chart(
            chart_id="chart-rounds",
            title="Approved assets by review rounds to approval",
            desc=", ".join(f"{label}: {count}" for label, count in rows),
            bars=[Bar(label, count, str(count)) for label, count in rows],
        )
    mean = f"{rounds.mean:.2f}" if rounds.mean is not None else None
    return {"mean": mean, "count": rounds.count, "chart": chart, "rows": rows}


def _pass_text(rate: PassRate) -> str:
    return f"{format_percent(rate.rate)} ({rate.passed} of {rate.decided})"


def _first_pass(analytics: BrandAnalytics) -> list[dict[str, Any]]:
    groups = []
    for key, heading, column in FIRST_PASS_GROUPS:
        rates = analytics.first_pass[key]
        chart = None
        if rates:
            chart = bar_chart(
                chart_id=f"chart-first-pass-{key}",
                title=f"First-pass approval rate {heading.lower()}",
                desc="; ".join(f"{rate.label}: {_pass_text(rate)}" for rate in rates),
                bars=[Bar(rate.label, rate.rate, _pass_text(rate)) for rate in rates],
                max_value=1.0,
            )
        rows = [(r.label, format_percent(r.rate), r.passed, r.decided) for r in rates]
        groups.append(
            {"key": key, "heading": heading, "column": column, "chart": chart, "rows": rows}
        )
    return groups


def _cost(analytics: BrandAnalytics) -> dict[str, Any]:
    cost = analytics.cost
    per_generations = cost.generations_per_asset
    per_cost = cost.cost_per_asset
    return {
        "generations": cost.generations,
        "cost": format_money(cost.cost),
        "approved": cost.approved,
        "generations_per_asset": f"{per_generations:.2f}" if per_generations is not None else None,
        "cost_per_asset": format_money(per_cost) if per_cost is not None else None,
    }


def _day_label(day: date) -> str:
    return f"{day:%b} {day.day}"


def _daily_rows(
    analytics: BrandAnalytics, providers: list[str], cell: Callable[[DayCell], str]
) -> list[tuple[str, list[str]]]:
    """One table row per day on which any provider has data, newest first."""
    rows = []
    for day in reversed(analytics.days):
        cells = [analytics.daily[name][day] for name in providers]
        if any(c.finished or c.latency for c in cells):
            rows.append((day.isoformat(), [cell(c) for c in cells]))
    return rows


def _latency_cell(cell: DayCell) -> str:
    if cell.latency is None:
        return "—"
    latency = cell.latency
    return f"{format_seconds(latency.median)} / {format_seconds(latency.p90)} (n={latency.count})"


def _failure_cell(cell: DayCell) -> str:
    if cell.failure_rate is None:
        return "—"
    return f"{format_percent(cell.failure_rate)} ({cell.failed} of {cell.finished})"


def _active_providers(analytics: BrandAnalytics, has_data: Callable[[DayCell], bool]) -> list[str]:
    return [
        name
        for name, days in analytics.daily.items()
        if any(has_data(days[day]) for day in analytics.days)
    ]


def _latency(analytics: BrandAnalytics) -> dict[str, Any]:
    overall = [
        (name, _summary_text(summary, format_seconds))
        for name, summary in analytics.latency.items()
    ]
    providers = _active_providers(analytics, lambda cell: cell.latency is not None)
    chart: SafeString | None = None
    if providers:
        series = [
            Series(
                name,
                [
                    c.latency.median if (c := analytics.daily[name][day]).latency else None
                    for day in analytics.days
                ],
            )
            for name in providers
        ]
        top = nice_axis_top(max((v for s in series for v in s.values if v is not None), default=0))
        decimals = tick_decimals(top)
        chart = line_chart(
            chart_id="chart-latency",
            title="Median provider latency per day, by provider",
            desc=f"Seconds per generation over the last {len(analytics.days)} days; "
            "the table beside the chart lists each value.",
            x_labels=[_day_label(day) for day in analytics.days],
            series=series,
            # Ticks a round step apart, printed with just the decimals they need: one fixed
            # decimal printed "0.2 s, 0.2 s, 0.1 s" for a 0.3 s top.
            y_max=top,
            y_format=lambda value: f"{value:.{decimals}f} s",
        )
    return {
        "overall": overall,
        "providers": providers,
        "chart": chart,
        "rows": _daily_rows(analytics, providers, _latency_cell),
    }


def _failures(analytics: BrandAnalytics) -> dict[str, Any]:
    overall = [
        (name, format_percent(failed / finished), failed, finished)
        for name, (failed, finished) in analytics.failures.items()
    ]
    providers = _active_providers(analytics, lambda cell: cell.finished > 0)
    chart: SafeString | None = None
    if providers:
        chart = line_chart(
            chart_id="chart-failures",
            title="Failure rate per day, by provider",
            desc=f"Share of finished generations that failed, over the last "
            f"{len(analytics.days)} days; the table beside the chart lists each value.",
            x_labels=[_day_label(day) for day in analytics.days],
            series=[
                Series(name, [analytics.daily[name][day].failure_rate for day in analytics.days])
                for name in providers
            ],
            y_format=format_percent,
            y_max=1.0,
        )
    return {
        "overall": overall,
        "providers": providers,
        "chart": chart,
        "rows": _daily_rows(analytics, providers, _failure_cell),
    }


def analytics_figures(analytics: BrandAnalytics) -> dict[str, Any]:
    """The template context of every figure on the analytics page."""
    return {
        "approval": _approval(analytics),
        "rounds": _rounds(analytics),
        "first_pass": _first_pass(analytics),
        "first_pass_assets": analytics.first_pass_assets,
        "cost": _cost(analytics),
        "latency": _latency(analytics),
        "failures": _failures(analytics),
        "days_shown": len(analytics.days),
    }
