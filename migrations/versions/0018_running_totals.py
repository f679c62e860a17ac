"""Running totals (ADR 0034): per group series a rollup or a report's cell sums, its steps
with the total so far (a fact no lane could take: its own delta). A projection of its own:
the tables are made here and left empty and untracked, so the next catch-up fills them from
position 0, by the projection's code of that day. A migration never runs application code,
whose tables may have moved on by the time an old ledger is upgraded.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "running_series",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=8)),
        sa.Column("programma", sa.String(length=200)),
        sa.Column("taakveld", sa.String(length=16)),
        sa.Column("interventie", sa.Integer()),
        sa.Column("fund", sa.String(length=100)),
        sa.Column("lane", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_running_series_group", "running_series", ["kind", "fiscal_year"])
    op.create_table(
        "running_steps",
        sa.Column("series_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("known_at", sa.DateTime(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("series_id", "position"),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_running_steps_known", "running_steps", ["series_id", "known_at", "position"]
    )


def downgrade() -> None:
    op.drop_table("running_steps")
    op.drop_table("running_series")
    # Its position goes with its rows: the next catch-up after an upgrade fills them anew.
    op.execute("DELETE FROM projection_tracking WHERE projection = 'running_totals'")
