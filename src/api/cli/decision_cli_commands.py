"""Decisions on the command line: propose, adopt, reject, withdraw, record one already taken,
and list them; the same use cases and rules as POST /api/v1/decisions (ADR 0006)."""

from __future__ import annotations

import argparse
import getpass
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from api.cli.common import CliError, basis_for, ledger_for, read_model
from api.cli.rendering import as_json, emit
from api.ledger import Ledger, system_clock
from domain.application import Context, Recorded
from domain.errors import DomainError
from domain.events import Bestuursorgaan, DecisionKind
from domain.values import Period
from projections.queries import figures
from projections.queries.basis import BasisError, parse_moment

# As api.requests.members.Reference: the path of the decision over HTTP.
REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")
# The option that gave each input a domain error names (its `field`).
OPTIONS = {
    "title": "--title",
    "body": "--body",
    "kind": "--kind",
    "period": "--years",
    "number": "--number",
    "mandate": "--mandate",
    "source": "--source",
}


def cmd_decision_propose(args: argparse.Namespace) -> None:
    propose = _proposal(args)
    _report(args, "proposed", _write(args, args.known_at, "--known-at", propose))


def cmd_decision_record(args: argparse.Namespace) -> None:
    """A decision already taken (an onboarding): proposed and adopted in one transaction,
    both known at --adopted-at."""
    propose = _proposal(args)

    def record(ledger: Ledger, ctx: Context) -> Recorded:
        with ledger.app.batch() as batch:
            proposed = propose(ledger, ctx)
            adopted = ledger.app.adopt_decision(ctx, reference=args.reference)
        return Recorded(
            ids=proposed.ids,
            position=batch.position,
            versions=proposed.versions | adopted.versions,
        )

    _report(args, "recorded as adopted", _write(args, args.adopted_at, "--adopted-at", record))


def cmd_decision_decide(args: argparse.Namespace) -> None:
    """adopt, reject or withdraw (args.action) a proposed decision."""
    _reference(args.reference)

    def decide(ledger: Ledger, ctx: Context) -> Recorded:
        action: Callable[..., Recorded] = getattr(ledger.app, f"{args.action}_decision")
        return action(ctx, reference=args.reference)

    done = {"adopt": "adopted", "reject": "rejected", "withdraw": "withdrawn"}[args.action]
    _report(args, done, _write(args, args.known_at, "--known-at", decide))


def cmd_decision_list(args: argparse.Namespace) -> None:
    with read_model(args) as (conn, reached):
        basis = basis_for(conn, args, reached)
        rows = figures.decisions(conn, basis)
    emit(args, basis, rows, ["reference", "body", "kind", "status", "number", "title"])


Write = Callable[[Ledger, Context], Recorded]


def _proposal(args: argparse.Namespace) -> Write:
    _reference(args.reference)
    if args.kind == DecisionKind.MANDATE.value:
        # Its scope (mutation kinds, fund, years) is structured input: HTTP takes it.
        raise CliError(
            "--kind: a mandate needs a scope, which the command line does not take: "
            "propose it with POST /api/v1/decisions"
        )
    first, *rest = args.years
    if len(rest) > 1:
        raise CliError("--years: give the first year and, for a run of years, the last")
    period = _period(first, rest[0] if rest else first)

    def propose(ledger: Ledger, ctx: Context) -> Recorded:
        return ledger.app.propose_decision(
            ctx,
            reference=args.reference,
            title=args.title,
            body=Bestuursorgaan(args.body),
            kind=DecisionKind(args.kind),
            period=period,
            mandate_reference=args.mandate,
            number=args.number,
        )

    return propose


def _period(first: int, last: int) -> Period:
    with _options():
        return Period(first, last)


def _reference(reference: str) -> None:
    if not REFERENCE.fullmatch(reference):
        raise CliError(
            f"REF: a reference is letters, digits and . _ : - (at most 200, the first a "
            f"letter or digit), not {reference!r}"
        )


def _write(args: argparse.Namespace, moment: str | None, option: str, write: Write) -> Recorded:
    known_at = _moment(option, moment)
    ctx = Context(actor=f"cli:{getpass.getuser()}", known_at=known_at, source=args.source)
    with ledger_for(args) as ledger, _options(known_at=option):
        with ledger.write_lock:
            recorded = write(ledger, ctx)
        ledger.runner.catch_up()  # the next read sees it
    return recorded


def _moment(option: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_moment(text, now=system_clock())
    except BasisError as error:
        raise CliError(f"{option}: {error}") from None


@contextmanager
def _options(**more: str) -> Iterator[None]:
    """A refusal names the option at fault, as a 422 names the member of the body."""
    try:
        yield
    except DomainError as error:
        option = (OPTIONS | more).get(error.field or "")
        raise CliError(error.message if option is None else f"{option}: {error.message}") from None


def _report(args: argparse.Namespace, done: str, recorded: Recorded) -> None:
    if args.format == "json":
        print(
            as_json(
                {
                    "ids": {name: str(value) for name, value in recorded.ids.items()},
                    "versions": recorded.versions,
                    "position": recorded.position,
                }
            )
        )
        return
    print(f"decision {args.reference} {done} at log position {recorded.position}")
