"""Running totals of taakstellingen (issue 14, ADR 0034): a report's taakstelling cells per
(fiscal year, interventie, kind) become series of their own. The rows derived before this
revision lack them, so they go, with the projection's position: the next catch-up derives
every series anew from position 0, by the projection's code of that day (as 0018 did). A
migration never runs application code, whose tables may have moved on by the time an old
ledger is upgraded.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def _forget_running_totals() -> None:
    op.execute("DELETE FROM running_steps")
    op.execute("DELETE FROM running_series")
    op.execute("DELETE FROM projection_tracking WHERE projection = 'running_totals'")


def upgrade() -> None:
    _forget_running_totals()


def downgrade() -> None:
    # The code of 0020 adds no fact to the taakstelling series: left, they would fall
    # behind the log. Its next catch-up derives its own series anew.
    _forget_running_totals()
