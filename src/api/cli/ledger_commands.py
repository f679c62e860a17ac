"""The municipalities' ledgers on one database (ADR 0032): create one, list them."""

from __future__ import annotations

import argparse
import getpass

from api.cli.common import CliError, db_url
from api.cli.rendering import as_json, show_rows
from api.ledgers import create_ledger, list_ledgers


def cmd_ledger_create(args: argparse.Namespace) -> None:
    if getattr(args, "ledger", None) is not None:
        raise CliError("ledger create names its ledger as CODE, not with --ledger")
    code = create_ledger(db_url(args), args.code, args.name, created_by=f"cli:{getpass.getuser()}")
    print(
        f"ledger {code} ({args.name}) created; use it with --ledger {code}\n"
        f"its first token: begroting token create --ledger {code} --role admin --name NAME"
    )


def cmd_ledger_list(args: argparse.Namespace) -> None:
    rows = [
        {"code": entry.code, "name": entry.name, "events": entry.events}
        for entry in list_ledgers(db_url(args))
    ]
    if args.format == "json":
        print(as_json(rows))
        return
    show_rows(args, rows, ["code", "name", "events"])
