"""Budget mutations by decision and save (issue 14): the fund rule of the Besluiten and
Rechtmatigheid pages pairs each amendment with a withdrawal from a reserve's earmark under
the same decision, saved together. With no index on the mutation's side, PostgreSQL drove
the join from the withdrawals through every budget line of their year (844,526 index probes,
1.2 s at 10^5 events); with it, a probe per amendment or withdrawal.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_budget_mutations_decision", "budget_mutations", ["decision_id", "recorded_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_budget_mutations_decision", table_name="budget_mutations")
