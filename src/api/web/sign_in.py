"""Signing in and out of the web workspace (ADR 0022).

The sign-in form posts the token in the body (never in a URL, so never in an access log);
the answer sets a cookie with a random session id: HttpOnly, SameSite=Strict, Secure over
HTTPS. Both forms carry a CSRF secret: the sign-in form one of its own, kept in a cookie
beside it (double submit), the sign-out form its session's."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import Role
from api.problems import Problem
from api.web.sessions import LIFETIME
from api.web.workspace import (
    COOKIE,
    SIGN_IN_COOKIE,
    SignInRequired,
    _viewer,
    page,
    session_store,
)

router = APIRouter(include_in_schema=False)

TextField = Annotated[str, Form(max_length=500)]


def _home(role: Role) -> str:
    return "/tokens" if role is Role.ADMIN else "/rapporten"


def _safe_target(target: str | None) -> str | None:
    """Back to the page asked for, on this site only (never //elsewhere or a scheme)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


def _set_cookie(
    request: Request, answer: Response, name: str, value: str, path: str, max_age: int | None
) -> None:
    answer.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def _clear_cookie(request: Request, answer: Response, name: str, path: str) -> None:
    answer.delete_cookie(
        name, path=path, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )


def _sign_in_page(
    request: Request, target: str | None, error: str | None, status: int
) -> HTMLResponse:
    secret = secrets.token_urlsafe(32)
    answer = page(
        request,
        "aanmelden.html",
        None,
        {"sign_in_csrf": secret, "volgende": _safe_target(target) or "", "error": error},
        status,
    )
    _set_cookie(request, answer, SIGN_IN_COOKIE, secret, "/aanmelden", None)
    return answer


@router.get("/", response_class=HTMLResponse)
def start(
    request: Request, volgende: Annotated[str | None, Query(max_length=2000)] = None
) -> Response:
    """The sign-in form, or the viewer's first page when signed in."""
    try:
        viewer = _viewer(request)
    except SignInRequired:
        return _sign_in_page(request, volgende, None, 200)
    return RedirectResponse(_home(viewer.identity.role), status_code=303)


@router.post("/aanmelden", response_class=HTMLResponse)
def sign_in(
    request: Request,
    token: TextField = "",
    csrf: TextField = "",
    volgende: TextField = "",
) -> Response:
    expected = request.cookies.get(SIGN_IN_COOKIE)
    if not expected or not secrets.compare_digest(csrf, expected):
        raise Problem(403, "csrf", "het formulier is verlopen: laad de pagina opnieuw")
    store = session_store(request, token.strip())  # the sessions of the token's ledger
    started = store.start(token.strip()) if store is not None and token.strip() else None
    if started is None:
        error = "vul een token in" if not token.strip() else "dit token is onbekend of ingetrokken"
        return _sign_in_page(request, volgende, error, 401)
    session_id, session = started
    target = _safe_target(volgende) or _home(session.identity.role)
    answer = RedirectResponse(target, status_code=303)
    _set_cookie(request, answer, COOKIE, session_id, "/", int(LIFETIME.total_seconds()))
    _clear_cookie(request, answer, SIGN_IN_COOKIE, "/aanmelden")
    return answer


@router.post("/afmelden")
def sign_out(request: Request, csrf: TextField = "") -> Response:
    session_id = request.cookies.get(COOKIE)
    store = session_store(request)
    session = None if session_id is None or store is None else store.find(session_id)
    if session is not None:
        if not secrets.compare_digest(csrf, session.csrf):
            raise Problem(403, "csrf", "het formulier is verlopen: laad de pagina opnieuw")
        if store is not None:
            store.end(session_id or "")
    answer = RedirectResponse("/", status_code=303)
    _clear_cookie(request, answer, COOKIE, "/")
    return answer
