"""Lineage over HTTP: the events behind a budget, taakstelling or realisation figure, in
order, with delta and running total (ADR 0008); and one report rendered, as of its own basis
or another one. Read roles only; every answer names its basis (ADR 0002)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from api.auth import READERS
from api.http import JSON, Guarded, ServicesDep, encoded, problem_responses, require
from api.pages import Page, PageDep, paged
from api.parameters import Dimension, Interventie, RequiredYear
from api.problems import Problem
from api.reading import BasisDep, reached, reading
from domain.taakstelling import Taakstelling
from projections.queries import figures, lineage, reports
from projections.queries.basis import UnknownReportError
from projections.queries.lineage import BudgetLineageRow, LineageRow, RealisationLineageRow
from projections.queries.reports import ReportDocument

router = APIRouter(
    route_class=Guarded,
    prefix="/api/v1",
    responses=problem_responses(
        _401="no token, or an unknown or revoked one",
        _403="the token's role may not read",
        _404="the record named in the URL does not exist",
        _422="an invalid parameter: `errors` names it",
        _503="the read model has not reached `min_position` yet (`read-model-behind`), or the "
        "log does not verify (`chain-broken`: `kind`, `position`, `finding`; ADR 0017)",
    ),
    dependencies=[Depends(require(*READERS))],
)


@router.get("/lineage/budget", response_model=Page[BudgetLineageRow], tags=["lineage"])
def budget_lineage(
    found: ServicesDep,
    wanted: BasisDep,
    page: PageDep,
    fiscal_year: RequiredYear,
    fund: Dimension = None,
    interventie: Interventie = None,
    taakveld: Dimension = None,
    programma: Dimension = None,
) -> Response:
    """The events behind a budget figure, in order, with delta and running total; each with
    its authority (decision, mandate, `authorised`, `problems`) as a report cell's lineage,
    and `backdated` (known more than the grace before recorded) or `backfill` (an import)."""
    with reading(found, wanted) as (conn, basis):
        found_rows = lineage.budget_lineage(
            conn,
            basis,
            fiscal_year=fiscal_year,
            fund=fund,
            interventie=interventie,
            taakveld=taakveld,
            programma=programma,
            grace=found.backdating_grace,
        )
    return paged(basis, found_rows, page)


@router.get(
    "/lineage/taakstellingen/{reference}", response_model=Page[LineageRow], tags=["lineage"]
)
def taakstelling_lineage(
    reference: Annotated[str, Path(max_length=200)],
    found: ServicesDep,
    wanted: BasisDep,
    page: PageDep,
    fiscal_year: RequiredYear,
) -> Response:
    with reading(found, wanted) as (conn, basis):
        if figures.version_of(conn, Taakstelling.id_for(reference), basis) is None:
            raise Problem(
                404, "not-found", f"taakstelling {reference!r} does not exist as of this basis"
            )
        found_rows = lineage.taakstelling_lineage(
            conn,
            basis,
            reference=reference,
            fiscal_year=fiscal_year,
            grace=found.backdating_grace,
        )
    return paged(basis, found_rows, page)


@router.get("/lineage/realisations", response_model=Page[RealisationLineageRow], tags=["lineage"])
def realisation_lineage(
    found: ServicesDep,
    wanted: BasisDep,
    page: PageDep,
    fiscal_year: RequiredYear,
    deelproduct: Dimension = None,
    fund: Dimension = None,
    interventie: Interventie = None,
) -> Response:
    with reading(found, wanted) as (conn, basis):
        found_rows = lineage.realisation_lineage(
            conn,
            basis,
            fiscal_year=fiscal_year,
            deelproduct=deelproduct,
            fund=fund,
            interventie=interventie,
            grace=found.backdating_grace,
        )
    return paged(basis, found_rows, page)


@router.get("/reports/{report_id}", response_model=ReportDocument, tags=["reports"])
def get_report(
    report_id: Annotated[str, Path(max_length=64)],
    found: ServicesDep,
    wanted: BasisDep,
) -> Response:
    """Exactly what `begroting report ID --format json` prints: the report's tables as of its
    own basis, or of `as_of`. A document, not a list: its tables are never paged."""
    if wanted.as_of is None and wanted.as_recorded_at is None:
        # Its own basis never changes: rendered once, kept (ADR 0013). A report the read
        # model holds has every row before it (ADR 0036): no catch-up first, unless the
        # report is not there yet or the client waits for a position.
        if wanted.min_position is None:
            found.guard()
        else:
            reached(found, wanted.min_position)
        try:
            return encoded(found.reports.encoded(report_id))
        except UnknownReportError:
            reached(found, None)  # recorded since the read model last caught up?
            return encoded(found.reports.encoded(report_id))
    position = reached(found, wanted.min_position)
    with found.ledger.engine.connect() as conn:
        return JSON(
            reports.render_report(
                conn, report_id, wanted.as_of, position, as_recorded_at=wanted.as_recorded_at
            )
        )
