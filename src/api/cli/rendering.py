"""The command line's text: tables of rows, a report's tables, a diff's causes, a basis, a
verdict. JSON goes through the API's encoding, so both say the same."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from api.encoding import to_json
from domain.values import escaped
from projections.audit.verdicts import Verdict
from projections.queries import backdating
from projections.queries.backdating import Flagged
from projections.queries.basis import AMSTERDAM, Basis
from projections.queries.reports import ReportBasis, ReportDocument, ReportRow
from projections.queries.rows import BasisRow

if TYPE_CHECKING:
    from projections.queries.diff import ReportDiff
    from projections.readmodel.rederive import ReadModelCheck


def as_json(value: Any) -> str:
    return to_json(value, indent=2)


def print_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> None:
    widths = {c: max([len(c)] + [len(_cell(r.get(c))) for r in rows]) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(_cell(row.get(c)).ljust(widths[c]) for c in columns))


def show_rows(
    args: argparse.Namespace, rows: Sequence[Mapping[str, Any]], columns: Sequence[str]
) -> None:
    """--format table through rich, fitted to the terminal; --format text as plain columns,
    unchanged for the tools that read them."""
    if args.format == "table":
        from api.cli import tables  # rich and Babel only when a table is printed

        tables.print_table(rows, columns, wide=args.wide)
    else:
        print_rows(rows, columns)


def say(args: argparse.Namespace, text: str) -> None:
    """A line around a table: with --format table wrapped to the terminal like the table,
    else as it is."""
    if args.format == "table":
        from api.cli import tables

        tables.print_text(text, wide=args.wide)
    else:
        print(text)


def show_report(args: argparse.Namespace, report: ReportDocument) -> None:
    if args.format == "json":
        print(as_json(report))
    elif args.format == "table":
        from api.cli import tables

        tables.print_report(report, _basis_line(report["basis"]), wide=args.wide)
    else:
        print(format_report(report))


def _cell(value: Any) -> str:
    # One row per line: a line break (free text may hold one) or any other character the
    # text rule refuses is shown escaped, as \n, \t or \uXXXX.
    return "" if value is None else escaped(str(value))


def backdated_by(row: Flagged) -> str | None:
    """A row's backdating for a table: by how much it was known before it was recorded."""
    flagged = row["backdated"]
    return None if flagged is None else flagged["by"]


def backdating_note(
    rows: Sequence[Flagged], days: timedelta, say: Callable[[str], None] = print
) -> None:
    """Below a table: the rows a person recorded more than the grace after they were known,
    and how many rows are a backfill (an import, recorded with its sources' dates)."""
    flagged = [row for row in rows if row["backdated"] is not None]
    if flagged:
        say(
            f"{len(flagged)} backdated by more than the grace of "
            f"{backdating.iso_duration(days)} (known_at that long before recorded_at)"
        )
    for row in flagged:
        by = row["backdated"]["by"] if row["backdated"] is not None else ""
        say(
            f"  position {row['position']}: known_at {row['known_at']}, recorded_at "
            f"{row['recorded_at']} by {escaped(row['actor'])}: {by} earlier"
        )
    backfilled = [row["backfill"] for row in rows if row["backfill"] is not None]
    if backfilled:
        imports = escaped(", ".join(sorted(set(backfilled))))
        say(
            f"{len(backfilled)} from a backfill ({imports}): recorded later with their "
            "sources' dates, not backdating"
        )


def emit(
    args: argparse.Namespace,
    basis: Basis,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
) -> None:
    if args.format == "json":
        print(as_json({"basis": basis.to_json(), "rows": rows}))
        return
    say(args, describe_basis(basis))
    show_rows(args, rows, columns)


def verdict_line(verdict: Verdict) -> str:
    if verdict.ok:
        return (
            f"the log verifies: {verdict.count} events chained, head {verdict.head} at "
            f"position {verdict.position}; {verdict.reports} report heads match; "
            f"{verdict.unchained} events not yet chained"
        )
    return f"TAMPERED: {verdict.kind} at position {verdict.position}: {verdict.detail}"


def read_model_line(check: ReadModelCheck) -> str:
    if check.ok:
        digests = ", ".join(f"{table} {digest[:12]}" for table, digest in check.tables.items())
        return (
            f"the read model matches the log up to position {check.position}: "
            f"{len(check.tables)} tables ({digests})"
        )
    return f"READ MODEL DIFFERS at position {check.position}: {check.detail}"


def describe_basis(basis: Basis) -> str:
    """The line above a table: which basis its figures stand on."""
    cutoff = (
        "everything known"
        if basis.known_at is None
        else (f"known by {basis.known_at.astimezone(AMSTERDAM).isoformat()}")
    )
    origin = f"report {basis.report_id}" if basis.report_id else basis.as_of
    recorded = (
        ""
        if basis.recorded_at is None
        else f", as recorded by {basis.recorded_at.astimezone(AMSTERDAM).isoformat()}"
    )
    return f"as of {origin}: {cutoff}, log position {basis.position}{recorded}"


def format_report(report: ReportDocument) -> str:
    """Plain-text rendering of a report's tables for the terminal."""
    lines = [f"{report['title']} ({report['report']})", _basis_line(report["basis"])]
    for table in report["tables"]:
        columns = table["columns"]
        label_width = max([len(r["label"]) + 4 for r in table["rows"] + table["totals"]] + [20])
        width = max(12, *(len(c) + 2 for c in columns))
        lines += [
            "",
            f"{table['id']}: {table['title']} ({table['unit']})",
            " " * label_width + "".join(c.rjust(width) for c in columns),
        ]
        shown = list(table["rows"])
        shown += [
            ReportRow(interventie=None, label=t["label"], values=t["values"])
            for t in table["totals"]
        ]
        for row in shown:
            number = row["interventie"]
            prefix = (
                "" if number is None or row["label"].startswith(f"{number}.") else f"{number:>2}  "
            )
            label = (prefix + row["label"]).ljust(label_width)[:label_width]
            suffix = "%" if row.get("unit") == "percent" else ""
            cells = "".join(
                ((row["values"][c] or "") + (suffix if row["values"][c] else "")).rjust(width)
                for c in columns
            )
            lines.append(label + cells)
    return "\n".join(lines)


def _basis_line(basis: ReportBasis) -> str:
    cutoff = basis["knowledge_cutoff"] or "everything known"
    recorded = basis.get("as_recorded_at")
    return (
        f"basis: {basis['as_of']} (knowledge cutoff {cutoff}, log position {basis['log_position']}"
        + ("" if recorded is None else f", as recorded by {recorded}")
        + f", chain head {basis['chain_head'] or 'none'})"
    )


def format_diff(diff: ReportDiff) -> str:
    """Plain text: each differing figure, then its causes with their events."""
    lines = [
        f"{diff['title']} ({diff['report']})",
        f"from {_basis(diff['from'])}",
        f"to   {_basis(diff['to'])}",
    ]
    if not diff["cells"]:
        lines.append("no figure differs")
    for cell in diff["cells"]:
        published = cell["published"]
        lines += [
            "",
            f"{cell['table']} | {cell['row']} | {cell['column']}: "
            f"{cell['from']} -> {cell['to']} ({_signed(cell['difference'])}); "
            f"x 1.000: {published['from'] or ''} -> {published['to'] or ''}",
        ]
        for cause in cell["causes"]:
            decision = cause["decision"]
            by = ""
            if decision is not None:
                by = f" by {decision['reference']}" + (" (new)" if decision["new"] else "")
            late = " (late)" if cause["late"] else ""
            removed = " (no longer visible)" if cause["direction"] == "removed" else ""
            positions = ", ".join(str(e["position"]) for e in cause["events"])
            backdated = [
                f"{e['position']} by {flag['by']} (grace {flag['grace']})"
                for e in cause["events"]
                if (flag := e["backdated"]) is not None
            ]
            lines.append(
                f"  {_signed(cause['delta']):>16}  {cause['cause']}{late}{removed}{by}; "
                f"positions {positions}"
                + (f"; BACKDATED: {', '.join(backdated)}" if backdated else "")
            )
    return "\n".join(lines)


def _signed(amount: Decimal) -> str:
    return f"+{amount}" if amount > 0 else str(amount)


def _basis(basis: BasisRow) -> str:
    cutoff = basis["knowledge_cutoff"] or "everything known"
    return f"{basis['as_of']} (knowledge cutoff {cutoff}, log position {basis['log_position']})"
