"""Retries after a crash (ADR 0016): a reserved idempotency key notes what its request is
about to record, before the events are written, so that a retry finds them in the log.

The column is nullable: a key answered before it never needs it, and a reservation left
without it is run again (its request had recorded nothing).

Revision ID: 0008
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.add_column(sa.Column("recording", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.drop_column("recording")
