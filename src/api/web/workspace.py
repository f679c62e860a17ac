"""What every page of the web workspace shares (ADR 0022): the templates and their Dutch
filters, the signed-in viewer, the Peildatum (a page's basis) and errors as pages.

A page is read-only and reads through the same queries, roles and basis rules as the API.
Who is looking comes from the session cookie (sessions.py), never from a token in a URL.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from math import ceil
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined
from sqlalchemy import Connection
from starlette.exceptions import HTTPException

from api.auth import READERS, Identity, Role, ledger_of_secret
from api.http import SESSION_COOKIE, Services, services_for
from api.ledgers import UnknownLedgerError, directory
from api.problems import Problem
from api.reading import reached
from api.web.formatting import AMSTERDAM, FILTERS, datum, tijdstip
from api.web.sessions import Session, SessionStore
from projections.queries.basis import Basis, BasisError, UnknownReportError, resolve_basis

COOKIE = SESSION_COOKIE
SIGN_IN_COOKIE = "begroting_aanmelden"  # the sign-in form's CSRF secret, before a session

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters.update(FILTERS)
templates.env.undefined = StrictUndefined  # a misspelt name fails the page's test, not silently

# The menu: (path, label). The admin role sees token management only, as in the API.
READER_MENU = (
    ("/rapporten", "Rapporten"),
    ("/begroting", "Begroting"),
    ("/vergelijken", "Vergelijken"),
    ("/besluiten", "Besluiten"),
    ("/rechtmatigheid", "Rechtmatigheid"),
    ("/audit", "Audit"),
)
ADMIN_MENU = (("/tokens", "Tokens"),)


def session_store(request: Request, secret: str | None = None) -> SessionStore | None:
    """The sessions of the ledger `secret` names (the token at sign-in; by default the
    session cookie's id, ADR 0032); None for a ledger this server does not hold."""
    if secret is None:
        secret = request.cookies.get(COOKIE) or ""
    try:
        return services_for(request, ledger_of_secret(secret)).sessions
    except UnknownLedgerError:
        return None


class SignInRequired(Exception):
    """No living session: the page sends the browser to sign in, and back afterwards."""


@dataclass(frozen=True)
class Viewer:
    session: Session
    services: Services

    @property
    def identity(self) -> Identity:
        return self.session.identity

    @property
    def menu(self) -> tuple[tuple[str, str], ...]:
        return ADMIN_MENU if self.identity.role is Role.ADMIN else READER_MENU


def _viewer(request: Request) -> Viewer:
    session_id = request.cookies.get(COOKIE)
    store = None if session_id is None else session_store(request, session_id)
    session = None if store is None or session_id is None else store.find(session_id)
    if session is None or session_id is None:
        raise SignInRequired
    return Viewer(session, services_for(request, ledger_of_secret(session_id)))


def reader(request: Request) -> Viewer:
    """The signed-in viewer, who may read figures (griffie, finance, auditor)."""
    viewer = _viewer(request)
    if viewer.identity.role not in READERS:
        raise Problem(403, "forbidden", "deze pagina is voor de rollen griffie, finance en auditor")
    return viewer


def admin(request: Request) -> Viewer:
    viewer = _viewer(request)
    if viewer.identity.role is not Role.ADMIN:
        raise Problem(403, "forbidden", "deze pagina is voor de rol admin")
    return viewer


ReaderDep = Annotated[Viewer, Depends(reader)]
AdminDep = Annotated[Viewer, Depends(admin)]


PAGE_SIZE = 50  # rows on one page of a long list
T = TypeVar("T")


@dataclass(frozen=True)
class Pages(Generic[T]):
    """One page of a long list, with links to the previous and next page."""

    rows: Sequence[T]
    number: int
    count: int
    total: int
    first: int
    previous: str | None
    next: str | None


def paged(request: Request, rows: Sequence[T], number: int, name: str = "pagina") -> Pages[T]:
    count = max(1, ceil(len(rows) / PAGE_SIZE))
    number = min(number, count)
    start = (number - 1) * PAGE_SIZE

    def href(to: int) -> str:
        query = {**request.query_params, name: str(to)}
        return f"{request.url.path}?{urlencode(query)}"

    return Pages(
        rows=rows[start : start + PAGE_SIZE],
        number=number,
        count=count,
        total=len(rows),
        first=start + 1,
        previous=href(number - 1) if number > 1 else None,
        next=href(number + 1) if number < count else None,
    )


def page(
    request: Request,
    template: str,
    viewer: Viewer | None,
    context: Mapping[str, Any],
    status: int = 200,
) -> HTMLResponse:
    """A page: the template with the viewer, the menu, the CSRF secret for its forms and the
    municipality whose ledger it shows (ADR 0032)."""
    answer = templates.TemplateResponse(
        request,
        template,
        {
            "viewer": viewer,
            "csrf": None if viewer is None else viewer.session.csrf,
            "gemeente": None if viewer is None else municipality(request, viewer.services.code),
            **context,
        },
        status_code=status,
    )
    if viewer is not None:
        # Kept by no cache: after sign-out, Back asks the server again (and is sent to sign
        # in) instead of showing the figures to the next person at the same browser.
        answer.headers["Cache-Control"] = "no-store"
    return answer


def municipality(request: Request, code: str | None) -> str | None:
    """"Lindenhoven (GM9999)" for a municipality's ledger, from the default ledger's
    directory; None for the default ledger, which is the server's own."""
    if code is None:
        return None
    name = directory(services_for(request, None).ledger.engine).get(code)
    return code if name is None else f"{name} ({code})"


class PeildatumError(ValueError):
    """A Peildatum the ledger cannot read: shown on the page at the field, nothing else."""


def peildatum_fout(text: str, error: BasisError) -> str:
    """What is wrong with a Peildatum, in Dutch, at its field."""
    if isinstance(error, UnknownReportError):
        return (
            f"er is geen rapport ‘{error.report_id}’: kies een rapport, een datum "
            "(2019-12-31 of 31-12-2019), een kwartaal (2019Q4) of nu"
        )
    return (
        f"‘{text}’ is geen geldige peildatum: gebruik een datum (2019-12-31 of 31-12-2019), "
        "een kwartaal (2019Q4), nu of een rapport"
    )


@contextmanager
def peildatum(viewer: Viewer, text: str | None) -> Iterator[tuple[Connection, Basis]]:
    """The page's basis: a report id, a date (2019-12-31 or 31-12-2019), a quarter (2019Q4)
    or nu/now, as the API's `as_of` reads it (projections.queries.basis)."""
    position = reached(viewer.services, None)
    with viewer.services.ledger.engine.connect() as conn:
        try:
            basis = resolve_basis(conn, (text or "").strip() or None, position)
        except BasisError as error:
            raise PeildatumError(peildatum_fout((text or "").strip(), error)) from None
        yield conn, basis


def basis_or(
    conn: Connection, text: str | None, position: int, fallback: Basis
) -> tuple[Basis, str | None]:
    """The basis a Peildatum names; one the ledger cannot read gives `fallback` and the
    Dutch error to show at its field (the page still shows figures, on `fallback`)."""
    text = (text or "").strip()
    try:
        return resolve_basis(conn, text or None, position), None
    except BasisError as error:
        return fallback, peildatum_fout(text, error)


@contextmanager
def reading_now(viewer: Viewer) -> Iterator[tuple[Connection, Basis]]:
    """The read model caught up, and the basis now (for lists that have no Peildatum)."""
    position = reached(viewer.services, None)
    with viewer.services.ledger.engine.connect() as conn:
        yield conn, resolve_basis(conn, None, position)


def basis_text(as_of: str) -> str:
    """What a page says it shows: a report as published, now, the end of a day (a date or a
    quarter), or a moment to the minute."""
    if as_of.startswith("report:"):
        return "rapport " + as_of.removeprefix("report:") + ", zoals gepubliceerd"
    if as_of == "now":
        return "nu (alles wat bekend is)"
    known = datetime.fromisoformat(as_of).astimezone(AMSTERDAM)
    if (known.hour, known.minute, known.second) == (23, 59, 59):
        return "peildatum " + datum(known)
    return "bekend op " + tijdstip(known)


def _is_page(request: Request) -> bool:
    """A workspace page (its route is one of api.web's), or a path that matches no route,
    asked for by a browser: those get pages; everything else keeps its problem document."""
    route = request.scope.get("route")
    if route is not None:
        return str(getattr(getattr(route, "endpoint", None), "__module__", "")).startswith(
            "api.web."
        )
    return "text/html" in request.headers.get("accept", "")


def _error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    viewer: Viewer | None = None
    if status < 500:  # a 5xx may be the database itself: the page must not need it
        try:
            viewer = _viewer(request)
        except SignInRequired:
            viewer = None
    return page(request, "fout.html", viewer, {"title": title, "detail": detail}, status)


TITLES = {
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Niet toegestaan",
    422: "Onjuiste invoer",
    500: "Interne fout",
    503: "Tijdelijk niet beschikbaar",
}


def _detail(answer: Response) -> str:
    """The detail of the API's problem document, for the page that shows it instead."""
    try:
        found = json.loads(bytes(answer.body))
    except ValueError:
        return ""
    return str(found.get("detail", "")) if isinstance(found, dict) else ""


def install(app: FastAPI) -> None:
    """Errors on a page answer a page with the same status; the API keeps its problem
    documents (ADR 0006): each of the API's handlers is wrapped, none replaced."""

    def wrap(kind: type[Exception]) -> None:
        previous = app.exception_handlers[kind]

        async def handler(request: Request, error: Exception) -> Response:
            answer = previous(request, error)
            problem: Response = await answer if inspect.isawaitable(answer) else answer
            if not _is_page(request):
                return problem
            status, detail = problem.status_code, _detail(problem)
            if isinstance(error, UnknownReportError):
                detail = f"er is geen rapport ‘{error.report_id}’"
            elif isinstance(error, HTTPException) and status == 404:
                detail = "deze pagina bestaat niet"
            elif isinstance(error, RequestValidationError):
                detail = "de vraag aan deze pagina klopt niet: " + ", ".join(
                    str(part["loc"][-1]) for part in error.errors()
                )
            shown = _error_page(request, status, TITLES.get(status, "Fout"), detail)
            for header in ("Retry-After", "Allow"):
                if header in problem.headers:
                    shown.headers[header] = problem.headers[header]
            return shown

        app.exception_handlers[kind] = handler

    for kind in list(app.exception_handlers):
        if isinstance(kind, type):
            wrap(kind)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, error: SignInRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/?volgende={quote(target, safe='')}", status_code=303)
