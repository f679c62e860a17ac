"""Three time axes: the valid period, known_at (business time) and recorded_at (the clock).
Every event carries who, when known, for which period, and why (decision or source)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

import pytest

from domain.application import Begroting, Context
from domain.budget import BudgetLine, line_id
from domain.decision import Decision
from domain.errors import InvalidInputError, InvalidTimeError
from domain.realisation import Realisation, RealisationStatus, realisation_id
from domain.reserve import ReserveKind
from domain.values import LineKey, Meta, Period
from support.clock import Clock

from .support import (
    CLOCK_NOW,
    FINANCE,
    authority_of,
    events_since,
    given_decision,
    given_line,
    money,
    position,
)

LINE = LineKey(2024, "Zorg", "6.1")
REALISED = LineKey(2024, "Zorg", "6.71a", deelproduct="DP-101")
MUTATION = UUID("00000000-0000-4000-8000-000000000001")


@pytest.fixture
def budget(app: Begroting) -> Begroting:
    given_decision(app, "2024-B-1")
    given_line(app, LINE, "100.00", decision="2024-B-1")
    return app


def amend(app: Begroting, ctx: Context) -> None:
    app.amend_budget(ctx, key=LINE, delta=money("1.00"), decision="2024-B-1", mutation_id=MUTATION)


def report(app: Begroting, ctx: Context) -> None:
    app.report_realisation(
        ctx, key=REALISED, amount=money("10.00"), status=RealisationStatus.VOORLOPIG
    )


def test_an_event_carries_actor_known_at_period_decision_source_and_import(
    budget: Begroting,
) -> None:
    known_at = datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    before = position(budget)

    amend(
        budget,
        Context(
            actor="import",
            known_at=known_at,
            source="Begroting 2024, p. 12",
            import_id="go-live-2024",
        ),
    )

    assert events_since(budget, before) == [
        BudgetLine.Amended(
            originator_id=line_id(LINE),
            originator_version=3,
            timestamp=CLOCK_NOW,
            meta=Meta(
                actor="import",
                known_at=known_at,
                period=Period.year(2024),
                decision_id=Decision.id_for("2024-B-1"),
                source="Begroting 2024, p. 12",
                import_id="go-live-2024",
            ),
            mutation_id=MUTATION,
            authority=authority_of("2024-B-1"),
            amount=money("1.00"),
        )
    ]


def test_a_fact_without_a_decision_carries_its_source(app: Begroting) -> None:
    known_at = datetime(2024, 4, 10, 9, 0, tzinfo=UTC)

    report(app, Context(actor=FINANCE, known_at=known_at, source="Q1", import_id="go-live"))

    assert events_since(app, 0) == [
        Realisation.Reported(
            originator_id=realisation_id(REALISED, None),
            originator_version=1,
            timestamp=CLOCK_NOW,
            originator_topic="domain.realisation:Realisation",
            meta=Meta(
                actor=FINANCE,
                known_at=known_at,
                period=Period.year(2024),
                decision_id=None,
                source="Q1",
                import_id="go-live",
            ),
            key=REALISED,
            quarter=None,
            amount=money("10.00"),
            status=RealisationStatus.VOORLOPIG,
            month=None,
        )
    ]


def test_known_at_defaults_to_the_moment_of_recording(app: Begroting) -> None:
    report(app, Context(actor=FINANCE, source="Q1"))

    [event] = events_since(app, 0)
    assert event.meta.known_at == CLOCK_NOW


@pytest.mark.parametrize(
    ("actor", "source"),
    [(FINANCE, None), (FINANCE, ""), (FINANCE, "   ")],
    ids=["none", "empty", "blank"],
)
def test_a_fact_with_neither_a_decision_nor_a_source_is_refused(
    app: Begroting, actor: str, source: str | None
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        report(app, Context(actor=actor, source=source))

    assert caught.value.field == "source"
    assert caught.value.message == "every change names its decision or source document"
    assert position(app) == 0


def test_a_reserve_without_a_decision_or_a_source_is_refused(app: Begroting) -> None:
    with pytest.raises(InvalidInputError) as caught:
        app.establish_reserve(
            Context(actor=FINANCE),
            code="SALDI",
            name="Saldireserve",
            kind=ReserveKind.ALGEMEEN,
            purpose="",
            fiscal_year=2024,
        )

    assert caught.value.field == "source"
    assert position(app) == 0


def test_a_change_without_an_actor_is_refused(budget: Begroting) -> None:
    before = position(budget)

    with pytest.raises(InvalidInputError) as caught:
        amend(budget, Context(actor="  "))

    assert caught.value.field == "actor"
    assert caught.value.message == "every change has an actor"
    assert position(budget) == before


def test_a_fact_known_after_the_clock_is_refused(budget: Begroting) -> None:
    before = position(budget)

    with pytest.raises(InvalidTimeError) as caught:
        amend(budget, Context(actor=FINANCE, known_at=CLOCK_NOW + timedelta(seconds=1)))

    assert caught.value.field == "known_at"
    assert caught.value.message == "known_at cannot lie after recorded_at (the future)"
    assert position(budget) == before


def test_a_fact_known_at_the_moment_of_recording_is_accepted(budget: Begroting) -> None:
    before = position(budget)

    amend(budget, Context(actor=FINANCE, known_at=CLOCK_NOW))

    [event] = events_since(budget, before)
    assert event.meta.known_at == CLOCK_NOW


def test_a_naive_known_at_is_refused(budget: Begroting) -> None:
    before = position(budget)

    with pytest.raises(InvalidTimeError) as caught:
        amend(budget, Context(actor=FINANCE, known_at=datetime(2024, 3, 1, 10, 0)))

    assert caught.value.field == "known_at"
    assert caught.value.message == "known_at must carry a time zone"
    assert position(budget) == before


def test_known_at_in_another_time_zone_is_kept_as_that_moment(budget: Begroting) -> None:
    amsterdam_summer = timezone(timedelta(hours=2))
    known_at = datetime(2024, 3, 1, 12, 0, tzinfo=amsterdam_summer)
    before = position(budget)

    amend(budget, Context(actor=FINANCE, known_at=known_at))

    [event] = events_since(budget, before)
    assert event.meta.known_at == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


def test_a_naive_clock_is_refused(budget: Begroting, clock: Clock) -> None:
    before = position(budget)
    clock.set(datetime(2024, 6, 2, 12, 0))

    with pytest.raises(InvalidTimeError) as caught:
        amend(budget, Context(actor=FINANCE))

    assert caught.value.field == "clock"
    assert caught.value.message == "clock must carry a time zone"
    assert position(budget) == before


def test_an_events_timestamp_is_the_clocks_value(budget: Begroting, clock: Clock) -> None:
    later = datetime(2024, 6, 2, 8, 30, 15, 123456, tzinfo=UTC)
    clock.set(later)
    before = position(budget)

    amend(budget, Context(actor=FINANCE))

    [event] = events_since(budget, before)
    assert event.timestamp == later
    assert event.recorded_at == later
    assert event.meta.known_at == later


def test_a_clock_in_another_time_zone_is_recorded_in_utc(budget: Begroting, clock: Clock) -> None:
    clock.set(datetime(2024, 6, 2, 14, 0, tzinfo=timezone(timedelta(hours=2))))
    before = position(budget)

    amend(budget, Context(actor=FINANCE))

    [event] = events_since(budget, before)
    assert event.timestamp == datetime(2024, 6, 2, 12, 0, tzinfo=UTC)
    assert event.timestamp.utcoffset() == timedelta(0)


def test_recorded_at_never_runs_backwards_when_the_clock_does(
    budget: Begroting, clock: Clock
) -> None:
    clock.set(CLOCK_NOW - timedelta(hours=1))
    before = position(budget)

    amend(budget, Context(actor=FINANCE))

    [event] = events_since(budget, before)
    assert event.timestamp == CLOCK_NOW
    assert event.meta.known_at == CLOCK_NOW
