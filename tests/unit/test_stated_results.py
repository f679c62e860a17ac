"""Stated results: a result per domain as a report states it (voordeel positive, nadeel
negative); a restatement names the version it corrects (ADR 0030)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.application import Begroting, Context
from domain.errors import DuplicateError, InvalidInputError, NotFoundError, RealisationError
from domain.realisation import RealisationStatus
from domain.stated_result import StatedResult
from domain.values import Meta, Period

from .support import CLOCK_NOW, FINANCE, events_since, money, position

Q4 = "Kwartaalrapportage Q4 2019 sociaal domein"
JAARREKENING = "Jaarrekening 2019"
STATED_AT = datetime(2020, 2, 10, 9, 0, tzinfo=UTC)
RESTATED_AT = datetime(2020, 5, 1, 9, 0, tzinfo=UTC)
WMO = StatedResult.id_for(2019, "wmo")
PROVISIONAL = RealisationStatus.VOORLOPIG
DEFINITIVE = RealisationStatus.DEFINITIEF
SCOPE = "Op het onderdeel Wmo realiseren we over 2019 een voordelig resultaat"


def meta(known_at: datetime, source: str) -> Meta:
    return Meta(
        actor=FINANCE,
        known_at=known_at,
        period=Period.year(2019),
        decision_id=None,
        source=source,
        import_id=None,
    )


def state(app: Begroting, amount: str = "1000000.00", domain: str = "wmo") -> None:
    app.state_result(
        Context(actor=FINANCE, known_at=STATED_AT, source=Q4),
        fiscal_year=2019,
        domain=domain,
        label="Wmo",
        scope=SCOPE,
        amount=money(amount),
        status=PROVISIONAL,
    )


def restate(
    app: Begroting,
    amount: str,
    *,
    corrects_version: int = 1,
    status: RealisationStatus = DEFINITIVE,
    known_at: datetime = RESTATED_AT,
    reason: str = "jaarrekening vastgesteld",
) -> None:
    app.restate_result(
        Context(actor=FINANCE, known_at=known_at, source=JAARREKENING),
        fiscal_year=2019,
        domain="wmo",
        amount=money(amount),
        status=status,
        reason=reason,
        corrects_version=corrects_version,
    )


@pytest.fixture
def stated(app: Begroting) -> Begroting:
    """Given: the Q4 report states a voordeel of EUR 1,0 miljoen on the Wmo in 2019."""
    state(app)
    return app


def test_stating_a_result_records_it_as_the_report_states_it(app: Begroting) -> None:
    state(app)

    assert events_since(app, 0) == [
        StatedResult.Stated(
            originator_id=WMO,
            originator_version=1,
            timestamp=CLOCK_NOW,
            originator_topic="domain.stated_result:StatedResult",
            meta=meta(STATED_AT, Q4),
            fiscal_year=2019,
            domain="wmo",
            label="Wmo",
            scope=SCOPE,
            amount=money("1000000.00"),
            status=PROVISIONAL,
        )
    ]


def test_a_nadeel_is_stated_negative_under_a_domain_of_its_own(stated: Begroting) -> None:
    state(stated, "-3400000.00", domain="jeugd")

    [event] = events_since(stated, 1)
    assert isinstance(event, StatedResult.Stated)
    assert (event.originator_id, event.amount) == (
        StatedResult.id_for(2019, "jeugd"),
        money("-3400000.00"),
    )


def test_stating_the_same_year_and_domain_twice_is_refused(stated: Begroting) -> None:
    with pytest.raises(DuplicateError) as caught:
        state(stated, "2000000.00", domain="WMO ")

    assert (caught.value.field, caught.value.message) == (
        "domain",
        "a result for 'WMO ' in 2019 is stated; restate it instead",
    )
    assert position(stated) == 1


def test_a_restatement_names_the_version_it_corrects_and_the_amount_it_replaces(
    stated: Begroting,
) -> None:
    restate(stated, "1100000.00")

    [event] = events_since(stated, 1)
    assert event == StatedResult.Restated(
        originator_id=WMO,
        originator_version=2,
        timestamp=CLOCK_NOW,
        meta=meta(RESTATED_AT, JAARREKENING),
        corrects_version=1,
        previous_amount=money("1000000.00"),
        amount=money("1100000.00"),
        status=DEFINITIVE,
        reason="jaarrekening vastgesteld",
    )


def test_a_restatement_of_an_older_version_is_refused(stated: Begroting) -> None:
    restate(stated, "1100000.00")

    with pytest.raises(RealisationError) as caught:
        restate(stated, "1200000.00", corrects_version=1)

    assert (caught.value.field, caught.value.data) == ("corrects_version", {"current_version": 2})
    assert position(stated) == 2


def test_a_definitive_result_cannot_become_provisional(stated: Begroting) -> None:
    restate(stated, "1100000.00")

    with pytest.raises(RealisationError) as caught:
        restate(stated, "1200000.00", corrects_version=2, status=PROVISIONAL)

    assert (caught.value.field, caught.value.message) == (
        "status",
        "a definitive result cannot become provisional again",
    )


def test_a_restatement_that_changes_nothing_is_refused(stated: Begroting) -> None:
    with pytest.raises(RealisationError) as caught:
        restate(stated, "1000000.00", status=PROVISIONAL)

    assert caught.value.field == "amount"


def test_a_restatement_known_before_the_result_is_refused(stated: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        restate(stated, "1100000.00", known_at=datetime(2020, 1, 1, tzinfo=UTC))

    assert caught.value.field == "known_at"


def test_a_restatement_without_a_reason_is_refused(stated: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        restate(stated, "1100000.00", reason=" ")

    assert caught.value.field == "reason"


def test_restating_a_result_never_stated_is_refused(app: Begroting) -> None:
    with pytest.raises(NotFoundError) as caught:
        restate(app, "1.00")

    assert (caught.value.field, caught.value.message) == (
        "domain",
        "stated result 'wmo' of 2019 does not exist",
    )
