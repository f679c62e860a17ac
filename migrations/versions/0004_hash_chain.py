"""Tamper evidence: the hash chain's links and the report seals (ADR 0007).

Both tables are append-only, guarded like the event log (migration 0002): UPDATE and DELETE
raise on SQLite and PostgreSQL, TRUNCATE too on PostgreSQL. A rebuild of the read model
leaves them alone; the runner extends them only.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("chain_links", "report_seals")


def upgrade() -> None:
    op.create_table(
        "chain_links",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("originator_id", sa.String(length=32), nullable=False),
        sa.Column("originator_version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("link", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    op.create_table(
        "report_seals",
        sa.Column("report_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("chain_head", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("report_id"),
    )
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} "
                    f"BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the hash chain is append-only: {action} "
                    "refused'); END"
                )
        return
    op.execute(
        """
        CREATE OR REPLACE FUNCTION begroting_refuse_chain_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the hash chain is append-only: % refused on %', TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION begroting_refuse_chain_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION begroting_refuse_chain_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    else:
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS begroting_refuse_chain_change()")
    op.drop_table("report_seals")
    op.drop_table("chain_links")
