"""The `begroting` command line. It only translates: parse, call a use case or a query,
print. Errors print one line and exit non-zero; nothing is half-written."""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from api import spreadsheets as writers
from api.auth import DEMO_TOKENS, Role, TokenStore
from api.demo import nijmegen
from api.encoding import to_json
from api.ledger import Ledger, open_ledger, system_clock
from api.settings import load_settings
from domain.errors import DomainError
from domain.values import MAX_FISCAL_YEAR, MAX_INTERVENTIE, MIN_FISCAL_YEAR, escaped
from projections.audit import auditor, chain, standalone_verify, verification
from projections.queries import (
    authority,
    backdating,
    cells,
    diff,
    figures,
    lineage,
    reports,
    row_exports,
)
from projections.queries.basis import Basis, BasisError, report_basis, resolve_basis
from projections.readmodel import backup, rederive
from projections.readmodel.runner import ReadModelBrokenError, ReadModelBusyError
from projections.store.database import ConfigurationError, Database, DatabaseUnavailableError


class CliError(Exception):
    pass


def bounded(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number the read model can hold, else a usage error."""

    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{number} is not from {low} to {high}")
        return number

    return parse


YEAR = bounded(MIN_FISCAL_YEAR, MAX_FISCAL_YEAR)


@contextmanager
def ledger_for(args: argparse.Namespace) -> Iterator[Ledger]:
    ledger = open_ledger(args.db or load_settings().db_url)
    try:
        ledger.runner.catch_up()
        yield ledger
    finally:
        ledger.close()


@contextmanager
def uncaught(args: argparse.Namespace) -> Iterator[Ledger]:
    """The ledger as it stands, no catch-up first: verification must also work on a log
    whose tampering keeps the read model from catching up (ADR 0007)."""
    ledger = open_ledger(args.db or load_settings().db_url)
    try:
        yield ledger
    finally:
        ledger.close()


def grace() -> timedelta:
    """The backdating grace of the settings (BEGROTING_BACKDATING_GRACE or the config file),
    as the service reads it (ADR 0018)."""
    return load_settings().grace


def _backdated(row: dict[str, Any]) -> str | None:
    """A row's backdating for a table: by how much it was known before it was recorded."""
    flagged = row.get("backdated")
    return None if flagged is None else str(flagged["by"])


@contextmanager
def reading(ledger: Ledger) -> Iterator[tuple[Connection, int]]:
    """The read model's figures, refused while a break in the log is recorded (ADR 0017)."""
    reached = ledger.runner.position()
    with ledger.engine.connect() as conn:
        verification.guard(conn)
        yield conn, reached


@contextmanager
def unguarded(ledger: Ledger) -> Iterator[tuple[Connection, int]]:
    """For verification and the auditor's kit, which must also work on a broken log."""
    reached = ledger.runner.position()
    with ledger.engine.connect() as conn:
        yield conn, reached


def _json(value: Any) -> str:
    return to_json(value, indent=2)


def _print_rows(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> None:
    widths = {c: max([len(c)] + [len(_cell(r.get(c))) for r in rows]) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(_cell(row.get(c)).ljust(widths[c]) for c in columns))


def _cell(value: Any) -> str:
    # One row per line: a line break (free text may hold one) or any other character the
    # text rule refuses is shown escaped, as \n, \t or \uXXXX.
    return "" if value is None else escaped(str(value))


# -- commands --------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> None:
    with ledger_for(args) as ledger:
        result = nijmegen.load(ledger.app)
        position = ledger.runner.catch_up()
    state = "loaded" if result.recorded else "already loaded"
    print(
        f"Nijmegen demo history {state}: {result.recorded} commands recorded, "
        f"{result.skipped} already present; read model at log position {position}."
    )


def cmd_report(args: argparse.Namespace) -> None:
    with ledger_for(args) as ledger, reading(ledger) as (conn, reached):
        report = reports.render_report(conn, args.report_id, args.as_of, reached)
    print(_json(report) if args.format == "json" else reports.format_table(report))


def cmd_reports(args: argparse.Namespace) -> None:
    with ledger_for(args) as ledger, reading(ledger) as (conn, _):
        rows = reports.list_reports(conn)
    _print_rows(rows, ["report", "published_at", "knowledge_cutoff", "log_position", "title"])


def _budget_figure(args: argparse.Namespace) -> dict[str, Any]:
    """The dimensions naming a budget figure, as `history` and `export lineage` take them."""
    return {
        "fiscal_year": args.year,
        "fund": args.fund,
        "interventie": args.interventie,
        "taakveld": args.taakveld,
        "programma": args.programma,
    }


def _realised_figure(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "fiscal_year": args.year,
        "deelproduct": args.deelproduct,
        "fund": args.fund,
        "interventie": args.interventie,
    }


def cmd_history(args: argparse.Namespace) -> None:
    if args.report is not None:
        cmd_cell_history(args)
        return
    if args.year is None:
        raise CliError("--year is required (or --report with --table, --row and --column)")
    days = grace()
    with ledger_for(args) as ledger, reading(ledger) as (conn, reached):
        basis = resolve_basis(conn, args.as_of, reached)
        if args.taakstelling:
            entries = lineage.taakstelling_lineage(
                conn, basis, reference=args.taakstelling, fiscal_year=args.year, grace=days
            )
        elif args.realisation:
            entries = lineage.realisation_lineage(conn, basis, **_realised_figure(args), grace=days)
        else:
            entries = lineage.budget_lineage(conn, basis, **_budget_figure(args), grace=days)
    if args.format == "json":
        print(_json({"basis": basis.to_json(), "entries": entries}))
        return
    print(basis.describe())
    if not entries:
        print("no events behind this figure")
        return
    # The table names the decision and mandate by reference; the JSON carries their chain.
    shown = [
        {
            **entry,
            "decision": (entry["decision"] or {}).get("reference"),
            "mandate": (entry["mandate"] or {}).get("reference"),
            "backdated": _backdated(entry),
        }
        for entry in entries
    ]
    _print_rows(
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
        ],
    )
    _backdating_note(entries, days)


def _backdating_note(rows: Sequence[dict[str, Any]], days: timedelta) -> None:
    """Below a table: the rows a person recorded more than the grace after they were known,
    and how many rows are a backfill (an import, recorded with its sources' dates)."""
    flagged = [row for row in rows if row["backdated"] is not None]
    if flagged:
        print(
            f"{len(flagged)} backdated by more than the grace of "
            f"{backdating.iso_duration(days)} (known_at that long before recorded_at)"
        )
    for row in flagged:
        print(
            f"  position {row['position']}: known_at {row['known_at']}, recorded_at "
            f"{row['recorded_at']} by {escaped(row['actor'])}: {row['backdated']['by']} earlier"
        )
    backfilled = [row["backfill"] for row in rows if row["backfill"] is not None]
    if backfilled:
        imports = escaped(", ".join(sorted(set(backfilled))))
        print(
            f"{len(backfilled)} from a backfill ({imports}): recorded later with their "
            "sources' dates, not backdating"
        )


def cmd_cell_history(args: argparse.Namespace) -> None:
    """The events that add up to one cell of a report, as of its basis or --as-of."""
    missing = [f"--{name}" for name in ("table", "row", "column") if getattr(args, name) is None]
    if missing:
        raise CliError(f"--report needs {', '.join(missing)}")
    days = grace()
    with ledger_for(args) as ledger, reading(ledger) as (conn, reached):
        basis = (
            report_basis(conn, args.report)
            if args.as_of is None
            else resolve_basis(conn, args.as_of, reached)
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
        print(_json(found))
        return
    cell = found["cell"]
    print(basis.describe())
    print(
        f"{found['report']} | {cell['table']} | {cell['row']} | {cell['column']}: "
        f"{found['amount']} (x 1.000: {found['published'] or ''})"
    )
    shown = [
        {
            **entry,
            "decision_ref": (entry["decision"] or {}).get("reference"),
            "mandate_ref": (entry["mandate"] or {}).get("reference"),
            "backdated": _backdated(entry),
        }
        for entry in found["rows"]
    ]
    _print_rows(
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
    _backdating_note(found["rows"], days)


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
    with ledger_for(args) as ledger, reading(ledger) as (conn, reached):
        basis = resolve_basis(conn, args.as_of, reached)
        rows = authority.authority_report(
            conn,
            basis,
            fiscal_year=args.year,
            without_authority=args.without_authority,
            grace=days,
        )
    if args.format == "json":
        print(_json({"basis": basis.to_json(), "rows": rows}))
        return
    flat = []
    for row in rows:
        decision, mandate = row["decision"] or {}, row["mandate"] or {}
        flat.append(
            {
                "position": row["position"],
                "year": row["line"]["fiscal_year"],
                "interventie": row["line"]["interventie"],
                "fund": row["line"]["fund"],
                "event": row["event"],
                "delta": row["delta"],
                "decision": decision.get("reference"),
                "body": decision.get("body"),
                "status": decision.get("status"),
                "mandate": mandate.get("reference"),
                "mandate_status": mandate.get("status"),
                "authorised": "yes" if row["authorised"] else "NO",
                "backdated": _backdated(row),
                "backfill": row["backfill"],
            }
        )
    print(basis.describe())
    _print_rows(flat, AUTHORITY_COLUMNS)
    unauthorised = [row for row in rows if not row["authorised"]]
    print(f"{len(rows)} mutations, {len(unauthorised)} without valid authority")
    for row in unauthorised:
        print(f"  position {row['position']}: " + escaped("; ".join(row["problems"])))
    _backdating_note(rows, days)


def cmd_onrechtmatigheid(args: argparse.Namespace) -> None:
    with ledger_for(args) as ledger, reading(ledger) as (conn, reached):
        basis = resolve_basis(conn, args.as_of, reached)
        rows = authority.onrechtmatigheid(conn, basis, fiscal_year=args.year)
    _emit(
        args,
        basis,
        rows,
        ["fiscal_year", "programma", "budget", "realised", "excess", "budget_lines", "finding"],
    )
    if args.format != "json" and not rows:
        print("no realised lasten above the authorised budget")


def _named_basis(conn: Connection, option: str, text: str, reached: int) -> Basis:
    try:
        return resolve_basis(conn, text, reached)
    except BasisError as error:
        raise CliError(f"{option}: {error}") from None


def cmd_diff(args: argparse.Namespace) -> None:
    days = grace()
    with ledger_for(args) as ledger, reading(ledger) as (conn, reached):
        report_basis(conn, args.report_id)
        old = _named_basis(conn, "--from", args.from_ or f"report:{args.report_id}", reached)
        new = _named_basis(conn, "--to", args.to, reached)
        found = diff.report_diff(conn, args.report_id, old, new, grace=days)
    print(_json(found) if args.format == "json" else diff.format_diff(found))


def cmd_budget(args: argparse.Namespace) -> None:
    with ledger_for(args) as ledger, reading(ledger) as (conn, reached):
        basis = resolve_basis(conn, args.as_of, reached)
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
    _emit(args, basis, rows, columns)


def cmd_taakstellingen(args: argparse.Namespace) -> None:
    with ledger_for(args) as ledger, reading(ledger) as (conn, reached):
        basis = resolve_basis(conn, args.as_of, reached)
        rows = figures.taakstelling_overview(conn, basis, args.base_year)
    years = sorted({y for r in rows for y in r["amounts"]})
    flat = []
    for row in rows:
        entry = {k: row[k] for k in ("reference", "interventie", "taakveld", "kind", "label")}
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
    _emit(args, basis, flat, columns)


def cmd_realisations(args: argparse.Namespace) -> None:
    with ledger_for(args) as ledger, reading(ledger) as (conn, reached):
        basis = resolve_basis(conn, args.as_of, reached)
        rows = figures.realisation_amounts(conn, basis, fiscal_year=args.year, fund=args.fund)
    for row in rows:
        row["name"] = nijmegen.DEELPRODUCT_NAMES.get(row["deelproduct"] or "")
    _emit(
        args,
        basis,
        rows,
        [
            "fiscal_year",
            "quarter",
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
    with ledger_for(args) as ledger, reading(ledger) as (conn, reached):
        basis = resolve_basis(conn, args.as_of, reached)
        rows = figures.reserve_balances(conn, basis)
    _emit(args, basis, rows, ["code", "name", "earmark", "fiscal_year", "mutation"])


def cmd_slotwijzigingen(args: argparse.Namespace) -> None:
    with ledger_for(args) as ledger, reading(ledger) as (conn, reached):
        basis = resolve_basis(conn, args.as_of, reached)
        rows = figures.slotwijzigingen(conn, basis, fiscal_year=args.year)
    _emit(
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


def cmd_log(args: argparse.Namespace) -> None:
    with ledger_for(args) as ledger, reading(ledger) as (conn, _):
        rows = figures.audit_log(conn, after=args.after, limit=args.limit)
    if args.format == "json":
        print(_json(rows))
        return
    _print_rows(
        rows,
        [
            "position",
            "event_type",
            "period",
            "known_at",
            "recorded_at",
            "actor",
            "decision",
            "import_id",
        ],
    )


def cmd_export(args: argparse.Namespace) -> None:
    """Write a report, a figure's lineage or the audit log as CSV or XLSX (ADR 0009)."""
    days = grace() if args.what == "lineage" else backdating.DEFAULT_GRACE
    with ledger_for(args) as ledger, reading(ledger) as (conn, reached):
        if args.what == "report":
            export = row_exports.report_export(
                conn, args.report_id, args.as_of, reached, table=args.table
            )
        elif args.what == "log":
            export = row_exports.log_export(conn, reached)
        else:
            basis = resolve_basis(conn, args.as_of, reached)
            if args.realisation:
                export = row_exports.realisation_lineage_export(
                    conn, basis, **_realised_figure(args), grace=days
                )
            else:
                export = row_exports.budget_lineage_export(
                    conn, basis, **_budget_figure(args), grace=days
                )
    content = writers.render(export, args.export_format)
    try:
        with open(args.output, "wb") as output:
            output.write(content)
    except OSError as error:
        raise CliError(f"cannot write {args.output}: {error.strerror}") from None
    print(f"{len(export.rows)} rows written to {args.output} ({args.export_format})")


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from api.app import create_app

    settings = load_settings(args.config, db_url=args.db, host=args.host, port=args.port)
    ledger = open_ledger(settings.db_url)
    try:
        tokens = TokenStore(ledger.engine, system_clock)
        if args.demo:
            nijmegen.load(ledger.app)
            tokens.ensure_demo_tokens()
        try:
            ledger.runner.catch_up()
        except ReadModelBusyError:
            pass  # a rebuild holds it: it will be caught up when it commits
        except ReadModelBrokenError as error:
            # Writes still work; reads answer 503 read-model-broken until it is rebuilt.
            print(f"begroting: warning: {error}", file=sys.stderr)
        except chain.ChainBroken as error:
            # Recorded: the service starts, answers health and audit, and refuses figures.
            print(f"begroting: the log does not verify: {error}", file=sys.stderr)
        if tokens.demo_tokens_active() and not _loopback(settings.host):
            raise CliError(
                f"the demo tokens are public: serve this database on a loopback address, "
                f"not {settings.host}, or revoke them (begroting token revoke ID)"
            )
        if not tokens.active():
            raise CliError(
                "no active API token, so nobody could use the service: create one with "
                "begroting token create --role admin --name NAME"
            )
        base = f"http://{settings.host}:{settings.port}"
        print(f"Begroting serves {Database.parse(settings.db_url).redacted()} at {base}")
        print(f"  interactive docs: {base}/docs   OpenAPI: {base}/openapi.json")
        if args.demo:
            tried = f"{base}/api/v1/reports/interventieplan-fase-4"
            print("  demo tokens: " + ", ".join(DEMO_TOKENS[role] for role in Role))
            print(f"  try: curl -H 'Authorization: Bearer demo-auditor' {tried}")
        sys.stdout.flush()
    finally:
        ledger.close()
    # The app's lifespan opens its own ledger and closes it on shutdown: uvicorn re-raises
    # SIGTERM once it has shut down, so nothing after uvicorn.run would run then.
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
    )


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def cmd_token_create(args: argparse.Namespace) -> None:
    with ledger_for(args) as ledger:
        record, secret = TokenStore(ledger.engine, system_clock).create(
            name=args.name, role=Role(args.role), created_by=f"cli:{getpass.getuser()}"
        )
    print(f"token {record['id']} for {record['name']!r} ({record['role']}):")
    print(secret)
    print("Keep it now: only its hash is stored.", file=sys.stderr)


def cmd_token_list(args: argparse.Namespace) -> None:
    with ledger_for(args) as ledger:
        rows = TokenStore(ledger.engine, system_clock).list()
    if args.format == "json":
        print(_json(rows))
        return
    _print_rows(rows, ["id", "name", "role", "created_at", "created_by", "revoked_at"])


def cmd_token_revoke(args: argparse.Namespace) -> None:
    with ledger_for(args) as ledger:
        store = TokenStore(ledger.engine, system_clock)
        store.get(args.token_id)
        record = store.revoke(args.token_id, by=f"cli:{getpass.getuser()}")
    print(f"token {record['id']} ({record['name']}) revoked at {record['revoked_at']}")


def cmd_rebuild(args: argparse.Namespace) -> None:
    # No catch-up first: a rebuild must work when the read model cannot catch up (ADR 0015);
    # but never from a log with a recorded break (ADR 0017).
    with uncaught(args) as ledger:
        with ledger.engine.connect() as conn:
            verification.guard(conn)
        position = ledger.runner.rebuild()
    print(f"read model rebuilt from the log up to position {position}")


def _verdict_line(verdict: chain.Verdict) -> str:
    if verdict.ok:
        return (
            f"the log verifies: {verdict.count} events chained, head {verdict.head} at "
            f"position {verdict.position}; {verdict.reports} report heads match; "
            f"{verdict.unchained} events not yet chained"
        )
    return f"TAMPERED: {verdict.kind} at position {verdict.position}: {verdict.detail}"


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the log verifies, 1 when tampering is found (ADR 0007); the result is
    recorded (ADR 0017). With --witness, every head in the auditor's witness file must still
    be on the chain; on success the head is appended to it. With --read-model, the read
    model is compared with the log too."""
    witness = None if args.witness is None else Path(args.witness)
    try:
        witnessed = [] if witness is None else standalone_verify.read_witness(witness)
    except (OSError, ValueError) as error:
        raise CliError(f"cannot read the witness file {witness}: {error}") from None
    with uncaught(args) as ledger:
        verdict = verification.full_verify(ledger.app, ledger.engine, "verify", witnessed)
        check = None
        if verdict.ok and args.read_model:
            position = ledger.runner.catch_up()
            check = rederive.verify_read_model(ledger.app, ledger.engine, position)
    found = verdict.to_json()
    line = _verdict_line(verdict)
    if witness is not None and verdict.ok:
        try:
            appended = standalone_verify.append_witness(
                witness, verdict.position or 0, verdict.head or chain.GENESIS.hex(), system_clock()
            )
        except OSError as error:
            raise CliError(f"cannot write the witness file {witness}: {error}") from None
        found["witness"] = {"file": str(witness), "checked": len(witnessed), "appended": appended}
        line += f"\nwitness {witness}: earlier heads still on the chain: {len(witnessed)}; " + (
            f"head at position {verdict.position} appended" if appended else "head already last"
        )
    if check is not None:
        found["read_model"] = check.to_json()
        line += "\n" + _read_model_line(check)
    print(_json(found) if args.format == "json" else line)
    if check is not None and not check.ok:
        return 1
    return 0 if verdict.ok else 1


def _read_model_line(check: rederive.ReadModelCheck) -> str:
    if check.ok:
        digests = ", ".join(f"{table} {digest[:12]}" for table, digest in check.tables.items())
        return (
            f"the read model matches the log up to position {check.position}: "
            f"{len(check.tables)} tables ({digests})"
        )
    return f"READ MODEL DIFFERS at position {check.position}: {check.detail}"


def cmd_verify_report(args: argparse.Namespace) -> int:
    with uncaught(args) as ledger:
        verdict = verification.full_verify(ledger.app, ledger.engine)
        with unguarded(ledger) as (conn, _):
            check = (
                None if not verdict.ok else rederive.verify_report(ledger.app, conn, args.report_id)
            )
    if check is None:
        print(_json(verdict.to_json()) if args.format == "json" else _verdict_line(verdict))
        return 1
    if args.format == "json":
        print(_json(check.to_json()))
    elif check.ok:
        print(
            f"report {check.report_id} verifies: figures digest {check.derived_digest}, "
            f"re-derived from the log up to position {check.position} "
            f"(chain head {check.chain_head})"
        )
    else:
        print(
            f"report {check.report_id} DIFFERS: sealed digest {check.sealed_digest}, "
            f"derived from the log {check.derived_digest}"
        )
    return 0 if check.ok else 1


def cmd_export_auditor(args: argparse.Namespace) -> None:
    with uncaught(args) as ledger, unguarded(ledger) as (conn, reached):
        summary = auditor.export(ledger.app, conn, reached, Path(args.directory), system_clock())
    if args.format == "json":
        print(_json(summary))
        return
    print(
        f"auditor's kit in {summary['directory']}: {summary['events']} events, "
        f"{summary['reports']} reports, chain head {summary['head']}; "
        f"check it with: python {Path(summary['directory']) / 'verify.py'} "
        f"{summary['directory']}"
    )


def cmd_backup(args: argparse.Namespace) -> None:
    """A consistent copy of the embedded database with SQLite's online backup API, also
    while the service writes (ADR 0019). PostgreSQL has pg_dump for this (README)."""
    database = Database.parse(args.db or load_settings().db_url)
    if not database.is_sqlite:
        raise CliError(
            "backup copies the embedded SQLite database; for PostgreSQL use "
            "pg_dump -Fc (README, Backup and restore)"
        )
    copied = backup.sqlite_backup(database, Path(args.file))
    if args.format == "json":
        print(_json(copied))
        return
    print(
        f"backup of {copied['database']} in {copied['file']}: {copied['events']} events, "
        f"chain head {copied['head']} at position {copied['position']}"
    )


def _emit(
    args: argparse.Namespace,
    basis: Basis,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
) -> None:
    if args.format == "json":
        print(_json({"basis": basis.to_json(), "rows": rows}))
        return
    print(basis.describe())
    _print_rows(rows, columns)


# -- parser ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="begroting", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", help="database URL (default: $BEGROTING_DB_URL or sqlite:///begroting.sqlite3)"
    )
    common.add_argument("--format", choices=("table", "text", "json"), default="table")
    as_of = argparse.ArgumentParser(add_help=False)
    as_of.add_argument("--as-of", help="now, a moment (YYYY-MM-DD or ISO 8601) or a report id")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("demo", parents=[common], help="load the Nijmegen demo history").set_defaults(
        func=cmd_demo
    )
    p = sub.add_parser("report", parents=[common], help="print a report's tables")
    p.add_argument("report_id")
    p.add_argument("--as-of", help="another basis: now, a moment or a report id")
    p.set_defaults(func=cmd_report)
    sub.add_parser("reports", parents=[common], help="list published reports").set_defaults(
        func=cmd_reports
    )

    p = sub.add_parser(
        "history", parents=[common, as_of], help="explain one figure: the events behind it"
    )
    p.add_argument("--year", type=YEAR, help="the fiscal year (required but with --report)")
    p.add_argument("--fund")
    p.add_argument("--interventie", type=bounded(1, MAX_INTERVENTIE))
    p.add_argument("--taakveld")
    p.add_argument("--programma")
    p.add_argument("--deelproduct")
    p.add_argument("--taakstelling", help="a taakstelling reference")
    p.add_argument("--realisation", action="store_true", help="explain a realisation")
    p.add_argument("--report", help="explain one cell of this report (with --table/--row/--column)")
    p.add_argument("--table", help="with --report: the table id, e.g. tabel-7.2")
    p.add_argument("--row", help="with --report: a row's or total's label, or its interventie")
    p.add_argument("--column", help="with --report: the column key, e.g. 2020")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser(
        "authority",
        parents=[common, as_of],
        help="every budget mutation with its chain of authority; those without are listed",
    )
    p.add_argument("--year", type=YEAR)
    p.add_argument("--without-authority", action="store_true", help="only those without")
    p.set_defaults(func=cmd_authority)
    p = sub.add_parser(
        "onrechtmatigheid",
        parents=[common, as_of],
        help="realised lasten above the authorised budget per programma and year",
    )
    p.add_argument("--year", type=YEAR)
    p.set_defaults(func=cmd_onrechtmatigheid)
    p = sub.add_parser(
        "diff", parents=[common], help="why a report's figures differ between two bases"
    )
    p.add_argument("report_id")
    p.add_argument(
        "--from",
        dest="from_",
        metavar="BASIS",
        help="the earlier basis: a report id, now or a moment (default: the report's own)",
    )
    p.add_argument("--to", metavar="BASIS", default="now", help="the later basis (default now)")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser("budget", parents=[common, as_of], help="current budget per line")
    p.add_argument("--year", type=YEAR)
    p.add_argument("--fund")
    p.add_argument("--by", choices=figures.ROLLUPS, help="roll up by a dimension")
    p.set_defaults(func=cmd_budget)
    p = sub.add_parser(
        "taakstellingen",
        parents=[common, as_of],
        help="taakstellingen per measure and year, with relative weight",
    )
    p.add_argument("--base-year", type=YEAR, default=2017)
    p.set_defaults(func=cmd_taakstellingen)
    p = sub.add_parser("realisations", parents=[common, as_of], help="realisations")
    p.add_argument("--year", type=YEAR)
    p.add_argument("--fund")
    p.set_defaults(func=cmd_realisations)
    sub.add_parser(
        "reserves", parents=[common, as_of], help="reserve mutations per year"
    ).set_defaults(func=cmd_reserves)
    p = sub.add_parser(
        "slotwijzigingen", parents=[common, as_of], help="slotwijzigingen per fiscal year"
    )
    p.add_argument("--year", type=YEAR)
    p.set_defaults(func=cmd_slotwijzigingen)
    p = sub.add_parser("log", parents=[common], help="the audit log, one row per event")
    p.add_argument("--after", type=bounded(0, 2**63 - 1), default=0)
    p.add_argument("--limit", type=bounded(1, 10_000), default=100)
    p.set_defaults(func=cmd_log)
    sub.add_parser(
        "rebuild", parents=[common], help="rebuild the read model from the log"
    ).set_defaults(func=cmd_rebuild)
    p = sub.add_parser(
        "verify",
        parents=[common],
        help="recompute the hash chain from the log; exit 1 when tampering is found",
    )
    p.add_argument(
        "--witness",
        metavar="FILE",
        help="your file of heads seen before: each must still be on the chain; the head is "
        "appended when the log verifies (created if missing)",
    )
    p.add_argument(
        "--read-model",
        action="store_true",
        help="also rebuild the read model from the log in memory and compare every table",
    )
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser(
        "backup",
        parents=[common],
        help="copy the embedded SQLite database to FILE, consistently, also while serving",
    )
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser(
        "verify-report",
        parents=[common],
        help="re-derive a report from the verified log and compare it with its seal",
    )
    p.add_argument("report_id")
    p.set_defaults(func=cmd_verify_report)
    export = sub.add_parser(
        "export", help="the auditor's kit, or a report, a lineage or the log as CSV or XLSX"
    ).add_subparsers(dest="export_command", required=True)
    p = export.add_parser(
        "auditor",
        parents=[common],
        help="write events.jsonl, reports.json, manifest.json and a standalone verify.py into DIR",
    )
    p.add_argument("directory", metavar="DIR")
    p.set_defaults(func=cmd_export_auditor)
    target = argparse.ArgumentParser(add_help=False)
    target.add_argument(
        "--db", help="database URL (default: $BEGROTING_DB_URL or sqlite:///begroting.sqlite3)"
    )
    target.add_argument("-o", "--output", required=True, help="the file to write")
    for export_format in ("csv", "xlsx"):
        what = export.add_parser(
            export_format, help=f"a report, a lineage or the log as {export_format.upper()}"
        ).add_subparsers(dest="what", required=True)
        p = what.add_parser("report", parents=[target], help="a report's tables (or one)")
        p.add_argument("report_id")
        p.add_argument("--table", help="one table's id")
        p.add_argument("--as-of", help="another basis: now, a moment or a report id")
        p.set_defaults(func=cmd_export, export_format=export_format)
        p = what.add_parser("lineage", parents=[target, as_of], help="the events behind a figure")
        p.add_argument("--year", type=YEAR, required=True)
        p.add_argument("--fund")
        p.add_argument("--interventie", type=bounded(1, MAX_INTERVENTIE))
        p.add_argument("--taakveld")
        p.add_argument("--programma")
        p.add_argument("--deelproduct")
        p.add_argument("--realisation", action="store_true", help="a realised figure")
        p.set_defaults(func=cmd_export, export_format=export_format)
        what.add_parser("log", parents=[target], help="the whole audit log").set_defaults(
            func=cmd_export, export_format=export_format
        )

    p = sub.add_parser("serve", help="serve the HTTP API (docs at /docs)")
    p.add_argument(
        "--db", help="database URL (default: settings, then sqlite:///begroting.sqlite3)"
    )
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=bounded(1, 65535), help="port (default 8000)")
    p.add_argument("--config", help="a TOML settings file (default: $BEGROTING_CONFIG)")
    p.add_argument(
        "--demo", action="store_true", help="load the demo history and its public demo tokens"
    )
    p.set_defaults(func=cmd_serve)

    token = sub.add_parser("token", help="API tokens").add_subparsers(
        dest="token_command", required=True
    )
    p = token.add_parser("create", parents=[common], help="create a token; prints it once")
    p.add_argument("--role", required=True, choices=[role.value for role in Role])
    p.add_argument("--name", required=True, help="who holds it: the actor on their events")
    p.set_defaults(func=cmd_token_create)
    token.add_parser("list", parents=[common], help="list tokens").set_defaults(func=cmd_token_list)
    p = token.add_parser("revoke", parents=[common], help="revoke a token at once")
    p.add_argument("token_id")
    p.set_defaults(func=cmd_token_revoke)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
    except chain.ChainBroken as error:
        # The figures stand on a log that does not verify: refused, until an operator acts.
        print(f"begroting: the log does not verify: {error}", file=sys.stderr)
        return 2
    except (
        CliError,
        backup.BackupError,
        ConfigurationError,
        DatabaseUnavailableError,
        BasisError,
        DomainError,
        ReadModelBusyError,
        ReadModelBrokenError,
    ) as error:
        print(f"begroting: {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # e.g. a malformed setting
        print(f"begroting: {error}", file=sys.stderr)
        return 2
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    raise SystemExit(main())
