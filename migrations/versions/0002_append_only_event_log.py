"""The event log is append-only, enforced by the database (ADR 0004).

UPDATE and DELETE on the eventsourcing events table raise, whoever the client is; on
PostgreSQL TRUNCATE too. The table itself is created by the eventsourcing recorder before
migrations run (api.cli.open_ledger: open_application, then migrate).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_TABLE = "stored_events"
POSTGRES_TABLE = "begroting_events"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS {SQLITE_TABLE}_no_{action.lower()} "
                f"BEFORE {action} ON {SQLITE_TABLE} "
                f"BEGIN SELECT RAISE(ABORT, 'the event log is append-only: {action} refused'); "
                "END"
            )
        return
    op.execute(
        """
        CREATE OR REPLACE FUNCTION begroting_refuse_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the event log is append-only: % refused on %', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    op.execute(
        f"CREATE TRIGGER {POSTGRES_TABLE}_append_only BEFORE UPDATE OR DELETE "
        f"ON {POSTGRES_TABLE} FOR EACH ROW EXECUTE FUNCTION begroting_refuse_change()"
    )
    op.execute(
        f"CREATE TRIGGER {POSTGRES_TABLE}_no_truncate BEFORE TRUNCATE "
        f"ON {POSTGRES_TABLE} FOR EACH STATEMENT EXECUTE FUNCTION begroting_refuse_change()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {SQLITE_TABLE}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {SQLITE_TABLE}_no_delete")
        return
    op.execute(f"DROP TRIGGER IF EXISTS {POSTGRES_TABLE}_append_only ON {POSTGRES_TABLE}")
    op.execute(f"DROP TRIGGER IF EXISTS {POSTGRES_TABLE}_no_truncate ON {POSTGRES_TABLE}")
    op.execute("DROP FUNCTION IF EXISTS begroting_refuse_change()")
