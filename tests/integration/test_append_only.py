"""The event log is append-only, enforced by the database itself (ADR 0004): whoever the
client is, raw SQL cannot change or remove a recorded event."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.demo.nijmegen import SALDIRESERVE, STADSBEGROTING_2019, day
from api.ledger import Ledger
from domain.application import Context
from domain.money import Money

REFUSAL = "the event log is append-only"


def events_table(ledger: Ledger) -> str:
    return "stored_events" if ledger.engine.dialect.name == "sqlite" else "begroting_events"


def all_events(ledger: Ledger) -> list[tuple[Any, ...]]:
    table = events_table(ledger)
    with ledger.engine.connect() as conn:
        rows = conn.execute(
            text(
                f"SELECT originator_id, originator_version, topic, state FROM {table} "
                "ORDER BY originator_id, originator_version"
            )
        )
        return [tuple(row) for row in rows]


def first_event(ledger: Ledger) -> tuple[Any, ...]:
    table = events_table(ledger)
    with ledger.engine.connect() as conn:
        row = conn.execute(
            text(
                f"SELECT originator_id, originator_version, topic, state FROM {table} "
                "ORDER BY originator_id, originator_version LIMIT 1"
            )
        ).one()
    return tuple(row)


def refused(ledger: Ledger, statement: str, **params: Any) -> str:
    with pytest.raises(DBAPIError) as raised, ledger.engine.begin() as conn:
        conn.execute(text(statement), params)
    return str(raised.value.orig)


def test_an_update_of_a_recorded_event_is_refused_by_the_database(demo_ledger: Ledger) -> None:
    before = all_events(demo_ledger)
    originator_id, version, _, _ = first_event(demo_ledger)

    message = refused(
        demo_ledger,
        f"UPDATE {events_table(demo_ledger)} SET topic = 'forged' "
        "WHERE originator_id = :id AND originator_version = :version",
        id=originator_id,
        version=version,
    )

    assert REFUSAL in message
    assert "UPDATE" in message
    assert all_events(demo_ledger) == before


def test_an_update_of_every_event_at_once_is_refused_and_changes_no_row(
    demo_ledger: Ledger,
) -> None:
    before = all_events(demo_ledger)

    message = refused(
        demo_ledger, f"UPDATE {events_table(demo_ledger)} SET originator_version = 999"
    )

    assert REFUSAL in message
    assert len(before) == demo_ledger.app.recorder.max_notification_id()
    assert all_events(demo_ledger) == before


def test_a_delete_of_a_recorded_event_is_refused_by_the_database(demo_ledger: Ledger) -> None:
    before = all_events(demo_ledger)
    originator_id, version, _, _ = first_event(demo_ledger)

    message = refused(
        demo_ledger,
        f"DELETE FROM {events_table(demo_ledger)} "
        "WHERE originator_id = :id AND originator_version = :version",
        id=originator_id,
        version=version,
    )

    assert REFUSAL in message
    assert "DELETE" in message
    assert all_events(demo_ledger) == before


def test_deleting_the_whole_log_is_refused_by_the_database(demo_ledger: Ledger) -> None:
    before = all_events(demo_ledger)

    message = refused(demo_ledger, f"DELETE FROM {events_table(demo_ledger)}")

    assert REFUSAL in message
    assert all_events(demo_ledger) == before


@pytest.mark.postgres
@pytest.mark.parametrize("ledger", ["postgres"], indirect=True)
def test_postgresql_refuses_to_truncate_the_event_log(demo_ledger: Ledger) -> None:
    assert demo_ledger.engine.dialect.name == "postgresql"
    before = all_events(demo_ledger)

    message = refused(demo_ledger, "TRUNCATE begroting_events")

    assert REFUSAL in message
    assert "TRUNCATE" in message
    assert all_events(demo_ledger) == before


def test_appending_still_works_after_a_refused_change(demo_ledger: Ledger) -> None:
    refused(demo_ledger, f"DELETE FROM {events_table(demo_ledger)}")
    before = demo_ledger.app.recorder.max_notification_id()

    recorded = demo_ledger.app.deposit_to_reserve(
        Context(actor="test", known_at=day("2019-01-10")),
        code=SALDIRESERVE,
        fiscal_year=2019,
        amount=Money.thousands(1),
        decision=STADSBEGROTING_2019,
    )

    assert recorded.position == before + 1
    assert len(all_events(demo_ledger)) == before + 1
