"""The month of a realisation (ADR 0033): a nullable column on the realisations read
model, "YYYY-MM" for a figure that names the month it covers (an imported extract records
one per line and month), None for every other. A rebuild fills it from the events.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("realisations") as batch:
        batch.add_column(sa.Column("month", sa.String(length=7), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("realisations") as batch:
        batch.drop_column("month")
