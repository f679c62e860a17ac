"""Exports for the spreadsheet: a report, the lineage of a figure and the audit log as CSV or
XLSX, every row with its provenance (ADR 0009). The read roles may export what they may read;
each takes the same basis parameters as the query it exports, and a CSV its `dialect`."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from api import spreadsheets as writers
from api.auth import READERS
from api.http import Guarded, ServicesDep, require
from api.parameters import (
    Dimension,
    Interventie,
    MinPosition,
    RequiredYear,
)
from api.problems import Problem, field_error
from api.reading import BasisDep, reached, reading
from api.roles import Role
from api.routes.reads import READ_ERRORS
from domain.errors import InvalidInputError
from projections.queries import iv3_matrix as iv3
from projections.queries import row_exports
from projections.queries.row_exports import Export, UnknownTableError

router = APIRouter(
    route_class=Guarded,
    prefix="/api/v1/exports",
    responses=READ_ERRORS,
    dependencies=[Depends(require(*READERS))],
    tags=["exports"],
)
Format = Annotated[Literal["csv", "xlsx"], Path(description="csv or xlsx")]
Dialect = Annotated[
    writers.CsvDialect | None,
    Query(
        description=(
            "a CSV's dialect: `excel-nl` (the default; what Excel in a Dutch locale opens: "
            "a UTF-8 byte order mark, `;` between cells, decimal commas, `1234,50`) or "
            "`rfc4180` (for tools: `,` between cells, decimal points, `1234.50`, no byte "
            "order mark). Not for an XLSX."
        )
    ),
]
FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the export as a file (Content-Disposition: attachment)",
        "content": {
            writers.CSV_MEDIA_TYPE: {"schema": {"type": "string"}},
            writers.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


def _dialect(fmt: str, dialect: writers.CsvDialect | None) -> writers.CsvDialect:
    """The CSV's dialect; refused for an XLSX, which has none, rather than ignored."""
    if dialect is not None and fmt != "csv":
        detail = "dialect is for a CSV export; an XLSX has none"
        raise Problem(
            422,
            "invalid-input",
            detail,
            errors=[field_error("query", "dialect", detail, "csv-only")],
        )
    return writers.DEFAULT_CSV_DIALECT if dialect is None else dialect


def attachment(
    export: Export, fmt: str, dialect: writers.CsvDialect = writers.DEFAULT_CSV_DIALECT
) -> Response:
    """The export as a file to save; the workspace's download pages answer with it too."""
    return Response(
        content=writers.render(export, fmt, dialect),
        media_type=writers.MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{writers.filename(export, fmt)}"'},
    )


@router.get("/reports/{report_id}.{fmt}", response_class=Response, responses=FILE)
def export_report(
    report_id: Annotated[str, Path(max_length=64)],
    fmt: Format,
    found: ServicesDep,
    wanted: BasisDep,
    table: Annotated[str | None, Query(max_length=64, description="one table's id")] = None,
    dialect: Dialect = None,
) -> Response:
    """A report's tables (or one) as published on its basis, or on `as_of`: one row per
    table row and total, figures in thousands, with the basis on every row."""
    csv_dialect = _dialect(fmt, dialect)
    position = reached(found, wanted.min_position)
    with found.ledger.engine.connect() as conn:
        try:
            export = row_exports.report_export(
                conn,
                report_id,
                wanted.as_of,
                position,
                table=table,
                as_recorded_at=wanted.as_recorded_at,
            )
        except UnknownTableError as error:
            raise Problem(
                404,
                "not-found",
                str(error),
                errors=[field_error("query", "table", str(error), "not-found")],
            ) from None
    return attachment(export, fmt, csv_dialect)


@router.get("/lineage/budget.{fmt}", response_class=Response, responses=FILE)
def export_budget_lineage(
    fmt: Format,
    found: ServicesDep,
    wanted: BasisDep,
    fiscal_year: RequiredYear,
    fund: Dimension = None,
    interventie: Interventie = None,
    taakveld: Dimension = None,
    programma: Dimension = None,
    dialect: Dialect = None,
) -> Response:
    """The events behind a budget figure, as `GET /lineage/budget` lists them."""
    csv_dialect = _dialect(fmt, dialect)
    with reading(found, wanted) as (conn, basis):
        export = row_exports.budget_lineage_export(
            conn,
            basis,
            fiscal_year=fiscal_year,
            fund=fund,
            interventie=interventie,
            taakveld=taakveld,
            programma=programma,
            grace=found.backdating_grace,
        )
    return attachment(export, fmt, csv_dialect)


@router.get("/lineage/realisations.{fmt}", response_class=Response, responses=FILE)
def export_realisation_lineage(
    fmt: Format,
    found: ServicesDep,
    wanted: BasisDep,
    fiscal_year: RequiredYear,
    deelproduct: Dimension = None,
    fund: Dimension = None,
    interventie: Interventie = None,
    dialect: Dialect = None,
) -> Response:
    """The events behind a realised figure, as `GET /lineage/realisations` lists them."""
    csv_dialect = _dialect(fmt, dialect)
    with reading(found, wanted) as (conn, basis):
        export = row_exports.realisation_lineage_export(
            conn,
            basis,
            fiscal_year=fiscal_year,
            deelproduct=deelproduct,
            fund=fund,
            interventie=interventie,
            grace=found.backdating_grace,
        )
    return attachment(export, fmt, csv_dialect)


@router.get("/log.{fmt}", response_class=Response, responses=FILE)
def export_log(
    fmt: Format,
    found: ServicesDep,
    min_position: MinPosition = None,
    dialect: Dialect = None,
) -> Response:
    """The whole audit log up to the position the read model has reached, in log order."""
    csv_dialect = _dialect(fmt, dialect)
    position = reached(found, min_position)
    with found.ledger.engine.connect() as conn:
        export = row_exports.log_export(conn, position)
    return attachment(export, fmt, csv_dialect)


Iv3Period = Annotated[
    Literal["begroting", "Q1", "Q2", "Q3", "Q4", "jaarrekening"],
    Query(description="begroting (primitief), Q1-Q4 (realisatie year to date), jaarrekening"),
]


@router.get(
    "/iv3.{fmt}",
    response_class=Response,
    responses=FILE,
    dependencies=[Depends(require(Role.FINANCE, Role.AUDITOR))],
)
def export_iv3(
    fmt: Format,
    found: ServicesDep,
    wanted: BasisDep,
    fiscal_year: RequiredYear,
    period: Iv3Period,
    dialect: Dialect = None,
) -> Response:
    """The Iv3 matrix of a year and period (ADR 0031): one row per taakveld x categorie
    cell of lasten and baten, amounts exact, the basis on every row; `as_of` defaults to
    now (a quarter counts its realisations by their quarter). 422 `iv3-refused` lists
    every line that does not fit the model (no categorie, an unknown one, a grey cell) in
    `offences`."""
    csv_dialect = _dialect(fmt, dialect)
    if wanted.as_of is None:
        wanted = replace(wanted, as_of=iv3.default_as_of(fiscal_year, period))
    with reading(found, wanted) as (conn, basis):
        try:
            export = iv3.iv3_export(conn, basis, fiscal_year=fiscal_year, period=period)
        except iv3.Iv3Refused as error:
            detail = error.message.split("\n", 1)[0]
            raise Problem(
                422,
                error.code,
                detail,
                errors=[field_error("query", "fiscal_year", detail, error.code)],
                extra={"offences": [offence.to_json() for offence in error.offences]},
            ) from None
        except InvalidInputError as error:  # a year before the first model
            raise Problem(
                422,
                error.code,
                error.message,
                errors=[field_error("query", "fiscal_year", error.message, error.code)],
            ) from None
    return attachment(export, fmt, csv_dialect)
