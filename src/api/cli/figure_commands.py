"""Figures: reports and their diff, budget, taakstellingen, realisations, reserves,
slotwijzigingen, and the CSV and XLSX exports."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

from api.cli.common import (
    CliError,
    basis_for,
    budget_figure,
    grace,
    read_model,
    realised_figure,
    recorded_at,
    write_export,
)
from api.cli.progress import busy
from api.cli.rendering import as_json, emit, format_diff, show_report, show_rows
from projections.queries import backdating, figures, reports
from projections.queries.basis import Basis, BasisError, report_basis, resolve_basis


def cmd_report(args: argparse.Namespace) -> None:
    with read_model(args) as (conn, reached):
        report = reports.render_report(
            conn, args.report_id, args.as_of, reached, as_recorded_at=recorded_at(args)
        )
    show_report(args, report)


def cmd_reports(args: argparse.Namespace) -> None:
    with read_model(args) as (conn, _):
        rows = reports.list_reports(conn)
    show_rows(args, rows, ["report", "published_at", "knowledge_cutoff", "log_position", "title"])


def _named_basis(
    conn: Connection, option: str, text: str, reached: int, recorded: str | None
) -> Basis:
    try:
        return resolve_basis(conn, text, reached, as_recorded_at=recorded)
    except BasisError as error:
        raise CliError(f"{option}: {error}") from None


def cmd_diff(args: argparse.Namespace) -> None:
    # The diff's causes and the lineage of the exports read the domain's kinds of mutation
    # and mandate (the event store's classes with them): loaded by the commands that need
    # them, not by every figure command (ADR 0037).
    from projections.queries import diff

    days, recorded = grace(), recorded_at(args)
    with read_model(args) as (conn, reached):
        report_basis(conn, args.report_id)
        earlier = args.from_ or f"report:{args.report_id}"
        old = _named_basis(conn, "--from", earlier, reached, recorded)
        new = _named_basis(conn, "--to", args.to, reached, recorded)
        found = diff.report_diff(conn, args.report_id, old, new, grace=days)
    print(as_json(found) if args.format == "json" else format_diff(found))


def cmd_budget(args: argparse.Namespace) -> None:
    with read_model(args) as (conn, reached):
        basis = basis_for(conn, args, reached)
        rows: Sequence[Mapping[str, Any]]
        if args.by:
            rows = figures.budget_rollup(conn, basis, args.by, fiscal_year=args.year)
            columns = ["fiscal_year", "side", args.by, "amount"]
        else:
            rows = figures.budget_lines(conn, basis, fiscal_year=args.year, fund=args.fund)
            columns = [
                "fiscal_year",
                "programma",
                "taakveld",
                "interventie",
                "fund",
                "side",
                "amount",
                "mutations",
            ]
    emit(args, basis, rows, columns)


def cmd_taakstellingen(args: argparse.Namespace) -> None:
    with read_model(args) as (conn, reached):
        basis = basis_for(conn, args, reached)
        rows = figures.taakstelling_overview(conn, basis, args.base_year)
    years = sorted({y for r in rows for y in r["amounts"]})
    flat = []
    for row in rows:
        entry: dict[str, object] = {
            k: row[k] for k in ("reference", "interventie", "taakveld", "kind", "label")
        }
        entry["base"] = "+".join(row["base_deelproducten"]) or None
        entry[f"realisatie-{args.base_year}"] = row["base"]
        for year in years:
            entry[year] = row["amounts"].get(year)
            entry[f"relatief-{year}"] = row["relative"].get(year)
        flat.append(entry)
    columns = [
        "interventie",
        "reference",
        "kind",
        "taakveld",
        *years,
        "base",
        f"realisatie-{args.base_year}",
        *[f"relatief-{y}" for y in years],
    ]
    emit(args, basis, flat, columns)


def cmd_realisations(args: argparse.Namespace) -> None:
    with read_model(args) as (conn, reached):
        basis = basis_for(conn, args, reached)
        rows = figures.realisation_amounts(conn, basis, fiscal_year=args.year, fund=args.fund)
        names = figures.deelproduct_names(
            conn, basis, (row["deelproduct"] for row in rows if row["deelproduct"])
        )
    named = [{**row, "name": names.get(row["deelproduct"] or "")} for row in rows]
    emit(
        args,
        basis,
        named,
        [
            "fiscal_year",
            "quarter",
            "month",
            "deelproduct",
            "name",
            "fund",
            "interventie",
            "amount",
            "status",
            "version",
            "origin_year",
        ],
    )


def cmd_reserves(args: argparse.Namespace) -> None:
    with read_model(args) as (conn, reached):
        basis = basis_for(conn, args, reached)
        rows = figures.reserve_balances(conn, basis)
    emit(args, basis, rows, ["code", "name", "earmark", "fiscal_year", "mutation"])


def cmd_slotwijzigingen(args: argparse.Namespace) -> None:
    with read_model(args) as (conn, reached):
        basis = basis_for(conn, args, reached)
        rows = figures.slotwijzigingen(conn, basis, fiscal_year=args.year)
    emit(
        args,
        basis,
        rows,
        [
            "fiscal_year",
            "decision",
            "kind",
            "taakveld",
            "interventie",
            "fund",
            "delta",
            "known_at",
            "position",
        ],
    )


@busy("exporting")
def cmd_export(args: argparse.Namespace) -> None:
    """Write a report, a figure's lineage or the audit log as CSV (in its --dialect) or
    XLSX (ADR 0009)."""
    from projections.queries import row_exports  # as `diff` above

    days = grace() if args.what == "lineage" else backdating.DEFAULT_GRACE
    with read_model(args) as (conn, reached):
        if args.what == "report":
            export = row_exports.report_export(
                conn,
                args.report_id,
                args.as_of,
                reached,
                table=args.table,
                as_recorded_at=recorded_at(args),
            )
        elif args.what == "log":
            export = row_exports.log_export(conn, reached)
        else:
            basis = basis_for(conn, args, reached)
            if args.realisation:
                export = row_exports.realisation_lineage_export(
                    conn, basis, **realised_figure(args), grace=days
                )
            else:
                export = row_exports.budget_lineage_export(
                    conn, basis, **budget_figure(args), grace=days
                )
    write_export(args, export, "rows")
