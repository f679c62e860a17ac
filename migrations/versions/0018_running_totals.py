"""Running totals (ADR 0034): per group series a rollup or a report's cell sums, its steps
with the total so far (a fact no lane could take: its own delta). A projection of its own,
filled here from the budget and realisation rows a database holds, up to the position both
those projections have reached, and tracked there: the read model stays what a rebuild
gives, and a catch-up goes on from there. A new database (nothing tracked) fills it by its
first catch-up.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

CHUNK = 20_000  # log positions per pass: the rows in memory stay bounded

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "running_series",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=8)),
        sa.Column("programma", sa.String(length=200)),
        sa.Column("taakveld", sa.String(length=16)),
        sa.Column("interventie", sa.Integer()),
        sa.Column("fund", sa.String(length=100)),
        sa.Column("lane", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_running_series_group", "running_series", ["kind", "fiscal_year"])
    op.create_table(
        "running_steps",
        sa.Column("series_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("known_at", sa.DateTime(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("series_id", "position"),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_running_steps_known", "running_steps", ["series_id", "known_at", "position"]
    )
    _fill(op.get_bind())


def _fill(conn: sa.Connection) -> None:
    """The projection's own rows, as its batches would write them (its code, so the same)."""
    from projections.readmodel.running_projection import RunningTotals
    from projections.store import schema

    tracking = sa.select(schema.tracking.c.projection, schema.tracking.c.position)
    tracked = {str(name): int(position) for name, position in conn.execute(tracking)}
    if "budget" not in tracked or "realisations" not in tracked:
        return
    reached = min(int(tracked["budget"]), int(tracked["realisations"]))
    projection = RunningTotals("running_totals", (schema.running_series, schema.running_steps), ())
    for after in range(0, reached, CHUNK):
        rows: dict[sa.Table, list[dict[str, Any]]] = defaultdict(list)
        for table, row in projection.batch_rows(conn, after, min(after + CHUNK, reached)):
            rows[table].append(row)
        for table in (schema.running_series, schema.running_steps):
            if rows[table]:
                conn.execute(sa.insert(table), rows[table])
    conn.execute(
        sa.insert(schema.tracking), [{"projection": "running_totals", "position": reached}]
    )


def downgrade() -> None:
    op.drop_table("running_steps")
    op.drop_table("running_series")
    # Its position goes with its rows: an upgrade after this fills them again from zero.
    op.execute("DELETE FROM projection_tracking WHERE projection = 'running_totals'")
