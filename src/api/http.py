"""What every route shares: the services, who is calling, the basis of a read, the run of a
write. Routes only translate; this module holds the translation they have in common."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID, uuid5

from fastapi import Depends, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import BaseModel
from sqlalchemy import Connection

from api.auth import Identity, Role, TokenStore
from api.encoding import to_json
from api.idempotency import IdempotencyStore, Recording, StoredResponse, fingerprint
from api.ledger import Ledger
from api.problems import PROBLEM_JSON, Problem, domain_problem, field_error
from api.schemas import ProblemDetail, Provenance
from domain.application import Context, Recorded
from domain.errors import ConcurrentChangeError, DomainError
from domain.events import BEGROTING_NAMESPACE
from domain.values import text_fault
from projections.audit import verification
from projections.queries.backdating import DEFAULT_GRACE
from projections.queries.basis import Basis, BasisError, parse_moment, resolve_basis
from projections.queries.reports import OwnBasisReports
from projections.readmodel.runner import ReadModelBusyError

log = logging.getLogger("begroting.api")
READ_YOUR_WRITES_TIMEOUT = 5.0
# How long a request waits for another runner's hold on the read model before it reads the
# read model as committed (ADR 0015).
CATCH_UP_WAIT = 1.0
MAX_POSITION = 2**63 - 1  # BIGINT


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


class JSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return to_json(content).encode()


@dataclass
class Services:
    ledger: Ledger
    tokens: TokenStore
    idempotency: IdempotencyStore
    reports: OwnBasisReports  # reports rendered as of their own basis, kept (ADR 0013)
    # How long before its recording a person's fact may be known unflagged (ADR 0018).
    backdating_grace: timedelta = DEFAULT_GRACE

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


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]
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
    who = services(request).tokens.authenticate(token)
    if who is None:
        raise Problem(401, "unauthenticated", "the token is unknown or revoked", headers=challenge)
    request.state.identity = who
    return who


def identity(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Identity:
    # `credentials` puts the bearer scheme in the OpenAPI document; the header is read once,
    # by the route's guard, before the body (Guarded).
    return _authenticate(request)


IdentityDep = Annotated[Identity, Depends(identity)]


def permit(who: Identity, *roles: Role) -> None:
    if who.role not in roles:
        allowed = " or ".join(role.value for role in roles)
        raise Problem(403, "forbidden", f"this needs the role {allowed}; you are {who.role.value}")


@dataclass(frozen=True)
class Require:
    """A dependency: the caller has one of `roles`. Guarded checks it before the body."""

    roles: tuple[Role, ...]

    def __call__(self, who: IdentityDep) -> Identity:
        permit(who, *self.roles)
        return who


def require(*roles: Role) -> Require:
    return Require(roles)


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


class Guarded(APIRoute):
    """Authentication, then the role, then anything about the request (ADR 0006).

    FastAPI reads and parses the body before it solves a route's dependencies, so a request
    with no token and a broken body would get 400 or 422 instead of 401, and an auditor's
    write with a broken body would learn what is wrong with it instead of 403. A guarded
    route authenticates the caller and checks every `require(...)` among its dependencies
    first; the dependencies then find the identity already known."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        calls = list(_calls(self.dependant))
        requirements = [call.roles for call in calls if isinstance(call, Require)]
        if not requirements and identity not in calls:
            return handler

        async def guarded(request: Request) -> Response:
            who = await run_in_threadpool(_authenticate, request)
            for roles in requirements:
                permit(who, *roles)
            return await handler(request)

        return guarded


def printable_parameters(request: Request) -> None:
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


# -- reads -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BasisRequest:
    as_of: str | None
    as_recorded_at: str | None
    min_position: int | None


def basis_request(
    as_of: Annotated[
        str | None,
        Query(
            max_length=100,
            description='"now", a moment (YYYY-MM-DD is the end of that day in Amsterdam, '
            "or ISO 8601) or a report id: the facts known by then",
        ),
    ] = None,
    as_recorded_at: Annotated[
        str | None,
        Query(
            max_length=100,
            description="the log as it stood at this moment (what the system held then)",
        ),
    ] = None,
    min_position: Annotated[
        int | None,
        Query(
            ge=0,
            le=MAX_POSITION,
            description="wait until the read model has reached this log position",
        ),
    ] = None,
) -> BasisRequest:
    if as_recorded_at is not None:
        try:
            parse_moment(as_recorded_at)
        except BasisError as error:
            raise Problem(
                422,
                "invalid-basis",
                str(error),
                errors=[field_error("query", "as_recorded_at", str(error), "invalid-basis")],
            ) from None
    return BasisRequest(as_of, as_recorded_at, min_position)


BasisDep = Annotated[BasisRequest, Depends(basis_request)]


def reached(found: Services, min_position: int | None) -> int:
    """Catch the read model up; with `min_position`, wait until it has that write. Refused
    with 503 chain-broken while a break in the log is recorded."""
    found.guard()
    position = found.catch_up()
    if min_position is None or position >= min_position:
        return position
    last = found.ledger.app.recorder.max_notification_id() or 0
    if min_position > last:
        detail = f"the log ends at position {last}; {min_position} has not been recorded"
        raise Problem(
            422,
            "unknown-position",
            detail,
            errors=[field_error("query", "min_position", detail, "unknown-position")],
        )
    position = found.ledger.runner.wait_for(min_position, READ_YOUR_WRITES_TIMEOUT)
    if position < min_position:
        raise Problem(
            503,
            "read-model-behind",
            f"the read model is at {position}, not yet at {min_position}; retry shortly",
            headers={"Retry-After": "1"},
        )
    return position


@contextmanager
def reading(found: Services, wanted: BasisRequest) -> Iterator[tuple[Connection, Basis]]:
    position = reached(found, wanted.min_position)
    with found.ledger.engine.connect() as conn:
        basis = resolve_basis(conn, wanted.as_of, position, as_recorded_at=wanted.as_recorded_at)
        yield conn, basis


def rows(basis: Basis, found: list[dict[str, Any]]) -> Response:
    return JSON({"basis": basis.to_json(), "rows": found})


def etag(version: int) -> str:
    return f'"{version}"'


# -- writes ----------------------------------------------------------------------------

_ETAG = re.compile(r'^(?:W/)?"?([0-9]{1,9})"?$')
IF_MATCH_PATTERN = r'^ *(\*|(W/)?"?[0-9]{1,9}"?) *$'


def expected_version(
    if_match: Annotated[
        str | None,
        Header(
            description="the version of the record you change, as its ETag or `version` "
            "showed it: refused with 409 if it changed since",
            json_schema_extra={"pattern": IF_MATCH_PATTERN},
        ),
    ] = None,
) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    match = _ETAG.match(if_match.strip())
    if match is None:
        detail = 'If-Match is a version as its ETag gave it, such as "3"'
        raise Problem(
            422,
            "invalid-if-match",
            detail,
            errors=[field_error("header", "If-Match", detail, "invalid-if-match")],
        )
    return int(match.group(1))


@dataclass
class Writer:
    """One write: who, on which version, under which idempotency key."""

    request: Request
    services: Services
    identity: Identity
    expected_version: int | None
    idempotency_key: str | None

    def context(
        self,
        body: Provenance | None,
        noting: Callable[[Recorded, dict[UUID, int]], None] | None = None,
    ) -> Context:
        return Context(
            actor=self.identity.name,
            known_at=None if body is None else body.known_at,
            source=None if body is None else body.source_document,
            expected_version=self.expected_version,
            mutation_id=self.mutation_id,
            noting=noting,
        )

    @property
    def mutation_id(self) -> UUID | None:
        # A key fixes the mutation's id, carried by every event the command records: a
        # retry cannot record the same change twice (an aggregate refuses a known mutation
        # id, a created one exists), and finds what the first recorded (ADR 0016).
        if self.idempotency_key is None:
            return None
        return uuid5(
            BEGROTING_NAMESPACE, f"idempotency:{self.identity.name}\n{self.idempotency_key}"
        )

    def run(
        self,
        body: BaseModel | None,
        action: Callable[[Context], Recorded],
        *,
        created: Callable[[Recorded], str] | None = None,
    ) -> Response:
        """Run `action` once per idempotency key; 201 with a Location for `created`.

        Under a key, any request gets the first answer: one stored, or one reconstructed
        from the events an earlier request under the key noted and recorded but did not
        answer (it died, or is still running); else the command runs (ADR 0016)."""
        key, actor = self.idempotency_key, self.identity.name
        if key is None:
            answer, _ = self._record(body, action, created, None)
            self._catch_up()
            return _response(answer, replayed=False)
        store = self.services.idempotency
        print_ = fingerprint(
            self.request.method,
            self.request.url.path,
            [None if body is None else body.model_dump(mode="json"), self.expected_version],
        )
        found = store.begin(actor, key, print_)
        if isinstance(found, StoredResponse):
            return _response(found, replayed=True)
        earlier = self._recorded_earlier(found.noted)
        if earlier is None:
            answer, final = self._record(
                body, action, created, lambda noted: store.note(actor, key, noted)
            )
            if answer.status >= 400:  # refused: perhaps as already done, by a request before
                earlier = self._recorded_earlier(store.noted(actor, key))
            if earlier is None and not final:  # a lost race: the key stays open for a retry
                return _response(answer, replayed=False)
        if earlier is not None:
            return _response(store.finish(actor, key, earlier), replayed=True)
        stored = store.finish(actor, key, answer)
        self._catch_up()
        return _response(stored, replayed=stored is not answer)

    def _record(
        self,
        body: BaseModel | None,
        action: Callable[[Context], Recorded],
        created: Callable[[Recorded], str] | None,
        note: Callable[[Recording], None] | None,
    ) -> tuple[StoredResponse, bool]:
        """The answer, and whether it is final: a write that lost a race to another writer
        may succeed when retried, so its key is not bound to the refusal. `note` is told
        what is recorded just before the events are written."""

        def noting(recorded: Recorded, written: dict[UUID, int]) -> None:
            by_hex = {aggregate_id.hex: version for aggregate_id, version in written.items()}
            if note is not None:
                note(Recording(self._answer(recorded, created), by_hex))

        provenance = body if isinstance(body, Provenance) else None
        ctx = self.context(provenance, None if note is None else noting)
        try:
            with self.services.ledger.write_lock:
                recorded = action(ctx)
        except DomainError as error:
            problem = domain_problem(
                error,
                self.request.path_params,
                body_model=None if body is None else type(body),
            )
            refused = StoredResponse(
                problem.status, problem.body(self.request.url.path), problem.headers
            )
            return refused, not isinstance(error, ConcurrentChangeError)
        return self._answer(recorded, created), True

    @staticmethod
    def _answer(recorded: Recorded, created: Callable[[Recorded], str] | None) -> StoredResponse:
        first = next(iter(recorded.versions.values()), None)
        headers = {} if first is None else {"ETag": etag(first)}
        if created is not None:
            headers["Location"] = created(recorded)
        return StoredResponse(
            201 if created is not None else 200,
            {
                "ids": {name: str(value) for name, value in recorded.ids.items()},
                "versions": recorded.versions,
                "position": recorded.position,
            },
            headers,
        )

    def _recorded_earlier(self, noted: Recording | None) -> StoredResponse | None:
        """The answer a request under this key noted, if the events it was writing are in
        the log, each carrying the key's mutation id, with the position of the last; else
        None."""
        if noted is None or not noted.written:
            return None
        positions = []
        for aggregate_id, version in noted.written.items():
            found = self.services.ledger.logged(UUID(aggregate_id), version)
            if found is None or found[1].meta.mutation_id != self.mutation_id:
                return None  # not written (it died first), or another writer's event
            positions.append(found[0])
        answer = noted.answer
        body = {**answer.body, "position": max(positions)}
        return StoredResponse(answer.status, body, answer.headers)

    def _catch_up(self) -> None:
        try:
            self.services.catch_up()  # read-your-writes for the next plain GET
        except Exception:  # the write stands; readers catch up on their own
            log.exception("catch-up after a write failed")


def _response(stored: StoredResponse, *, replayed: bool) -> Response:
    headers = dict(stored.headers)
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSON(
        stored.body,
        status_code=stored.status,
        headers=headers,
        media_type=PROBLEM_JSON if stored.status >= 400 else "application/json",
    )


def writer(
    request: Request,
    found: ServicesDep,
    who: IdentityDep,
    version: Annotated[int | None, Depends(expected_version)],
    idempotency_key: Annotated[
        str | None,
        Header(
            description="retry safely: the same key and request return the first answer "
            "and record nothing new",
        ),
    ] = None,
) -> Writer:
    return Writer(request, found, who, version, idempotency_key)


WriterDep = Annotated[Writer, Depends(writer)]
