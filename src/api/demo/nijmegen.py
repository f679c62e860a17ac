"""The events behind the Nijmegen seeds, recorded through the application's own commands.

The history is data, `nijmegen.toml` beside this module (README.md gives every assumption);
this module reads it and records it step by step in the file's order. Every step has a
deterministic mutation id from its name, so loading twice records nothing new.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from importlib import resources
from types import TracebackType
from typing import Any
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import Engine, select

from api.demo.nijmegen_tables import table_spec
from domain.application import Begroting, Context, Recorded
from domain.budget import BudgetLine, line_id
from domain.decision import DecisionStatus, MandateScope
from domain.errors import DuplicateError
from domain.events import BEGROTING_NAMESPACE, Bestuursorgaan, DecisionKind, MutationKind
from domain.kengetal import Kengetal
from domain.money import Money
from domain.realisation import RealisationStatus
from domain.reserve import ReserveKind
from domain.taakstelling import TaakstellingKind
from domain.values import LineKey, Period, YearAmounts
from projections.store.schema import audit_log

HISTORY: dict[str, Any] = tomllib.loads(
    resources.files(__package__).joinpath("nijmegen.toml").read_text(encoding="utf-8")
)

IMPORT_ID: str = HISTORY["import_id"]
# Imports of an earlier, thinner history: a database holding one keeps it (README.md).
EARLIER_IMPORT_IDS: tuple[str, ...] = tuple(HISTORY["earlier_import_ids"])
ACTOR: str = HISTORY["actor"]
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
S1: str = HISTORY["sources"]["s1"]
S2: str = HISTORY["sources"]["s2"]
WWZ: str = HISTORY["names"]["programma"]
ZORG_EN_WELZIJN: str = HISTORY["names"]["programma_tot_2018"]
SOCIALE_STAD: str = HISTORY["names"]["sociale_stad"]
FUND: str = HISTORY["names"]["fund"]
SALDIRESERVE: str = HISTORY["reserves"]["saldireserve"]["code"]
RESERVE_WMO_JEUGD: str = HISTORY["reserves"]["wmo_jeugd"]["code"]

_DECISIONS: dict[str, dict[str, Any]] = HISTORY["decisions"]
IVP2: str = _DECISIONS["ivp2"]["reference"]
STADSBEGROTING_2019: str = _DECISIONS["stadsbegroting_2019"]["reference"]
AMENDEMENT_CAZ: str = _DECISIONS["amendement_caz"]["reference"]
INTERVENTIEPLAN_4: str = _DECISIONS["interventieplan_4"]["reference"]
MANDAAT: str = _DECISIONS["mandaat"]["reference"]
ZOMERNOTA_2019: str = _DECISIONS["zomernota_2019"]["reference"]
SLOTWIJZIGING_2019: str = _DECISIONS["slotwijziging_2019"]["reference"]

# Realisatie stadsrekening per deelproduct, in thousands: code, name, 2017, 2018.
DEELPRODUCTEN: list[tuple[str, str, int, int]] = [
    (entry["code"], entry["name"], entry["realised"]["2017"], entry["realised"]["2018"])
    for entry in HISTORY["deelproducten"]
]
# Tabel 7.2: the taakveld of each interventie's line in the fund (None: it has no line).
TAAKVELD: dict[int, str | None] = {
    entry["interventie"]: entry.get("taakveld")
    for entry in HISTORY["transformatiebudget"]["interventies"]
}


def day(text: str) -> datetime:
    """A fact dated by day is taken as known at noon, Amsterdam time (README.md, A2)."""
    return datetime.combine(date.fromisoformat(text), time(12), AMSTERDAM)


def k(thousands: int) -> Money:
    return Money.thousands(thousands)


def fund_line(year: int, interventie: int) -> LineKey:
    return LineKey(year, WWZ, TAAKVELD[interventie], interventie=interventie, fund=FUND)


def _period(years: list[int]) -> Period:
    first, last = years
    return Period(first, last)


def _amounts(thousands: dict[str, int]) -> YearAmounts:
    return YearAmounts.of({int(year): k(amount) for year, amount in thousands.items()})


def _source(template: str, **names: object) -> str:
    return template.format(s1=S1, s2=S2, **names)


def ctx(known: str, source: str) -> Context:
    return Context(actor=ACTOR, known_at=day(known), source=source, import_id=IMPORT_ID)


def _context(step: dict[str, Any], **names: object) -> Context:
    """A step's context: the day it was known and its source, with the names filled in."""
    return ctx(step["known"], _source(step["source"], **names))


def earlier_import(engine: Engine) -> str | None:
    """The import id of an earlier demo history the read model holds, if any.

    Aggregates have natural ids, so loading this history over an earlier one would add the
    new steps beside the old ones: a half-new history. Such a database keeps what it has."""
    with engine.connect() as conn:
        return conn.execute(
            select(audit_log.c.import_id)
            .where(audit_log.c.import_id.in_(EARLIER_IMPORT_IDS))
            .order_by(audit_log.c.position)
            .limit(1)
        ).scalar()


def refusal(earlier: str) -> str:
    return (
        f"this database holds the earlier Nijmegen demo history (import {earlier}); it keeps "
        f"that history and its reports as they were sealed. Load the fuller history "
        f"(import {IMPORT_ID}) into a new database: begroting demo --db <new database>"
    )


@dataclass
class LoadResult:
    recorded: int = 0
    skipped: int = 0


class _Step:
    """One command of the history. Its mutation id derives from the step's name; a command
    that was already recorded raises DuplicateError and is skipped, so loading is idempotent."""

    def __init__(self, result: LoadResult, name: str) -> None:
        self.result = result
        self.mutation_id = uuid5(BEGROTING_NAMESPACE, f"{IMPORT_ID}:{name}")

    def __enter__(self) -> UUID:
        return self.mutation_id

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if error is None:
            self.result.recorded += 1
            return False
        if isinstance(error, DuplicateError):
            self.result.skipped += 1
            return True
        return False


def load(app: Begroting) -> LoadResult:
    result = LoadResult()

    def step(name: str) -> _Step:
        return _Step(result, name)

    _decide(app, step, _DECISIONS)

    _establish(app, step, HISTORY["reserves"])
    earmark = HISTORY["earmark"]
    with step(earmark["step"]) as mutation:
        app.earmark_in_reserve(
            _context(earmark),
            code=earmark["reserve"],
            fiscal_year=earmark["fiscal_year"],
            amount=k(earmark["amount"]),
            earmark=FUND,
            decision=earmark["decision"],
            mutation_id=mutation,
        )

    stadsrekening = HISTORY["stadsrekening"]
    for code, name, *realised in DEELPRODUCTEN:
        for year, amount in zip((2017, 2018), realised, strict=True):
            with step(f"realisatie:{code}:{year}"):
                app.report_realisation(
                    ctx(
                        stadsrekening["known"][str(year)],
                        _source(stadsrekening["source"], year=year, code=code, name=name),
                    ),
                    key=LineKey(year, SOCIALE_STAD, None, deelproduct=code),
                    amount=k(amount),
                    status=RealisationStatus(stadsrekening["status"][str(year)]),
                )

    for group in HISTORY["taakstellingen"]:
        for imposed in group["imposed"]:
            with step(f"taakstelling:{imposed['reference']}"):
                context = _context(group, interventie=imposed["interventie"])
                _impose(app, imposed, context, decision=group["decision"])
    risk = HISTORY["risk"]
    with step(f"taakstelling:{risk['reference']}"):
        _impose(app, risk, _context(risk), kind=TaakstellingKind.RISK)
    for cancellation in HISTORY["cancellations"]:
        with step(cancellation["step"]) as mutation:
            app.cancel_taakstelling_year(
                _context(cancellation),
                reference=cancellation["reference"],
                fiscal_year=cancellation["fiscal_year"],
                coverage=cancellation["coverage"],
                decision=cancellation["decision"],
                mutation_id=mutation,
            )
    for shift in HISTORY["shifts"]:
        with step(shift["step"]) as mutation:
            app.shift_taakstelling(
                _context(shift),
                source=shift["source_taakstelling"],
                target=shift["target_taakstelling"],
                fiscal_year=shift["fiscal_year"],
                amount=k(shift["amount"]),
                decision=shift["decision"],
                mutation_id=mutation,
            )

    budget = HISTORY["transformatiebudget"]
    allocations = {
        fund_line(int(year), entry["interventie"]): k(amount)
        for entry in budget["interventies"]
        for year, amount in entry["budget"].items()
        if amount
    }
    with step(budget["step"]) as mutation:
        app.allocate_from_reserve(
            _context(budget),
            code=budget["reserve"],
            earmark=FUND,
            allocations=allocations,
            decision=budget["decision"],
            mutation_id=mutation,
        )

    _specify(app, step)

    zomernota = HISTORY["zomernota"]
    with step(zomernota["step"]) as mutation:
        app.amend_budget(
            _context(zomernota),
            key=LineKey(zomernota["fiscal_year"], WWZ, zomernota["taakveld"]),
            delta=k(zomernota["delta"]),
            decision=zomernota["decision"],
            mutation_id=mutation,
            dekking=zomernota["dekking"],
        )

    carry = HISTORY["carry_over"]
    for interventie, amount in carry["amounts"].items():
        with step(carry["step"].format(interventie=interventie)) as mutation:
            app.carry_over_budget(
                _context(carry),
                source=fund_line(carry["from_year"], int(interventie)),
                target=fund_line(carry["to_year"], int(interventie)),
                amount=k(amount),
                reserve=carry["reserve"],
                decision=carry["decision"],
                mutation_id=mutation,
            )

    spending = HISTORY["spending"]
    for interventie, amount in spending["amounts"].items():
        with step(spending["step"].format(interventie=interventie)):
            app.report_realisation(
                _context(spending),
                key=fund_line(spending["fiscal_year"], int(interventie)),
                amount=k(amount),
                status=RealisationStatus(spending["status"]),
            )

    # What the fuller history adds to the earlier one's steps, after them (README.md).
    _decide(app, step, HISTORY["added_decisions"])
    _establish(app, step, HISTORY["added_reserves"])
    # From the free part, whose opening balance no document states: accepted as unknown.
    for withdrawal in HISTORY["reserve_withdrawals"]:
        with step(withdrawal["step"]) as mutation:
            app.withdraw_from_reserve(
                _context(withdrawal),
                code=withdrawal["reserve"],
                fiscal_year=withdrawal["fiscal_year"],
                amount=k(withdrawal["amount"]),
                decision=withdrawal["decision"],
                mutation_id=mutation,
            )
    added = HISTORY["added_taakstellingen"]
    for imposed in added["imposed"]:
        with step(f"taakstelling:{imposed['reference']}"):
            _impose(app, imposed, _context(added), decision=added["decision"])
    _kengetallen(app, step)
    _stated_results(app, step)

    for report in HISTORY["reports"]:
        with step(f"report:{report['report_id']}"):
            app.publish_report(
                _context(report),
                report_id=report["report_id"],
                title=report["title"],
                published_at=day(report["known"]),
                knowledge_cutoff=day(report["known"]),
                tables=tuple(table_spec(table) for table in report["tables"]),
                period=_period(report["period"]),
                decision=report.get("decision"),
            )
    return result


Steps = Callable[[str], _Step]


def _decide(app: Begroting, step: Steps, decisions: dict[str, dict[str, Any]]) -> None:
    """Each decision proposed, and adopted unless the documents state only a proposal."""
    for decision in decisions.values():
        reference, context = decision["reference"], _context(decision)
        scope = decision.get("scope")
        with step(f"propose:{reference}"):
            app.propose_decision(
                context,
                reference=reference,
                title=decision["title"],
                body=Bestuursorgaan.RAAD,
                kind=DecisionKind(decision["kind"]),
                period=_period(decision["period"]),
                mandate_scope=None
                if scope is None
                else MandateScope(
                    tuple(MutationKind(kind) for kind in scope["kinds"]),
                    scope["fund"],
                    _period(scope["period"]),
                ),
            )
        if decision.get("adopted", True):
            with step(f"adopt:{reference}"):
                _adopt_once(app, context, reference)


def _establish(app: Begroting, step: Steps, reserves: dict[str, dict[str, Any]]) -> None:
    for reserve in reserves.values():
        with step(f"reserve:{reserve['code']}"):
            app.establish_reserve(
                _context(reserve),
                code=reserve["code"],
                name=reserve["name"],
                kind=ReserveKind(reserve["kind"]),
                purpose=reserve["purpose"],
                fiscal_year=reserve["fiscal_year"],
            )


def _specify(app: Begroting, step: Steps) -> None:
    """Each activity's part of its interventie's fund line, after the allocation made it."""
    specifications = HISTORY["specifications"]
    for entry in specifications["activities"]:
        interventie, activity = entry["interventie"], entry["activity"]
        context = _context(specifications, interventie=interventie)
        for year, amount in entry["amounts"].items():
            key = fund_line(int(year), interventie)
            name = specifications["step"].format(
                interventie=interventie, year=year, activity=activity
            )
            with step(name):
                line = _found(app, line_id(key))
                if isinstance(line, BudgetLine) and line.specifications.get(activity) == k(amount):
                    raise DuplicateError(f"{activity!r} of line {key.label()} is specified")
                app.specify_budget(
                    context,
                    key=key,
                    activity=activity,
                    amount=k(amount),
                    decision=specifications["decision"],
                )


def _kengetallen(app: Begroting, step: Steps) -> None:
    """Each kengetal as printed, and its value per year (none where the table prints pm or
    t/o); on 1 January of the year where the row says "stand januari" (A18)."""
    kengetallen = HISTORY["kengetallen"]
    for entry in kengetallen["defined"]:
        reference = entry["reference"]
        source = entry.get("source", kengetallen["source"])
        context = ctx(kengetallen["known"], _source(source, interventie=entry["interventie"]))
        years = sorted(int(year) for year in entry["values"])
        with step(kengetallen["step"].format(reference=reference, year="definitie")):
            app.define_kengetal(
                context,
                reference=reference,
                label=entry["label"],
                unit=entry["unit"],
                fiscal_year=years[0] if years else 2017,
                interventie=entry["interventie"],
            )
        for year in years:
            value = Decimal(entry["values"][str(year)])
            peildatum = date(year, 1, 1) if entry.get("peildatum") == "januari" else None
            with step(kengetallen["step"].format(reference=reference, year=year)):
                kengetal = _found(app, Kengetal.id_for(reference))
                measured = (
                    kengetal.measurements.get(year) if isinstance(kengetal, Kengetal) else None
                )
                if measured is not None and measured[1:3] == (value, peildatum):
                    raise DuplicateError(f"kengetal {reference} {year} is measured")
                note = entry.get("notes", {}).get(str(year))
                app.measure_kengetal(
                    context
                    if note is None
                    else replace(context, source=f"{context.source}; {note}"),
                    reference=reference,
                    fiscal_year=year,
                    value=value,
                    peildatum=peildatum,
                )


def _stated_results(app: Begroting, step: Steps) -> None:
    """Results as the documents state them, where no budget and realisation give them."""
    for entry in HISTORY["stated_results"]:
        with step(f"resultaat:{entry['domain']}:{entry['fiscal_year']}"):
            app.state_result(
                _context(entry),
                fiscal_year=entry["fiscal_year"],
                domain=entry["domain"],
                label=entry["label"],
                scope=entry["scope"],
                amount=k(entry["amount"]),
                status=RealisationStatus(entry["status"]),
            )


def _found(app: Begroting, aggregate_id: UUID) -> object | None:
    """The aggregate as recorded, or None: what a step checks before it records again."""
    try:
        return app.repository.get(aggregate_id)
    except AggregateNotFoundError:
        return None


def _impose(
    app: Begroting,
    imposed: dict[str, Any],
    context: Context,
    *,
    decision: str | None = None,
    kind: TaakstellingKind = TaakstellingKind.TARGET,
) -> Recorded:
    return app.impose_taakstelling(
        context,
        reference=imposed["reference"],
        label=imposed["label"],
        interventie=imposed["interventie"],
        programma=imposed.get("programma", WWZ),
        taakveld=imposed["taakveld"],
        kind=kind,
        origin=imposed["origin"],
        amounts=_amounts(imposed["amounts"]),
        base_deelproducten=tuple(imposed["base_deelproducten"]),
        decision=decision,
    )


def _adopt_once(app: Begroting, context: Context, reference: str) -> Recorded:
    decision = app.find_decision(reference)
    if decision is not None and decision.status is not DecisionStatus.PROPOSED:
        raise DuplicateError(f"decision {reference!r} is already {decision.status.value}")
    return app.adopt_decision(context, reference=reference)
