"""The Iv3 economische categorie of a budget line and a realisation (ADR 0031): a nullable
column on each, None for every row of the history before it. A rebuild fills it from the
events (a line or realisation recorded with a categorie carries it in its key).

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("budget_lines", "realisations"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("categorie", sa.String(length=16), nullable=True))


def downgrade() -> None:
    for table in ("realisations", "budget_lines"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("categorie")
