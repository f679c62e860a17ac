"""Realised lasten per deelproduct and year as of a basis: the one definition of "the
realisation of a year" the analysis views share (ADR 0008, ADR 0028).

A year's figure of a deelproduct is the sum of every realisation of that year visible on the
basis, whole-year and quarterly figures alike, as uitputting, rechtmatigheid and the report
tables count it; the baten side is left out. It is voorlopig when any of its parts is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Connection

from projections.queries.basis import Basis
from projections.queries.figures import realisation_amounts

LASTEN = "lasten"
VOORLOPIG = "voorlopig"


@dataclass
class RealisedYear:
    """One year's realised lasten per deelproduct, and which of them are voorlopig; a
    deelproduct with no realisation visible is absent (unknown, never zero)."""

    amounts: dict[str, Decimal] = field(default_factory=dict)
    voorlopig: set[str] = field(default_factory=set)


def realised_lasten(
    conn: Connection, basis: Basis, *, fiscal_year: int, deelproducten: Sequence[str]
) -> RealisedYear:
    """The realised lasten of `deelproducten` in `fiscal_year` as of the basis."""
    found = RealisedYear()
    if not deelproducten:
        return found
    # Only the asked deelproducten, not the whole year (ADR 0013).
    for row in realisation_amounts(
        conn, basis, fiscal_year=fiscal_year, deelproducten=deelproducten
    ):
        code = row["deelproduct"]
        if row["side"] != LASTEN or code is None:
            continue
        found.amounts[code] = found.amounts.get(code, Decimal("0.00")) + row["amount"]
        if row["status"] == VOORLOPIG:
            found.voorlopig.add(code)
    return found
