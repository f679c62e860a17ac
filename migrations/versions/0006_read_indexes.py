"""Read-path indexes: every as-of index names the log position after the knowledge time, and
the allocation check finds a decision's reserve withdrawals by index (ADR 0013).

An as-of filter is always `position <= P`, and `known_at <= K` when the basis has a cutoff.
The indexes of migration 0001 keyed a figure's rows by (subject, known_at) only. As of
"now" (no cutoff) PostgreSQL then combined them with the primary key on position, an index
scan over the whole history once per subject (a BitmapAnd: 134 ms instead of 5 ms for one
report table at 10^4 events). With the position in the index, both filters are index
conditions on one index and the primary key has nothing to add. The figures' indexes also
carry `delta_cents`, so a sum is answered from the index alone (SQLite, and PostgreSQL once
the table is vacuumed).

The new indexes replace those of 0001: each starts with the same columns, so every lookup
the old one served, the new one serves. No rebuild is needed.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# table: (the 0001 index and its columns, the 0006 index and its columns)
REPLACED = {
    "budget_mutations": (
        ("ix_budget_mutations_line_known", ["line_id", "known_at"]),
        ("ix_budget_mutations_as_of", ["line_id", "known_at", "position", "delta_cents"]),
    ),
    "taakstelling_mutations": (
        ("ix_taakstelling_mutations_subject", ["taakstelling_id", "fiscal_year", "known_at"]),
        (
            "ix_taakstelling_mutations_as_of",
            ["taakstelling_id", "fiscal_year", "known_at", "position", "delta_cents"],
        ),
    ),
    "realisation_entries": (
        ("ix_realisation_entries_subject", ["realisation_id", "known_at"]),
        (
            "ix_realisation_entries_as_of",
            ["realisation_id", "known_at", "position", "delta_cents"],
        ),
    ),
    "reserve_mutations": (
        ("ix_reserve_mutations_reserve", ["reserve_id", "known_at"]),
        ("ix_reserve_mutations_as_of", ["reserve_id", "known_at", "position"]),
    ),
    "decision_events": (
        ("ix_decision_events_decision", ["decision_id", "known_at"]),
        ("ix_decision_events_as_of", ["decision_id", "known_at", "position"]),
    ),
}
# A budget mutation is part of an allocation from a reserve when a withdrawal shares its
# decision and recorded_at (authority.budget_mutations): one lookup per mutation row.
ADDED = {
    "reserve_mutations": (("ix_reserve_mutations_decision", ["decision_id", "recorded_at"]),),
}


def upgrade() -> None:
    for table, ((old, _), (new, columns)) in REPLACED.items():
        op.create_index(new, table, columns, unique=False)
        op.drop_index(old, table_name=table)
    for table, indexes in ADDED.items():
        for name, columns in indexes:
            op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, indexes in ADDED.items():
        for name, _ in indexes:
            op.drop_index(name, table_name=table)
    for table, ((old, columns), (new, _)) in REPLACED.items():
        op.create_index(old, table, columns, unique=False)
        op.drop_index(new, table_name=table)
