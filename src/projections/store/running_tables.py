"""The running totals' tables (migration 0018, ADR 0034): per group series a figure sums
over (a rollup's group, a report's cell), its steps in log order with the total so far, so a
sum as of a basis is two index seeks per lane instead of a scan of every fact of the year.

- running_series: one row per lane of a group; `lane` 0 is the group's first. Its id is
  given in order of first appearance (`position`), so a rebuild gives the same ids.
- running_steps: along one lane both the log position and known_at never decrease, so the
  steps visible on a basis (position <= P and known_at <= K) are a prefix of the lane.
- A fact no lane could take (known before a fact every lane already holds) is a step of
  the group's late series (`lane` -1) with its own delta as its total, summed by the
  basis's filter.
Declared on `schema.metadata` by `define`, apart to keep schema.py under its size limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
)
from sqlalchemy.types import TypeEngine


def define(metadata: MetaData, moment: Callable[[], TypeEngine[Any]]) -> tuple[Table, Table]:
    """Declare the three tables on `metadata`; `moment` gives the known_at column's type."""
    series = Table(
        "running_series",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("position", BigInteger, nullable=False),  # the first fact's
        # What the group sums: a rollup (programma, taakveld, interventie, fund: budget per
        # side), "budget" (a report's cell: fund, interventie, both sides), "realisation"
        # (a report's cell: fund, interventie, side), or a taakstelling kind, "taakstelling"
        # or "risico" (a report's cell: interventie; migration 0021).
        Column("kind", String(16), nullable=False),
        Column("fiscal_year", Integer, nullable=False),
        Column("side", String(8)),
        Column("programma", String(200)),
        Column("taakveld", String(16)),
        Column("interventie", Integer),
        Column("fund", String(100)),
        Column("lane", SmallInteger, nullable=False),
        sqlite_with_rowid=False,
    )
    steps = Table(
        "running_steps",
        metadata,
        Column("series_id", Integer, primary_key=True, autoincrement=False),
        Column("position", BigInteger, primary_key=True, autoincrement=False),
        Column("known_at", moment(), nullable=False),
        # The lane's sum up to this step; a late series' own delta.
        Column("total_cents", BigInteger, nullable=False),
        sqlite_with_rowid=False,
    )
    Index("ix_running_series_group", series.c.kind, series.c.fiscal_year)
    # The last step known by a cutoff: (series, known_at) descending, then position.
    Index("ix_running_steps_known", steps.c.series_id, steps.c.known_at, steps.c.position)
    return series, steps
