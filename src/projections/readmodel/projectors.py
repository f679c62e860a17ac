"""How each event becomes read-model rows. Pure functions of (event, position): the runner
writes the rows and the tracking position in one transaction (ADR 0005)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Any

from domain.budget import BudgetLine
from domain.decision import Decision
from domain.events import Authority, DecisionKind, Event
from domain.fiscal_year import FiscalYear
from domain.kengetal import Kengetal
from domain.money import Money
from domain.realisation import Realisation
from domain.report import Report, TableSpec
from domain.reserve import Reserve
from domain.stated_result import StatedResult
from domain.taakstelling import Taakstelling
from projections.readmodel import rechtmatigheid_rows

# Projection stays importable from here, where it was defined before (runner.py imports it).
from projections.readmodel.projection_base import Projection as Projection
from projections.readmodel.projection_base import Row, _authority, _hex, _when, cents
from projections.readmodel.reserve_projection import Reserves
from projections.readmodel.running_projection import RunningTotals
from projections.readmodel.stated_projection import StatedFacts
from projections.store import schema


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # An optional field left unset is left out, as in the stored event (transcodings).
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not (f.metadata.get("omitted_when_none") and getattr(value, f.name) is None)
        }
    return value


def tables_json(tables: Iterable[TableSpec]) -> str:
    return json.dumps([_plain(table) for table in tables], ensure_ascii=False)


def event_type(event: Event) -> str:
    return type(event).__qualname__


class AuditLog(Projection):
    def rows(self, event: Event, position: int, state: bytes) -> Iterator[Row]:
        meta = event.meta
        yield (
            schema.audit_log,
            {
                "position": position,
                "originator_id": event.originator_id.hex,
                "originator_version": event.originator_version,
                "event_type": event_type(event),
                **_when(event),
                "period": str(meta.period),
                "fiscal_year_first": meta.period.first_year,
                "fiscal_year_last": meta.period.last_year,
                "quarter": meta.period.quarter,
                "actor": meta.actor,
                "decision_id": _hex(meta.decision_id),
                "decision_reference": _reference(event),
                "source": meta.source,
                "import_id": meta.import_id,
            },
        )


def _reference(event: Event) -> str | None:
    authority = getattr(event, "authority", None)
    if isinstance(authority, Authority):
        return authority.reference
    if isinstance(event, Decision.Proposed):
        return event.reference
    return None


class Decisions(Projection):
    def rows(self, event: Event, position: int, state: bytes) -> Iterator[Row]:
        status = {
            Decision.Proposed: "proposed",
            Decision.Adopted: "adopted",
            Decision.Rejected: "rejected",
            Decision.Withdrawn: "withdrawn",
        }.get(type(event))
        if status is None:
            return
        if isinstance(event, Decision.Proposed):
            yield (
                schema.decisions,
                {
                    "id": event.originator_id.hex,
                    "reference": event.reference,
                    "title": event.title,
                    "body": event.body.value,
                    "kind": event.kind.value,
                    "mandate_id": _hex(event.mandate_id),
                    "mandate_scope": (
                        json.dumps(_plain(event.mandate_scope)) if event.mandate_scope else None
                    ),
                    "position": position,
                    "number": event.number,
                },
            )
        yield (
            schema.decision_events,
            {
                "position": position,
                "decision_id": event.originator_id.hex,
                "status": status,
                **_when(event),
                "actor": event.meta.actor,
            },
        )


_COUNTERPART = ("to_line", "from_line")


class Budget(Projection):
    """Budget lines and every mutation as a signed delta; slotwijzigingen beside them."""

    def rows(self, event: Event, position: int, state: bytes) -> Iterator[Row]:
        if isinstance(event, BudgetLine.Opened):
            key = event.key
            yield (
                schema.budget_lines,
                {
                    "id": event.originator_id.hex,
                    "fiscal_year": key.fiscal_year,
                    "programma": key.programma,
                    "taakveld": key.taakveld,
                    "side": key.side.value,
                    "deelproduct": key.deelproduct,
                    "interventie": key.interventie,
                    "fund": key.fund,
                    "position": position,
                    "categorie": key.categorie,
                },
            )
        elif isinstance(event, BudgetLine.Mutation):
            counterpart = next(
                (getattr(event, name) for name in _COUNTERPART if hasattr(event, name)), None
            )
            kind = event_type(event).split(".")[-1]
            delta = cents(event.delta())
            yield (
                schema.budget_mutations,
                {
                    "position": position,
                    "line_id": event.originator_id.hex,
                    "kind": kind,
                    "delta_cents": delta,
                    "mutation_id": event.mutation_id.hex,
                    "counterpart_id": _hex(counterpart),
                    **_authority(event.authority),
                    **_when(event),
                    "actor": event.meta.actor,
                    "import_id": event.meta.import_id,
                    "dekking": getattr(event, "dekking", None),
                },
            )
            if event.authority.kind is DecisionKind.SLOTWIJZIGING:
                yield (
                    schema.slotwijzigingen,
                    {
                        "position": position,
                        "fiscal_year": event.meta.period.first_year,
                        "line_id": event.originator_id.hex,
                        "kind": kind,
                        "delta_cents": delta,
                        "decision_id": event.authority.decision_id.hex,
                        "decision_reference": event.authority.reference,
                        **_when(event),
                    },
                )

        elif isinstance(event, BudgetLine.Specified):
            # An activity's part of the line: no money moves, so no budget_mutations row.
            yield (
                schema.budget_specifications,
                {
                    "position": position,
                    "line_id": event.originator_id.hex,
                    "activity": event.activity,
                    "amount_cents": cents(event.amount),
                    **_authority(event.authority),
                    **_when(event),
                    "actor": event.meta.actor,
                },
            )


class Taakstellingen(Projection):
    def rows(self, event: Event, position: int, state: bytes) -> Iterator[Row]:
        if isinstance(event, Taakstelling.Imposed):
            yield (
                schema.taakstellingen,
                {
                    "id": event.originator_id.hex,
                    "reference": event.reference,
                    "label": event.label,
                    "interventie": event.interventie,
                    "programma": event.programma,
                    "taakveld": event.taakveld,
                    "kind": event.kind.value,
                    "origin": event.origin,
                    "base_deelproducten": json.dumps(list(event.base_deelproducten)),
                    "position": position,
                },
            )
            for year, amount in event.amounts:
                yield (
                    schema.taakstelling_mutations,
                    {
                        "position": position,
                        "fiscal_year": year,
                        "taakstelling_id": event.originator_id.hex,
                        "kind": "Imposed",
                        "delta_cents": cents(amount),
                        "counterpart_id": None,
                        "coverage": None,
                        **_authority(event.authority),
                        **_when(event),
                        "actor": event.meta.actor,
                    },
                )
        elif isinstance(event, Taakstelling.Mutation):
            counterpart = getattr(event, "to_taakstelling", None) or getattr(
                event, "from_taakstelling", None
            )
            yield (
                schema.taakstelling_mutations,
                {
                    "position": position,
                    "fiscal_year": event.fiscal_year,
                    "taakstelling_id": event.originator_id.hex,
                    "kind": event_type(event).split(".")[-1],
                    "delta_cents": cents(event.delta()),
                    "counterpart_id": _hex(counterpart),
                    "coverage": getattr(event, "coverage", None),
                    **_authority(event.authority),
                    **_when(event),
                    "actor": event.meta.actor,
                },
            )


class Realisations(Projection):
    def rows(self, event: Event, position: int, state: bytes) -> Iterator[Row]:
        if isinstance(event, Realisation.Reported | Realisation.LateResultReported):
            key = event.key
            late = event if isinstance(event, Realisation.LateResultReported) else None
            yield (
                schema.realisations,
                {
                    "id": event.originator_id.hex,
                    "fiscal_year": key.fiscal_year,
                    "quarter": event.quarter,
                    "programma": key.programma,
                    "taakveld": key.taakveld,
                    "side": key.side.value,
                    "deelproduct": key.deelproduct,
                    "interventie": key.interventie,
                    "fund": key.fund,
                    "position": position,
                    "origin_year": late.origin_year if late else None,
                    "corrects_realisation_id": (
                        _hex(late.corrects_realisation_id) if late else None
                    ),
                    "categorie": key.categorie,
                    "month": event.month if isinstance(event, Realisation.Reported) else None,
                },
            )
            yield (
                schema.realisation_entries,
                self._entry(
                    event,
                    position,
                    event.amount,
                    cents(event.amount),
                    event.status.value,
                    late.corrects_version if late else None,
                    late.reason if late else None,
                ),
            )
        elif isinstance(event, Realisation.Corrected):
            yield (
                schema.realisation_entries,
                self._entry(
                    event,
                    position,
                    event.amount,
                    # Both amounts are whole cents, so this is cents(amount - previous_amount).
                    cents(event.amount) - cents(event.previous_amount),
                    event.status.value,
                    event.corrects_version,
                    event.reason,
                ),
            )

    @staticmethod
    def _entry(
        event: Event,
        position: int,
        amount: Money,
        delta_cents: int,
        status: str,
        corrects: int | None,
        reason: str | None,
    ) -> dict[str, Any]:
        return {
            "position": position,
            "realisation_id": event.originator_id.hex,
            "version": event.originator_version,
            "amount_cents": cents(amount),
            "delta_cents": delta_cents,
            "status": status,
            "corrects_version": corrects,
            "reason": reason,
            **_when(event),
            "actor": event.meta.actor,
            "source": event.meta.source,
        }


class FiscalYears(Projection):
    def rows(self, event: Event, position: int, state: bytes) -> Iterator[Row]:
        status = {FiscalYear.Closed: "closed", FiscalYear.Reopened: "reopened"}.get(type(event))
        if status is not None and isinstance(event, FiscalYear.Closed | FiscalYear.Reopened):
            yield (
                schema.fiscal_year_events,
                {
                    "position": position,
                    "fiscal_year": event.meta.period.first_year,
                    "status": status,
                    "decision_reference": event.authority.reference,
                    **_when(event),
                },
            )


class Reports(Projection):
    def rows(self, event: Event, position: int, state: bytes) -> Iterator[Row]:
        if isinstance(event, Report.Published):
            yield (
                schema.reports,
                {
                    "report_id": event.report_id,
                    "id": event.originator_id.hex,
                    "title": event.title,
                    "published_at": event.published_at,
                    "knowledge_cutoff": event.knowledge_cutoff,
                    "position": position,
                    "decision_reference": event.authority.reference if event.authority else None,
                    "source": event.meta.source,
                    "tables": tables_json(event.tables),
                    "recorded_at": event.recorded_at,
                },
            )


class Rechtmatigheid(Projection):
    """The begrotingsrechtmatigheid view's own facts (ADR 0029): rechtmatigheid_rows."""

    def rows(self, event: Event, position: int, state: bytes) -> Iterator[Row]:
        yield from rechtmatigheid_rows.rows(event, position, when=_when, authority=_authority)


PROJECTIONS: tuple[Projection, ...] = (
    AuditLog("audit_log", (schema.audit_log,)),
    Decisions(
        "decisions",
        (schema.decisions, schema.decision_events),
        (Decision.Proposed, Decision.Adopted, Decision.Rejected, Decision.Withdrawn),
    ),
    Budget(
        "budget",
        (
            schema.budget_lines,
            schema.budget_mutations,
            schema.slotwijzigingen,
            schema.budget_specifications,
        ),
        (BudgetLine.Opened, BudgetLine.Mutation, BudgetLine.Specified),
    ),
    Taakstellingen(
        "taakstellingen",
        (schema.taakstellingen, schema.taakstelling_mutations),
        (Taakstelling.Imposed, Taakstelling.Mutation),
    ),
    Realisations(
        "realisations",
        (schema.realisations, schema.realisation_entries),
        (Realisation.Reported, Realisation.LateResultReported, Realisation.Corrected),
    ),
    Reserves(
        "reserves",
        (schema.reserves, schema.reserve_mutations, schema.reserve_balance_events),
        (
            Reserve.Established,
            Reserve.Mutation,
            Reserve.OpeningBalanceStated,
            Reserve.Transfer,
        ),
    ),
    FiscalYears(
        "fiscal_years", (schema.fiscal_year_events,), (FiscalYear.Closed, FiscalYear.Reopened)
    ),
    Reports("reports", (schema.reports,), (Report.Published,)),
    StatedFacts(
        "stated_facts",
        (
            schema.kengetallen,
            schema.kengetal_measurements,
            schema.stated_results,
            schema.stated_result_entries,
        ),
        (Kengetal.Defined, Kengetal.Measured, StatedResult.Stated, StatedResult.Restated),
    ),
    Rechtmatigheid(
        "rechtmatigheid",
        rechtmatigheid_rows.TABLES,
        (FiscalYear.VerantwoordingsgrensSet, BudgetLine.RegelingMarked, Decision.AmendmentProposed),
    ),
    # From the budget's, taakstellingen's and realisations' rows of each batch, not from
    # events (ADR 0034).
    RunningTotals(
        "running_totals",
        (schema.running_series, schema.running_steps),
        (),
        derived_from=("budget", "taakstellingen", "realisations"),
    ),
)
