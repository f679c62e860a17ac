"""What every route shares: the services, who is calling, the basis of a read, the run of a
write. Routes only translate; this module holds the translation they have in common."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from api.auth import Identity, Role, TokenStore, ledger_of_secret
from api.conditional import conditional
from api.encoding import to_json
from api.idempotency import IdempotencyStore
from api.ledger import Ledger, system_clock
from api.ledgers import LedgersBusyError, UnknownLedgerError
from api.problems import PROBLEM_JSON, Problem, field_error
from api.responses import ProblemDetail
from api.web.sessions import SessionStore
from domain.values import text_fault
from projections.audit import verification
from projections.queries.backdating import DEFAULT_GRACE
from projections.queries.reports import OwnBasisReports
from projections.readmodel.runner import ReadModelBusyError

log = logging.getLogger("begroting.api")
# How long a request waits for another runner's hold on the read model before it reads the
# read model as committed (ADR 0015).
CATCH_UP_WAIT = 1.0


def problem_responses(**described: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem documents a router may answer: `_404="..."`."""
    return {
        int(status.removeprefix("_")): {
            "model": ProblemDetail,
            "content": {PROBLEM_JSON: {}},
            "description": description,
        }
        for status, description in described.items()
    }


def encoded_json(content: Any) -> bytes:
    return to_json(content).encode()


class JSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return encoded_json(content)


def encoded(body: bytes) -> Response:
    """An answer already encoded as JSON (a kept report, ADR 0036): as JSON(...) would be."""
    return Response(body, media_type=JSONResponse.media_type)


@dataclass
class Services:
    ledger: Ledger
    tokens: TokenStore
    idempotency: IdempotencyStore
    reports: OwnBasisReports  # reports rendered as of their own basis, kept (ADR 0013)
    # How long before its recording a person's fact may be known unflagged (ADR 0018).
    backdating_grace: timedelta = DEFAULT_GRACE
    sessions: SessionStore | None = None  # the web workspace's sign-ins (ADR 0022)
    verifying: threading.Thread | None = None  # the start-up verify of a large log
    code: str | None = None  # the municipality's code; None for the default ledger
    clock: Callable[[], datetime] = system_clock  # the service's, as its ledger's commands

    def catch_up(self) -> int:
        """Catch the read model up. While another runner holds it longer than a read waits
        (a rebuild), the position it has committed: the read model is whole there."""
        runner = self.ledger.runner
        try:
            return runner.catch_up(wait=CATCH_UP_WAIT)
        except ReadModelBusyError:
            return runner.position()

    def guard(self) -> None:
        """Refuse figures while a break in the log is recorded (ADR 0017): one read."""
        with self.ledger.engine.connect() as conn:
            verification.guard(conn)


class LedgerRegistry(Protocol):
    """The ledgers the service serves (api.ledger_cache.Ledgers, ADR 0032)."""

    default: Services

    def acquire(self, code: str | None, secret: str | None = None) -> Services: ...

    def release(self, code: str | None) -> None: ...


SESSION_COOKIE = "begroting_sessie"  # the workspace's session id, which names its ledger


def request_secret(request: Request) -> str | None:
    """The request's bearer token, else its workspace session id; None for neither."""
    scheme, token = get_authorization_scheme_param(request.headers.get("Authorization"))
    if token and scheme.lower() == "bearer":
        return token
    return request.cookies.get(SESSION_COOKIE)


def request_ledger(request: Request) -> str | None:
    """The ledger a request is for: the one its bearer token names, else its workspace
    session's; None for the default ledger (and for a request with neither)."""
    secret = request_secret(request)
    return None if secret is None else ledger_of_secret(secret)


def services_for(request: Request, code: str | None, secret: str | None = None) -> Services:
    """The services of ledger `code`, held for this request (released when its answer is
    sent). A ledger not open is opened only for a secret it holds (`secret`, else the
    request's token or session id). Raises UnknownLedgerError for a code the directory
    does not list, or whose ledger does not know the secret."""
    held: dict[str | None, Services] | None = getattr(request.state, "ledger_services", None)
    if held is None:
        held = request.state.ledger_services = {}
    if code in held:
        return held[code]
    registry: LedgerRegistry = request.app.state.ledgers
    try:
        # A request always proves its ledger: the code came from its secret.
        found = registry.acquire(code, secret or request_secret(request) or "")
    except LedgersBusyError as busy:  # every open ledger in use (ADR 0032)
        raise Problem(503, "ledgers-busy", str(busy), headers={"Retry-After": "2"}) from None
    held[code] = found
    leases = getattr(request.state, "ledger_leases", None)
    if leases is not None:
        leases.append(lambda: registry.release(code))
    else:  # no middleware (not in a served app): nothing would release it
        registry.release(code)
    return found


def services(request: Request) -> Services:
    """The services of the ledger the request's token (or session) names (ADR 0032)."""
    return services_for(request, request_ledger(request))


async def _services(request: Request) -> Services:
    # The default ledger, or one this request holds already, is found without waiting; a
    # municipality's ledger may have to be opened: in a worker thread (ADR 0036).
    code = request_ledger(request)
    held = getattr(request.state, "ledger_services", None) or {}
    if code is None or code in held:
        return services_for(request, code)
    return await run_in_threadpool(services_for, request, code)


ServicesDep = Annotated[Services, Depends(_services)]
_bearer = HTTPBearer(auto_error=False, description="an API token: `begroting token create`")


def _authenticate(request: Request) -> Identity:
    """Who is calling: once per request (the route's guard or the first dependency)."""
    known: Identity | None = getattr(request.state, "identity", None)
    if known is not None:
        return known
    challenge = {"WWW-Authenticate": 'Bearer realm="begroting"'}
    scheme, token = get_authorization_scheme_param(request.headers.get("Authorization"))
    if not token or scheme.lower() != "bearer":
        raise Problem(
            401,
            "unauthenticated",
            "send an API token: Authorization: Bearer <token>",
            headers=challenge,
        )
    try:
        found = services(request)
    except UnknownLedgerError:  # the token names a ledger this server does not hold
        found = None
    who = None if found is None else found.tokens.authenticate(token)
    if who is None:
        raise Problem(401, "unauthenticated", "the token is unknown or revoked", headers=challenge)
    request.state.identity = who
    return who


async def identity(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Identity:
    # `credentials` puts the bearer scheme in the OpenAPI document; the header is read once,
    # by the route's guard, before the body (Guarded). Async: a dependency that need not
    # wait costs no hop to a worker thread (ADR 0036).
    known: Identity | None = getattr(request.state, "identity", None)
    if known is not None:
        return known
    return await run_in_threadpool(_authenticate, request)


IdentityDep = Annotated[Identity, Depends(identity)]


def permit(who: Identity, *roles: Role) -> None:
    if who.role not in roles:
        allowed = " or ".join(role.value for role in roles)
        raise Problem(403, "forbidden", f"this needs the role {allowed}; you are {who.role.value}")


@dataclass(frozen=True)
class Require:
    """A dependency: the caller has one of `roles`. Guarded checks it before the body."""

    roles: tuple[Role, ...]

    async def __call__(self, who: IdentityDep) -> Identity:
        permit(who, *self.roles)
        return who


def require(*roles: Role) -> Require:
    return Require(roles)


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def refuse_unknown_query(request: Request, known: set[str]) -> None:
    """A query parameter the route does not take is refused, not ignored (ADR 0006): a
    misspelt `as_of` or `fiscal_year` would otherwise answer other figures than asked."""
    unknown = sorted({name for name in request.query_params if name not in known})
    if unknown:
        raise Problem(
            422,
            "unknown-parameter",
            f"the request has unknown query parameters: {', '.join(unknown)}",
            errors=[
                field_error(
                    "query", name, "this route takes no such parameter", "unknown-parameter"
                )
                for name in unknown
            ],
        )


class Guarded(APIRoute):
    """Authentication, then the role, then anything about the request (ADR 0006).

    FastAPI reads and parses the body before it solves a route's dependencies, so a request
    with no token and a broken body would get 400 or 422 instead of 401, and an auditor's
    write with a broken body would learn what is wrong with it instead of 403. A guarded
    route authenticates the caller and checks every `require(...)` among its dependencies
    first; the dependencies then find the identity already known. Then it refuses a query
    parameter it does not take; and a GET's answer carries an ETag, or is 304 to a client
    that holds it (conditional.py)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        calls = list(_calls(self.dependant))
        requirements = [call.roles for call in calls if isinstance(call, Require)]
        authenticates = bool(requirements) or identity in calls
        known = _query_names(self.dependant)
        reads = "GET" in (self.methods or ())

        async def guarded(request: Request) -> Response:
            if authenticates:
                who = await run_in_threadpool(_authenticate, request)
                for roles in requirements:
                    permit(who, *roles)
            refuse_unknown_query(request, known)
            response = await handler(request)
            if reads:
                return conditional(request.headers.get("If-None-Match"), response)
            return response

        return guarded


async def printable_parameters(request: Request) -> None:
    """A path or query parameter is single-line text (ADR 0006): PostgreSQL refuses NUL in
    text, and no name, code or moment holds a control character or a line break."""
    errors = [
        field_error(where, name, fault, "invalid-input")
        for where, items in (
            ("path", request.path_params.items()),
            ("query", request.query_params.multi_items()),
        )
        for name, value in items
        if isinstance(value, str) and (fault := text_fault(value)) is not None
    ]
    if errors:
        fields = ", ".join(sorted({error["field"] for error in errors}))
        raise Problem(
            422, "invalid-input", f"the request has invalid fields: {fields}", errors=errors
        )
