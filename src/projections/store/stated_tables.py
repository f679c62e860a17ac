"""The read-model tables of facts a document states that are no mutation or realisation
(migration 0011, ADR 0030): kengetallen and their measurements, stated results and their
restatements. Declared on `schema.metadata` by `define`, apart to keep schema.py under its
size limit; `schema` exposes them under their names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text


def define(
    metadata: MetaData, when: Callable[[], list[Column[Any]]]
) -> tuple[Table, Table, Table, Table]:
    """Declare the four tables on `metadata`; `when` gives the known_at/recorded_at columns."""
    kengetallen = Table(
        "kengetallen",
        metadata,
        Column("id", String(32), primary_key=True),
        Column("reference", String(200), nullable=False, unique=True),
        Column("label", Text, nullable=False),
        Column("unit", String(32), nullable=False),  # count, hours, euros, ...
        Column("interventie", Integer),
        Column("position", BigInteger, nullable=False),
    )

    # One row per measurement; the latest known as of a basis is the kengetal's value for its
    # year. The value is exact decimal text (a kengetal is no money, and need not be whole).
    kengetal_measurements = Table(
        "kengetal_measurements",
        metadata,
        Column("position", BigInteger, primary_key=True, autoincrement=False),
        Column("kengetal_id", String(32), nullable=False),
        Column("fiscal_year", Integer, nullable=False),
        Column("peildatum", String(10)),  # YYYY-MM-DD, where the document gives one
        Column("value", String(40), nullable=False),
        *when(),
        Column("actor", String(200), nullable=False),
        Column("source", Text),
    )

    stated_results = Table(
        "stated_results",
        metadata,
        Column("id", String(32), primary_key=True),
        Column("fiscal_year", Integer, nullable=False),
        Column("domain", String(100), nullable=False),  # the result's key, e.g. "wmo"
        Column("label", Text, nullable=False),
        Column("scope", Text, nullable=False),  # what it covers, in the document's words
        Column("position", BigInteger, nullable=False),
    )

    # A result as stated (voordeel positive), and each restatement, with the change.
    stated_result_entries = Table(
        "stated_result_entries",
        metadata,
        Column("position", BigInteger, primary_key=True, autoincrement=False),
        Column("result_id", String(32), nullable=False),
        Column("amount_cents", BigInteger, nullable=False),
        Column("delta_cents", BigInteger, nullable=False),
        Column("status", String(16), nullable=False),  # voorlopig | definitief
        *when(),
        Column("actor", String(200), nullable=False),
        Column("source", Text),
    )
    return kengetallen, kengetal_measurements, stated_results, stated_result_entries
