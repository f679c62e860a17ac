"""Running the service and its upkeep: serve, API tokens, rebuild, and the demo history."""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import os
import sys

from api.auth import DEMO_TOKENS, Role, TokenStore
from api.cli.common import CliError, ledger_for, uncaught
from api.cli.progress import busy
from api.cli.rendering import as_json, show_rows
from api.demo import nijmegen
from api.ledger import open_database, system_clock
from api.ledgers import ledger_code, list_ledgers
from projections.audit import chain, verification
from projections.readmodel.runner import ReadModelBrokenError, ReadModelBusyError


@busy("loading the demo history")
def cmd_demo(args: argparse.Namespace) -> None:
    with ledger_for(args) as ledger:
        earlier = nijmegen.earlier_import(ledger.engine)
        if earlier is not None:
            raise CliError(nijmegen.refusal(earlier))
        result = nijmegen.load(ledger.app)
        position = ledger.runner.catch_up()
    state = "loaded" if result.recorded else "already loaded"
    print(
        f"Nijmegen demo history {state}: {result.recorded} commands recorded, "
        f"{result.skipped} already present; read model at log position {position}."
    )


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from api.app import create_app
    from api.settings import environment, load_settings

    if args.ledger is not None:
        raise CliError("serve serves every ledger of its database: give no --ledger")
    settings = load_settings(
        args.config,
        db_url=args.db,
        db_schema=args.schema,
        host=args.host,
        port=args.port,
        workers=args.workers,
    )
    ledger = open_database(settings.database)
    try:
        tokens = TokenStore(ledger.engine, system_clock)
        if args.demo:
            earlier = nijmegen.earlier_import(ledger.engine)
            if earlier is not None:
                raise CliError(nijmegen.refusal(earlier))
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
        municipalities = [
            entry.code for entry in list_ledgers(settings.db_url, schema=settings.db_schema)
        ]
        if not tokens.active() and not municipalities:
            raise CliError(
                "no active API token, so nobody could use the service: create one with "
                "begroting token create --role admin --name NAME"
            )
        base = f"http://{settings.host}:{settings.port}"
        served = settings.database.redacted() + (
            f" schema {settings.db_schema}" if settings.db_schema else ""
        )
        workers = f" ({settings.workers} workers)" if settings.workers > 1 else ""
        print(f"Begroting serves {served} at {base}{workers}")
        print(f"  workspace: {base}/   sign in with an API token")
        if municipalities:  # served by the code in each token (ADR 0032)
            named = ", ".join(municipalities) if len(municipalities) <= 5 else len(municipalities)
            print(f"  ledgers: {named} and the default one (begroting ledger list)")
        print(f"  interactive docs: {base}/docs   OpenAPI: {base}/openapi.json")
        if args.demo:
            tried = f"{base}/api/v1/reports/interventieplan-fase-4"
            print("  demo tokens: " + ", ".join(DEMO_TOKENS[role] for role in Role))
            print(f"  open {base}/ and sign in with demo-auditor, or try:")
            print(f"  curl -H 'Authorization: Bearer demo-auditor' {tried}")
        sys.stdout.flush()
    finally:
        ledger.close()
    # The app's lifespan opens its own ledger and closes it on shutdown: uvicorn re-raises
    # SIGTERM once it has shut down, so nothing after uvicorn.run would run then.
    if settings.workers == 1:
        uvicorn.run(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            log_level=settings.log_level,
        )
        return
    # Worker processes import the app by name and read the settings resolved here from
    # the environment they inherit (ADR 0036).
    os.environ.update(environment(settings))
    uvicorn.run(
        "api.app:from_environment",
        factory=True,
        workers=settings.workers,
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
        # A token of a municipality's ledger names it in its secret (ADR 0032).
        code = None if args.ledger is None else ledger_code(args.ledger)
        record, secret = TokenStore(ledger.engine, system_clock, code).create(
            name=args.name, role=Role(args.role), created_by=f"cli:{getpass.getuser()}"
        )
    where = "" if code is None else f" of ledger {code}"
    print(f"token {record['id']} for {record['name']!r} ({record['role']}){where}:")
    print(secret)
    print("Keep it now: only its hash is stored.", file=sys.stderr)


def cmd_token_list(args: argparse.Namespace) -> None:
    with ledger_for(args) as ledger:
        rows = TokenStore(ledger.engine, system_clock).list()
    if args.format == "json":
        print(as_json(rows))
        return
    show_rows(args, rows, ["id", "name", "role", "created_at", "created_by", "revoked_at"])


def cmd_token_revoke(args: argparse.Namespace) -> None:
    with ledger_for(args) as ledger:
        store = TokenStore(ledger.engine, system_clock)
        store.get(args.token_id)
        record = store.revoke(args.token_id, by=f"cli:{getpass.getuser()}")
    print(f"token {record['id']} ({record['name']}) revoked at {record['revoked_at']}")


@busy("rebuilding the read model from the log")
def cmd_rebuild(args: argparse.Namespace) -> None:
    # No catch-up first: a rebuild must work when the read model cannot catch up (ADR 0015);
    # but never from a log with a recorded break (ADR 0017).
    with uncaught(args) as ledger:
        with ledger.engine.connect() as conn:
            verification.guard(conn)
        position = ledger.runner.rebuild()
    print(f"read model rebuilt from the log up to position {position}")
