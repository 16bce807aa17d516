"""CSV output that a spreadsheet cannot turn into a formula.

Every CSV the app writes goes through :func:`csv_line` (streamed) or :func:`neutralise_row`, so a
prompt or title that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return reaches the
file as text. This is OWASP's recipe for CSV injection: prefix such a cell with a single quote
(which spreadsheets show as text and hide), and let the csv module quote the rest.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

# The characters a spreadsheet reads as the start of a formula or a DDE call.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGER_SET = frozenset(FORMULA_TRIGGERS)


def neutralise_cell(value: object) -> str:
    """``value`` as CSV text that no spreadsheet evaluates.

    Numbers are left alone (a negative amount stays a number); any other text that begins with a
    formula trigger gets a leading single quote.
    """
    # Text first and by exact type: it is most cells, and a long export calls this per cell.
    if value.__class__ is str:
        return "'" + value if value and value[0] in _TRIGGER_SET else value  # type: ignore[index]
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def neutralise_row(values: Iterable[object]) -> list[str]:
    return [neutralise_cell(value) for value in values]


class _Echo:
    """A file-like object whose write returns the line, for streaming responses."""

    def write(self, value: str) -> str:
        return value


_LINE_WRITER = csv.writer(_Echo())


def csv_line(values: Iterable[object]) -> str:
    """One neutralised, quoted CSV line (with its line ending), ready to stream."""
    return _LINE_WRITER.writerow(neutralise_row(values))
