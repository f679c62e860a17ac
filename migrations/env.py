"""Alembic environment for the read-model schema (and the event log's append-only guard)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from projections.store.schema import metadata

config = context.config

# The event store's own tables belong to eventsourcing; autogenerate must leave them alone.
EVENT_STORE_TABLES = {"stored_events", "begroting_events", "tracking", "begroting_tracking"}


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    return not (type_ == "table" and name in EVENT_STORE_TABLES)


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            # One transaction, as the application's own migrate() runs it: without it the
            # driver runs each DDL statement on its own, and a failure half-way through 0019
            # would leave the chain's table without its append-only triggers.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        run(conn)
