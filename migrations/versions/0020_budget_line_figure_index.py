"""A budget figure's lines by year, programma and taakveld (issue 14): the lineage of one
figure found its lines through (fiscal_year, fund) alone, then read every line of that year
and fund (every line of the year for a line without a fund), a cost that grows with the
municipality rather than with the answer.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_budget_lines_figure",
        "budget_lines",
        ["fiscal_year", "programma", "taakveld"],
    )


def downgrade() -> None:
    op.drop_index("ix_budget_lines_figure", table_name="budget_lines")
