"""The read-model tables of begrotingsrechtmatigheid (ADR 0029), on the one `schema.metadata`
(the package imports this module, so every table is declared wherever `schema` is used).

The verantwoordingsgrens the raad set for a year (the latest as of a basis holds), a budget
line's marking as a regeling (open-einde), and the amendments a raad decision proposes while
it is not (yet) adopted. Projections of the log: a rebuild truncates and refills them.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, String, Table

from projections.store.schema import _authority, _when, metadata

verantwoordingsgrenzen = Table(
    "verantwoordingsgrenzen",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("percentage", String(40), nullable=False),  # exact decimal text
    *_authority(),
    *_when(),
    Column("actor", String(200), nullable=False),
)

budget_line_regelingen = Table(
    "budget_line_regelingen",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("line_id", String(32), nullable=False),
    Column("regeling", String(32), nullable=False),
    *_authority(),
    *_when(),
    Column("actor", String(200), nullable=False),
)

proposed_amendments = Table(
    "proposed_amendments",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("decision_id", String(32), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("programma", String(200), nullable=False),
    Column("taakveld", String(16), nullable=False),
    Column("side", String(8), nullable=False),
    Column("deelproduct", String(32)),
    Column("interventie", Integer),
    Column("fund", String(100)),
    Column("delta_cents", BigInteger, nullable=False),
    *_when(),
    Column("actor", String(200), nullable=False),
)
