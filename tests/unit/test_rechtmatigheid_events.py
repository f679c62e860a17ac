"""The facts begrotingsrechtmatigheid rests on (ADR 0029), given/when/then over events: the
raad's verantwoordingsgrens for a year, a lasten line marked open-einde when it is established,
and an amendment a proposed raad decision would make."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.application import Begroting, Context
from domain.budget import BudgetLine, line_id
from domain.decision import Decision, MandateScope
from domain.errors import (
    ClosedFiscalYearError,
    DecisionStateError,
    InvalidInputError,
)
from domain.events import Bestuursorgaan, DecisionKind, MutationKind
from domain.fiscal_year import FiscalYear
from domain.values import LineKey, Period, Side

from .support import (
    CLOCK_NOW,
    FINANCE,
    authority_of,
    events_since,
    given_decision,
    money,
    position,
)

BEGROTING = "2024-BEGROTING"
VERORDENING = "2024-FV"
SLOT = "2024-SW"
LASTEN = LineKey(2024, "Zorg", "6.1")
BATEN = LineKey(2024, "Zorg", "6.1", side=Side.BATEN)


def set_grens(app: Begroting, percentage: str, decision: str = VERORDENING) -> None:
    app.set_verantwoordingsgrens(
        Context(actor=FINANCE), fiscal_year=2024, percentage=Decimal(percentage), decision=decision
    )


# -- the verantwoordingsgrens ------------------------------------------------------------


def test_the_raad_sets_the_verantwoordingsgrens_and_a_later_decision_replaces_it(
    app: Begroting,
) -> None:
    given_decision(app, VERORDENING, kind=DecisionKind.BELEIDSNOTA)
    given_decision(app, "2024-FV-2", kind=DecisionKind.BELEIDSNOTA)
    before = position(app)

    set_grens(app, "1")
    set_grens(app, "0.5", decision="2024-FV-2")

    registered, first, second = events_since(app, before)
    assert isinstance(registered, FiscalYear.Registered)
    assert isinstance(first, FiscalYear.VerantwoordingsgrensSet)
    assert isinstance(second, FiscalYear.VerantwoordingsgrensSet)
    assert (first.percentage, first.authority) == (
        Decimal("1"),
        authority_of(VERORDENING, kind=DecisionKind.BELEIDSNOTA),
    )
    assert second.percentage == Decimal("0.5")
    assert first.meta.period == Period.year(2024)
    year = app.repository.get(FiscalYear.id_for(2024))
    assert (year.verantwoordingsgrens, year.closed) == (Decimal("0.5"), False)


@pytest.mark.parametrize("percentage", ["0", "-1", "3.01", "NaN"])
def test_a_grens_outside_zero_to_three_percent_is_refused(app: Begroting, percentage: str) -> None:
    given_decision(app, VERORDENING, kind=DecisionKind.BELEIDSNOTA)
    before = position(app)

    with pytest.raises(InvalidInputError) as caught:
        set_grens(app, percentage)

    assert caught.value.field == "percentage"
    assert caught.value.message == "the verantwoordingsgrens is a percentage above 0 and at most 3"
    assert position(app) == before


def test_the_college_does_not_set_the_grens_even_under_a_mandate(app: Begroting) -> None:
    given_decision(
        app,
        "2024-M-1",
        kind=DecisionKind.MANDATE,
        mandate_scope=MandateScope(
            kinds=(MutationKind.CLOSE_YEAR,), fund=None, period=Period.year(2024)
        ),
    )
    given_decision(
        app,
        "2024-C-1",
        body=Bestuursorgaan.COLLEGE,
        kind=DecisionKind.BELEIDSNOTA,
        mandate_reference="2024-M-1",
    )
    before = position(app)

    with pytest.raises(InvalidInputError) as caught:
        set_grens(app, "1", decision="2024-C-1")

    assert (caught.value.field, caught.value.message) == (
        "decision",
        "the raad sets the verantwoordingsgrens",
    )
    assert position(app) == before


def test_a_closed_year_keeps_the_grens_it_was_closed_with(app: Begroting) -> None:
    given_decision(app, VERORDENING, kind=DecisionKind.BELEIDSNOTA)
    given_decision(app, "2024-JR", kind=DecisionKind.JAARREKENING)
    app.close_fiscal_year(Context(actor=FINANCE), fiscal_year=2024, decision="2024-JR")
    before = position(app)

    with pytest.raises(ClosedFiscalYearError):
        set_grens(app, "1")

    assert position(app) == before


# -- open-einde --------------------------------------------------------------------------


def test_a_lasten_line_established_as_open_einde_records_the_marking_beside_its_budget(
    app: Begroting,
) -> None:
    given_decision(app, BEGROTING, kind=DecisionKind.BEGROTING)
    before = position(app)

    app.establish_budget(
        Context(actor=FINANCE),
        key=LASTEN,
        amount=money("1000.00"),
        decision=BEGROTING,
        regeling="open-einde",
    )

    opened, established, marked = events_since(app, before)
    assert isinstance(opened, BudgetLine.Opened)
    assert isinstance(established, BudgetLine.Established)
    assert isinstance(marked, BudgetLine.RegelingMarked)
    assert (marked.regeling, marked.authority) == (
        "open-einde",
        authority_of(BEGROTING, kind=DecisionKind.BEGROTING),
    )
    assert app.repository.get(line_id(LASTEN)).regeling == "open-einde"


def test_a_line_established_without_a_regeling_records_no_marking(app: Begroting) -> None:
    given_decision(app, BEGROTING, kind=DecisionKind.BEGROTING)
    before = position(app)

    app.establish_budget(
        Context(actor=FINANCE), key=LASTEN, amount=money("1000.00"), decision=BEGROTING
    )

    assert [type(event).__name__ for event in events_since(app, before)] == [
        "Opened",
        "Established",
    ]
    assert app.repository.get(line_id(LASTEN)).regeling is None


@pytest.mark.parametrize(
    ("key", "regeling", "message"),
    [
        (BATEN, "open-einde", "only a lasten line is an open-einde regeling"),
        (LASTEN, "gesloten", "a regeling is one of open-einde"),
    ],
)
def test_a_marking_a_line_cannot_carry_is_refused_with_its_budget(
    app: Begroting, key: LineKey, regeling: str, message: str
) -> None:
    given_decision(app, BEGROTING, kind=DecisionKind.BEGROTING)
    before = position(app)

    with pytest.raises(InvalidInputError) as caught:
        app.establish_budget(
            Context(actor=FINANCE),
            key=key,
            amount=money("1000.00"),
            decision=BEGROTING,
            regeling=regeling,
        )

    assert (caught.value.field, caught.value.message) == ("regeling", message)
    assert position(app) == before


# -- a proposed amendment ----------------------------------------------------------------


def test_a_proposed_raad_decision_records_the_amendment_it_would_make(app: Begroting) -> None:
    given_decision(app, SLOT, kind=DecisionKind.SLOTWIJZIGING, adopted_at=None)
    before = position(app)

    app.propose_amendment(
        Context(actor=FINANCE), reference=SLOT, key=LASTEN, amount=money("250.00")
    )

    (proposed,) = events_since(app, before)
    assert isinstance(proposed, Decision.AmendmentProposed)
    assert (proposed.key, proposed.amount) == (LASTEN, money("250.00"))
    assert proposed.meta.decision_id == Decision.id_for(SLOT)
    assert proposed.meta.known_at == CLOCK_NOW


def test_an_adopted_decision_proposes_no_amendment(app: Begroting) -> None:
    given_decision(app, SLOT, kind=DecisionKind.SLOTWIJZIGING)
    before = position(app)

    with pytest.raises(DecisionStateError):
        app.propose_amendment(
            Context(actor=FINANCE), reference=SLOT, key=LASTEN, amount=money("250.00")
        )

    assert position(app) == before


@pytest.mark.parametrize(
    ("body", "key", "field"),
    [
        (Bestuursorgaan.COLLEGE, LASTEN, "reference"),
        (Bestuursorgaan.RAAD, LineKey(2025, "Zorg", "6.1"), "fiscal_year"),
    ],
)
def test_an_amendment_outside_the_raads_decision_is_refused(
    app: Begroting, body: Bestuursorgaan, key: LineKey, field: str
) -> None:
    given_decision(app, SLOT, body=body, kind=DecisionKind.SLOTWIJZIGING, adopted_at=None)
    before = position(app)

    with pytest.raises(InvalidInputError) as caught:
        app.propose_amendment(Context(actor=FINANCE), reference=SLOT, key=key, amount=money("1"))

    assert caught.value.field == field
    assert position(app) == before
