"""Taakveld codes are valid only in the catalogue of their own fiscal year."""

from __future__ import annotations

import pytest

from domain.application import Begroting, Context
from domain.budget import BudgetLine, line_id
from domain.errors import UnknownTaakveldError
from domain.events import DecisionKind
from domain.taakvelden import check_taakveld, taakveld_name
from domain.values import LineKey, Period

from .support import FINANCE, events_since, given_decision, money, position


@pytest.fixture
def decided(app: Begroting) -> Begroting:
    given_decision(app, "B", kind=DecisionKind.BEGROTING, period=Period(2019, 2025))
    return app


def establish(app: Begroting, year: int, taakveld: str) -> LineKey:
    key = LineKey(year, "Zorg", taakveld)
    app.establish_budget(Context(actor=FINANCE), key=key, amount=money("1.00"), decision="B")
    return key


@pytest.mark.parametrize(
    ("year", "taakveld"),
    [(2019, "6.71"), (2022, "6.71"), (2023, "6.71a"), (2024, "6.71a"), (2025, "6.711")],
)
def test_a_line_on_a_taakveld_of_its_years_catalogue_is_opened(
    decided: Begroting, year: int, taakveld: str
) -> None:
    before = position(decided)

    key = establish(decided, year, taakveld)

    opened, established = events_since(decided, before)
    assert isinstance(opened, BudgetLine.Opened)
    assert opened.originator_id == line_id(key)
    assert opened.key == LineKey(year, "Zorg", taakveld)
    assert isinstance(established, BudgetLine.Established)


@pytest.mark.parametrize(
    ("year", "taakveld"),
    [(2023, "6.71"), (2019, "6.71a"), (2024, "6.711"), (2025, "6.71a"), (2016, "0.1")],
)
def test_a_line_on_a_taakveld_missing_from_its_years_catalogue_is_refused(
    decided: Begroting, year: int, taakveld: str
) -> None:
    before = position(decided)

    with pytest.raises(UnknownTaakveldError) as caught:
        establish(decided, year, taakveld)

    assert caught.value.field == "taakveld"
    assert caught.value.message == (
        f"taakveld {taakveld!r} does not exist in the catalogue of fiscal year {year}"
    )
    assert caught.value.data == {"taakveld": taakveld, "fiscal_year": year}
    assert position(decided) == before


@pytest.mark.parametrize("year", [2017, 2022, 2023, 2024, 2025, 2100])
def test_a_common_taakveld_exists_in_every_catalogue(year: int) -> None:
    assert check_taakveld("0.1", year) == "0.1"
    assert taakveld_name("0.1", year) == "Bestuur"


def test_a_code_keeps_the_name_of_its_own_catalogue() -> None:
    assert taakveld_name("6.2", 2019) == "Wijkteams"
    assert taakveld_name("6.2", 2023) == "Toegang en eerstelijnsvoorzieningen"
    assert taakveld_name("6.2", 2025) is None
    assert taakveld_name("6.71", 2023) is None
