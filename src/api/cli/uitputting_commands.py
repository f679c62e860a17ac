"""`begroting uitputting`: the year's budget against its realisation (ADR 0026), per line,
programma, taakveld or interventie and side, as of any basis; with --quarters the
realisatie and uitputting per quarter-end beside the basis's; with --lineage the events behind
one figure of one row, as GET /api/v1/lineage/uitputting answers them."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from api.cli.common import CliError, basis_for, grace, read_model
from api.cli.figure_lineage import show_lineage
from api.cli.rendering import as_json, describe_basis, say, show_rows
from domain.values import escaped
from projections.queries import uitputting
from projections.queries.basis import Basis
from projections.queries.uitputting_rows import UitputtingDocument

COLUMNS = ("group", "primitief", "wijzigingen", "na_wijziging", "realisatie", "saldo", "%")


def _group(row: Mapping[str, Any]) -> str:
    label = str(row["label"])
    return f"{label} (no line)" if row["no_line"] else label


def _figures(row: Mapping[str, Any]) -> dict[str, object]:
    return {
        "primitief": row["primitief"],
        "wijzigingen": row["wijzigingen"],
        "na_wijziging": row["begroting_na_wijziging"],
        "realisatie": row["realisatie"],
        "saldo": row["saldo"],
        # A percent cell ("45.0%") is right-aligned with Dutch separators (tables.cell).
        "%": None if row["uitputting"] is None else f"{row['uitputting']}%",
    }


def _quarter_rows(
    rows: Sequence[Mapping[str, Any]], names: Sequence[str], figure: str
) -> list[dict[str, object]]:
    shown: list[dict[str, object]] = []
    for row in rows:
        entry: dict[str, object] = {"group": _group(row)}
        for name in names:
            quarter = row["quarters"][name]
            value = None if quarter is None else quarter[figure]
            if figure == "uitputting" and value is not None:
                value = f"{value}%"
            entry[name] = value
        entry["basis"] = (
            f"{row[figure]}%" if figure == "uitputting" and row[figure] else row[figure]
        )
        shown.append(entry)
    return shown


def show(args: argparse.Namespace, basis: Basis, document: UitputtingDocument) -> None:
    say(args, describe_basis(basis))
    say(args, f"uitputting {document['fiscal_year']} by {document['by']} (saldo: + voordelig)")
    for side in ("lasten", "baten"):
        rows = [row for row in document["rows"] if row["side"] == side]
        total = next((t for t in document["totals"] if t["side"] == side), None)
        if total is None:
            continue
        say(args, "")
        say(args, side)
        shown = [{"group": _group(row), **_figures(row)} for row in rows]
        shown.append({"group": "totaal", **_figures(total)})
        show_rows(args, shown, COLUMNS)
        voorlopig = total["realisatie_voorlopig"]
        if voorlopig:
            say(args, f"of the realisatie {total['realisatie']}, {voorlopig} is voorlopig")
        if "quarters" in document and "quarters" in total:
            names = document["quarters"]
            for figure in ("realisatie", "uitputting"):
                say(args, f"{figure} per quarter-end (empty: after the basis)")
                show_rows(
                    args,
                    _quarter_rows(
                        [*rows, {**total, "label": "totaal", "no_line": False}], names, figure
                    ),
                    ["group", *names, "basis"],
                )


def cmd_uitputting_lineage(args: argparse.Namespace) -> None:
    if args.side is None or args.figure is None:
        raise CliError("--lineage needs --side and --figure (and --key, or --no-line)")
    with read_model(args) as (conn, reached):
        basis = basis_for(conn, args, reached)
        rows = uitputting.figure_lineage(
            conn,
            basis,
            fiscal_year=args.year,
            by=args.by,
            key=args.key,
            side=args.side,
            figure=args.figure,
            no_line=args.no_line,
            grace=grace(),
        )
    if rows is None:
        raise CliError(
            f"no uitputting row {args.key!r} ({args.side}) by {args.by} in {args.year} on"
            " this basis"
        )
    if args.format == "json":
        print(as_json({"basis": basis.to_json(), "rows": rows}))
        return
    row = "the row without a line" if args.no_line else f"row {args.key}"
    show_lineage(args, basis, rows, f"{args.figure} {args.year}, {args.side}, {row}:")


def cmd_uitputting(args: argparse.Namespace) -> None:
    if args.lineage:
        cmd_uitputting_lineage(args)
        return
    with read_model(args) as (conn, reached):
        basis = basis_for(conn, args, reached)
        document = uitputting.uitputting(
            conn,
            basis,
            fiscal_year=args.year,
            by=args.by,
            side=args.side,
            quarters=args.quarters,
        )
    if args.format == "json":
        print(as_json(document))
        return
    show(args, basis, document)
    if not document["rows"]:
        say(args, escaped(f"no budget and no realisation in {args.year} on this basis"))
