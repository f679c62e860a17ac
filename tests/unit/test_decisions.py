"""Decisions: propose, then adopt, reject or withdraw; mandates are the raad's, with a scope."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest
from eventsourcing.persistence import JSONTranscoder

from domain import transcodings
from domain.application import Begroting, Context
from domain.decision import Decision, MandateScope
from domain.errors import DecisionStateError, DuplicateError, InvalidInputError, NotFoundError
from domain.events import Bestuursorgaan, DecisionKind, MutationKind
from domain.values import Meta, Period

from .support import (
    ADOPTED_AT,
    CLOCK_NOW,
    GRIFFIE,
    PROPOSED_AT,
    events_since,
    given_decision,
    position,
)

REFERENCE = "2024-BW-7"
DECISION_ID = Decision.id_for(REFERENCE)
PERIOD = Period.year(2024)
SCOPE = MandateScope(
    kinds=(MutationKind.AMEND, MutationKind.TRANSFER),
    fund="transformatie",
    period=Period(2024, 2025),
)


def griffie_meta(known_at: datetime, decision_id: UUID, period: Period = PERIOD) -> Meta:
    return Meta(
        actor=GRIFFIE,
        known_at=known_at,
        period=period,
        decision_id=decision_id,
        source=None,
        import_id=None,
    )


def test_decision_ids_derive_from_the_reference_and_are_stable() -> None:
    assert Decision.id_for(REFERENCE) == UUID("5c470510-c69b-585c-a5d1-55101ead4c09")


def test_a_governing_body_is_stored_under_the_tag_it_had_before_the_rename() -> None:
    transcoder = JSONTranscoder()
    transcodings.register(transcoder)

    stored = transcoder.encode({"body": Bestuursorgaan.RAAD})

    assert stored == b'{"body":{"_type_":"Body","_data_":"raad"}}'
    assert transcoder.decode(stored) == {"body": Bestuursorgaan.RAAD}


def test_proposing_a_decision_records_it_as_proposed(app: Begroting) -> None:
    before = position(app)

    app.propose_decision(
        Context(actor=GRIFFIE, known_at=PROPOSED_AT),
        reference=REFERENCE,
        title="Zomernota 2024",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.ZOMERNOTA,
        period=PERIOD,
    )

    assert events_since(app, before) == [
        Decision.Proposed(
            originator_id=DECISION_ID,
            originator_version=1,
            timestamp=CLOCK_NOW,
            originator_topic="domain.decision:Decision",
            meta=griffie_meta(PROPOSED_AT, DECISION_ID),
            reference=REFERENCE,
            title="Zomernota 2024",
            body=Bestuursorgaan.RAAD,
            kind=DecisionKind.ZOMERNOTA,
            mandate_scope=None,
            mandate_id=None,
        )
    ]


def test_adopting_a_proposed_decision_records_adopted_in_the_proposal_period(
    app: Begroting,
) -> None:
    given_decision(app, REFERENCE, period=Period(2024, 2025), adopted_at=None)
    before = position(app)

    app.adopt_decision(Context(actor=GRIFFIE, known_at=ADOPTED_AT), reference=REFERENCE)

    assert events_since(app, before) == [
        Decision.Adopted(
            originator_id=DECISION_ID,
            originator_version=2,
            timestamp=CLOCK_NOW,
            meta=griffie_meta(ADOPTED_AT, DECISION_ID, Period(2024, 2025)),
        )
    ]


def test_rejecting_a_proposed_decision_records_rejected(app: Begroting) -> None:
    given_decision(app, REFERENCE, adopted_at=None)
    before = position(app)

    app.reject_decision(Context(actor=GRIFFIE, known_at=ADOPTED_AT), reference=REFERENCE)

    assert events_since(app, before) == [
        Decision.Rejected(
            originator_id=DECISION_ID,
            originator_version=2,
            timestamp=CLOCK_NOW,
            meta=griffie_meta(ADOPTED_AT, DECISION_ID),
        )
    ]


def test_withdrawing_a_proposed_decision_records_withdrawn(app: Begroting) -> None:
    given_decision(app, REFERENCE, adopted_at=None)
    before = position(app)

    app.withdraw_decision(Context(actor=GRIFFIE), reference=REFERENCE)

    assert events_since(app, before) == [
        Decision.Withdrawn(
            originator_id=DECISION_ID,
            originator_version=2,
            timestamp=CLOCK_NOW,
            meta=griffie_meta(CLOCK_NOW, DECISION_ID),
        )
    ]


def test_adopting_a_decision_twice_is_refused(app: Begroting) -> None:
    given_decision(app, REFERENCE)
    before = position(app)

    with pytest.raises(DecisionStateError) as caught:
        app.adopt_decision(Context(actor=GRIFFIE), reference=REFERENCE)

    assert caught.value.field == "reference"
    assert caught.value.message == "cannot adopt decision '2024-BW-7': it is adopted"
    assert position(app) == before


def test_adopting_a_rejected_decision_is_refused(app: Begroting) -> None:
    given_decision(app, REFERENCE, adopted_at=None)
    app.reject_decision(Context(actor=GRIFFIE), reference=REFERENCE)
    before = position(app)

    with pytest.raises(DecisionStateError) as caught:
        app.adopt_decision(Context(actor=GRIFFIE), reference=REFERENCE)

    assert caught.value.field == "reference"
    assert caught.value.message == "cannot adopt decision '2024-BW-7': it is rejected"
    assert position(app) == before


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (Begroting.reject_decision, "cannot reject decision '2024-BW-7': it is withdrawn"),
        (Begroting.withdraw_decision, "cannot withdraw decision '2024-BW-7': it is withdrawn"),
        (Begroting.adopt_decision, "cannot adopt decision '2024-BW-7': it is withdrawn"),
    ],
)
def test_a_withdrawn_decision_can_no_longer_be_decided(
    app: Begroting, command: object, message: str
) -> None:
    given_decision(app, REFERENCE, adopted_at=None)
    app.withdraw_decision(Context(actor=GRIFFIE), reference=REFERENCE)
    before = position(app)

    with pytest.raises(DecisionStateError) as caught:
        command(app, Context(actor=GRIFFIE), reference=REFERENCE)

    assert caught.value.message == message
    assert position(app) == before


def test_deciding_on_an_unknown_decision_is_refused(app: Begroting) -> None:
    with pytest.raises(NotFoundError) as caught:
        app.adopt_decision(Context(actor=GRIFFIE), reference="2024-BW-404")

    assert caught.value.field == "decision"
    assert caught.value.message == "decision '2024-BW-404' does not exist"
    assert position(app) == 0


def test_proposing_the_same_reference_twice_is_refused(app: Begroting) -> None:
    given_decision(app, REFERENCE, adopted_at=None)
    before = position(app)

    with pytest.raises(DuplicateError) as caught:
        app.propose_decision(
            Context(actor=GRIFFIE),
            reference=REFERENCE,
            title="Another title",
            body=Bestuursorgaan.RAAD,
            kind=DecisionKind.BEGROTINGSWIJZIGING,
            period=PERIOD,
        )

    assert caught.value.field == "reference"
    assert caught.value.message == "decision '2024-BW-7' already exists"
    assert position(app) == before


@pytest.mark.parametrize(
    ("reference", "title", "field", "message"),
    [
        ("  ", "Zomernota", "reference", "a decision needs a reference"),
        ("2024-BW-8", " ", "title", "a decision needs a title"),
    ],
)
def test_a_decision_without_a_reference_or_title_is_refused(
    app: Begroting, reference: str, title: str, field: str, message: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        app.propose_decision(
            Context(actor=GRIFFIE),
            reference=reference,
            title=title,
            body=Bestuursorgaan.RAAD,
            kind=DecisionKind.ZOMERNOTA,
            period=PERIOD,
        )

    assert caught.value.field == field
    assert caught.value.message == message
    assert position(app) == 0


def test_the_raad_grants_a_mandate_with_its_scope(app: Begroting) -> None:
    mandate_id = Decision.id_for("2019-M-1")

    app.propose_decision(
        Context(actor=GRIFFIE, known_at=PROPOSED_AT),
        reference="2019-M-1",
        title="Mandaat transformatiebudget",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.MANDATE,
        period=Period(2024, 2025),
        mandate_scope=SCOPE,
    )

    assert events_since(app, 0) == [
        Decision.Proposed(
            originator_id=mandate_id,
            originator_version=1,
            timestamp=CLOCK_NOW,
            originator_topic="domain.decision:Decision",
            meta=griffie_meta(PROPOSED_AT, mandate_id, Period(2024, 2025)),
            reference="2019-M-1",
            title="Mandaat transformatiebudget",
            body=Bestuursorgaan.RAAD,
            kind=DecisionKind.MANDATE,
            mandate_scope=MandateScope(
                kinds=(MutationKind.AMEND, MutationKind.TRANSFER),
                fund="transformatie",
                period=Period(2024, 2025),
            ),
            mandate_id=None,
        )
    ]


def test_a_mandate_granted_by_the_college_is_refused(app: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        app.propose_decision(
            Context(actor=GRIFFIE),
            reference="2024-M-1",
            title="Mandaat",
            body=Bestuursorgaan.COLLEGE,
            kind=DecisionKind.MANDATE,
            period=PERIOD,
            mandate_scope=SCOPE,
        )

    assert caught.value.field == "body"
    assert caught.value.message == "only the raad grants a mandate"
    assert position(app) == 0


def test_a_mandate_without_a_scope_is_refused(app: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        app.propose_decision(
            Context(actor=GRIFFIE),
            reference="2024-M-1",
            title="Mandaat",
            body=Bestuursorgaan.RAAD,
            kind=DecisionKind.MANDATE,
            period=PERIOD,
        )

    assert caught.value.field == "mandate_scope"
    assert caught.value.message == "a mandate needs a scope"
    assert position(app) == 0


def test_a_scope_on_a_decision_that_is_not_a_mandate_is_refused(app: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        app.propose_decision(
            Context(actor=GRIFFIE),
            reference=REFERENCE,
            title="Zomernota",
            body=Bestuursorgaan.RAAD,
            kind=DecisionKind.ZOMERNOTA,
            period=PERIOD,
            mandate_scope=SCOPE,
        )

    assert caught.value.field == "mandate_scope"
    assert caught.value.message == "only a mandate has a scope"
    assert position(app) == 0


def test_a_college_decision_can_name_the_mandate_it_acts_under(app: Begroting) -> None:
    given_decision(app, "2024-M-1", kind=DecisionKind.MANDATE, mandate_scope=SCOPE)
    before = position(app)
    college_id = Decision.id_for("2024-C-12")

    app.propose_decision(
        Context(actor=GRIFFIE, known_at=PROPOSED_AT),
        reference="2024-C-12",
        title="Verschuiving tussen interventies",
        body=Bestuursorgaan.COLLEGE,
        kind=DecisionKind.BEGROTINGSWIJZIGING,
        period=PERIOD,
        mandate_reference="2024-M-1",
    )

    assert events_since(app, before) == [
        Decision.Proposed(
            originator_id=college_id,
            originator_version=1,
            timestamp=CLOCK_NOW,
            originator_topic="domain.decision:Decision",
            meta=griffie_meta(PROPOSED_AT, college_id),
            reference="2024-C-12",
            title="Verschuiving tussen interventies",
            body=Bestuursorgaan.COLLEGE,
            kind=DecisionKind.BEGROTINGSWIJZIGING,
            mandate_scope=None,
            mandate_id=Decision.id_for("2024-M-1"),
        )
    ]


def test_a_raad_decision_cannot_act_under_a_mandate(app: Begroting) -> None:
    given_decision(app, "2024-M-1", kind=DecisionKind.MANDATE, mandate_scope=SCOPE)
    before = position(app)

    with pytest.raises(InvalidInputError) as caught:
        app.propose_decision(
            Context(actor=GRIFFIE),
            reference=REFERENCE,
            title="Zomernota",
            body=Bestuursorgaan.RAAD,
            kind=DecisionKind.ZOMERNOTA,
            period=PERIOD,
            mandate_reference="2024-M-1",
        )

    assert caught.value.field == "mandate"
    assert caught.value.message == "only the college acts under a mandate"
    assert position(app) == before


def test_a_college_decision_cannot_name_a_decision_that_is_not_a_mandate(
    app: Begroting,
) -> None:
    given_decision(app, REFERENCE)
    before = position(app)

    with pytest.raises(InvalidInputError) as caught:
        app.propose_decision(
            Context(actor=GRIFFIE),
            reference="2024-C-12",
            title="Verschuiving",
            body=Bestuursorgaan.COLLEGE,
            kind=DecisionKind.BEGROTINGSWIJZIGING,
            period=PERIOD,
            mandate_reference=REFERENCE,
        )

    assert caught.value.field == "mandate"
    assert caught.value.message == "decision '2024-BW-7' is not a mandate"
    assert position(app) == before


def test_a_college_decision_naming_an_unknown_mandate_is_refused(app: Begroting) -> None:
    with pytest.raises(NotFoundError) as caught:
        app.propose_decision(
            Context(actor=GRIFFIE),
            reference="2024-C-12",
            title="Verschuiving",
            body=Bestuursorgaan.COLLEGE,
            kind=DecisionKind.BEGROTINGSWIJZIGING,
            period=PERIOD,
            mandate_reference="2024-M-404",
        )

    assert caught.value.field == "mandate"
    assert caught.value.message == "mandate '2024-M-404' does not exist"
    assert position(app) == 0
