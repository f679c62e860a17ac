"""Numbered begrotingswijzigingen and the dekking of an amendment (ADR 0026).

A decision row gains the municipality's number of a begrotingswijziging; a budget mutation
row the dekking (funding source) of an amendment. Both nullable: every decision and mutation
recorded before has none. A rebuild is not needed; the projections write them from now on.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("number", sa.String(length=100), nullable=True))
    with op.batch_alter_table("budget_mutations") as batch:
        batch.add_column(sa.Column("dekking", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("budget_mutations") as batch:
        batch.drop_column("dekking")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("number")
