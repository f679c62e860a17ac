"""Migration 0019 (ADR 0038): the audit log keeps no copy of an event's stored state, and on
SQLite the tables with a row per event are keyed by the rowid. Over the Nijmegen demo, on
SQLite and PostgreSQL: an upgrade from 0017 keeps every row's values, the log shows each
event's stored state as the dropped column held it, the chain stays append-only, and a
downgrade puts the column back with the same values."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, inspect, select, text
from sqlalchemy.exc import DatabaseError

import migrations
from api.ledger import Ledger
from projections.queries import event_log
from projections.store import schema
from projections.store.database import stored_events
from support.demo import DEMO_LAST_POSITION

KEPT = ("audit_log", "chain_links", "realisation_entries")


def _migrate(engine: Engine, to: str, *, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", next(iter(migrations.__path__)))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, to)


def _rows(conn: Connection, table: str) -> list[dict[str, Any]]:
    return [
        dict(row._mapping) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY position"))
    ]


def _states(conn: Connection) -> dict[int, str]:
    table, position = stored_events(conn.dialect.name)
    found = conn.execute(text(f"SELECT {position}, state FROM {table}"))
    return {int(at): bytes(state).decode("utf-8") for at, state in found}


def test_an_upgrade_from_0017_keeps_every_row_and_the_log_its_payloads(
    demo_ledger: Ledger,
) -> None:
    engine = demo_ledger.engine
    _migrate(engine, "0017", down=True)
    with engine.connect() as conn:
        before = {table: _rows(conn, table) for table in KEPT}
        states = _states(conn)
    assert len(before["audit_log"]) == DEMO_LAST_POSITION
    # What 0017's column held is the event store's state at the same position, every row.
    assert {row["position"]: row["payload"] for row in before["audit_log"]} == states

    _migrate(engine, "head")

    with engine.connect() as conn:
        after = {table: _rows(conn, table) for table in KEPT}
        shown = event_log.audit_log(conn, limit=DEMO_LAST_POSITION + 1)
    assert after["audit_log"] == [
        {key: value for key, value in row.items() if key != "payload"}
        for row in before["audit_log"]
    ]
    assert after["chain_links"] == before["chain_links"]
    assert after["realisation_entries"] == before["realisation_entries"]
    assert {row["position"]: row["payload"] for row in shown} == states
    assert "payload" not in {c["name"] for c in inspect(engine).get_columns("audit_log")}


def test_the_chain_stays_append_only_after_the_upgrade(demo_ledger: Ledger) -> None:
    with demo_ledger.engine.connect() as conn:
        try:
            conn.execute(text("DELETE FROM chain_links WHERE position = 1"))
        except DatabaseError as error:
            refused = str(error)
        else:
            refused = ""
        conn.rollback()
        assert "the hash chain is append-only" in refused
        assert conn.execute(select(schema.chain_links.c.position)).scalars().first() == 1


def test_sqlite_keys_the_per_event_tables_by_the_rowid(demo_ledger: Ledger) -> None:
    if demo_ledger.engine.dialect.name != "sqlite":
        return
    with demo_ledger.engine.connect() as conn:
        for table in KEPT:
            indexes = conn.exec_driver_sql(f"PRAGMA index_list({table})").all()
            # A rowid alias needs no index of its own (a BIGINT key had sqlite_autoindex_*).
            assert [row[1] for row in indexes if row[3] == "pk"] == []
            assert (
                conn.exec_driver_sql(
                    f"SELECT count(*) FROM {table} WHERE rowid <> position"
                ).scalar_one()
                == 0
            )


def test_a_downgrade_puts_the_payload_back_from_the_event_store(demo_ledger: Ledger) -> None:
    engine = demo_ledger.engine
    with engine.connect() as conn:
        kept = {table: _rows(conn, table) for table in KEPT}
        states = _states(conn)

    _migrate(engine, "0017", down=True)

    with engine.connect() as conn:
        back = {table: _rows(conn, table) for table in KEPT}
    assert [
        {key: value for key, value in row.items() if key != "payload"} for row in back["audit_log"]
    ] == kept["audit_log"]
    assert {row["position"]: row["payload"] for row in back["audit_log"]} == states
    assert back["chain_links"] == kept["chain_links"]
    assert back["realisation_entries"] == kept["realisation_entries"]
    _migrate(engine, "head")
