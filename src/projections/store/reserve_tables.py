"""The read-model table of reserve balances (ADR 0027), defined on the schema's `metadata`
by `schema` (which keeps under its size limit so)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text


def define(metadata: MetaData, authority: list[Column[Any]], when: list[Column[Any]]) -> Table:
    """Opening balances as stated, and oormerken and their release: not stortingen or
    onttrekkingen, so apart from reserve_mutations (whose sums stay the reserve's mutation).
    `delta_cents` is what a row changes: a statement's amount less the one it corrects."""
    table = Table(
        "reserve_balance_events",
        metadata,
        Column("position", BigInteger, primary_key=True, autoincrement=False),
        Column("reserve_id", String(32), nullable=False),
        Column("version", Integer, nullable=False),
        Column("fiscal_year", Integer, nullable=False),
        Column("earmark", String(100), nullable=False),
        Column("kind", String(16), nullable=False),
        Column("amount_cents", BigInteger, nullable=False),
        Column("delta_cents", BigInteger, nullable=False),
        Column("corrects_version", Integer),
        *authority,
        *when,
        Column("actor", String(200), nullable=False),
        Column("source", Text),
    )
    Index("ix_reserve_balance_events_as_of", table.c.reserve_id, table.c.known_at, table.c.position)
    return table
