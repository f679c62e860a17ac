"""What every route shares: the services, who is calling, the basis of a read, the run of a
write. Routes only translate; this module holds the translation they have in common."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID, uuid5

from fastapi import Depends, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy import Connection

from api.auth import Identity, Role, TokenStore
from api.encoding import to_json
from api.idempotency import IdempotencyStore, StoredResponse, fingerprint
from api.ledger import Ledger
from api.problems import PROBLEM_JSON, Problem, domain_problem, field_error
from api.schemas import ProblemDetail, Provenance
from domain.application import Context, Recorded
from domain.errors import ConcurrentChangeError, DomainError
from domain.events import BEGROTING_NAMESPACE
from domain.values import CONTROL
from projections import verification
from projections.queries import Basis, BasisError, parse_moment, resolve_basis
from projections.reports import OwnBasisReports

log = logging.getLogger("begroting.api")
READ_YOUR_WRITES_TIMEOUT = 5.0
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

    def catch_up(self) -> int:
        return self.ledger.runner.catch_up()

    def guard(self) -> None:
        """Refuse figures while a break in the log is recorded (ADR 0017): one read."""
        with self.ledger.engine.connect() as conn:
            verification.guard(conn)


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]
_bearer = HTTPBearer(auto_error=False, description="an API token: `begroting token create`")


def identity(
    request: Request,
    found: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Identity:
    challenge = {"WWW-Authenticate": 'Bearer realm="begroting"'}
    if credentials is None:
        raise Problem(
            401,
            "unauthenticated",
            "send an API token: Authorization: Bearer <token>",
            headers=challenge,
        )
    who = found.tokens.authenticate(credentials.credentials)
    if who is None:
        raise Problem(401, "unauthenticated", "the token is unknown or revoked", headers=challenge)
    request.state.identity = who
    return who


IdentityDep = Annotated[Identity, Depends(identity)]


def permit(who: Identity, *roles: Role) -> None:
    if who.role not in roles:
        allowed = " or ".join(role.value for role in roles)
        raise Problem(403, "forbidden", f"this needs the role {allowed}; you are {who.role.value}")


def require(*roles: Role) -> Callable[[Identity], Identity]:
    def check(who: IdentityDep) -> Identity:
        permit(who, *roles)
        return who

    return check


def printable_parameters(request: Request) -> None:
    """No control character in a path or query parameter: PostgreSQL refuses NUL in text,
    and no name or moment holds one."""
    errors = [
        field_error(where, name, "holds a control character", "invalid-input")
        for where, items in (
            ("path", request.path_params.items()),
            ("query", request.query_params.multi_items()),
        )
        for name, value in items
        if isinstance(value, str) and CONTROL.search(value)
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

_ETAG = re.compile(r'^(?:W/)?"?(\d{1,9})"?$')


def expected_version(
    if_match: Annotated[
        str | None,
        Header(
            description="the version of the record you change, as its ETag or `version` "
            "showed it: refused with 409 if it changed since",
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

    def context(self, body: Provenance | None) -> Context:
        return Context(
            actor=self.identity.name,
            known_at=None if body is None else body.known_at,
            source=None if body is None else body.source_document,
            expected_version=self.expected_version,
        )

    @property
    def mutation_id(self) -> UUID | None:
        # A key fixes the mutation's id: even a retry that outran the key's bookkeeping
        # cannot record the same change twice (the aggregate refuses a known mutation id).
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
        """Run `action` once per idempotency key; 201 with a Location for `created`."""
        key, actor = self.idempotency_key, self.identity.name
        if key is not None:
            print_ = fingerprint(
                self.request.method,
                self.request.url.path,
                [None if body is None else body.model_dump(mode="json"), self.expected_version],
            )
            stored = self.services.idempotency.begin(actor, key, print_)
            if stored is not None:
                return _response(stored, replayed=True)
        try:
            stored, final = self._record(body, action, created)
        except BaseException:
            if key is not None:
                self.services.idempotency.abandon(actor, key)
            raise
        if key is not None:
            if final:
                self.services.idempotency.finish(actor, key, stored)
            else:
                self.services.idempotency.abandon(actor, key)
        return _response(stored, replayed=False)

    def _record(
        self,
        body: BaseModel | None,
        action: Callable[[Context], Recorded],
        created: Callable[[Recorded], str] | None,
    ) -> tuple[StoredResponse, bool]:
        """The answer, and whether it is final: a write that lost a race to another writer
        may succeed when retried, so its key is freed rather than bound to the refusal."""
        ctx = self.context(body if isinstance(body, Provenance) else None)
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
        try:
            self.services.catch_up()  # read-your-writes for the next plain GET
        except Exception:  # the write stands; readers catch up on their own
            log.exception("catch-up after a write failed")
        first = next(iter(recorded.versions.values()), None)
        headers = {} if first is None else {"ETag": etag(first)}
        if created is not None:
            headers["Location"] = created(recorded)
        answer = StoredResponse(
            201 if created is not None else 200,
            {
                "ids": {name: str(value) for name, value in recorded.ids.items()},
                "versions": recorded.versions,
                "position": recorded.position,
            },
            headers,
        )
        return answer, True


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
