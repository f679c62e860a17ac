"""Verification that advances with the chain: a table of verification runs (ADR 0017).

Each full verify, each catch-up that extends a verified prefix and each break a rebuild
finds appends a row: up to which position the chain is verified, its head there, when, by
what, and the finding if any. Append-only, guarded like the chain's own tables (migration
0004): the history of verifications is evidence too. The latest row is the log's state.

Revision ID: 0009
Revises: 0008

Revision numbers were assigned per branch, as each branch began: there is no 0007, and
0009 follows 0008 (down_revision), not 0006.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLE = "chain_verifications"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("verified_to", sa.BigInteger(), nullable=False),
        sa.Column("head", sa.String(length=64)),
        sa.Column("kind", sa.String(length=16)),
        sa.Column("position", sa.BigInteger()),
        sa.Column("detail", sa.Text()),
        sa.PrimaryKeyConstraint("id"),
    )
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_{action.lower()} "
                f"BEFORE {action} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, 'the hash chain is append-only: {action} "
                "refused'); END"
            )
        return
    # begroting_refuse_chain_change() is migration 0004's.
    op.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE "
        f"ON {TABLE} FOR EACH ROW EXECUTE FUNCTION begroting_refuse_chain_change()"
    )
    op.execute(
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE "
        f"ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION begroting_refuse_chain_change()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
    op.drop_table(TABLE)
