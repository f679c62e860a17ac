"""The import of an extract over HTTP, for the finance role (ADR 0033): a multipart upload,
read and checked as the CLI's `begroting import` does, recorded whole or refused whole."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import File, Form, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from api.auth import Role
from api.http import JSON, IdentityDep, ServicesDep, problem_responses
from api.imports.extract import read_source
from api.imports.mapping import CANONICAL
from api.imports.summary import summary_json
from api.problems import Problem, field_error
from api.writing import command_router
from domain.application import Context
from domain.imports import ImportKind, ImportRefused, RowProblem
from domain.values import text_fault

router = command_router(Role.FINANCE)
log = logging.getLogger("begroting.api")


class ImportResult(BaseModel):
    """What the import recorded (or, on a dry run, would record; an already imported file:
    nothing). Amounts are decimal strings."""

    kind: ImportKind
    file_name: str
    sha256: str
    sheet: str | None
    known_at: str
    rows: int
    lines: int
    events: int
    corrections: int
    total_lasten: str
    total_baten: str
    dry_run: bool
    already_imported: bool
    position: int


# Form fields a problem may be about; any other problem is about the file's rows or cells.
FORM_FIELDS = {"mapping", "known_at", "sheet", "decision"}


def refusal(error: ImportRefused) -> Problem:
    """422 listing every problem, each with its row and canonical column, at the form field
    it is about (`file` for a row or a cell)."""
    return Problem(
        422,
        error.code,
        error.message,
        errors=[_located(problem) for problem in error.problems],
    )


def _located(problem: RowProblem) -> dict[str, Any]:
    column = problem.column
    field = column if column in FORM_FIELDS else "file"
    located = field_error("body", field, problem.message, problem.code)
    located["row"] = problem.row
    located["column"] = column if column in CANONICAL else None
    return located


def _text(name: str, value: str | None) -> None:
    fault = None if value is None else text_fault(value)
    if fault is not None:
        detail = f"{name} {fault}"
        raise Problem(
            422,
            "invalid-input",
            f"the request has invalid fields: {name}",
            errors=[field_error("body", name, detail, "invalid-input")],
        )


@router.post(
    "/imports/{kind}",
    status_code=201,
    response_model=ImportResult,
    response_description="recorded (200: a dry run, or a file imported before: nothing recorded)",
    responses={
        200: {"model": ImportResult, "description": "a dry run, or a file imported before"},
        **problem_responses(
            _413="the upload is larger than max_import_bytes",
            _422="the file is refused whole: `errors` lists every problem with its row and column",
        ),
    },
    tags=["imports"],
    summary="Import an extract (CSV or XLSX) of begroting, wijziging or realisatie: all "
    "rows or none",
)
def import_file(
    kind: ImportKind,
    file: Annotated[UploadFile, File(description="the extract: CSV (; or ,, UTF-8) or XLSX")],
    services: ServicesDep,
    who: IdentityDep,
    mapping: Annotated[
        UploadFile | None, File(description="a TOML mapping of the file's headers")
    ] = None,
    decision: Annotated[str | None, Form(description="the decision that authorises it")] = None,
    dry_run: Annotated[bool, Form(description="check and answer; record nothing")] = False,
    sheet: Annotated[str | None, Form(description="the XLSX sheet (default the first)")] = None,
    known_at: Annotated[
        str | None, Form(description="the extract's date if the file does not give it")
    ] = None,
) -> Response:
    for name, value in (("decision", decision), ("sheet", sheet), ("known_at", known_at)):
        _text(name, value)
    try:
        source = read_source(
            kind,
            file.file.read(),
            file.filename or "upload",
            mapping=None if mapping is None else mapping.file.read(),
            mapping_name=(mapping.filename or "mapping") if mapping is not None else "mapping",
            sheet=sheet,
            known_at=known_at,
            now=services.clock(),
        )
        ledger = services.ledger
        with ledger.write_lock:
            summary = ledger.app.import_source(
                Context(actor=who.name), source, decision=decision, dry_run=dry_run
            )
    except ImportRefused as error:
        raise refusal(error) from None
    if summary.events:
        try:
            services.catch_up()  # read your import
        except Exception:  # the import stands; readers catch up on their own
            log.exception("catch-up after an import failed")
    recorded = not (summary.dry_run or summary.already_imported)
    return JSON(summary_json(summary), status_code=201 if recorded else 200)
