"""The arguments of `begroting`: every subcommand and option. A command is named by its
module and imported only when it runs, so `begroting --help` and a usage error do not load
the ledger, the read model's queries or the exports."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

from api.roles import Role
from domain.values import BASE_YEAR, MAX_FISCAL_YEAR, MAX_INTERVENTIE, MIN_FISCAL_YEAR
from projections.queries.rows import ROLLUPS

DESCRIPTION = (
    "The `begroting` command line. It only translates: parse, call a use case or a query,\n"
    "print. Errors print one line and exit non-zero; nothing is half-written.\n"
    "--db, --format and --wide go before or after the command."
)
DB_HELP = "database URL (default: $BEGROTING_DB_URL or sqlite:///begroting.sqlite3)"
LEDGER_HELP = "a municipality's ledger on the database, by CBS code (GM0268; default: its own)"
MOMENT = "a date (2019-12-31 or 31-12-2019: the end of that day in Amsterdam), a quarter "
AS_OF_HELP = (
    f"the basis: nu/now (the default), {MOMENT}(2019Q4: the end of its last day), "
    "ISO 8601 (2019-05-08T17:00+02:00) or a report id (its knowledge cutoff)"
)
RECORDED_AT = (
    f"{MOMENT}(2019Q4) or ISO 8601: what the system held at that moment, later records "
    "(late knowledge, corrections) left out"
)
AS_RECORDED_AT_HELP = f"the log as it stood at MOMENT, {RECORDED_AT}"

Command = Callable[[argparse.Namespace], int | None]


def command(module: str, name: str) -> Command:
    """The command `name` of `api.cli.<module>`, imported when it runs."""

    def run(args: argparse.Namespace) -> int | None:
        handler: Command = getattr(importlib.import_module(f"api.cli.{module}"), name)
        return handler(args)

    return run


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
DECISION_KINDS = (
    "begroting", "begrotingswijziging", "zomernota", "najaarsnota", "slotwijziging",
    "jaarrekening", "beleidsnota", "mandate", "motie", "amendement",
)  # fmt: skip


def reserve_figure(text: str) -> str:
    """An argparse type: a figure of a reserve's year (reserve_balances.FIGURES, or an
    earmark's balance), else a usage error before the ledger is opened."""
    if text in ("opening", "deposits", "withdrawals", "closing") or (
        text.startswith("earmark:") and text.removeprefix("earmark:").strip()
    ):
        return text
    raise argparse.ArgumentTypeError(
        f"unknown figure {text!r}: use opening, deposits, withdrawals, closing or earmark:<name>"
    )


def add_common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """The options every command shares. On the top-level parser with their defaults; on a
    command's own parser with SUPPRESS, so that given before the command they are not
    overwritten by its defaults, and given after it they win."""

    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    parser.add_argument("--db", default=default(None), help=DB_HELP)
    parser.add_argument("--ledger", metavar="CODE", default=default(None), help=LEDGER_HELP)
    parser.add_argument(
        "--format",
        choices=("table", "text", "json"),
        default=default("table"),
        help="table (default: fits the terminal, 80 columns when not a terminal), text "
        "(plain columns, for tools) or json",
    )
    parser.add_argument(
        "--wide",
        action="store_true",
        default=default(False),
        help="with --format table: every column and label in full, however wide",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="begroting", description=DESCRIPTION)
    add_common(parser, top=True)
    common = argparse.ArgumentParser(add_help=False)
    add_common(common, top=False)
    as_of = argparse.ArgumentParser(add_help=False)
    as_of.add_argument("--as-of", help=AS_OF_HELP)
    as_of.add_argument("--as-recorded-at", metavar="MOMENT", help=AS_RECORDED_AT_HELP)
    own_basis = argparse.ArgumentParser(add_help=False)
    own_basis.add_argument("--as-of", help=AS_OF_HELP.replace("nu/now (the default)", "nu/now"))
    own_basis.add_argument("--as-recorded-at", metavar="MOMENT", help=AS_RECORDED_AT_HELP)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("demo", parents=[common], help="load the Nijmegen demo history").set_defaults(
        func=command("admin_commands", "cmd_demo")
    )
    p = sub.add_parser(
        "report",
        parents=[common, own_basis],
        help="print a report's tables, as of its own basis unless --as-of says otherwise",
    )
    p.add_argument("report_id")
    p.set_defaults(func=command("figure_commands", "cmd_report"))
    sub.add_parser("reports", parents=[common], help="list published reports").set_defaults(
        func=command("figure_commands", "cmd_reports")
    )

    p = sub.add_parser(
        "history",
        parents=[common, as_of],
        help="explain one figure: the events behind it (with --report: as of that report's "
        "basis unless --as-of says otherwise)",
    )
    p.add_argument("--year", type=YEAR, help="the fiscal year (required but with --report)")
    p.add_argument("--fund")
    p.add_argument("--interventie", type=bounded(1, MAX_INTERVENTIE))
    p.add_argument("--taakveld")
    p.add_argument("--programma")
    p.add_argument("--deelproduct")
    p.add_argument("--categorie", help="the Iv3 economische categorie, e.g. 3.8 (ADR 0031)")
    p.add_argument("--taakstelling", help="a taakstelling reference")
    p.add_argument("--realisation", action="store_true", help="explain a realisation")
    p.add_argument("--report", help="explain one cell of this report (with --table/--row/--column)")
    p.add_argument("--table", help="with --report: the table id, e.g. tabel-7.2")
    p.add_argument("--row", help="with --report: a row's or total's label, or its interventie")
    p.add_argument("--column", help="with --report: the column key, e.g. 2020")
    p.set_defaults(func=command("explain_commands", "cmd_history"))

    p = sub.add_parser(
        "authority",
        parents=[common, as_of],
        help="every budget mutation with its line of authority; those without are listed",
    )
    p.add_argument("--year", type=YEAR)
    p.add_argument("--without-authority", action="store_true", help="only those without")
    p.set_defaults(func=command("explain_commands", "cmd_authority"))
    p = sub.add_parser(
        "onrechtmatigheid",
        parents=[common, as_of],
        help="realised lasten above the authorised budget per programma and year",
    )
    p.add_argument("--year", type=YEAR)
    p.set_defaults(func=command("explain_commands", "cmd_onrechtmatigheid"))
    p = sub.add_parser(
        "diff", parents=[common], help="why a report's figures differ between two bases"
    )
    p.add_argument("report_id")
    p.add_argument(
        "--from",
        dest="from_",
        metavar="BASIS",
        help="the earlier basis: a report id, nu/now or a moment as --as-of takes it "
        "(default: the report's own)",
    )
    p.add_argument("--to", metavar="BASIS", default="now", help="the later basis (default now)")
    p.add_argument(
        "--as-recorded-at",
        metavar="MOMENT",
        help=f"both bases on the log as it stood at MOMENT, {RECORDED_AT}",
    )
    p.set_defaults(func=command("figure_commands", "cmd_diff"))

    p = sub.add_parser("budget", parents=[common, as_of], help="current budget per line")
    p.add_argument("--year", type=YEAR)
    p.add_argument("--fund")
    p.add_argument("--by", choices=ROLLUPS, help="roll up by a dimension")
    p.set_defaults(func=command("figure_commands", "cmd_budget"))
    p = sub.add_parser(
        "uitputting",
        parents=[common, as_of],
        help="budget against realisation of a year: primitief, wijzigingen, na wijziging, "
        "realisatie, saldo (+ voordelig), uitputting %%",
    )
    p.add_argument("--year", type=YEAR, required=True)
    p.add_argument(
        "--by", choices=("line", "programma", "taakveld", "interventie"), default="programma"
    )
    p.add_argument("--side", choices=("lasten", "baten"))
    p.add_argument(
        "--quarters", action="store_true", help="also as of each quarter-end of the year"
    )
    p.add_argument(
        "--lineage",
        action="store_true",
        help="the events behind one figure of one row (with --side, --figure, --key)",
    )
    p.add_argument("--figure", choices=("primitief", "wijzigingen", "realisatie"))
    p.add_argument("--key", help="with --lineage: the row's key (a line id, programma, ...)")
    p.add_argument("--no-line", action="store_true", help="with --lineage: the row without a line")
    p.set_defaults(func=command("uitputting_commands", "cmd_uitputting"))
    p = sub.add_parser(
        "taakstellingen",
        parents=[common, as_of],
        help="taakstellingen per measure and year, with relative weight",
    )
    p.add_argument("--base-year", type=YEAR, default=BASE_YEAR)
    p.set_defaults(func=command("figure_commands", "cmd_taakstellingen"))
    p = sub.add_parser(
        "taakstellingen-resultaat",
        parents=[common, as_of],
        help="taakstellingen achieved: per interventie the target against the realised "
        "saving of its zoekgebied since the base year, and the opgave",
    )
    p.add_argument("--year", type=YEAR, required=True)
    p.add_argument("--base-year", type=YEAR, default=BASE_YEAR)
    p.add_argument("--interventie", type=bounded(1, MAX_INTERVENTIE))
    p.add_argument(
        "--lineage",
        action="store_true",
        help="the events behind the figures (json): the target's mutations and the "
        "realisations of the zoekgebied in both years",
    )
    p.add_argument("--taakstelling", help="with --lineage: one taakstelling's reference")
    p.set_defaults(func=command("achievement_commands", "cmd_achievement"))
    p = sub.add_parser("realisations", parents=[common, as_of], help="realisations")
    p.add_argument("--year", type=YEAR)
    p.add_argument("--fund")
    p.set_defaults(func=command("figure_commands", "cmd_realisations"))
    sub.add_parser(
        "reserves", parents=[common, as_of], help="reserve mutations per year"
    ).set_defaults(func=command("figure_commands", "cmd_reserves"))
    p = sub.add_parser(
        "reserve-balances",
        parents=[common, as_of],
        help="reserve balances per year: opening (or unknown), mutations, earmarks, closing",
    )
    p.add_argument("--year", type=YEAR)
    p.add_argument("--reserve", metavar="CODE", help="one reserve")
    p.add_argument(
        "--lineage",
        action="store_true",
        help="the events behind one figure (with --reserve, --year, --figure)",
    )
    p.add_argument(
        "--figure",
        type=reserve_figure,
        help="with --lineage: opening, deposits, withdrawals, closing or earmark:<name>",
    )
    p.set_defaults(func=command("reserve_balance_commands", "cmd_reserve_balances"))
    p = sub.add_parser(
        "slotwijzigingen", parents=[common, as_of], help="slotwijzigingen per fiscal year"
    )
    p.add_argument("--year", type=YEAR)
    p.set_defaults(func=command("figure_commands", "cmd_slotwijzigingen"))
    p = sub.add_parser("log", parents=[common], help="the audit log, one row per event")
    p.add_argument(
        "--as-recorded-at",
        metavar="MOMENT",
        help=f"only the events recorded by MOMENT, {RECORDED_AT}",
    )
    p.add_argument("--after", type=bounded(0, 2**63 - 1), default=0)
    p.add_argument("--limit", type=bounded(1, 10_000), default=100)
    p.set_defaults(func=command("audit_commands", "cmd_log"))
    sub.add_parser(
        "rebuild", parents=[common], help="rebuild the read model from the log"
    ).set_defaults(func=command("admin_commands", "cmd_rebuild"))
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
    p.set_defaults(func=command("audit_commands", "cmd_verify"))
    p = sub.add_parser(
        "backup",
        parents=[common],
        help="copy the embedded SQLite database to FILE, consistently, also while serving",
    )
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=command("audit_commands", "cmd_backup"))
    p = sub.add_parser(
        "verify-report",
        parents=[common],
        help="re-derive a report from the verified log and compare it with its seal",
    )
    p.add_argument("report_id")
    p.set_defaults(func=command("audit_commands", "cmd_verify_report"))
    export = sub.add_parser(
        "export", help="the auditor's kit, or a report, a lineage or the log as CSV or XLSX"
    ).add_subparsers(dest="export_command", required=True)
    p = export.add_parser(
        "auditor",
        parents=[common],
        help="write events.jsonl, reports.json, manifest.json and a standalone verify.py into DIR",
    )
    p.add_argument("directory", metavar="DIR")
    p.set_defaults(func=command("audit_commands", "cmd_export_auditor"))
    target = argparse.ArgumentParser(add_help=False)
    target.add_argument("--db", default=argparse.SUPPRESS, help=DB_HELP)
    target.add_argument("--ledger", metavar="CODE", default=argparse.SUPPRESS, help=LEDGER_HELP)
    target.add_argument("-o", "--output", required=True, help="the file to write")
    # The names are api.spreadsheets.CSV_DIALECTS, spelled out: importing the writers would
    # load openpyxl for every command.
    dialect = argparse.ArgumentParser(add_help=False)
    dialect.add_argument(
        "--dialect",
        choices=("excel-nl", "rfc4180"),
        default="excel-nl",
        help="excel-nl (default: ';', decimal commas, a UTF-8 BOM, for Excel in a Dutch "
        "locale) or rfc4180 (',', decimal points, no BOM, for tools)",
    )
    p = export.add_parser(
        "iv3",
        parents=[target, dialect],
        help="the Iv3 matrix (taakveld x categorie, lasten and baten) of a year (ADR 0031)",
    )
    p.add_argument("--year", type=YEAR, required=True)
    p.add_argument(
        "--period", required=True, choices=("begroting", "Q1", "Q2", "Q3", "Q4", "jaarrekening")
    )
    p.add_argument("--format", dest="export_format", choices=("csv", "xlsx"), default="csv")
    p.add_argument("--as-of", help="the basis (default: nu, for every period)")
    p.add_argument("--as-recorded-at", metavar="MOMENT", help=AS_RECORDED_AT_HELP)
    p.set_defaults(func=command("iv3_commands", "cmd_export_iv3"))
    for export_format in ("csv", "xlsx"):
        targets = [target, dialect] if export_format == "csv" else [target]
        what = export.add_parser(
            export_format, help=f"a report, a lineage or the log as {export_format.upper()}"
        ).add_subparsers(dest="what", required=True)
        p = what.add_parser(
            "report", parents=[*targets, own_basis], help="a report's tables (or one)"
        )
        p.add_argument("report_id")
        p.add_argument("--table", help="one table's id")
        p.set_defaults(func=command("figure_commands", "cmd_export"), export_format=export_format)
        p = what.add_parser("lineage", parents=[*targets, as_of], help="the events behind a figure")
        p.add_argument("--year", type=YEAR, required=True)
        p.add_argument("--fund")
        p.add_argument("--interventie", type=bounded(1, MAX_INTERVENTIE))
        p.add_argument("--taakveld")
        p.add_argument("--programma")
        p.add_argument("--deelproduct")
        p.add_argument("--categorie", help="the Iv3 economische categorie (ADR 0031)")
        p.add_argument("--realisation", action="store_true", help="a realised figure")
        p.set_defaults(func=command("figure_commands", "cmd_export"), export_format=export_format)
        what.add_parser("log", parents=targets, help="the whole audit log").set_defaults(
            func=command("figure_commands", "cmd_export"), export_format=export_format
        )

    # The import of an extract (ADR 0033).
    p = sub.add_parser(
        "import",
        parents=[common],
        help="import a financial system's extract (CSV or XLSX): all rows or none",
    )
    p.add_argument("kind", choices=("begroting", "wijziging", "realisatie"))
    p.add_argument("file", metavar="FILE", help="a CSV (; or ,, UTF-8) or an XLSX")
    p.add_argument("--mapping", metavar="FILE.toml", help="the file's headers and constants")
    p.add_argument("--decision", metavar="REF", help="the decision that authorises it")
    p.add_argument("--dry-run", action="store_true", help="check and say; record nothing")
    p.add_argument("--sheet", metavar="NAME", help="the XLSX sheet (default: the first)")
    p.add_argument(
        "--known-at",
        metavar="MOMENT",
        help=f"the extract's date, if no peildatum column or constant gives it: {MOMENT}"
        "(2026Q1) or ISO 8601",
    )
    p.set_defaults(func=command("import_commands", "cmd_import"))

    p = sub.add_parser("serve", help="serve the HTTP API (docs at /docs)")
    p.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="database URL (default: settings, then sqlite:///begroting.sqlite3)",
    )
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=bounded(1, 65535), help="port (default 8000)")
    p.add_argument("--schema", help="the default ledger's PostgreSQL schema (default: public)")
    p.add_argument("--workers", type=bounded(1, 64), help="processes, one a core (default 1)")
    p.add_argument("--config", help="a TOML settings file (default: $BEGROTING_CONFIG)")
    p.add_argument("--demo", action="store_true", help="load the demo history and demo tokens")
    p.set_defaults(func=command("admin_commands", "cmd_serve"))

    token = sub.add_parser("token", help="API tokens").add_subparsers(
        dest="token_command", required=True
    )
    p = token.add_parser("create", parents=[common], help="create a token; prints it once")
    p.add_argument("--role", required=True, choices=[role.value for role in Role])
    p.add_argument("--name", required=True, help="who holds it: the actor on their events")
    p.set_defaults(func=command("admin_commands", "cmd_token_create"))
    token.add_parser("list", parents=[common], help="list tokens").set_defaults(
        func=command("admin_commands", "cmd_token_list")
    )
    p = token.add_parser("revoke", parents=[common], help="revoke a token at once")
    p.add_argument("token_id")
    p.set_defaults(func=command("admin_commands", "cmd_token_revoke"))
    add_ledger_commands(sub, common)
    add_decision_commands(sub, common, as_of)
    return parser


def add_ledger_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """`begroting ledger create|list`: the municipalities' ledgers (ADR 0032)."""
    ledger = sub.add_parser(
        "ledger", help="the municipalities' ledgers on the database"
    ).add_subparsers(dest="ledger_command", required=True)
    p = ledger.add_parser("create", parents=[common], help="create a municipality's ledger")
    p.add_argument("code", metavar="CODE", help="its CBS code, GM and four digits (GM0268)")
    p.add_argument("--name", required=True, help="the municipality's name")
    p.set_defaults(func=command("ledger_commands", "cmd_ledger_create"))
    ledger.add_parser(
        "list", parents=[common], help="the ledgers: code, name, events"
    ).set_defaults(func=command("ledger_commands", "cmd_ledger_list"))


def add_decision_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    as_of: argparse.ArgumentParser,
) -> None:
    """`begroting decision propose|record|adopt|reject|withdraw|list`: the decisions that
    authorise budget changes and imports, as POST /api/v1/decisions records them. The
    choices are domain.events' Bestuursorgaan and DecisionKind spelled out (a test keeps
    them equal): importing the domain's events would load the event store for --help."""
    decision = sub.add_parser(
        "decision", help="propose, adopt, reject, withdraw or list the decisions"
    ).add_subparsers(dest="decision_command", required=True)
    known_at = f"when it became known: {MOMENT}(2019Q4) or ISO 8601 (default: now)"
    source = argparse.ArgumentParser(add_help=False)
    source.add_argument("--source", metavar="TEXT", help="the source document that says so")
    proposal = argparse.ArgumentParser(add_help=False)
    proposal.add_argument("reference", metavar="REF", help="its reference, e.g. raad-2026-11-06")
    proposal.add_argument("--title", required=True)
    proposal.add_argument("--body", required=True, choices=("raad", "college"))
    proposal.add_argument(
        "--kind",
        required=True,
        choices=DECISION_KINDS,
        metavar="KIND",
        help=f"{', '.join(DECISION_KINDS)} (a mandate needs a scope: propose it over HTTP)",
    )
    proposal.add_argument(
        "--years",
        type=YEAR,
        nargs="+",
        required=True,
        metavar="YEAR",
        help="the fiscal year it concerns, or the first and the last of a run of years",
    )
    proposal.add_argument("--number", help="a raad begrotingswijziging's number (2026-3)")
    proposal.add_argument("--mandate", metavar="REF", help="the raad mandate a college uses")
    p = decision.add_parser(
        "propose", parents=[common, source, proposal], help="propose a decision"
    )
    p.add_argument("--known-at", metavar="MOMENT", help=known_at)
    p.set_defaults(func=command("decision_cli_commands", "cmd_decision_propose"))
    p = decision.add_parser(
        "record",
        parents=[common, source, proposal],
        help="record a decision already taken: proposed and adopted at once",
    )
    p.add_argument(
        "--adopted-at", metavar="MOMENT", required=True, help=f"when it was adopted: {MOMENT}"
    )
    p.set_defaults(func=command("decision_cli_commands", "cmd_decision_record"))
    for action in ("adopt", "reject", "withdraw"):
        p = decision.add_parser(action, parents=[common, source], help=f"{action} a proposal")
        p.add_argument("reference", metavar="REF")
        p.add_argument("--known-at", metavar="MOMENT", help=known_at)
        p.set_defaults(func=command("decision_cli_commands", "cmd_decision_decide"), action=action)
    decision.add_parser(
        "list", parents=[common, as_of], help="the decisions with their status"
    ).set_defaults(func=command("decision_cli_commands", "cmd_decision_list"))
