"""The run of a write: If-Match, the idempotency key, the answer (ADR 0006, ADR 0016), and
the routers the commands hang on."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID, uuid5

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.auth import Identity, Role
from api.http import JSON, Guarded, IdentityDep, Services, ServicesDep, problem_responses, require
from api.idempotency import Recording, StoredResponse, fingerprint
from api.problems import PROBLEM_JSON, Problem, domain_problem, field_error
from api.reading import etag
from api.requests.members import Provenance
from domain.application import Context, Recorded
from domain.errors import ConcurrentChangeError, DomainError
from domain.events import BEGROTING_NAMESPACE

log = logging.getLogger("begroting.api")

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


# One status per kind of write (ADR 0006): 201 with a Location for a write that creates a
# record (a decision, a budget line's budget, a taakstelling, a reserve, a report, a token),
# 200 for every write that changes or adds to one that exists.
CREATES: dict[str, Any] = {
    "status_code": 201,
    "response_description": "recorded; it created the record at `Location`",
}
CHANGES: dict[str, Any] = {"status_code": 200, "response_description": "recorded"}

WRITE_ERRORS = problem_responses(
    _400="the body is not JSON, or not UTF-8",
    _401="no token, or an unknown or revoked one",
    _403="the token's role may not do this",
    _404="the record named in the URL does not exist",
    _409="a business rule refused it, or the record changed since it was read",
    _413="the body is too large",
    _422="invalid input: `errors` names every field at fault",
)


def command_router(*roles: Role) -> APIRouter:
    """A router of commands for `roles`: the role is checked before the body is read, so a
    role that may not write learns nothing about its input."""
    return APIRouter(
        route_class=Guarded,
        prefix="/api/v1",
        responses=WRITE_ERRORS,
        dependencies=[Depends(require(*roles))],
    )
