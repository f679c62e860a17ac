"""Idempotency keys: a client may retry any write after a timeout without fear (ADR 0006).

The first request with a key reserves it, runs, and stores its response; a retry with the
same key and the same request gets that response again and records nothing. The same key
with another request is refused. Keys belong to the actor that sent them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from api.problems import Problem, field_error
from projections.schema import idempotency_keys

MAX_KEY_LENGTH = 200
# Far beyond any request (a command takes milliseconds, a read-your-writes wait 5 s).
LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyStore:
    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock

    def begin(self, actor: str, key: str, print_: str) -> StoredResponse | None:
        """Reserve the key, or return the response the first request got. Raises a 422
        problem for a key reused with another request, a 409 for one still in progress."""
        if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
            raise Problem(
                422,
                "invalid-idempotency-key",
                f"an Idempotency-Key is 1 to {MAX_KEY_LENGTH} printable characters",
                errors=[
                    field_error("header", "Idempotency-Key", "malformed", "invalid-idempotency-key")
                ],
            )
        for _ in range(3):  # a key freed between our insert and our look is tried again
            if self._reserve(actor, key, print_):
                return None
            with self.engine.connect() as conn:
                row = conn.execute(
                    select(idempotency_keys).where(
                        idempotency_keys.c.actor == actor, idempotency_keys.c.key == key
                    )
                ).first()
            if row is not None:
                break
        else:
            raise Problem(
                409,
                "idempotency-key-in-progress",
                "a request with this Idempotency-Key is being started and freed; retry later",
                headers={"Retry-After": "1"},
            )
        if row.fingerprint != print_:
            raise Problem(
                422,
                "idempotency-key-reused",
                "this Idempotency-Key was used for another request; use a new key",
                errors=[
                    field_error("header", "Idempotency-Key", "reused", "idempotency-key-reused")
                ],
            )
        if row.status is None and self._take_over(row):
            return None
        if row.status is None:
            raise Problem(
                409,
                "idempotency-key-in-progress",
                "a request with this Idempotency-Key is still in progress; retry later",
                headers={"Retry-After": "1"},
            )
        stored = json.loads(row.response)
        return StoredResponse(row.status, stored["body"], stored["headers"])

    def _reserve(self, actor: str, key: str, print_: str) -> bool:
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(idempotency_keys).values(
                        actor=actor, key=key, fingerprint=print_, created_at=self.clock()
                    )
                )
            return True
        except IntegrityError:
            return False

    def _take_over(self, row: Any) -> bool:
        """A reservation older than the lease belongs to a request that died (a crash, a
        lost connection): the retry takes it over. Running the command again is safe, since
        the key fixes its mutation id and the aggregate refuses a mutation it knows."""
        now = self.clock()
        if row.created_at > now - LEASE:
            return False
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(idempotency_keys)
                .where(
                    idempotency_keys.c.actor == row.actor,
                    idempotency_keys.c.key == row.key,
                    idempotency_keys.c.status.is_(None),
                    idempotency_keys.c.created_at == row.created_at,
                )
                .values(created_at=now)
            )
        return taken.rowcount == 1

    def finish(self, actor: str, key: str, response: StoredResponse) -> None:
        text = json.dumps({"body": response.body, "headers": response.headers})
        with self.engine.begin() as conn:
            conn.execute(
                update(idempotency_keys)
                .where(idempotency_keys.c.actor == actor, idempotency_keys.c.key == key)
                .values(status=response.status, response=text)
            )

    def abandon(self, actor: str, key: str) -> None:
        """The request failed without an answer worth repeating (a 5xx): free the key."""
        with self.engine.begin() as conn:
            conn.execute(
                delete(idempotency_keys).where(
                    idempotency_keys.c.actor == actor,
                    idempotency_keys.c.key == key,
                    idempotency_keys.c.status.is_(None),
                )
            )
