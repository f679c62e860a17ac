"""Begrotingsrechtmatigheid (ADR 0029): the verantwoordingsgrens the raad set per year, a
budget line's marking as an open-einde regeling, and the amendments a raad decision proposes
while it is not adopted. Projections of the log: a rebuild truncates and refills them.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _when() -> list[sa.Column[object]]:
    return [
        sa.Column("known_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
    ]


def _authority() -> list[sa.Column[object]]:
    return [
        sa.Column("decision_id", sa.String(length=32)),
        sa.Column("decision_reference", sa.String(length=200)),
        sa.Column("decision_body", sa.String(length=16)),
        sa.Column("decision_kind", sa.String(length=32)),
        sa.Column("mandate_id", sa.String(length=32)),
    ]


def upgrade() -> None:
    op.create_table(
        "verantwoordingsgrenzen",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("percentage", sa.String(length=40), nullable=False),
        *_authority(),
        *_when(),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    op.create_table(
        "budget_line_regelingen",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("line_id", sa.String(length=32), nullable=False),
        sa.Column("regeling", sa.String(length=32), nullable=False),
        *_authority(),
        *_when(),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    op.create_table(
        "proposed_amendments",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("decision_id", sa.String(length=32), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("programma", sa.String(length=200), nullable=False),
        sa.Column("taakveld", sa.String(length=16), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("deelproduct", sa.String(length=32)),
        sa.Column("interventie", sa.Integer()),
        sa.Column("fund", sa.String(length=100)),
        sa.Column("delta_cents", sa.BigInteger(), nullable=False),
        *_when(),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )


def downgrade() -> None:
    for table in ("proposed_amendments", "budget_line_regelingen", "verantwoordingsgrenzen"):
        op.drop_table(table)
