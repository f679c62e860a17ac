"""Reserves as balances (ADR 0027): an opening balance stated per year, oormerken that move
free money into an earmark and back, and the withdrawal rule when the opening is unknown."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from domain.application import Begroting, Context
from domain.decision import Decision
from domain.errors import DuplicateError, InvalidInputError, ReserveBalanceError
from domain.money import Money
from domain.reserve import Reserve
from domain.values import Meta, Period

from .support import (
    CLOCK_NOW,
    FINANCE,
    authority_of,
    events_since,
    given_decision,
    given_reserve,
    money,
    position,
)

CODE = "F022"
RESERVE_ID = Reserve.id_for(CODE)
BESLUIT = "2019-IVP-4"
AUTHORITY = authority_of(BESLUIT)
EARMARK = "transformatiebudget"
JAARREKENING = "Jaarrekening 2018, staat van reserves"
MUTATION = UUID("00000000-0000-4000-8000-000000000002")


def meta(year: int, *, decision: str | None = BESLUIT, source: str | None = None) -> Meta:
    return Meta(
        actor=FINANCE,
        known_at=CLOCK_NOW,
        period=Period.year(year),
        decision_id=None if decision is None else Decision.id_for(decision),
        source=source,
        import_id=None,
    )


def state(app: Begroting, year: int, amount: str, earmark: str = "") -> None:
    app.state_reserve_opening(
        Context(actor=FINANCE, source=JAARREKENING),
        code=CODE,
        fiscal_year=year,
        amount=money(amount),
        earmark=earmark,
    )


def deposit(app: Begroting, year: int, amount: str, earmark: str = "") -> None:
    app.deposit_to_reserve(
        Context(actor=FINANCE),
        code=CODE,
        fiscal_year=year,
        amount=money(amount),
        decision=BESLUIT,
        earmark=earmark,
    )


def withdraw(app: Begroting, year: int, amount: str, earmark: str = "") -> None:
    app.withdraw_from_reserve(
        Context(actor=FINANCE),
        code=CODE,
        fiscal_year=year,
        amount=money(amount),
        decision=BESLUIT,
        earmark=earmark,
    )


def earmark(app: Begroting, year: int, amount: str, mutation_id: UUID | None = None) -> None:
    app.earmark_in_reserve(
        Context(actor=FINANCE),
        code=CODE,
        fiscal_year=year,
        amount=money(amount),
        earmark=EARMARK,
        decision=BESLUIT,
        mutation_id=mutation_id,
    )


def release(app: Begroting, year: int, amount: str, mutation_id: UUID | None = None) -> None:
    app.release_earmark(
        Context(actor=FINANCE),
        code=CODE,
        fiscal_year=year,
        amount=money(amount),
        earmark=EARMARK,
        decision=BESLUIT,
        mutation_id=mutation_id,
    )


def reserve_of(app: Begroting) -> Reserve:
    found: Reserve = app.repository.get(RESERVE_ID)
    return found


@pytest.fixture
def saldi(app: Begroting) -> Begroting:
    """Given: the saldireserve, no opening balance stated, and the interventieplan."""
    given_decision(app, BESLUIT)
    given_reserve(app, CODE, fiscal_year=2019)
    return app


# -- the opening balance ----------------------------------------------------------------


def test_an_opening_balance_is_stated_with_its_source(saldi: Begroting) -> None:
    before = position(saldi)

    state(saldi, 2019, "12000000.00")

    assert events_since(saldi, before) == [
        Reserve.OpeningBalanceStated(
            originator_id=RESERVE_ID,
            originator_version=2,
            timestamp=CLOCK_NOW,
            meta=meta(2019, decision=None, source=JAARREKENING),
            fiscal_year=2019,
            amount=money("12000000.00"),
            earmark="",
            authority=None,
            corrects_version=None,
            previous_amount=None,
        )
    ]
    assert reserve_of(saldi).opening_known("", 2019) is True
    assert reserve_of(saldi).balance("", 2019) == money("12000000.00")


def test_an_opening_balance_under_a_decision_carries_its_authority(saldi: Begroting) -> None:
    before = position(saldi)

    saldi.state_reserve_opening(
        Context(actor=FINANCE),
        code=CODE,
        fiscal_year=2019,
        amount=money("1.00"),
        earmark=EARMARK,
        decision=BESLUIT,
    )

    [stated] = events_since(saldi, before)
    assert isinstance(stated, Reserve.OpeningBalanceStated)
    assert (stated.earmark, stated.authority, stated.meta) == (EARMARK, AUTHORITY, meta(2019))


def test_a_second_statement_for_the_year_corrects_the_first_and_names_it(
    saldi: Begroting,
) -> None:
    state(saldi, 2019, "12000000.00")
    before = position(saldi)

    state(saldi, 2019, "11500000.00")

    [stated] = events_since(saldi, before)
    assert isinstance(stated, Reserve.OpeningBalanceStated)
    assert (stated.originator_version, stated.corrects_version, stated.previous_amount) == (
        3,
        2,
        money("12000000.00"),
    )
    assert reserve_of(saldi).balance("", 2019) == money("11500000.00")


def test_a_correction_known_before_the_opening_it_corrects_is_refused(
    saldi: Begroting,
) -> None:
    """A basis between the two would see the correction's delta without its base."""
    saldi.state_reserve_opening(
        Context(actor=FINANCE, known_at=datetime(2021, 3, 1, tzinfo=UTC), source=JAARREKENING),
        code=CODE,
        fiscal_year=2021,
        amount=money("100000.00"),
        earmark="",
    )
    before = position(saldi)

    with pytest.raises(InvalidInputError) as caught:
        saldi.state_reserve_opening(
            Context(actor=FINANCE, known_at=datetime(2021, 1, 1, tzinfo=UTC), source=JAARREKENING),
            code=CODE,
            fiscal_year=2021,
            amount=money("150000.00"),
            earmark="",
        )

    assert (caught.value.field, caught.value.message) == (
        "known_at",
        "a correction of an opening balance cannot be known before the statement it corrects",
    )
    assert position(saldi) == before
    assert reserve_of(saldi).balance("", 2021) == money("100000.00")


def test_restating_the_same_opening_is_refused(saldi: Begroting) -> None:
    state(saldi, 2019, "12000000.00")
    before = position(saldi)

    with pytest.raises(DuplicateError) as caught:
        state(saldi, 2019, "12000000.00")

    assert (caught.value.field, caught.value.message) == (
        "amount",
        "the opening balance of 2019 is already stated as 12000000.00",
    )
    assert position(saldi) == before


def test_an_opening_below_zero_is_refused(saldi: Begroting) -> None:
    before = position(saldi)

    with pytest.raises(InvalidInputError) as caught:
        state(saldi, 2019, "-0.01")

    assert (caught.value.field, caught.value.message) == (
        "amount",
        "an opening balance is not below zero",
    )
    assert position(saldi) == before


def test_an_opening_needs_a_decision_or_a_source(saldi: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        saldi.state_reserve_opening(
            Context(actor=FINANCE), code=CODE, fiscal_year=2019, amount=money("1.00")
        )

    assert caught.value.field == "source"


# -- the withdrawal rule ----------------------------------------------------------------


def test_a_free_withdrawal_without_an_opening_is_accepted_beyond_the_known_movements(
    saldi: Begroting,
) -> None:
    deposit(saldi, 2019, "100.00")

    withdraw(saldi, 2019, "250.00")

    reserve = reserve_of(saldi)
    assert reserve.opening_known("", 2019) is False
    assert reserve.balance("", 2019) == money("-150.00")  # the known movements only


def test_a_free_withdrawal_beyond_an_earlier_years_opening_and_movements_is_refused(
    saldi: Begroting,
) -> None:
    state(saldi, 2019, "100.00")
    deposit(saldi, 2020, "50.00")
    before = position(saldi)

    with pytest.raises(ReserveBalanceError) as caught:
        withdraw(saldi, 2021, "150.01")

    assert caught.value.message == (
        "reserve F022 holds 150.00; withdrawing 150.01 would take it below zero"
    )
    assert position(saldi) == before


def test_a_later_years_opening_leaves_an_earlier_year_unknown(saldi: Begroting) -> None:
    state(saldi, 2020, "100.00")

    withdraw(saldi, 2019, "500.00")

    assert reserve_of(saldi).opening_known("", 2019) is False
    assert reserve_of(saldi).balance("", 2020) == money("100.00")  # the opening resets it


def test_a_withdrawal_may_not_take_a_later_year_of_a_known_part_below_zero(
    saldi: Begroting,
) -> None:
    state(saldi, 2019, "100.00")
    withdraw(saldi, 2020, "80.00")
    before = position(saldi)

    with pytest.raises(ReserveBalanceError) as caught:
        withdraw(saldi, 2019, "30.00")

    assert caught.value.data == {"available": "20.00", "requested": "30.00"}
    assert position(saldi) == before


# -- oormerken --------------------------------------------------------------------------


def test_an_oormerk_moves_free_money_into_the_earmark_and_is_no_deposit(
    saldi: Begroting,
) -> None:
    state(saldi, 2019, "3000000.00")
    before = position(saldi)

    earmark(saldi, 2019, "2000000.00", mutation_id=MUTATION)

    assert events_since(saldi, before) == [
        Reserve.Earmarked(
            originator_id=RESERVE_ID,
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=meta(2019),
            mutation_id=MUTATION,
            fiscal_year=2019,
            earmark=EARMARK,
            amount=money("2000000.00"),
            authority=AUTHORITY,
        )
    ]
    reserve = reserve_of(saldi)
    assert reserve.balance("", 2019) == money("1000000.00")
    assert reserve.balance(EARMARK, 2019) == money("2000000.00")


def test_an_oormerk_from_an_unknown_free_part_is_accepted(saldi: Begroting) -> None:
    earmark(saldi, 2019, "2000000.00")

    withdraw(saldi, 2019, "1500000.00", EARMARK)

    assert reserve_of(saldi).balance(EARMARK, 2019) == money("500000.00")


def test_an_oormerk_beyond_a_known_free_balance_is_refused(saldi: Begroting) -> None:
    state(saldi, 2019, "1000000.00")
    before = position(saldi)

    with pytest.raises(ReserveBalanceError) as caught:
        earmark(saldi, 2019, "2000000.00")

    assert caught.value.message == (
        "reserve F022 holds 1000000.00; earmarking 2000000.00 would take it below zero"
    )
    assert position(saldi) == before


def test_an_earmark_withdrawal_is_checked_against_the_earmark_without_an_opening(
    saldi: Begroting,
) -> None:
    earmark(saldi, 2019, "2000000.00")
    before = position(saldi)

    with pytest.raises(ReserveBalanceError) as caught:
        withdraw(saldi, 2019, "2000000.01", EARMARK)

    assert caught.value.message == (
        "earmark 'transformatiebudget' of reserve F022 holds 2000000.00;"
        " withdrawing 2000000.01 would take it below zero"
    )
    assert position(saldi) == before


def test_releasing_an_earmark_returns_the_rest_to_the_free_part(saldi: Begroting) -> None:
    state(saldi, 2019, "2000000.00")
    earmark(saldi, 2019, "2000000.00")
    withdraw(saldi, 2020, "1800000.00", EARMARK)
    before = position(saldi)

    release(saldi, 2021, "200000.00", mutation_id=MUTATION)

    assert events_since(saldi, before) == [
        Reserve.EarmarkReleased(
            originator_id=RESERVE_ID,
            originator_version=5,
            timestamp=CLOCK_NOW,
            meta=meta(2021),
            mutation_id=MUTATION,
            fiscal_year=2021,
            earmark=EARMARK,
            amount=money("200000.00"),
            authority=AUTHORITY,
        )
    ]
    reserve = reserve_of(saldi)
    assert reserve.balance(EARMARK, 2021) == Money.zero()
    assert reserve.balance("", 2021) == money("200000.00")


def test_releasing_more_than_the_earmark_holds_is_refused(saldi: Begroting) -> None:
    earmark(saldi, 2019, "100.00")
    before = position(saldi)

    with pytest.raises(ReserveBalanceError) as caught:
        release(saldi, 2019, "100.01")

    assert caught.value.message == (
        "earmark 'transformatiebudget' of reserve F022 holds 100.00;"
        " releasing 100.01 would take it below zero"
    )
    assert position(saldi) == before


def test_an_oormerk_names_its_earmark(saldi: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        saldi.earmark_in_reserve(
            Context(actor=FINANCE),
            code=CODE,
            fiscal_year=2019,
            amount=money("1.00"),
            earmark=" ",
            decision=BESLUIT,
        )

    assert (caught.value.field, caught.value.message) == (
        "earmark",
        "an oormerk names its earmark",
    )


def test_repeating_an_oormerk_is_refused(saldi: Begroting) -> None:
    earmark(saldi, 2019, "1.00", mutation_id=MUTATION)
    before = position(saldi)

    with pytest.raises(DuplicateError) as caught:
        earmark(saldi, 2019, "1.00", mutation_id=MUTATION)

    assert caught.value.field == "mutation_id"
    assert position(saldi) == before
