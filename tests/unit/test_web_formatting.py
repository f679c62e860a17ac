"""Dutch presentation in the web workspace (ADR 0022): Babel's nl_NL, exact, never rounded."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from api.web.formatting import datum, euro, gebeurtenis, number, tijdstip, verschil


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("1234567"), "€ 1.234.567"),
        (Decimal("1234567.00"), "€ 1.234.567"),
        (Decimal("1234567.5"), "€ 1.234.567,50"),
        (Decimal("-636000"), "€ -636.000"),
        ("0.01", "€ 0,01"),
        (0, "€ 0"),
        (None, "–"),
    ],
)
def test_an_amount_in_euros(amount: Decimal | str | int | None, shown: str) -> None:
    assert euro(amount) == shown


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(18000, "€ +18.000"), (-18000, "€ -18.000"), (0, "€ 0"), ("12.5", "€ +12,50")],
)
def test_a_difference_shows_its_sign(amount: int | str, shown: str) -> None:
    assert verschil(amount) == shown


def test_a_published_figure_in_thousands() -> None:
    assert [number("1224"), number("-25"), number(None)] == ["1.224", "-25", "–"]


def test_dates_and_moments_in_amsterdam() -> None:
    # 23:30 UTC on the last day of 2019 is already 2020 in Amsterdam.
    late = datetime(2019, 12, 31, 23, 30, tzinfo=UTC)
    assert datum(late) == "1 januari 2020"
    assert tijdstip(late) == "1 januari 2020 00:30"
    assert datum(date(2019, 5, 8)) == "8 mei 2019"
    assert datum("2020-06-03T10:00:00+00:00") == "3 juni 2020"
    assert tijdstip("2020-06-03T10:00:00+00:00") == "3 juni 2020 12:00"


def test_an_events_name_in_dutch() -> None:
    assert gebeurtenis("BudgetLine.CarriedIn") == "Overgeheveld (ontvangen)"
    assert gebeurtenis("Amended") == "Gewijzigd"
    assert gebeurtenis("Something.New") == "Something.New"
