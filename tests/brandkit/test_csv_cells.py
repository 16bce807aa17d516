"""Every CSV cell the app writes is neutralised against formula injection (OWASP)."""

from __future__ import annotations

import csv
import io

import pytest

from brandkit.csv_cells import FORMULA_TRIGGERS, csv_line, neutralise_cell


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_text_starting_with_a_formula_trigger_is_prefixed(trigger: str) -> None:
    assert neutralise_cell(f'{trigger}HYPERLINK("x")') == f'\'{trigger}HYPERLINK("x")'


@pytest.mark.parametrize("value", ["a cold brew", "", "x=1", "2026-12-02"])
def test_ordinary_text_is_unchanged(value: str) -> None:
    assert neutralise_cell(value) == value


def test_numbers_and_none() -> None:
    assert neutralise_cell(-3) == "-3"
    assert neutralise_cell(1.5) == "1.5"
    assert neutralise_cell(None) == ""
    assert neutralise_cell(True) == "true"


def test_csv_line_round_trips_through_the_csv_reader() -> None:
    line = csv_line(["=1+2", 'quote " and, comma', "@SUM(A1)", "\r\nnew"])
    assert next(csv.reader(io.StringIO(line))) == [
        "'=1+2",
        'quote " and, comma',
        "'@SUM(A1)",
        "'\r\nnew",
    ]
