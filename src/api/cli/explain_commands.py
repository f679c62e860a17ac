"""Explaining figures: the events behind a figure or a report's cell, every mutation's
authority, and onrechtmatigheid."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from decimal import Decimal

from api.cli.common import (
    CliError,
    basis_for,
    budget_figure,
    grace,
    read_model,
    realised_figure,
    recorded_at,
)
from api.cli.rendering import (
    as_json,
    backdated_by,
    backdating_note,
    describe_basis,
    emit,
    say,
    show_rows,
)
from api.cli.tables import amount
from domain.values import escaped
from projections.queries import authority, cells, lineage, rechtmatigheid
from projections.queries.authority import DecisionLink
from projections.queries.basis import report_basis, resolve_basis
from projections.queries.lineage import LineageRow, RealisationLineageRow

GAP_WORDS = "no begroting recorded (data gap)"


def _reference(link: DecisionLink | None) -> str | None:
    return None if link is None else link["reference"]


def cmd_history(args: argparse.Namespace) -> None:
    if args.report is not None:
        cmd_cell_history(args)
        return
    if args.year is None:
        raise CliError("--year is required (or --report with --table, --row and --column)")
    days = grace()
    with read_model(args) as (conn, reached):
        basis = basis_for(conn, args, reached)
        entries: Sequence[LineageRow] | Sequence[RealisationLineageRow]
        if args.taakstelling:
            entries = lineage.taakstelling_lineage(
                conn, basis, reference=args.taakstelling, fiscal_year=args.year, grace=days
            )
        elif args.realisation:
            entries = lineage.realisation_lineage(conn, basis, **realised_figure(args), grace=days)
        else:
            entries = lineage.budget_lineage(conn, basis, **budget_figure(args), grace=days)
    if args.format == "json":
        print(as_json({"basis": basis.to_json(), "entries": entries}))
        return
    say(args, describe_basis(basis))
    if not entries:
        say(args, "no events behind this figure")
        return
    # The table names the decision and mandate by reference; the JSON carries their chain.
    shown = [
        {
            **entry,
            "decision": _reference(entry["decision"]),
            "mandate": _reference(entry["mandate"]),
            "backdated": backdated_by(entry),
        }
        for entry in entries
    ]
    show_rows(
        args,
        shown,
        [
            "position",
            "event",
            "delta",
            "running_total",
            "decision",
            "mandate",
            "authorised",
            "actor",
            "known_at",
            "recorded_at",
            "import_id",
            "backdated",
            # Last: a document's name holds spaces (an import's: file, sheet and rows).
            "source",
        ],
    )
    backdating_note(entries, days, lambda text: say(args, text))


def cmd_cell_history(args: argparse.Namespace) -> None:
    """The events that add up to one cell of a report, as of its basis or --as-of."""
    missing = [f"--{name}" for name in ("table", "row", "column") if getattr(args, name) is None]
    if missing:
        raise CliError(f"--report needs {', '.join(missing)}")
    days = grace()
    with read_model(args) as (conn, reached):
        recorded = recorded_at(args)
        basis = (
            report_basis(conn, args.report)
            if args.as_of is None and recorded is None
            else resolve_basis(
                conn, args.as_of or f"report:{args.report}", reached, as_recorded_at=recorded
            )
        )
        try:
            found = lineage.cell_lineage(
                conn,
                args.report,
                basis,
                table=args.table,
                row=args.row,
                column=args.column,
                grace=days,
            )
        except cells.CellError as error:
            raise CliError(str(error)) from None
    if args.format == "json":
        print(as_json(found))
        return
    cell = found["cell"]
    say(args, describe_basis(basis))
    figure = f"{found['report']} | {cell['table']} | {cell['row']} | {cell['column']}: "
    unit = found.get("unit", "EUR_1000")
    if found.get("measure") in ("relative", "kengetal"):
        # No money (ADR 0025): the figure in its unit; a relative cell's parts in euros.
        parts = (
            f" (taakstelling {found['amount']} / base {found['base']})" if "base" in found else ""
        )
        figure += f"{found['published'] or ''} {unit}{parts}"
    elif args.format == "table":
        from api.cli import tables

        published = (
            tables.unit_figure(Decimal(found["published"]), unit, unit)
            if found["published"]
            else ""
        )
        scale = tables.UNITS.get(unit, unit)
        figure += f"€ {tables.amount(found['amount'])} ({scale}: {published})"
    else:
        scale = "x 1.000.000" if unit == "EUR_1000000" else "x 1.000"
        figure += f"{found['amount']} ({scale}: {found['published'] or ''})"
    say(args, figure)
    shown = [
        {
            **entry,
            "decision_ref": _reference(entry["decision"]),
            "mandate_ref": _reference(entry["mandate"]),
            "backdated": backdated_by(entry),
        }
        for entry in found["rows"]
    ]
    show_rows(
        args,
        shown,
        [
            "position",
            "event",
            "delta",
            "running_total",
            "decision_ref",
            "mandate_ref",
            "authorised",
            "actor",
            "period",
            "known_at",
            "recorded_at",
            "backdated",
            "backfill",
        ],
    )
    backdating_note(found["rows"], days, lambda text: say(args, text))


AUTHORITY_COLUMNS = (
    "position",
    "year",
    "interventie",
    "fund",
    "event",
    "delta",
    "decision",
    "body",
    "status",
    "mandate",
    "mandate_status",
    "authorised",
    "backdated",
    "backfill",
)


def cmd_authority(args: argparse.Namespace) -> None:
    days = grace()
    with read_model(args) as (conn, reached):
        basis = basis_for(conn, args, reached)
        rows = authority.authority_report(
            conn,
            basis,
            fiscal_year=args.year,
            without_authority=args.without_authority,
            grace=days,
        )
    if args.format == "json":
        print(as_json({"basis": basis.to_json(), "rows": rows}))
        return
    flat = []
    for row in rows:
        decision, mandate = row["decision"], row["mandate"]
        flat.append(
            {
                "position": row["position"],
                "year": row["line"]["fiscal_year"],
                "interventie": row["line"]["interventie"],
                "fund": row["line"]["fund"],
                "event": row["event"],
                "delta": row["delta"],
                "decision": _reference(decision),
                "body": None if decision is None else decision["body"],
                "status": None if decision is None else decision["status"],
                "mandate": _reference(mandate),
                "mandate_status": None if mandate is None else mandate["status"],
                "authorised": "yes" if row["authorised"] else "NO",
                "backdated": backdated_by(row),
                "backfill": row["backfill"],
            }
        )
    say(args, describe_basis(basis))
    show_rows(args, flat, AUTHORITY_COLUMNS)
    unauthorised = [row for row in rows if not row["authorised"]]
    say(args, f"{len(rows)} mutations, {len(unauthorised)} without valid authority")
    for row in unauthorised:
        say(args, f"  position {row['position']}: " + escaped("; ".join(row["problems"])))
    backdating_note(rows, days, lambda text: say(args, text))


def cmd_onrechtmatigheid(args: argparse.Namespace) -> None:
    with read_model(args) as (conn, reached):
        basis = basis_for(conn, args, reached)
        rows = authority.onrechtmatigheid(conn, basis, fiscal_year=args.year)
        years = rechtmatigheid.verantwoording(conn, basis, fiscal_year=args.year, findings=rows)
    if args.format == "json":
        print(as_json({"basis": basis.to_json(), "rows": rows, "years": years}))
        return
    shown = [{**row, "finding": GAP_WORDS if row["data_gap"] else row["finding"]} for row in rows]
    emit(
        args,
        basis,
        shown,
        [
            "fiscal_year",
            "programma",
            "budget",
            "realised",
            "realised_voorlopig",
            "excess",
            "budget_lines",
            "finding",
        ],
    )
    if not rows:
        say(args, "no realised lasten above the authorised budget")
    for row in rows:
        if row["data_gap"]:
            say(
                args,
                f"{row['fiscal_year']} {escaped(row['programma'])}: "
                f"€ {amount(row['lasten_without_begroting'] or row['realised'])} lasten without "
                "a recorded begroting (a data gap, not counted)",
            )
            continue
        for category in row["categories"]:
            counts = "counts" if category["counts_toward_opinion"] else "does not count"
            say(
                args,
                f"{row['fiscal_year']} {escaped(row['programma'])}: € {amount(category['amount'])} "
                f"{category['category']} (Kadernota {category['kadernota']}, {counts})",
            )
    for year in years:
        grens = year["verantwoordingsgrens"]
        against = (
            "no verantwoordingsgrens recorded"
            if grens is None
            else f"verantwoordingsgrens {grens['percentage']}% of "
            f"€ {amount(year['total_lasten'])} = € {amount(grens['amount'])}: "
            + ("exceeded" if year["exceeded"] else "not exceeded")
        )
        say(
            args,
            f"{year['fiscal_year']}: € {amount(year['counts_toward_opinion'])} counts toward the "
            f"opinion; {against}",
        )
        for finding in year["fund_rules"]:
            say(
                args,
                f"  fund-rule at position {finding['position']}: "
                f"€ {amount(finding['amount'])} of the "
                f"{finding['fund']} to {escaped(finding['line']['programma'])} "
                f"{finding['line']['taakveld']} ({finding['via']}; {finding['source']})",
            )
