"""Exact median and p90 of a measurement per group, computed where it is cheapest.

PostgreSQL ranks the values itself (`percentile_cont(0.5)` is the median as
`projects.metrics.median` defines it, `percentile_disc(0.9)` the nearest-rank p90), so a year of
latencies never leaves the database. SQLite has no percentile function and its window functions
cost more than reading one float per row, so there the values come back and `projects.metrics`
ranks them. Both give the same figures; the analytics tests run on both databases.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, FloatField, QuerySet

from projects.metrics import Summary, summarize


class _Percentile(Aggregate):
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: str, fraction: float) -> None:
        # The fraction is a constant of ours, written into the SQL as a number literal.
        super().__init__(expression, fraction=float(fraction))


class PercentileCont(_Percentile):
    function = "PERCENTILE_CONT"


class PercentileDisc(_Percentile):
    function = "PERCENTILE_DISC"


def summaries_ranked_by_database() -> bool:
    return connection.vendor == "postgresql"


def summary_aggregates(value: str) -> dict[str, Aggregate]:
    """Aggregates giving count, median and p90 of the field `value` per group, for a query that
    groups anyway (read them back with `summaries_from`); none where the database cannot rank."""
    if not summaries_ranked_by_database():
        return {}
    return {
        "summary_count": Count(value),  # NULLs are not counted, nor ranked
        "summary_median": PercentileCont(value, 0.5),
        "summary_p90": PercentileDisc(value, 0.9),
    }


def summaries_from(rows: list[dict[str, Any]], *, key: str) -> dict[Any, Summary]:
    """The Summary per `key` of grouped rows annotated with `summary_aggregates`."""
    return {
        row[key]: Summary(row["summary_count"], row["summary_median"], row["summary_p90"])
        for row in rows
        if row["summary_count"]
    }


def summaries_by(queryset: QuerySet[Any], *, key: str, value: str) -> dict[Any, Summary]:
    """Count, median and p90 of the field `value` per distinct `key` over `queryset`'s rows
    (NULL values left out; keys without values absent)."""
    measured = queryset.filter(**{f"{value}__isnull": False}).order_by()
    if summaries_ranked_by_database():
        rows = list(measured.values(key).annotate(**summary_aggregates(value)))
        return summaries_from(rows, key=key)
    values: dict[Any, list[float]] = defaultdict(list)
    for group, number in measured.values_list(key, value):
        values[group].append(number)
    return {group: summary for group, numbers in values.items() if (summary := summarize(numbers))}
