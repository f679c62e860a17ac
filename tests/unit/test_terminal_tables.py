"""The terminal's table text (ADR 0023): Dutch numbers from Babel, and how a table's columns
share the width, without a database or a process."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.cli.tables import amount, cell, widths


@pytest.mark.parametrize(
    ("value", "cents", "text"),
    [
        (Decimal("1224"), False, "1.224"),
        (Decimal("1224.50"), True, "1.224,50"),
        (Decimal("-18000.00"), True, "-18.000,00"),
        (Decimal("267638000.00"), True, "267.638.000,00"),
        (Decimal("0"), True, "0,00"),
    ],
)
def test_amounts_take_dutch_separators(value: Decimal, cents: bool, text: str) -> None:
    assert amount(value, cents=cents) == text


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("119000.00"), ("119.000,00", True)),
        (2020, ("2020", True)),  # a year, a position, an interventie: no separator
        ("16.8%", ("16,8%", True)),
        (True, ("yes", False)),
        (None, ("", False)),
        ("2019-05-08T10:00:00+00:00", ("2019-05-08 12:00", False)),  # Amsterdam, summer
        ("2026-11-23T09:00:00.123456+00:00", ("2026-11-23 10:00", False)),
        ("regel 1\nregel 2", ("regel 1\\nregel 2", False)),  # one row, one line
    ],
)
def test_a_cell_shows_a_value_and_says_whether_it_is_a_number(
    value: object, shown: tuple[str, bool]
) -> None:
    assert cell(value) == shown


def test_wide_keeps_a_moment_whole() -> None:
    assert cell("2019-05-08T10:00:00+00:00", wide=True) == ("2019-05-08T10:00:00+00:00", False)


def test_columns_that_fit_keep_their_natural_width() -> None:
    rows = [[("2020", True), ("transformatiebudget", False), ("119.000,00", True)]]

    assert widths(rows, ["fiscal year", "fund", "amount"], 80) == [11, 19, 10]


def test_prose_wraps_to_make_room_and_ids_and_numbers_stay_whole() -> None:
    label = "Welzijn, vrijwilligers, leefbare wijken gericht versterken"
    rows = [[(label, False), ("raad-2019-05-08-interventieplan-fase-4", False), ("50", True)]]

    # 80 - 2 gaps of 2 - 38 (the id) - 6 ("amount") leaves the label 32 of its 58
    assert widths(rows, ["label", "decision", "amount"], 80) == [32, 38, 6]


def test_too_many_columns_for_the_width_ask_for_a_block_per_row() -> None:
    rows = [[("raad-2019-05-08-interventieplan-fase-4", False)] * 3]

    assert widths(rows, ["a", "b", "c"], 80) is None
