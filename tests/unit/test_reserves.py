"""Reserves: stortingen and onttrekkingen by decision, per earmark; a known balance never
goes below zero (an earmark's always is known; the free part's from a stated opening on)."""

from __future__ import annotations

from uuid import UUID, uuid5

import pytest

from domain.application import Begroting, Context
from domain.budget import BudgetLine, line_id
from domain.decision import Decision
from domain.errors import DuplicateError, InvalidInputError, NotFoundError, ReserveBalanceError
from domain.events import DecisionKind
from domain.money import Money
from domain.reserve import Reserve, ReserveKind
from domain.values import LineKey, Meta, Period

from .support import (
    CLOCK_NOW,
    FINANCE,
    SOURCE,
    authority_of,
    events_since,
    given_decision,
    given_line,
    given_reserve,
    line_total,
    money,
    position,
)

CODE = "SALDI"
RESERVE_ID = Reserve.id_for(CODE)
BESLUIT = "2024-BW-2"
EARMARK = "transformatiebudget"
MUTATION = UUID("00000000-0000-4000-8000-000000000001")
AUTHORITY = authority_of(BESLUIT)


def finance_meta(period: Period, decision: str = BESLUIT) -> Meta:
    return Meta(
        actor=FINANCE,
        known_at=CLOCK_NOW,
        period=period,
        decision_id=Decision.id_for(decision),
        source=None,
        import_id=None,
    )


def deposit(
    app: Begroting, amount: str, *, earmark: str = "", mutation_id: UUID | None = None
) -> None:
    app.deposit_to_reserve(
        Context(actor=FINANCE),
        code=CODE,
        fiscal_year=2024,
        amount=money(amount),
        decision=BESLUIT,
        earmark=earmark,
        mutation_id=mutation_id,
    )


def withdraw(
    app: Begroting, amount: str, *, earmark: str = "", mutation_id: UUID = MUTATION
) -> None:
    app.withdraw_from_reserve(
        Context(actor=FINANCE),
        code=CODE,
        fiscal_year=2024,
        amount=money(amount),
        decision=BESLUIT,
        earmark=earmark,
        mutation_id=mutation_id,
    )


def balance(app: Begroting, earmark: str = "") -> Money:
    reserve = app.repository.get(RESERVE_ID)
    return reserve.balance(earmark)


@pytest.fixture
def reserve(app: Begroting) -> Begroting:
    """Given: the saldireserve with 500.00 free and 2,000,000.00 earmarked."""
    given_decision(app, BESLUIT)
    given_reserve(app, CODE)
    deposit(app, "500.00")
    deposit(app, "2000000.00", earmark=EARMARK)
    return app


def test_establishing_a_reserve_records_it_with_its_source(app: Begroting) -> None:
    app.establish_reserve(
        Context(actor=FINANCE, source=SOURCE),
        code=CODE,
        name="Saldireserve",
        kind=ReserveKind.ALGEMEEN,
        purpose="Weerstandsvermogen",
        fiscal_year=2024,
    )

    assert events_since(app, 0) == [
        Reserve.Established(
            originator_id=RESERVE_ID,
            originator_version=1,
            timestamp=CLOCK_NOW,
            originator_topic="domain.reserve:Reserve",
            meta=Meta(
                actor=FINANCE,
                known_at=CLOCK_NOW,
                period=Period.year(2024),
                decision_id=None,
                source=SOURCE,
                import_id=None,
            ),
            code=CODE,
            name="Saldireserve",
            kind=ReserveKind.ALGEMEEN,
            purpose="Weerstandsvermogen",
        )
    ]


def test_establishing_a_reserve_twice_is_refused(reserve: Begroting) -> None:
    before = position(reserve)

    with pytest.raises(DuplicateError) as caught:
        given_reserve(reserve, CODE)

    assert caught.value.field == "code"
    assert caught.value.message == "reserve 'SALDI' already exists"
    assert position(reserve) == before


def test_a_deposit_records_its_year_earmark_and_authority(app: Begroting) -> None:
    given_decision(app, BESLUIT)
    given_reserve(app, CODE)
    before = position(app)

    deposit(app, "2000000.00", earmark=EARMARK, mutation_id=MUTATION)

    assert events_since(app, before) == [
        Reserve.Deposited(
            originator_id=RESERVE_ID,
            originator_version=2,
            timestamp=CLOCK_NOW,
            meta=finance_meta(Period.year(2024)),
            mutation_id=MUTATION,
            fiscal_year=2024,
            amount=money("2000000.00"),
            earmark=EARMARK,
            authority=AUTHORITY,
        )
    ]


def test_a_deposit_of_nothing_is_refused(reserve: Begroting) -> None:
    before = position(reserve)

    with pytest.raises(InvalidInputError) as caught:
        deposit(reserve, "0.00")

    assert caught.value.field == "amount"
    assert caught.value.message == "the amount must be more than zero"
    assert position(reserve) == before


def test_a_deposit_into_an_unknown_reserve_is_refused(reserve: Begroting) -> None:
    before = position(reserve)

    with pytest.raises(NotFoundError) as caught:
        reserve.deposit_to_reserve(
            Context(actor=FINANCE),
            code="ONBEKEND",
            fiscal_year=2024,
            amount=money("1.00"),
            decision=BESLUIT,
        )

    assert caught.value.field == "code"
    assert caught.value.message == "reserve 'ONBEKEND' does not exist"
    assert position(reserve) == before


def test_a_withdrawal_within_the_balance_is_recorded(reserve: Begroting) -> None:
    before = position(reserve)

    withdraw(reserve, "500.00")

    assert events_since(reserve, before) == [
        Reserve.Withdrawn(
            originator_id=RESERVE_ID,
            originator_version=4,
            timestamp=CLOCK_NOW,
            meta=finance_meta(Period.year(2024)),
            mutation_id=MUTATION,
            fiscal_year=2024,
            amount=money("500.00"),
            earmark="",
            authority=AUTHORITY,
        )
    ]
    assert balance(reserve) == Money.zero()


def state_free_opening(app: Begroting, amount: str = "0.00") -> None:
    app.state_reserve_opening(
        Context(actor=FINANCE, source="Jaarrekening 2023"),
        code=CODE,
        fiscal_year=2024,
        amount=money(amount),
    )


def test_a_withdrawal_below_a_known_free_balance_is_refused(reserve: Begroting) -> None:
    state_free_opening(reserve)
    before = position(reserve)

    with pytest.raises(ReserveBalanceError) as caught:
        withdraw(reserve, "500.01")

    assert caught.value.field == "amount"
    assert caught.value.message == (
        "reserve SALDI holds 500.00; withdrawing 500.01 would take it below zero"
    )
    assert caught.value.data == {"available": "500.00", "requested": "500.01"}
    assert position(reserve) == before


def test_a_free_part_with_a_known_opening_cannot_draw_on_an_earmark(
    reserve: Begroting,
) -> None:
    state_free_opening(reserve)
    before = position(reserve)

    with pytest.raises(ReserveBalanceError) as caught:
        withdraw(reserve, "600.00")

    assert caught.value.message == (
        "reserve SALDI holds 500.00; withdrawing 600.00 would take it below zero"
    )
    assert position(reserve) == before


def test_an_earmark_without_an_opening_is_known_and_cannot_go_below_zero(
    reserve: Begroting,
) -> None:
    before = position(reserve)

    with pytest.raises(ReserveBalanceError) as caught:
        withdraw(reserve, "2000000.01", earmark=EARMARK)

    assert caught.value.message == (
        "earmark 'transformatiebudget' of reserve SALDI holds 2000000.00;"
        " withdrawing 2000000.01 would take it below zero"
    )
    assert position(reserve) == before


def test_an_earmark_is_a_sub_ledger_of_its_own(reserve: Begroting) -> None:
    withdraw(reserve, "1999999.00", earmark=EARMARK)

    assert balance(reserve, EARMARK) == money("1.00")
    assert balance(reserve) == money("500.00")
    assert balance(reserve, "onbekend") == Money.zero()


def test_repeating_a_reserve_mutation_is_refused(reserve: Begroting) -> None:
    withdraw(reserve, "100.00")
    before = position(reserve)

    with pytest.raises(DuplicateError) as caught:
        withdraw(reserve, "100.00")

    assert caught.value.field == "mutation_id"
    assert caught.value.message == f"mutation {MUTATION} was already applied to reserve SALDI"
    assert balance(reserve) == money("400.00")
    assert position(reserve) == before


# -- allocate from a reserve into the budget ----------------------------------------------

IVP = "2019-IVP-4"
ONE = LineKey(2024, "Zorg", "6.1", interventie=1, fund="transformatie")
TWO = LineKey(2024, "Zorg", "6.1", interventie=2, fund="transformatie")
NEXT = LineKey(2025, "Zorg", "6.1", interventie=1, fund="transformatie")


@pytest.fixture
def lines(reserve: Begroting) -> Begroting:
    """Given also: three lines of the transformatiebudget and the interventieplan adopted."""
    given_decision(reserve, "2024-B-1", kind=DecisionKind.BEGROTING)
    for key in (ONE, TWO, NEXT):
        given_line(reserve, key, "0.00", decision="2024-B-1")
    given_decision(reserve, IVP, kind=DecisionKind.BELEIDSNOTA, period=Period(2024, 2025))
    return reserve


def allocate(app: Begroting, allocations: dict[LineKey, Money]) -> None:
    app.allocate_from_reserve(
        Context(actor=FINANCE),
        code=CODE,
        earmark=EARMARK,
        allocations=allocations,
        decision=IVP,
        mutation_id=MUTATION,
    )


def test_an_allocation_withdraws_once_per_year_and_amends_every_line(lines: Begroting) -> None:
    before = position(lines)
    authority = authority_of(IVP, kind=DecisionKind.BELEIDSNOTA)
    in_2024 = finance_meta(Period.year(2024), IVP)
    in_2025 = finance_meta(Period.year(2025), IVP)

    allocate(lines, {NEXT: money("119000.00"), ONE: money("101000.00"), TWO: money("18000.00")})

    assert events_since(lines, before) == [
        Reserve.Withdrawn(
            originator_id=RESERVE_ID,
            originator_version=4,
            timestamp=CLOCK_NOW,
            meta=in_2024,
            mutation_id=uuid5(MUTATION, "2024"),
            fiscal_year=2024,
            amount=money("119000.00"),
            earmark=EARMARK,
            authority=authority,
        ),
        Reserve.Withdrawn(
            originator_id=RESERVE_ID,
            originator_version=5,
            timestamp=CLOCK_NOW,
            meta=in_2025,
            mutation_id=uuid5(MUTATION, "2025"),
            fiscal_year=2025,
            amount=money("119000.00"),
            earmark=EARMARK,
            authority=authority,
        ),
        BudgetLine.Amended(
            originator_id=line_id(ONE),
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=in_2024,
            mutation_id=MUTATION,
            authority=authority,
            amount=money("101000.00"),
        ),
        BudgetLine.Amended(
            originator_id=line_id(TWO),
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=in_2024,
            mutation_id=MUTATION,
            authority=authority,
            amount=money("18000.00"),
        ),
        BudgetLine.Amended(
            originator_id=line_id(NEXT),
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=in_2025,
            mutation_id=MUTATION,
            authority=authority,
            amount=money("119000.00"),
        ),
    ]
    assert balance(lines, EARMARK) == money("1762000.00")
    assert balance(lines) == money("500.00")


def test_an_allocation_beyond_the_earmark_is_refused(lines: Begroting) -> None:
    before = position(lines)

    with pytest.raises(ReserveBalanceError) as caught:
        allocate(lines, {ONE: money("1500000.00"), NEXT: money("500000.01")})

    assert caught.value.field == "allocations"  # the use case's input, not the withdrawal's
    assert caught.value.message == (
        "earmark 'transformatiebudget' of reserve SALDI holds 500000.00;"
        " withdrawing 500000.01 would take it below zero"
    )
    assert position(lines) == before
    assert line_total(lines, ONE) == Money.zero()
    assert balance(lines, EARMARK) == money("2000000.00")


def test_an_allocation_of_nothing_to_a_line_is_refused(lines: Begroting) -> None:
    before = position(lines)

    with pytest.raises(InvalidInputError) as caught:
        allocate(lines, {ONE: money("10.00"), TWO: money("0.00")})

    assert caught.value.field == "allocations"
    assert caught.value.message == "an allocation is more than zero"
    assert position(lines) == before


def test_an_allocation_without_lines_is_refused(lines: Begroting) -> None:
    before = position(lines)

    with pytest.raises(InvalidInputError) as caught:
        allocate(lines, {})

    assert caught.value.field == "allocations"
    assert caught.value.message == "an allocation names its lines"
    assert position(lines) == before
