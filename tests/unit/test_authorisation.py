"""Budgetrecht: a change takes effect only through a decision the raad adopted, or through a
college decision within a mandate the raad granted and adopted, whose scope covers it."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from domain.application import Begroting, Context
from domain.budget import BudgetLine, line_id
from domain.decision import Decision, MandateScope
from domain.errors import NotFoundError, UnauthorisedMutationError
from domain.events import Bestuursorgaan, DecisionKind, MutationKind
from domain.values import LineKey, Meta, Period

from .support import (
    ADOPTED_AT,
    CLOCK_NOW,
    FINANCE,
    authority_of,
    events_since,
    given_decision,
    given_line,
    given_reserve,
    money,
    position,
)

BEGROTING = "2024-B-1"
MANDATE = "2024-M-1"
COLLEGE = "2024-C-1"
MUTATION = UUID("00000000-0000-4000-8000-000000000001")
KNOWN_AT = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)

LINE = LineKey(2024, "Sociaal domein", "6.1", interventie=2, fund="transformatie")
OTHER_FUND = LineKey(2024, "Sociaal domein", "6.1", interventie=2, fund="algemeen")
NEXT_YEAR = LineKey(2025, "Sociaal domein", "6.1", interventie=2, fund="transformatie")

SCOPE = MandateScope(
    kinds=(MutationKind.AMEND, MutationKind.TRANSFER),
    fund="transformatie",
    period=Period.year(2024),
)


def finance_meta(decision: str, known_at: datetime = KNOWN_AT) -> Meta:
    return Meta(
        actor=FINANCE,
        known_at=known_at,
        period=Period.year(2024),
        decision_id=Decision.id_for(decision),
        source=None,
        import_id=None,
    )


@pytest.fixture
def budget(app: Begroting) -> Begroting:
    """Given: the adopted begroting 2024 establishing the lines the tests change."""
    given_decision(app, BEGROTING, kind=DecisionKind.BEGROTING)
    for key in (LINE, OTHER_FUND, NEXT_YEAR):
        given_line(app, key, "500000.00", decision=BEGROTING)
    return app


def given_mandate(
    app: Begroting, *, scope: MandateScope = SCOPE, adopted_at: datetime | None = ADOPTED_AT
) -> None:
    given_decision(
        app, MANDATE, kind=DecisionKind.MANDATE, mandate_scope=scope, adopted_at=adopted_at
    )


def given_college_decision(app: Begroting) -> None:
    given_decision(app, COLLEGE, body=Bestuursorgaan.COLLEGE, mandate_reference=MANDATE)


def amend(app: Begroting, key: LineKey, decision: str, known_at: datetime = KNOWN_AT) -> None:
    app.amend_budget(
        Context(actor=FINANCE, known_at=known_at),
        key=key,
        delta=money("100.00"),
        decision=decision,
        mutation_id=MUTATION,
    )


def test_an_amendment_through_an_adopted_raad_decision_names_that_decision(
    budget: Begroting,
) -> None:
    given_decision(budget, "2024-BW-2")
    before = position(budget)

    amend(budget, LINE, "2024-BW-2")

    assert events_since(budget, before) == [
        BudgetLine.Amended(
            originator_id=line_id(LINE),
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=finance_meta("2024-BW-2"),
            mutation_id=MUTATION,
            authority=authority_of("2024-BW-2"),
            amount=money("100.00"),
        )
    ]


def test_an_amendment_through_a_proposed_decision_is_refused(budget: Begroting) -> None:
    given_decision(budget, "2024-BW-2", adopted_at=None)
    before = position(budget)

    with pytest.raises(UnauthorisedMutationError) as caught:
        amend(budget, LINE, "2024-BW-2")

    assert caught.value.field == "decision"
    assert caught.value.message == (
        "decision '2024-BW-2' is proposed; a change takes effect only through an adopted decision"
    )
    assert position(budget) == before


def test_an_amendment_through_a_rejected_decision_is_refused(budget: Begroting) -> None:
    given_decision(budget, "2024-BW-2", adopted_at=None)
    budget.reject_decision(Context(actor="griffie"), reference="2024-BW-2")
    before = position(budget)

    with pytest.raises(UnauthorisedMutationError) as caught:
        amend(budget, LINE, "2024-BW-2")

    assert caught.value.message == (
        "decision '2024-BW-2' is rejected; a change takes effect only through an adopted decision"
    )
    assert position(budget) == before


def test_an_amendment_known_before_its_decision_was_adopted_is_refused(
    budget: Begroting,
) -> None:
    given_decision(budget, "2024-BW-2", adopted_at=datetime(2024, 5, 1, 20, 0, tzinfo=UTC))
    before = position(budget)

    with pytest.raises(UnauthorisedMutationError) as caught:
        amend(budget, LINE, "2024-BW-2", known_at=datetime(2024, 4, 30, 23, 59, tzinfo=UTC))

    assert caught.value.field == "decision"
    assert caught.value.message == (
        "decision '2024-BW-2' is adopted only after this change;"
        " a change takes effect only through an adopted decision"
    )
    assert position(budget) == before


def test_an_amendment_known_at_the_moment_of_adoption_is_authorised(budget: Begroting) -> None:
    adopted_at = datetime(2024, 5, 1, 20, 0, tzinfo=UTC)
    given_decision(budget, "2024-BW-2", adopted_at=adopted_at)
    before = position(budget)

    amend(budget, LINE, "2024-BW-2", known_at=adopted_at)

    assert events_since(budget, before) == [
        BudgetLine.Amended(
            originator_id=line_id(LINE),
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=finance_meta("2024-BW-2", adopted_at),
            mutation_id=MUTATION,
            authority=authority_of("2024-BW-2"),
            amount=money("100.00"),
        )
    ]


def test_an_adopted_motie_does_not_authorise_a_change(budget: Begroting) -> None:
    given_decision(budget, "2024-MO-3", kind=DecisionKind.MOTIE)
    before = position(budget)

    with pytest.raises(UnauthorisedMutationError) as caught:
        amend(budget, LINE, "2024-MO-3")

    assert caught.value.field == "decision"
    assert caught.value.message == "a motie ('2024-MO-3') does not itself authorise a change"
    assert position(budget) == before


def test_an_adopted_mandate_does_not_itself_authorise_a_change(budget: Begroting) -> None:
    given_mandate(budget)
    before = position(budget)

    with pytest.raises(UnauthorisedMutationError) as caught:
        amend(budget, LINE, MANDATE)

    assert caught.value.message == "a mandate ('2024-M-1') does not itself authorise a change"
    assert position(budget) == before


def test_an_amendment_through_an_unknown_decision_is_refused(budget: Begroting) -> None:
    before = position(budget)

    with pytest.raises(NotFoundError) as caught:
        amend(budget, LINE, "2024-BW-404")

    assert caught.value.field == "decision"
    assert caught.value.message == "decision '2024-BW-404' does not exist"
    assert position(budget) == before


def test_a_college_decision_within_its_mandate_authorises_and_names_the_mandate(
    budget: Begroting,
) -> None:
    given_mandate(budget)
    given_college_decision(budget)
    before = position(budget)

    amend(budget, LINE, COLLEGE)

    assert events_since(budget, before) == [
        BudgetLine.Amended(
            originator_id=line_id(LINE),
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=finance_meta(COLLEGE),
            mutation_id=MUTATION,
            authority=authority_of(
                COLLEGE,
                body=Bestuursorgaan.COLLEGE,
                kind=DecisionKind.BEGROTINGSWIJZIGING,
                mandate_reference=MANDATE,
            ),
            amount=money("100.00"),
        )
    ]


def test_a_mandate_without_a_fund_covers_every_fund(budget: Begroting) -> None:
    given_mandate(
        budget,
        scope=MandateScope(kinds=(MutationKind.AMEND,), fund=None, period=Period.year(2024)),
    )
    given_college_decision(budget)
    before = position(budget)

    amend(budget, OTHER_FUND, COLLEGE)

    [event] = events_since(budget, before)
    assert isinstance(event, BudgetLine.Amended)
    assert event.originator_id == line_id(OTHER_FUND)
    assert event.authority.mandate_id == Decision.id_for(MANDATE)


def test_a_college_decision_on_a_fund_outside_its_mandate_is_refused(budget: Begroting) -> None:
    given_mandate(budget)
    given_college_decision(budget)
    before = position(budget)

    with pytest.raises(UnauthorisedMutationError) as caught:
        amend(budget, OTHER_FUND, COLLEGE)

    assert caught.value.field == "decision"
    assert caught.value.message == (
        "mandate '2024-M-1' does not cover a amend on fund 'algemeen' in 2024"
    )
    assert position(budget) == before


def test_a_college_decision_in_a_year_outside_its_mandate_is_refused(budget: Begroting) -> None:
    given_mandate(budget)
    given_college_decision(budget)
    before = position(budget)

    with pytest.raises(UnauthorisedMutationError) as caught:
        amend(budget, NEXT_YEAR, COLLEGE)

    assert caught.value.message == (
        "mandate '2024-M-1' does not cover a amend on fund 'transformatie' in 2025"
    )
    assert position(budget) == before


def test_a_college_decision_for_a_kind_of_change_outside_its_mandate_is_refused(
    budget: Begroting,
) -> None:
    given_mandate(budget)
    given_college_decision(budget)
    before = position(budget)
    new_line = LineKey(2024, "Sociaal domein", "6.1", interventie=9, fund="transformatie")

    with pytest.raises(UnauthorisedMutationError) as caught:
        budget.establish_budget(
            Context(actor=FINANCE), key=new_line, amount=money("1.00"), decision=COLLEGE
        )

    assert caught.value.message == (
        "mandate '2024-M-1' does not cover a establish on fund 'transformatie' in 2024"
    )
    assert position(budget) == before


def test_a_college_decision_without_a_mandate_is_refused(budget: Begroting) -> None:
    given_decision(budget, COLLEGE, body=Bestuursorgaan.COLLEGE)
    before = position(budget)

    with pytest.raises(UnauthorisedMutationError) as caught:
        amend(budget, LINE, COLLEGE)

    assert caught.value.field == "decision"
    assert caught.value.message == "college decision '2024-C-1' relies on no mandate of the raad"
    assert position(budget) == before


def test_a_college_decision_under_a_mandate_the_raad_has_not_adopted_is_refused(
    budget: Begroting,
) -> None:
    given_mandate(budget, adopted_at=None)
    given_college_decision(budget)
    before = position(budget)

    with pytest.raises(UnauthorisedMutationError) as caught:
        amend(budget, LINE, COLLEGE)

    assert caught.value.message == "mandate '2024-M-1' is not adopted by the raad"
    assert position(budget) == before


def test_a_college_decision_under_a_mandate_adopted_after_the_change_is_refused(
    budget: Begroting,
) -> None:
    given_mandate(budget, adopted_at=datetime(2024, 5, 1, tzinfo=UTC))
    given_college_decision(budget)
    before = position(budget)

    with pytest.raises(UnauthorisedMutationError) as caught:
        amend(budget, LINE, COLLEGE, known_at=datetime(2024, 4, 1, tzinfo=UTC))

    assert caught.value.message == "mandate '2024-M-1' is not adopted by the raad"
    assert position(budget) == before


def test_a_transfer_between_funds_needs_a_decision_of_the_raad(budget: Begroting) -> None:
    given_mandate(
        budget,
        scope=MandateScope(kinds=(MutationKind.TRANSFER,), fund=None, period=Period.year(2024)),
    )
    given_college_decision(budget)
    before = position(budget)

    with pytest.raises(UnauthorisedMutationError) as caught:
        budget.transfer_budget(
            Context(actor=FINANCE),
            source=LINE,
            target=OTHER_FUND,
            amount=money("100.00"),
            decision=COLLEGE,
        )

    assert caught.value.field == "decision"
    assert caught.value.message == "a transfer between funds needs a decision of the raad"
    assert position(budget) == before


def test_a_carry_over_within_a_college_mandate_for_both_years_is_authorised(
    budget: Begroting,
) -> None:
    given_mandate(
        budget,
        scope=MandateScope(
            kinds=(MutationKind.CARRY_OVER,), fund="transformatie", period=Period(2024, 2025)
        ),
    )
    given_college_decision(budget)
    given_reserve(budget, "BR-WMO-JEUGD")
    before = position(budget)

    budget.carry_over_budget(
        Context(actor=FINANCE),
        source=LINE,
        target=NEXT_YEAR,
        amount=money("100.00"),
        reserve="BR-WMO-JEUGD",
        decision=COLLEGE,
        mutation_id=MUTATION,
    )

    events = events_since(budget, before)
    assert len(events) == 4
    assert {event.authority for event in events} == {
        authority_of(COLLEGE, body=Bestuursorgaan.COLLEGE, mandate_reference=MANDATE)
    }


def test_a_carry_over_between_funds_under_a_college_mandate_is_refused(
    budget: Begroting,
) -> None:
    given_mandate(
        budget,
        scope=MandateScope(
            kinds=(MutationKind.CARRY_OVER,), fund="transformatie", period=Period(2024, 2025)
        ),
    )
    given_college_decision(budget)
    given_reserve(budget, "BR-WMO-JEUGD")
    other_fund_next_year = LineKey(2025, "Sociaal domein", "6.1", interventie=2, fund="algemeen")
    before = position(budget)

    with pytest.raises(UnauthorisedMutationError) as caught:
        budget.carry_over_budget(
            Context(actor=FINANCE),
            source=LINE,
            target=other_fund_next_year,
            amount=money("100.00"),
            reserve="BR-WMO-JEUGD",
            decision=COLLEGE,
        )

    assert caught.value.field == "decision"
    assert caught.value.message == "a carry-over between funds needs a decision of the raad"
    assert position(budget) == before


def test_a_carry_over_into_a_year_outside_the_college_mandate_is_refused(
    budget: Begroting,
) -> None:
    given_mandate(
        budget,
        scope=MandateScope(
            kinds=(MutationKind.CARRY_OVER,), fund="transformatie", period=Period.year(2024)
        ),
    )
    given_college_decision(budget)
    given_reserve(budget, "BR-WMO-JEUGD")
    before = position(budget)

    with pytest.raises(UnauthorisedMutationError) as caught:
        budget.carry_over_budget(
            Context(actor=FINANCE),
            source=LINE,
            target=NEXT_YEAR,
            amount=money("100.00"),
            reserve="BR-WMO-JEUGD",
            decision=COLLEGE,
        )

    assert caught.value.field == "decision"
    assert caught.value.message == (
        "mandate '2024-M-1' does not cover a carry-over on fund 'transformatie' in 2025"
    )
    assert position(budget) == before


def test_a_reserve_withdrawal_in_a_year_outside_the_college_mandate_is_refused(
    budget: Begroting,
) -> None:
    given_reserve(budget, "SALDI")
    budget.deposit_to_reserve(
        Context(actor=FINANCE),
        code="SALDI",
        fiscal_year=2024,
        amount=money("1000.00"),
        decision=BEGROTING,
    )
    given_mandate(
        budget,
        scope=MandateScope(kinds=(MutationKind.RESERVE,), fund=None, period=Period.year(2024)),
    )
    given_college_decision(budget)
    before = position(budget)

    with pytest.raises(UnauthorisedMutationError) as caught:
        budget.withdraw_from_reserve(
            Context(actor=FINANCE),
            code="SALDI",
            fiscal_year=2025,
            amount=money("100.00"),
            decision=COLLEGE,
        )

    assert (
        caught.value.message == "mandate '2024-M-1' does not cover a reserve on fund None in 2025"
    )
    assert position(budget) == before


def test_an_allocation_into_a_year_outside_the_college_mandate_is_refused(
    budget: Begroting,
) -> None:
    given_reserve(budget, "SALDI")
    budget.deposit_to_reserve(
        Context(actor=FINANCE),
        code="SALDI",
        fiscal_year=2024,
        amount=money("1000.00"),
        decision=BEGROTING,
    )
    given_mandate(
        budget,
        scope=MandateScope(kinds=(MutationKind.RESERVE,), fund=None, period=Period.year(2024)),
    )
    given_college_decision(budget)
    before = position(budget)

    with pytest.raises(UnauthorisedMutationError) as caught:
        budget.allocate_from_reserve(
            Context(actor=FINANCE),
            code="SALDI",
            earmark="",
            allocations={LINE: money("100.00"), NEXT_YEAR: money("100.00")},
            decision=COLLEGE,
        )

    assert caught.value.field == "decision"
    assert (
        caught.value.message == "mandate '2024-M-1' does not cover a reserve on fund None in 2025"
    )
    assert position(budget) == before
