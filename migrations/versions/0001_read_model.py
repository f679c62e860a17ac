"""Read model: the projection tables and their as-of indexes.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 18:57:48.277955
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("originator_id", sa.String(length=32), nullable=False),
        sa.Column("originator_version", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("known_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("fiscal_year_first", sa.Integer(), nullable=False),
        sa.Column("fiscal_year_last", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("decision_id", sa.String(length=32), nullable=True),
        sa.Column("decision_reference", sa.String(length=200), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("import_id", sa.String(length=100), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_known_at", ["known_at"], unique=False)
        batch_op.create_index(
            "ix_audit_log_originator", ["originator_id", "originator_version"], unique=False
        )
        batch_op.create_index("ix_audit_log_recorded_at", ["recorded_at"], unique=False)

    op.create_table(
        "budget_lines",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("programma", sa.String(length=200), nullable=False),
        sa.Column("taakveld", sa.String(length=16), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("deelproduct", sa.String(length=32), nullable=True),
        sa.Column("interventie", sa.Integer(), nullable=True),
        sa.Column("fund", sa.String(length=100), nullable=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.create_index("ix_budget_lines_year_fund", ["fiscal_year", "fund"], unique=False)

    op.create_table(
        "budget_mutations",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("line_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("delta_cents", sa.BigInteger(), nullable=False),
        sa.Column("mutation_id", sa.String(length=32), nullable=False),
        sa.Column("counterpart_id", sa.String(length=32), nullable=True),
        sa.Column("decision_id", sa.String(length=32), nullable=True),
        sa.Column("decision_reference", sa.String(length=200), nullable=True),
        sa.Column("decision_body", sa.String(length=16), nullable=True),
        sa.Column("decision_kind", sa.String(length=32), nullable=True),
        sa.Column("mandate_id", sa.String(length=32), nullable=True),
        sa.Column("known_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("import_id", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("position"),
    )
    with op.batch_alter_table("budget_mutations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_budget_mutations_line_known", ["line_id", "known_at"], unique=False
        )

    op.create_table(
        "decision_events",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("decision_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("known_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    with op.batch_alter_table("decision_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_decision_events_decision", ["decision_id", "known_at"], unique=False
        )

    op.create_table(
        "decisions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("mandate_id", sa.String(length=32), nullable=True),
        sa.Column("mandate_scope", sa.Text(), nullable=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    op.create_table(
        "fiscal_year_events",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decision_reference", sa.String(length=200), nullable=True),
        sa.Column("known_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    op.create_table(
        "projection_tracking",
        sa.Column("projection", sa.String(length=64), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("projection"),
    )
    op.create_table(
        "realisation_entries",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("realisation_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("delta_cents", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("corrects_version", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("known_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("position"),
    )
    with op.batch_alter_table("realisation_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_realisation_entries_subject", ["realisation_id", "known_at"], unique=False
        )

    op.create_table(
        "realisations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("programma", sa.String(length=200), nullable=False),
        sa.Column("taakveld", sa.String(length=16), nullable=True),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("deelproduct", sa.String(length=32), nullable=True),
        sa.Column("interventie", sa.Integer(), nullable=True),
        sa.Column("fund", sa.String(length=100), nullable=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("realisations", schema=None) as batch_op:
        batch_op.create_index("ix_realisations_year", ["fiscal_year", "fund"], unique=False)

    op.create_table(
        "reports",
        sa.Column("report_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("knowledge_cutoff", sa.DateTime(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("decision_reference", sa.String(length=200), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("tables", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("report_id"),
    )
    op.create_table(
        "reserve_mutations",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("reserve_id", sa.String(length=32), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("earmark", sa.String(length=100), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("delta_cents", sa.BigInteger(), nullable=False),
        sa.Column("decision_id", sa.String(length=32), nullable=True),
        sa.Column("decision_reference", sa.String(length=200), nullable=True),
        sa.Column("decision_body", sa.String(length=16), nullable=True),
        sa.Column("decision_kind", sa.String(length=32), nullable=True),
        sa.Column("mandate_id", sa.String(length=32), nullable=True),
        sa.Column("known_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    with op.batch_alter_table("reserve_mutations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reserve_mutations_reserve", ["reserve_id", "known_at"], unique=False
        )

    op.create_table(
        "reserves",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "slotwijzigingen",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("delta_cents", sa.BigInteger(), nullable=False),
        sa.Column("decision_id", sa.String(length=32), nullable=False),
        sa.Column("decision_reference", sa.String(length=200), nullable=False),
        sa.Column("known_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("position"),
    )
    with op.batch_alter_table("slotwijzigingen", schema=None) as batch_op:
        batch_op.create_index("ix_slotwijzigingen_year", ["fiscal_year", "known_at"], unique=False)

    op.create_table(
        "taakstelling_mutations",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("fiscal_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("taakstelling_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("delta_cents", sa.BigInteger(), nullable=False),
        sa.Column("counterpart_id", sa.String(length=32), nullable=True),
        sa.Column("coverage", sa.Text(), nullable=True),
        sa.Column("decision_id", sa.String(length=32), nullable=True),
        sa.Column("decision_reference", sa.String(length=200), nullable=True),
        sa.Column("decision_body", sa.String(length=16), nullable=True),
        sa.Column("decision_kind", sa.String(length=32), nullable=True),
        sa.Column("mandate_id", sa.String(length=32), nullable=True),
        sa.Column("known_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("position", "fiscal_year"),
    )
    with op.batch_alter_table("taakstelling_mutations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_taakstelling_mutations_subject",
            ["taakstelling_id", "fiscal_year", "known_at"],
            unique=False,
        )

    op.create_table(
        "taakstellingen",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("interventie", sa.Integer(), nullable=True),
        sa.Column("programma", sa.String(length=200), nullable=False),
        sa.Column("taakveld", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=100), nullable=False),
        sa.Column("base_deelproducten", sa.Text(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )


def downgrade() -> None:
    op.drop_table("taakstellingen")
    with op.batch_alter_table("taakstelling_mutations", schema=None) as batch_op:
        batch_op.drop_index("ix_taakstelling_mutations_subject")

    op.drop_table("taakstelling_mutations")
    with op.batch_alter_table("slotwijzigingen", schema=None) as batch_op:
        batch_op.drop_index("ix_slotwijzigingen_year")

    op.drop_table("slotwijzigingen")
    op.drop_table("reserves")
    with op.batch_alter_table("reserve_mutations", schema=None) as batch_op:
        batch_op.drop_index("ix_reserve_mutations_reserve")

    op.drop_table("reserve_mutations")
    op.drop_table("reports")
    with op.batch_alter_table("realisations", schema=None) as batch_op:
        batch_op.drop_index("ix_realisations_year")

    op.drop_table("realisations")
    with op.batch_alter_table("realisation_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_realisation_entries_subject")

    op.drop_table("realisation_entries")
    op.drop_table("projection_tracking")
    op.drop_table("fiscal_year_events")
    op.drop_table("decisions")
    with op.batch_alter_table("decision_events", schema=None) as batch_op:
        batch_op.drop_index("ix_decision_events_decision")

    op.drop_table("decision_events")
    with op.batch_alter_table("budget_mutations", schema=None) as batch_op:
        batch_op.drop_index("ix_budget_mutations_line_known")

    op.drop_table("budget_mutations")
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_budget_lines_year_fund")

    op.drop_table("budget_lines")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_recorded_at")
        batch_op.drop_index("ix_audit_log_originator")
        batch_op.drop_index("ix_audit_log_known_at")

    op.drop_table("audit_log")
