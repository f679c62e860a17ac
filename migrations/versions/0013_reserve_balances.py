"""Reserve balances (ADR 0027): opening balances as stated, oormerken and their release.

A projection of the log: a rebuild truncates and refills it. Kept apart from
reserve_mutations, whose sums stay the reserve's stortingen and onttrekkingen.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reserve_balance_events",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("reserve_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("earmark", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("delta_cents", sa.BigInteger(), nullable=False),
        sa.Column("corrects_version", sa.Integer()),
        sa.Column("decision_id", sa.String(length=32)),
        sa.Column("decision_reference", sa.String(length=200)),
        sa.Column("decision_body", sa.String(length=16)),
        sa.Column("decision_kind", sa.String(length=32)),
        sa.Column("mandate_id", sa.String(length=32)),
        sa.Column("known_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text()),
        sa.PrimaryKeyConstraint("position"),
    )
    op.create_index(
        "ix_reserve_balance_events_as_of",
        "reserve_balance_events",
        ["reserve_id", "known_at", "position"],
    )


def downgrade() -> None:
    op.drop_table("reserve_balance_events")
