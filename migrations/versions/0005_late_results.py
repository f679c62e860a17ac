"""Late results (resultaat voorgaand jaar): a realisation row names the closed year it
belongs to and the closed year's realisation it corrects (ADR 0010).

Both columns are nullable: every realisation recorded before is an ordinary one. A rebuild
is not needed; the projection writes them from now on, and a rebuild writes them for any
late result already in the log.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("realisations") as batch:
        batch.add_column(sa.Column("origin_year", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("corrects_realisation_id", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("realisations") as batch:
        batch.drop_column("corrects_realisation_id")
        batch.drop_column("origin_year")
