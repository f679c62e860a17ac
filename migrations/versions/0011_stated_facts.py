"""Kengetallen, stated results and budget specifications (ADR 0025, ADR 0030).

Facts the documents state that are neither a budget mutation nor a realisation: a kengetal
measured for a year, a result per domain as a report states it, and an activity's part of
a budget line. Projections of the log: a rebuild truncates and refills them.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
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
        "kengetallen",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("interventie", sa.Integer()),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    op.create_table(
        "kengetal_measurements",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kengetal_id", sa.String(length=32), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("peildatum", sa.String(length=10)),
        sa.Column("value", sa.String(length=40), nullable=False),
        *_when(),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text()),
        sa.PrimaryKeyConstraint("position"),
    )
    op.create_table(
        "stated_results",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=100), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "stated_result_entries",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("result_id", sa.String(length=32), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("delta_cents", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        *_when(),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text()),
        sa.PrimaryKeyConstraint("position"),
    )
    op.create_table(
        "budget_specifications",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("line_id", sa.String(length=32), nullable=False),
        sa.Column("activity", sa.String(length=200), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        *_authority(),
        *_when(),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    op.create_index(
        "ix_kengetal_measurements_as_of",
        "kengetal_measurements",
        ["kengetal_id", "fiscal_year", "known_at", "position"],
    )
    op.create_index(
        "ix_stated_result_entries_as_of",
        "stated_result_entries",
        ["result_id", "known_at", "position"],
    )
    op.create_index(
        "ix_budget_specifications_as_of",
        "budget_specifications",
        ["line_id", "known_at", "position"],
    )


def downgrade() -> None:
    for table in (
        "budget_specifications",
        "stated_result_entries",
        "stated_results",
        "kengetal_measurements",
        "kengetallen",
    ):
        op.drop_table(table)
