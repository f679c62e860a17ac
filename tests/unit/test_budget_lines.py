"""Budget lines: establish, amend, transfer (the total is conserved) and carry over."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid5

import pytest

from domain.application import Begroting, Context
from domain.budget import BudgetLine, line_id
from domain.decision import Decision
from domain.errors import (
    DuplicateError,
    InsufficientBudgetError,
    InvalidInputError,
    NotFoundError,
    TransferError,
)
from domain.events import DecisionKind
from domain.money import Money
from domain.reserve import Reserve
from domain.values import LineKey, Meta, Period

from .support import (
    CLOCK_NOW,
    FINANCE,
    authority_of,
    events_since,
    given_decision,
    given_line,
    given_reserve,
    line_total,
    money,
    position,
)

BEGROTING = "2024-B-1"
WIJZIGING = "2024-BW-2"
SLOTWIJZIGING = "2024-SW-1"
MUTATION = UUID("00000000-0000-4000-8000-000000000001")

ZORG = LineKey(2024, "Zorg", "6.1", interventie=1, fund="transformatie")
WIJK = LineKey(2024, "Zorg", "6.1", interventie=2, fund="transformatie")
ZORG_LABEL = "2024 / Zorg / taakveld 6.1 / interventie 1 / fund transformatie / lasten"


def finance_meta(decision: str, period: Period | None = None) -> Meta:
    return Meta(
        actor=FINANCE,
        known_at=CLOCK_NOW,
        period=period or Period.year(2024),
        decision_id=Decision.id_for(decision),
        source=None,
        import_id=None,
    )


@pytest.fixture
def budget(app: Begroting) -> Begroting:
    """Given: the adopted begroting 2024 (Zorg 500.00, Wijk 300.00) and an adopted wijziging."""
    given_decision(app, BEGROTING, kind=DecisionKind.BEGROTING)
    given_decision(app, WIJZIGING)
    given_line(app, ZORG, "500.00", decision=BEGROTING)
    given_line(app, WIJK, "300.00", decision=BEGROTING)
    return app


def amend(app: Begroting, key: LineKey, delta: str, mutation_id: UUID = MUTATION) -> None:
    app.amend_budget(
        Context(actor=FINANCE),
        key=key,
        delta=money(delta),
        decision=WIJZIGING,
        mutation_id=mutation_id,
    )


def transfer(
    app: Begroting,
    source: LineKey,
    target: LineKey,
    amount: str,
    decision: str = WIJZIGING,
) -> None:
    app.transfer_budget(
        Context(actor=FINANCE),
        source=source,
        target=target,
        amount=money(amount),
        decision=decision,
        mutation_id=MUTATION,
    )


# -- establish ----------------------------------------------------------------------------


def test_establishing_a_new_line_opens_it_and_records_its_primitive_budget(
    app: Begroting,
) -> None:
    given_decision(app, BEGROTING, kind=DecisionKind.BEGROTING)
    before = position(app)

    app.establish_budget(
        Context(actor=FINANCE),
        key=ZORG,
        amount=money("500.00"),
        decision=BEGROTING,
        mutation_id=MUTATION,
    )

    assert events_since(app, before) == [
        BudgetLine.Opened(
            originator_id=line_id(ZORG),
            originator_version=1,
            timestamp=CLOCK_NOW,
            originator_topic="domain.budget:BudgetLine",
            meta=finance_meta(BEGROTING),
            key=LineKey(2024, "Zorg", "6.1", interventie=1, fund="transformatie"),
        ),
        BudgetLine.Established(
            originator_id=line_id(ZORG),
            originator_version=2,
            timestamp=CLOCK_NOW,
            meta=finance_meta(BEGROTING),
            mutation_id=MUTATION,
            authority=authority_of(BEGROTING, kind=DecisionKind.BEGROTING),
            amount=money("500.00"),
        ),
    ]
    assert line_total(app, ZORG) == money("500.00")


def test_establishing_a_line_twice_is_refused(budget: Begroting) -> None:
    before = position(budget)

    with pytest.raises(DuplicateError) as caught:
        budget.establish_budget(
            Context(actor=FINANCE), key=ZORG, amount=money("1.00"), decision=BEGROTING
        )

    assert caught.value.field == "key"
    assert caught.value.message == f"line {ZORG_LABEL} already has a budget; amend it instead"
    assert position(budget) == before


def test_establishing_a_line_that_was_already_amended_is_refused(budget: Begroting) -> None:
    new_line = LineKey(2024, "Zorg", "6.1", interventie=3)
    amend(budget, new_line, "10.00")
    before = position(budget)

    with pytest.raises(DuplicateError) as caught:
        budget.establish_budget(
            Context(actor=FINANCE), key=new_line, amount=money("1.00"), decision=BEGROTING
        )

    assert caught.value.message == (
        "line 2024 / Zorg / taakveld 6.1 / interventie 3 / lasten already has a budget;"
        " amend it instead"
    )
    assert position(budget) == before


def test_a_negative_primitive_budget_is_refused(budget: Begroting) -> None:
    before = position(budget)

    with pytest.raises(InvalidInputError) as caught:
        budget.establish_budget(
            Context(actor=FINANCE),
            key=LineKey(2024, "Zorg", "6.1", interventie=3),
            amount=money("-1.00"),
            decision=BEGROTING,
        )

    assert caught.value.field == "amount"
    assert caught.value.message == "a budget cannot be negative"
    assert position(budget) == before


def test_a_budget_line_without_a_taakveld_is_refused(budget: Begroting) -> None:
    before = position(budget)

    with pytest.raises(InvalidInputError) as caught:
        budget.establish_budget(
            Context(actor=FINANCE),
            key=LineKey(2024, "Zorg", None, deelproduct="DP-101"),
            amount=money("1.00"),
            decision=BEGROTING,
        )

    assert caught.value.field == "taakveld"
    assert caught.value.message == "a budget line needs a taakveld"
    assert position(budget) == before


# -- amend --------------------------------------------------------------------------------


def test_an_amendment_changes_the_line_by_its_delta(budget: Begroting) -> None:
    before = position(budget)

    amend(budget, ZORG, "-125.50")

    assert events_since(budget, before) == [
        BudgetLine.Amended(
            originator_id=line_id(ZORG),
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=finance_meta(WIJZIGING),
            mutation_id=MUTATION,
            authority=authority_of(WIJZIGING),
            amount=money("-125.50"),
        )
    ]
    assert line_total(budget, ZORG) == money("374.50")


def test_an_amendment_of_a_line_without_a_budget_opens_the_line(budget: Begroting) -> None:
    new_line = LineKey(2024, "Zorg", "6.1", interventie=3)
    before = position(budget)

    amend(budget, new_line, "10.00")

    assert events_since(budget, before) == [
        BudgetLine.Opened(
            originator_id=line_id(new_line),
            originator_version=1,
            timestamp=CLOCK_NOW,
            originator_topic="domain.budget:BudgetLine",
            meta=finance_meta(WIJZIGING),
            key=new_line,
        ),
        BudgetLine.Amended(
            originator_id=line_id(new_line),
            originator_version=2,
            timestamp=CLOCK_NOW,
            meta=finance_meta(WIJZIGING),
            mutation_id=MUTATION,
            authority=authority_of(WIJZIGING),
            amount=money("10.00"),
        ),
    ]


def test_a_cut_down_to_exactly_zero_is_accepted(budget: Begroting) -> None:
    amend(budget, ZORG, "-500.00")

    assert line_total(budget, ZORG) == Money.zero()


def test_a_cut_below_zero_is_refused(budget: Begroting) -> None:
    before = position(budget)

    with pytest.raises(InsufficientBudgetError) as caught:
        amend(budget, ZORG, "-500.01")

    assert caught.value.field == "amount"
    assert caught.value.message == f"line {ZORG_LABEL} holds 500.00; it cannot give 500.01"
    assert caught.value.data == {"available": "500.00", "requested": "500.01"}
    assert position(budget) == before


def test_an_amendment_of_zero_is_refused(budget: Begroting) -> None:
    before = position(budget)

    with pytest.raises(InvalidInputError) as caught:
        amend(budget, ZORG, "0.00")

    assert caught.value.field == "amount"
    assert caught.value.message == "an amendment changes the amount"
    assert position(budget) == before


def test_repeating_a_mutation_id_on_a_line_is_refused(budget: Begroting) -> None:
    amend(budget, ZORG, "10.00")
    before = position(budget)

    with pytest.raises(DuplicateError) as caught:
        amend(budget, ZORG, "10.00")

    assert caught.value.field == "mutation_id"
    assert caught.value.message == (f"mutation {MUTATION} was already applied to line {ZORG_LABEL}")
    assert line_total(budget, ZORG) == money("510.00")
    assert position(budget) == before


# -- transfer -----------------------------------------------------------------------------


def test_a_transfer_records_out_and_in_with_one_amount_and_one_mutation_id(
    budget: Begroting,
) -> None:
    before = position(budget)

    transfer(budget, ZORG, WIJK, "200.00")

    assert events_since(budget, before) == [
        BudgetLine.TransferredOut(
            originator_id=line_id(ZORG),
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=finance_meta(WIJZIGING),
            mutation_id=MUTATION,
            authority=authority_of(WIJZIGING),
            amount=money("200.00"),
            to_line=line_id(WIJK),
        ),
        BudgetLine.TransferredIn(
            originator_id=line_id(WIJK),
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=finance_meta(WIJZIGING),
            mutation_id=MUTATION,
            authority=authority_of(WIJZIGING),
            amount=money("200.00"),
            from_line=line_id(ZORG),
        ),
    ]


def test_a_transfer_conserves_the_total_of_the_lines(budget: Begroting) -> None:
    transfer(budget, ZORG, WIJK, "200.00")

    assert line_total(budget, ZORG) == money("300.00")
    assert line_total(budget, WIJK) == money("500.00")
    assert line_total(budget, ZORG) + line_total(budget, WIJK) == money("800.00")


def test_a_transfer_of_the_whole_line_leaves_it_at_zero(budget: Begroting) -> None:
    transfer(budget, ZORG, WIJK, "500.00")

    assert line_total(budget, ZORG) == Money.zero()
    assert line_total(budget, WIJK) == money("800.00")


def test_a_transfer_to_a_line_without_a_budget_opens_that_line(budget: Begroting) -> None:
    new_line = LineKey(2024, "Zorg", "6.1", interventie=3, fund="transformatie")
    before = position(budget)

    transfer(budget, ZORG, new_line, "50.00")

    events = events_since(budget, before)
    assert [type(event) for event in events] == [
        BudgetLine.TransferredOut,
        BudgetLine.Opened,
        BudgetLine.TransferredIn,
    ]
    assert events[1] == BudgetLine.Opened(
        originator_id=line_id(new_line),
        originator_version=1,
        timestamp=CLOCK_NOW,
        originator_topic="domain.budget:BudgetLine",
        meta=finance_meta(WIJZIGING),
        key=new_line,
    )
    assert line_total(budget, new_line) == money("50.00")


def test_a_transfer_overdrawing_a_line_is_refused(budget: Begroting) -> None:
    before = position(budget)

    with pytest.raises(InsufficientBudgetError) as caught:
        transfer(budget, ZORG, WIJK, "500.01")

    assert caught.value.field == "amount"
    assert caught.value.message == f"line {ZORG_LABEL} holds 500.00; it cannot give 500.01"
    assert position(budget) == before
    assert line_total(budget, WIJK) == money("300.00")


def test_a_transfer_across_fiscal_years_is_refused(budget: Begroting) -> None:
    next_year = LineKey(2025, "Zorg", "6.1", interventie=1, fund="transformatie")
    before = position(budget)

    with pytest.raises(TransferError) as caught:
        transfer(budget, ZORG, next_year, "100.00")

    assert caught.value.field == "target.fiscal_year"
    assert caught.value.message == (
        "a transfer stays within one fiscal year; carry over to move between years"
    )
    assert position(budget) == before


@pytest.mark.parametrize(
    "target",
    [ZORG, LineKey(2024, " zorg ", "6.1", interventie=1, fund="transformatie")],
    ids=["same-key", "same-line-spelled-differently"],
)
def test_a_transfer_to_the_same_line_is_refused(budget: Begroting, target: LineKey) -> None:
    before = position(budget)

    with pytest.raises(TransferError) as caught:
        transfer(budget, ZORG, target, "100.00")

    assert caught.value.field == "target"
    assert caught.value.message == "a transfer needs two different lines"
    assert position(budget) == before


def test_a_transfer_from_a_line_that_does_not_exist_is_refused(budget: Begroting) -> None:
    missing = LineKey(2024, "Zorg", "6.1", interventie=9)
    before = position(budget)

    with pytest.raises(NotFoundError) as caught:
        transfer(budget, missing, WIJK, "100.00")

    assert caught.value.field == "source"
    assert caught.value.message == (
        "line 2024 / Zorg / taakveld 6.1 / interventie 9 / lasten does not exist"
    )
    assert position(budget) == before


def test_a_transfer_of_nothing_is_refused(budget: Begroting) -> None:
    before = position(budget)

    with pytest.raises(InvalidInputError) as caught:
        transfer(budget, ZORG, WIJK, "0.00")

    assert caught.value.field == "amount"
    assert caught.value.message == "the amount must be more than zero"
    assert position(budget) == before


def test_repeating_a_transfer_is_refused(budget: Begroting) -> None:
    transfer(budget, ZORG, WIJK, "100.00")
    before = position(budget)

    with pytest.raises(DuplicateError) as caught:
        transfer(budget, ZORG, WIJK, "100.00")

    assert caught.value.field == "mutation_id"
    assert position(budget) == before
    assert line_total(budget, ZORG) == money("400.00")


def test_a_transfer_between_funds_through_the_raad_is_accepted(budget: Begroting) -> None:
    algemeen = LineKey(2024, "Zorg", "6.1", interventie=1, fund="algemeen")
    given_line(budget, algemeen, "0.00", decision=BEGROTING)
    before = position(budget)

    transfer(budget, ZORG, algemeen, "100.00")

    assert [(type(e), e.originator_id) for e in events_since(budget, before)] == [
        (BudgetLine.TransferredOut, line_id(ZORG)),
        (BudgetLine.TransferredIn, line_id(algemeen)),
    ]


# -- carry over ---------------------------------------------------------------------------

RESERVE = "BR-WMO-JEUGD"
NEXT_YEAR = LineKey(2025, "Zorg", "6.1", interventie=1, fund="transformatie")


@pytest.fixture
def two_years(budget: Begroting) -> Begroting:
    """Given also: the begroting 2025 with the line that receives, a reserve, a slotwijziging."""
    given_decision(budget, "2025-B-1", kind=DecisionKind.BEGROTING, period=Period.year(2025))
    given_line(budget, NEXT_YEAR, "1000.00", decision="2025-B-1")
    given_reserve(budget, RESERVE)
    given_decision(
        budget, SLOTWIJZIGING, kind=DecisionKind.SLOTWIJZIGING, period=Period(2024, 2025)
    )
    return budget


def carry_over(app: Begroting, target: LineKey, amount: str, reserve: str = RESERVE) -> None:
    app.carry_over_budget(
        Context(actor=FINANCE),
        source=ZORG,
        target=target,
        amount=money(amount),
        reserve=reserve,
        decision=SLOTWIJZIGING,
        mutation_id=MUTATION,
    )


def test_a_carry_over_goes_through_the_reserve_in_four_events(two_years: Begroting) -> None:
    before = position(two_years)
    # Each fact is valid for its own year: 2024 gives and stores, 2025 takes.
    given_meta = finance_meta(SLOTWIJZIGING, Period.year(2024))
    taken_meta = finance_meta(SLOTWIJZIGING, Period.year(2025))
    authority = authority_of(SLOTWIJZIGING, kind=DecisionKind.SLOTWIJZIGING)

    carry_over(two_years, NEXT_YEAR, "120.00")

    assert events_since(two_years, before) == [
        BudgetLine.CarriedOver(
            originator_id=line_id(ZORG),
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=given_meta,
            mutation_id=MUTATION,
            authority=authority,
            amount=money("120.00"),
            to_line=line_id(NEXT_YEAR),
            reserve_id=Reserve.id_for(RESERVE),
        ),
        Reserve.Deposited(
            originator_id=Reserve.id_for(RESERVE),
            originator_version=2,
            timestamp=CLOCK_NOW,
            meta=given_meta,
            mutation_id=uuid5(MUTATION, "storting"),
            fiscal_year=2024,
            amount=money("120.00"),
            earmark="",
            authority=authority,
        ),
        Reserve.Withdrawn(
            originator_id=Reserve.id_for(RESERVE),
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=taken_meta,
            mutation_id=uuid5(MUTATION, "onttrekking"),
            fiscal_year=2025,
            amount=money("120.00"),
            earmark="",
            authority=authority,
        ),
        BudgetLine.CarriedIn(
            originator_id=line_id(NEXT_YEAR),
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=taken_meta,
            mutation_id=MUTATION,
            authority=authority,
            amount=money("120.00"),
            from_line=line_id(ZORG),
            reserve_id=Reserve.id_for(RESERVE),
        ),
    ]
    assert line_total(two_years, ZORG) == money("380.00")
    assert line_total(two_years, NEXT_YEAR) == money("1120.00")


def test_a_carry_over_is_recorded_in_one_save(
    two_years: Begroting, monkeypatch: pytest.MonkeyPatch
) -> None:
    saves: list[int] = []
    original_save = two_years.save

    def counting_save(*aggregates: Any, **kwargs: Any) -> Any:
        recordings = original_save(*aggregates, **kwargs)
        saves.append(len(recordings))
        return recordings

    monkeypatch.setattr(two_years, "save", counting_save)

    carry_over(two_years, NEXT_YEAR, "120.00")

    assert saves == [4]


def test_a_carry_over_to_a_line_without_a_budget_opens_that_line(two_years: Begroting) -> None:
    new_line = LineKey(2025, "Zorg", "6.1", interventie=3, fund="transformatie")
    before = position(two_years)

    carry_over(two_years, new_line, "120.00")

    assert [type(event) for event in events_since(two_years, before)] == [
        BudgetLine.CarriedOver,
        Reserve.Deposited,
        Reserve.Withdrawn,
        BudgetLine.Opened,
        BudgetLine.CarriedIn,
    ]
    assert line_total(two_years, new_line) == money("120.00")


def test_a_target_line_opened_by_a_carry_over_is_valid_in_the_target_year(
    two_years: Begroting,
) -> None:
    new_line = LineKey(2025, "Zorg", "6.1", interventie=3, fund="transformatie")
    before = position(two_years)

    carry_over(two_years, new_line, "120.00")

    opened = events_since(two_years, before)[3]
    assert opened == BudgetLine.Opened(
        originator_id=line_id(new_line),
        originator_version=1,
        timestamp=CLOCK_NOW,
        originator_topic="domain.budget:BudgetLine",
        meta=finance_meta(SLOTWIJZIGING, Period.year(2025)),
        key=new_line,
    )


@pytest.mark.parametrize("year", [2024, 2023], ids=["same-year", "earlier-year"])
def test_a_carry_over_to_the_same_or_an_earlier_year_is_refused(
    two_years: Begroting, year: int
) -> None:
    before = position(two_years)

    with pytest.raises(TransferError) as caught:
        carry_over(two_years, LineKey(year, "Zorg", "6.1", interventie=2), "120.00")

    assert caught.value.field == "target.fiscal_year"
    assert caught.value.message == "a carry-over goes to a later fiscal year"
    assert position(two_years) == before


def test_a_carry_over_of_more_than_the_line_holds_is_refused(two_years: Begroting) -> None:
    before = position(two_years)

    with pytest.raises(InsufficientBudgetError) as caught:
        carry_over(two_years, NEXT_YEAR, "500.01")

    assert caught.value.message == f"line {ZORG_LABEL} holds 500.00; it cannot give 500.01"
    assert position(two_years) == before


def test_a_carry_over_through_an_unknown_reserve_is_refused(two_years: Begroting) -> None:
    before = position(two_years)

    with pytest.raises(NotFoundError) as caught:
        carry_over(two_years, NEXT_YEAR, "120.00", reserve="BR-ONBEKEND")

    assert caught.value.field == "reserve"
    assert caught.value.message == "reserve 'BR-ONBEKEND' does not exist"
    assert position(two_years) == before
