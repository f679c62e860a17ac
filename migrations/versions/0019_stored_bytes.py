"""Fewer stored bytes per event (ADR 0038).

- The audit log no longer copies each event's stored state (`payload`): the event store
  holds the same bytes at the same log position, and the log's readers read them there.
- SQLite: the three tables with a row per event or more (audit_log, chain_links,
  realisation_entries) are keyed by position as INTEGER PRIMARY KEY, the rowid itself. A
  BIGINT primary key is no rowid alias on SQLite: it kept a second copy of every position in
  an index of its own. PostgreSQL keeps its bigint keys.

The chain's links and triggers, and every row's values, are copied as they are.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

KEYED_BY_POSITION = ("audit_log", "chain_links", "realisation_entries")
CHAIN = "chain_links"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _chain_triggers(action: str) -> None:
    """The append-only guard of 0004 on SQLite: a table copied by batch mode loses it."""
    for change in ("UPDATE", "DELETE"):
        name = f"{CHAIN}_no_{change.lower()}"
        if action == "drop":
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            continue
        op.execute(
            f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {change} ON {CHAIN} "
            f"BEGIN SELECT RAISE(ABORT, 'the hash chain is append-only: {change} refused'); END"
        )


def _position_type(key: sa.types.TypeEngine[int]) -> None:
    _chain_triggers("drop")
    for table in KEYED_BY_POSITION:
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.alter_column("position", type_=key, existing_nullable=False)
    _chain_triggers("create")


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("payload")
    if _sqlite():
        _position_type(sa.Integer())


def downgrade() -> None:
    if _sqlite():
        _position_type(sa.BigInteger())
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("payload", sa.Text(), nullable=True))
    # The event's state, from the event store's row at the same log position.
    if _sqlite():
        op.execute(
            "UPDATE audit_log SET payload = (SELECT CAST(state AS TEXT) FROM stored_events "
            "WHERE stored_events.rowid = audit_log.position)"
        )
    else:
        op.execute(
            "UPDATE audit_log SET payload = convert_from(e.state, 'UTF8') "
            "FROM begroting_events AS e WHERE e.notification_id = audit_log.position"
        )
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("payload", existing_type=sa.Text(), nullable=False)
