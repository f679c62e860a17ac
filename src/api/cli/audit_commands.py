"""Tamper evidence: the audit log, verify (with a witness file and the read model),
verify-report, the auditor's kit and a backup of the embedded database."""

from __future__ import annotations

import argparse
from pathlib import Path

from api.cli.common import CliError, database_for, read_model, recorded_at, uncaught, unguarded
from api.cli.progress import busy
from api.cli.rendering import as_json, read_model_line, show_rows, verdict_line
from api.ledger import system_clock
from projections.audit import auditor, chain, standalone_verify, verification
from projections.queries import event_log
from projections.queries.basis import resolve_basis
from projections.readmodel import backup, rederive


def cmd_log(args: argparse.Namespace) -> None:
    with read_model(args) as (conn, reached):
        # --as-recorded-at: the log as it stood then, by the basis's position (ADR 0002).
        basis = resolve_basis(conn, None, reached, as_recorded_at=recorded_at(args))
        rows = event_log.audit_log(conn, after=args.after, until=basis.position, limit=args.limit)
    if args.format == "json":
        print(as_json(rows))
        return
    show_rows(
        args,
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
    # The verdict with what this command adds: the witness file, the read model's check.
    found: dict[str, object] = dict(verdict.to_json())
    line = verdict_line(verdict)
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
        line += "\n" + read_model_line(check)
    print(as_json(found) if args.format == "json" else line)
    if check is not None and not check.ok:
        return 1
    return 0 if verdict.ok else 1


def cmd_verify_report(args: argparse.Namespace) -> int:
    with uncaught(args) as ledger:
        verdict = verification.full_verify(ledger.app, ledger.engine)
        with unguarded(ledger) as (conn, _):
            check = (
                None if not verdict.ok else rederive.verify_report(ledger.app, conn, args.report_id)
            )
    if check is None:
        print(as_json(verdict.to_json()) if args.format == "json" else verdict_line(verdict))
        return 1
    if args.format == "json":
        print(as_json(check.to_json()))
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


@busy("writing the auditor's kit")
def cmd_export_auditor(args: argparse.Namespace) -> None:
    with uncaught(args) as ledger, unguarded(ledger) as (conn, reached):
        summary = auditor.export(ledger.app, conn, reached, Path(args.directory), system_clock())
    if args.format == "json":
        print(as_json(summary))
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
    database = database_for(args)
    if not database.is_sqlite:
        raise CliError(
            "backup copies the embedded SQLite database; for PostgreSQL use "
            "pg_dump -Fc (README, Backup and restore)"
        )
    copied = backup.sqlite_backup(database, Path(args.file))
    if args.format == "json":
        print(as_json(copied))
        return
    print(
        f"backup of {copied['database']} in {copied['file']}: {copied['events']} events, "
        f"chain head {copied['head']} at position {copied['position']}"
    )
