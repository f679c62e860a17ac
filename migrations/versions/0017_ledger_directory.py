"""The directory of ledgers (ADR 0032): one row per municipality's ledger on this database,
its CBS code and name. Only the default ledger's table is read; every ledger has the table,
so that every ledger has one schema. API state: never truncated by a rebuild.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledgers",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )


def downgrade() -> None:
    op.drop_table("ledgers")
