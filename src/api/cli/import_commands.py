"""`begroting import`: a financial system's extract read, checked and recorded whole, or
refused whole with every problem on its own line (ADR 0033)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from api.cli.common import CliError, ledger_for
from api.cli.rendering import as_json
from api.imports.extract import read_source
from api.imports.summary import problem_line, summary_json, summary_lines
from api.ledger import system_clock
from domain.application import Context
from domain.imports import ImportKind, ImportRefused


def _bytes(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CliError(f"{what} {path}: {error.strerror or error}") from None


def cmd_import(args: argparse.Namespace) -> int:
    kind = ImportKind(args.kind)
    data = _bytes(args.file, "cannot read")
    mapping = None if args.mapping is None else _bytes(args.mapping, "cannot read the mapping")
    try:
        # The file is read and checked before the ledger is opened: a refused file touches
        # nothing, not even the database file.
        source = read_source(
            kind,
            data,
            args.file,
            mapping=mapping,
            mapping_name="mapping" if args.mapping is None else Path(args.mapping).name,
            sheet=args.sheet,
            known_at=args.known_at,
            now=system_clock(),
        )
        with ledger_for(args) as ledger:
            # The events are the operator's, as the command line records them (cli:<user>).
            ctx = Context(actor=f"cli:{getpass.getuser()}")
            with ledger.write_lock:
                summary = ledger.app.import_source(
                    ctx, source, decision=args.decision, dry_run=args.dry_run
                )
            ledger.runner.catch_up()
    except ImportRefused as refusal:
        print(f"begroting: {refusal}", file=sys.stderr)
        for problem in refusal.problems:
            line = problem_line(problem)
            if problem.code == "missing-decision":  # name the option that gives it
                line = f"--decision: {problem.message}: --decision REF (decision list shows them)"
            elif problem.code == "not-found" and problem.message.startswith("decision "):
                where = "the default ledger" if args.ledger is None else f"ledger {args.ledger}"
                line = f"--decision: {problem.message} in {where} (another: --ledger CODE)"
            print(f"  {line}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(as_json(summary_json(summary)))
    else:
        print("\n".join(summary_lines(summary)))
    return 0
