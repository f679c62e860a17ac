"""Audit and Tokens (ADR 0022): the hash chain's verification and the reports' seals, the
auditor's kit and the exports as downloads, the event log with filters and paging; for the
admin role the list of tokens. Downloads answer the same files as the command line and the
API, from the same functions, for the session's identity (a link cannot carry a token)."""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import zipfile
from datetime import date
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as PathParameter
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection
from starlette.background import BackgroundTask

from api.auth import Role
from api.ledger import system_clock
from api.problems import Problem
from api.reading import reached
from api.routes.export_files import attachment
from api.web.workspace import PAGE_SIZE, AdminDep, ReaderDep, Viewer, page, paged, reading_now
from domain.values import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from projections.audit import auditor, seals, verification
from projections.audit.chain import ChainBroken
from projections.queries import authority, event_log, reports, row_exports
from projections.queries.basis import BasisError
from projections.queries.event_log import LogFilter
from projections.queries.figure_rows import EventRow
from projections.queries.row_exports import UnknownTableError

router = APIRouter(include_in_schema=False)

Format = Annotated[Literal["csv", "xlsx"], PathParameter()]
Text = Annotated[str | None, Query(max_length=200)]
FORM_EXPIRED = "het formulier is verlopen: laad de pagina opnieuw"


def _position(viewer: Viewer) -> int:
    """How far the read model is, caught up where the log allows: the Audit page and the
    kit must also answer on a log with a recorded break, as `begroting verify` and
    `export auditor` do, so they skip the guard that refuses figures then."""
    try:
        return viewer.services.catch_up()
    except ChainBroken:
        return viewer.services.ledger.runner.position()


# -- Audit ------------------------------------------------------------------------------


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, viewer: ReaderDep) -> HTMLResponse:
    """The chain's state, the reports' seals, the kit and the exports."""
    ledger = viewer.services.ledger
    position = _position(viewer)
    with ledger.engine.connect() as conn:
        titles = {row["report"]: row["title"] for row in reports.list_reports(conn)}
        context = {
            "title": "Audit",
            "logged": ledger.app.recorder.max_notification_id() or 0,
            "tip": verification.chain_tip(conn),
            "last": verification.last_verification(conn),
            "seals": seals.seal_states(conn, position),
            "titles": titles,
            "may_verify": viewer.identity.role is Role.AUDITOR,
        }
    return page(request, "audit.html", viewer, context)


@router.post("/audit/verifieer")
def verify_now(viewer: ReaderDep, csrf: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Verify the whole chain now, as `GET /api/v1/audit/verify` does (the auditor role
    only, as there); the result is recorded and the Audit page shows it."""
    if not secrets.compare_digest(csrf, viewer.session.csrf):
        raise Problem(403, "csrf", FORM_EXPIRED)
    if viewer.identity.role is not Role.AUDITOR:
        raise Problem(403, "forbidden", "alleen de rol auditor verifieert de keten")
    ledger = viewer.services.ledger
    verification.full_verify(ledger.app, ledger.engine, "web")
    return RedirectResponse("/audit", status_code=303)


@router.get("/audit/kit")
def auditor_kit(viewer: ReaderDep) -> FileResponse:
    """The auditor's kit of `begroting export auditor` as a zip: its files in one folder,
    written by the same function. It holds the log the read roles may export already. The
    kit is built on disk (it runs to about 140 bytes per event) and streamed from there."""
    ledger = viewer.services.ledger
    position = _position(viewer)
    work = Path(tempfile.mkdtemp(prefix="begroting-kit-"))
    try:
        name = f"auditor-kit-{position}"
        with ledger.engine.connect() as conn:
            auditor.export(ledger.app, conn, position, work / name, system_clock())
        archive = work / f"{name}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as packed:
            for file in sorted((work / name).iterdir()):
                packed.write(file, f"{name}/{file.name}")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return FileResponse(
        archive,
        media_type="application/zip",
        filename=archive.name,
        headers=NO_STORE,
        background=BackgroundTask(shutil.rmtree, work, ignore_errors=True),
    )


@router.get("/audit/export/log.{fmt}")
def export_log(viewer: ReaderDep, fmt: Format) -> Response:
    """The whole log as `GET /api/v1/exports/log.{fmt}` answers it."""
    position = reached(viewer.services, None)
    with viewer.services.ledger.engine.connect() as conn:
        export = row_exports.log_export(conn, position)
    return _not_kept(attachment(export, fmt))


@router.get("/audit/export/rapporten/{report_id}.{fmt}")
def export_report(
    viewer: ReaderDep,
    report_id: Annotated[str, PathParameter(max_length=64)],
    fmt: Format,
    peildatum: Text = None,
    tabel: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """A report's tables as `GET /api/v1/exports/reports/{id}.{fmt}` answers them: as
    published, or as of the Peildatum."""
    position = reached(viewer.services, None)
    with viewer.services.ledger.engine.connect() as conn:
        try:
            export = row_exports.report_export(
                conn, report_id, (peildatum or "").strip() or None, position, table=tabel
            )
        except UnknownTableError as error:
            raise Problem(404, "not-found", str(error)) from None
        except BasisError as error:
            raise Problem(422, "invalid-basis", f"peildatum: {error}") from None
    return _not_kept(attachment(export, fmt))


# -- the event log ----------------------------------------------------------------------

_DUTCH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


# A download holds figures: after sign-out the browser's cache must not hand them on.
NO_STORE = {"Cache-Control": "no-store"}


def _not_kept(answer: Response) -> Response:
    answer.headers.update(NO_STORE)
    return answer


def _day(text: str) -> date:
    """A day as 2019-12-31 or 31-12-2019, in the years a ledger can hold (a day at the
    calendar's edge would overflow the period's bounds in UTC)."""
    found = _DUTCH_DAY.match(text)
    day = (
        date(int(found[3]), int(found[2]), int(found[1]))
        if found is not None
        else date.fromisoformat(text)
    )
    if not MIN_FISCAL_YEAR <= day.year <= MAX_FISCAL_YEAR:
        raise ValueError(f"{day.year} is not a year of the ledger")
    return day


def log_link(filters: dict[str, str], pagina: int) -> str:
    """The log page's URL with its filters: a link reproduces the view."""
    return "/audit/log?" + urlencode({**filters, "pagina": str(pagina)})


@router.get("/audit/log", response_class=HTMLResponse)
def log_page(
    request: Request,
    viewer: ReaderDep,
    van: Text = None,
    tot: Text = None,
    soort: Text = None,
    actor: Text = None,
    besluit: Text = None,
    pagina: Annotated[int, Query(ge=1, le=10**9)] = 1,
) -> HTMLResponse:
    """The log in log order, 50 events a page, filtered by the period in which they became
    known, their type, actor and decision; the filters are in the URL."""
    given = {"van": van, "tot": tot, "soort": soort, "actor": actor, "besluit": besluit}
    filters = {key: value.strip() for key, value in given.items() if value and value.strip()}
    errors: dict[str, str] = {}
    days: dict[str, date | None] = {"van": None, "tot": None}
    for key in days:
        if key in filters:
            try:
                days[key] = _day(filters[key])
            except ValueError:
                errors[key] = (
                    f"geen datum: ‘{filters[key]}’ (schrijf 2019-12-31 of 31-12-2019, "
                    f"een dag van {MIN_FISCAL_YEAR} tot en met {MAX_FISCAL_YEAR})"
                )
    if not errors and days["van"] and days["tot"] and days["tot"] < days["van"]:
        errors["tot"] = "de periode eindigt voor ze begint"
    wanted = LogFilter(
        known_from=days["van"],
        known_to=days["tot"],
        event_type=filters.get("soort"),
        actor=filters.get("actor"),
        decision=filters.get("besluit"),
    )
    with reading_now(viewer) as (conn, basis):
        choices = event_log.log_choices(conn, until=basis.position)
        decisions = sorted(authority.decision_titles(conn))
        rows, total = ([], 0) if errors else _log_rows(conn, wanted, basis.position, pagina)
    pages = max(1, -(-total // PAGE_SIZE))
    context = {
        "title": "Gebeurtenissenlog",
        "rows": rows,
        "total": total,
        "first": (pagina - 1) * PAGE_SIZE + 1,
        "pagina": pagina,
        "pages": pages,
        "position": basis.position,
        "filters": filters,
        "errors": errors,
        "choices": choices,
        "decisions": decisions,
        "previous": log_link(filters, pagina - 1) if 1 < pagina <= pages + 1 else None,
        "next": log_link(filters, pagina + 1) if pagina < pages else None,
    }
    return page(request, "audit_log.html", viewer, context, 422 if errors else 200)


def _log_rows(
    conn: Connection, wanted: LogFilter, until: int, pagina: int
) -> tuple[list[EventRow], int]:
    total = event_log.audit_log_count(conn, until=until, wanted=wanted)
    rows = event_log.audit_log(
        conn, until=until, wanted=wanted, offset=(pagina - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    return rows, total


# -- Tokens (admin) ---------------------------------------------------------------------


@router.get("/tokens", response_class=HTMLResponse)
def token_list(
    request: Request, viewer: AdminDep, pagina: Annotated[int, Query(ge=1, le=10**9)] = 1
) -> HTMLResponse:
    """Every token, oldest first, without its secret; read-only (writes stay in the API and
    the command line, which the page names)."""
    context = {"title": "Tokens", "listing": paged(request, viewer.services.tokens.list(), pagina)}
    return page(request, "tokens.html", viewer, context)
