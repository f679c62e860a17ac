"""Numbered begrotingswijzigingen and the dekking of an amendment (ADR 0026): both optional
fields stored only when set, so an event without them is stored as before they existed."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.application import Begroting, Context
from domain.budget import BudgetLine, line_id
from domain.decision import Decision
from domain.errors import InvalidInputError
from domain.events import Bestuursorgaan, DecisionKind
from domain.values import LineKey, Meta, Period

from .support import (
    CLOCK_NOW,
    FINANCE,
    GRIFFIE,
    PROPOSED_AT,
    authority_of,
    events_since,
    given_decision,
    given_line,
    money,
    position,
)

BEGROTING = "2024-B-1"
WIJZIGING = "2024-BW-12"
MUTATION = UUID("00000000-0000-4000-8000-000000000012")
ZORG = LineKey(2024, "Zorg", "6.1", interventie=1, fund="transformatie")
DEKKING = "Saldireserve, oormerk transformatiebudget"


def propose(app: Begroting, **extra: object) -> None:
    app.propose_decision(
        Context(actor=GRIFFIE, known_at=PROPOSED_AT),
        reference=WIJZIGING,
        title="Begrotingswijziging 2024-12",
        body=extra.pop("body", Bestuursorgaan.RAAD),  # type: ignore[arg-type]
        kind=extra.pop("kind", DecisionKind.BEGROTINGSWIJZIGING),  # type: ignore[arg-type]
        period=Period.year(2024),
        **extra,  # type: ignore[arg-type]
    )


def proposed(number: str | None) -> Decision.Proposed:
    return Decision.Proposed(
        originator_id=Decision.id_for(WIJZIGING),
        originator_version=1,
        timestamp=CLOCK_NOW,
        originator_topic="domain.decision:Decision",
        meta=Meta(
            actor=GRIFFIE,
            known_at=PROPOSED_AT,
            period=Period.year(2024),
            decision_id=Decision.id_for(WIJZIGING),
            source=None,
            import_id=None,
        ),
        reference=WIJZIGING,
        title="Begrotingswijziging 2024-12",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.BEGROTINGSWIJZIGING,
        mandate_scope=None,
        mandate_id=None,
        number=number,
    )


def test_a_begrotingswijziging_of_the_raad_carries_the_municipalitys_number(
    app: Begroting,
) -> None:
    before = position(app)

    propose(app, number="2024-12")

    assert events_since(app, before) == [proposed("2024-12")]
    assert app.repository.get(Decision.id_for(WIJZIGING)).number == "2024-12"


def test_a_number_is_stored_only_when_set_so_an_unnumbered_decision_is_stored_as_before(
    app: Begroting,
) -> None:
    before = position(app)

    propose(app)

    (stored,) = app.notification_log.select(start=before + 1, limit=1)
    assert b'"number"' not in stored.state
    assert events_since(app, before) == [proposed(None)]
    assert app.repository.get(Decision.id_for(WIJZIGING)).number is None


def test_the_stored_number_is_in_the_events_bytes(app: Begroting) -> None:
    before = position(app)

    propose(app, number="2024-12")

    (stored,) = app.notification_log.select(start=before + 1, limit=1)
    assert stored.state.endswith(b',"number":"2024-12"}')


@pytest.mark.parametrize(
    ("body", "kind", "number", "message"),
    [
        (
            Bestuursorgaan.RAAD,
            DecisionKind.MOTIE,
            "2024-12",
            "only a begrotingswijziging of the raad carries a number (a raad motie does not)",
        ),
        (
            Bestuursorgaan.COLLEGE,
            DecisionKind.BEGROTINGSWIJZIGING,
            "2024-12",
            "only a begrotingswijziging of the raad carries a number "
            "(a college begrotingswijziging does not)",
        ),
        (Bestuursorgaan.RAAD, DecisionKind.BEGROTINGSWIJZIGING, "  ", "number is blank"),
        (
            Bestuursorgaan.RAAD,
            DecisionKind.BEGROTINGSWIJZIGING,
            "2024\n12",
            "number holds a line break (it is single-line text)",
        ),
    ],
)
def test_a_number_where_none_belongs_or_a_bad_one_is_refused_naming_the_field(
    app: Begroting, body: Bestuursorgaan, kind: DecisionKind, number: str, message: str
) -> None:
    before = position(app)

    with pytest.raises(InvalidInputError) as refused:
        propose(app, body=body, kind=kind, number=number)

    assert (refused.value.message, refused.value.field) == (message, "number")
    assert position(app) == before


@pytest.fixture
def budget(app: Begroting) -> Begroting:
    """Given: the adopted begroting 2024 (Zorg 500.00) and the adopted wijziging 2024-12."""
    given_decision(app, BEGROTING, kind=DecisionKind.BEGROTING)
    propose(app, number="2024-12")
    app.adopt_decision(Context(actor=GRIFFIE, known_at=PROPOSED_AT), reference=WIJZIGING)
    given_line(app, ZORG, "500.00", decision=BEGROTING)
    return app


def amended(dekking: str | None) -> BudgetLine.Amended:
    return BudgetLine.Amended(
        originator_id=line_id(ZORG),
        originator_version=3,
        timestamp=CLOCK_NOW,
        meta=Meta(
            actor=FINANCE,
            known_at=CLOCK_NOW,
            period=Period.year(2024),
            decision_id=Decision.id_for(WIJZIGING),
            source=None,
            import_id=None,
        ),
        mutation_id=MUTATION,
        authority=authority_of(WIJZIGING),
        amount=money("250.00"),
        dekking=dekking,
    )


def amend(app: Begroting, dekking: str | None) -> None:
    app.amend_budget(
        Context(actor=FINANCE),
        key=ZORG,
        delta=money("250.00"),
        decision=WIJZIGING,
        mutation_id=MUTATION,
        dekking=dekking,
    )


def test_an_amendment_records_its_dekking(budget: Begroting) -> None:
    before = position(budget)

    amend(budget, DEKKING)

    assert events_since(budget, before) == [amended(DEKKING)]
    (stored,) = budget.notification_log.select(start=before + 1, limit=1)
    assert stored.state.endswith(b',"dekking":"Saldireserve, oormerk transformatiebudget"}')


def test_an_amendment_without_dekking_is_stored_as_before(budget: Begroting) -> None:
    before = position(budget)

    amend(budget, None)

    assert events_since(budget, before) == [amended(None)]
    (stored,) = budget.notification_log.select(start=before + 1, limit=1)
    assert b'"dekking"' not in stored.state


@pytest.mark.parametrize(
    ("dekking", "message"),
    [
        ("", "dekking is blank"),
        ("algemene\nmiddelen", "dekking holds a line break (it is single-line text)"),
        ("x" * 201, "dekking is longer than 200 characters"),
    ],
)
def test_a_bad_dekking_is_refused_naming_the_field(
    budget: Begroting, dekking: str, message: str
) -> None:
    before = position(budget)

    with pytest.raises(InvalidInputError) as refused:
        amend(budget, dekking)

    assert (refused.value.message, refused.value.field) == (message, "dekking")
    assert position(budget) == before
