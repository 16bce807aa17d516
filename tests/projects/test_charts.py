"""SVG charts: labels escaped, accessible names, gaps where a day has no data."""

from __future__ import annotations

import math

import pytest

from projects.charts import (
    Bar,
    Series,
    bar_chart,
    line_chart,
    nice_axis_top,
    nice_ceiling,
    tick_decimals,
)


def test_bar_chart_escapes_labels_and_names_itself() -> None:
    svg = bar_chart(
        chart_id="c1", title="<b>Rates</b>", desc="a & b", bars=[Bar("<script>x", 0.5, "50%")]
    )
    assert "<script>" not in svg and "&lt;script&gt;x" in svg
    assert "&lt;b&gt;Rates&lt;/b&gt;" in svg and "a &amp; b" in svg
    assert 'role="img" aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">' in svg and '<desc id="c1-desc">' in svg


def test_bar_lengths_are_proportional_to_the_largest_or_to_max_value() -> None:
    svg = bar_chart(chart_id="c", title="t", desc="d", bars=[Bar("a", 2, "2"), Bar("b", 1, "1")])
    assert 'width="260.0" height="18" fill' in svg and 'width="130.0" height="18" fill' in svg
    svg = bar_chart(chart_id="c", title="t", desc="d", bars=[Bar("a", 0.5, "50%")], max_value=1)
    assert 'width="130.0" height="18" fill' in svg


def test_line_chart_breaks_the_line_where_a_value_is_missing() -> None:
    svg = line_chart(
        chart_id="l",
        title="Latency",
        desc="d",
        x_labels=["May 1", "May 2", "May 3", "May 4"],
        series=[Series("<local>", [1.0, None, 2.0, 3.0])],
        y_format=lambda value: f"{value:.1f} s",
    )
    # One faint guide through every value, one solid segment for May 3-4 (May 1 stands alone).
    assert svg.count('stroke-opacity=".35"') == 1
    assert svg.count('stroke-width="2"') == 1
    assert svg.count("<circle") == 3
    assert "&lt;local&gt;, May 3: 2.0 s" in svg
    assert "<local>" not in svg


def test_axis_tops_are_round_numbers() -> None:
    assert [nice_ceiling(v) for v in (0, 0.3, 1, 7.2, 25.2, 130)] == [1, 0.3, 1, 8, 30, 200]


@pytest.mark.parametrize("largest", [0.05, 0.12, 0.3, 0.8, 1.0, 1.7, 7.2, 25.2, 130.0, 900.0])
def test_latency_axis_ticks_differ_and_are_round(largest: float) -> None:
    top = nice_axis_top(largest)
    decimals = tick_decimals(top)
    labels = [f"{top * tick / 4:.{decimals}f} s" for tick in range(5)]

    assert top >= largest
    assert len(set(labels)) == 5, labels
    assert decimals <= 3, labels
    step = top / 4
    assert round(step / 10 ** math.floor(math.log10(step)), 6) in (1, 2, 2.5, 5), labels


def test_a_small_latency_axis_no_longer_repeats_labels() -> None:
    top = nice_axis_top(0.3)
    assert [f"{top * t / 4:.{tick_decimals(top)}f} s" for t in range(5)] == [
        "0.0 s",
        "0.1 s",
        "0.2 s",
        "0.3 s",
        "0.4 s",
    ]
