"""What an attacker with database admin rights can do to the event log once the append-only
triggers are gone (ADR 0004, ADR 0007). Raw SQL only, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from uuid import uuid5

from sqlalchemy import Engine, text

from domain.events import BEGROTING_NAMESPACE

FORGED_ID = uuid5(BEGROTING_NAMESPACE, "forged")


def _sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _table(engine: Engine) -> str:
    return "stored_events" if _sqlite(engine) else "begroting_events"


def _position(engine: Engine) -> str:
    return "rowid" if _sqlite(engine) else "notification_id"


def drop_guards(engine: Engine) -> None:
    """Drop the event log's append-only triggers (what a database admin can do)."""
    with engine.begin() as conn:
        if _sqlite(engine):
            conn.execute(text("DROP TRIGGER stored_events_no_update"))
            conn.execute(text("DROP TRIGGER stored_events_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER begroting_events_append_only ON begroting_events"))
            conn.execute(text("DROP TRIGGER begroting_events_no_truncate ON begroting_events"))


def drop_chain_guards(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in ("chain_links", "report_seals"):
            if _sqlite(engine):
                conn.execute(text(f"DROP TRIGGER {table}_no_update"))
                conn.execute(text(f"DROP TRIGGER {table}_no_delete"))
            else:
                conn.execute(text(f"DROP TRIGGER {table}_append_only ON {table}"))


def state_at(engine: Engine, position: int) -> bytes:
    with engine.connect() as conn:
        state = conn.execute(
            text(f"SELECT state FROM {_table(engine)} WHERE {_position(engine)} = :p"),
            {"p": position},
        ).scalar_one()
    return bytes(state)


def change_amount(engine: Engine, position: int, old: str, new: str) -> None:
    """Rewrite one money amount inside the stored state of the event at `position`."""
    before = state_at(engine, position)
    after = before.replace(f'"_data_":"{old}"'.encode(), f'"_data_":"{new}"'.encode(), 1)
    assert after != before, f"{old} is not an amount of the event at {position}"
    with engine.begin() as conn:
        conn.execute(
            text(f"UPDATE {_table(engine)} SET state = :s WHERE {_position(engine)} = :p"),
            {"s": after, "p": position},
        )


def delete_event(engine: Engine, position: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(f"DELETE FROM {_table(engine)} WHERE {_position(engine)} = :p"), {"p": position}
        )


def swap_events(engine: Engine, first: int, second: int) -> None:
    """Exchange the log positions of two events."""
    table, column = _table(engine), _position(engine)
    with engine.begin() as conn:
        for old, new in ((first, -1), (second, first), (-1, second)):
            conn.execute(
                text(f"UPDATE {table} SET {column} = :new WHERE {column} = :old"),
                {"new": new, "old": old},
            )


def insert_event(engine: Engine, position: int) -> None:
    """Make room at `position` by moving every later event one up, then put a forged event
    there: a copy of the event before it, under an aggregate id nobody recorded."""
    table, column = _table(engine), _position(engine)
    with engine.begin() as conn:
        conn.execute(
            text(f"UPDATE {table} SET {column} = {column} + 1000000 WHERE {column} >= :p"),
            {"p": position},
        )
        conn.execute(
            text(f"UPDATE {table} SET {column} = {column} - 999999 WHERE {column} >= 1000000")
        )
        topic, state = conn.execute(
            text(f"SELECT topic, state FROM {table} WHERE {column} = :p"), {"p": position - 1}
        ).one()
        conn.execute(
            text(
                f"INSERT INTO {table} ({column}, originator_id, originator_version, topic, state) "
                "VALUES (:p, :id, 1, :topic, :state)"
            ),
            {
                "p": position,
                "id": FORGED_ID.hex if _sqlite(engine) else FORGED_ID,
                "topic": topic,
                "state": bytes(state),
            },
        )


def state_as_text(engine: Engine, position: int) -> None:
    """Rewrite the stored state through text, `cast(state as text)`. SQLite keeps the text
    in the BLOB column; on PostgreSQL the bytea's text form (\\x7b22...) is stored as bytes."""
    value = "cast(state as text)" if _sqlite(engine) else "convert_to(cast(state as text), 'UTF8')"
    with engine.begin() as conn:
        conn.execute(
            text(f"UPDATE {_table(engine)} SET state = {value} WHERE {_position(engine)} = :p"),
            {"p": position},
        )


def set_column(engine: Engine, position: int, column: str, value: object) -> None:
    """Store `value` (None: NULL) in one column of the event at `position`."""
    assert column in ("originator_id", "originator_version", "topic", "state")
    with engine.begin() as conn:
        conn.execute(
            text(f"UPDATE {_table(engine)} SET {column} = :v WHERE {_position(engine)} = :p"),
            {"v": value, "p": position},
        )


def add_a_million(engine: Engine) -> None:
    """EUR 1,000,000 more on the budget mutation at position 90 in the read model, which
    is not append-only: no trigger stands in the way."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE budget_mutations SET delta_cents = delta_cents + 100000000 "
                "WHERE position = 90"
            )
        )
