"""Reserves as balances on the command line (ADR 0027): per reserve and fiscal year the
opening, stortingen, onttrekkingen, oormerken and closing balance. An unknown opening
prints "unknown" (JSON: null with `opening_known: false`), never 0. --lineage: the events
behind one figure, as GET /api/v1/lineage/reserve answers them."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

from api.cli.common import CliError, basis_for, grace, read_model
from api.cli.figure_lineage import show_lineage
from api.cli.rendering import as_json, describe_basis, say, show_rows
from projections.queries.reserve_balances import (
    ReserveBalanceRow,
    reserve_balances,
    reserve_lineage,
)

UNKNOWN = "unknown"
COLUMNS = [
    "code",
    "fiscal_year",
    "part",
    "opening",
    "deposits",
    "withdrawals",
    "earmarked",
    "released",
    "closing",
    "note",
]


def _known(value: Decimal | None) -> Decimal | str:
    return UNKNOWN if value is None else value


def lines(row: ReserveBalanceRow) -> list[dict[str, Any]]:
    """A reserve's year as table lines: its total, its free part, then each earmark."""
    free = row["free"]
    implied = row["implied_opening"]
    found: list[dict[str, Any]] = [
        {
            "code": row["code"],
            "fiscal_year": row["fiscal_year"],
            "part": "total",
            "opening": _known(row["opening"]),
            "deposits": row["deposits"],
            "withdrawals": row["withdrawals"],
            "earmarked": None,
            "released": None,
            "closing": _known(row["closing"]),
            "note": None if implied is None else implied["message"],
        },
        {
            "code": row["code"],
            "fiscal_year": row["fiscal_year"],
            "part": "free",
            "opening": _known(free["opening"]),
            "deposits": free["deposits"],
            "withdrawals": free["withdrawals"],
            "earmarked": free["earmarked"],
            "released": free["released"],
            "closing": _known(free["closing"]),
            "note": None,
        },
    ]
    for earmark in row["earmarks"]:
        found.append(
            {
                "code": row["code"],
                "fiscal_year": row["fiscal_year"],
                "part": f"earmark {earmark['earmark']}",
                "opening": earmark["opening"],
                "deposits": earmark["deposits"],
                "withdrawals": earmark["withdrawals"],
                "earmarked": earmark["earmarked"],
                "released": earmark["released"],
                "closing": earmark["balance"],
                "note": None,
            }
        )
    return found


def cmd_reserve_lineage(args: argparse.Namespace) -> None:
    if args.reserve is None or args.year is None or args.figure is None:
        raise CliError("--lineage needs --reserve, --year and --figure")
    with read_model(args) as (conn, reached):
        basis = basis_for(conn, args, reached)
        answer = reserve_lineage(
            conn,
            basis,
            code=args.reserve,
            fiscal_year=args.year,
            figure=args.figure,
            grace=grace(),
        )
    if answer is None:
        raise CliError(f"reserve {args.reserve!r} does not exist as of this basis")
    if args.format == "json":
        print(as_json(answer))
        return
    value = UNKNOWN if answer["value"] is None else answer["value"]
    title = f"{args.figure} {args.year} of reserve {args.reserve}: {value}"
    show_lineage(args, basis, answer["rows"], title, part=True)


def cmd_reserve_balances(args: argparse.Namespace) -> None:
    if args.lineage:
        cmd_reserve_lineage(args)
        return
    with read_model(args) as (conn, reached):
        basis = basis_for(conn, args, reached)
        rows = reserve_balances(conn, basis, fiscal_year=args.year, code=args.reserve)
    if args.format == "json":
        print(as_json({"basis": basis.to_json(), "rows": rows}))
        return
    say(args, describe_basis(basis))
    show_rows(args, [line for row in rows for line in lines(row)], COLUMNS)
