"""Idempotency keys: a client may retry any write after a timeout without fear (ADR 0006,
ADR 0016).

The first request with a key reserves it, runs, and stores its response; a retry with the
same key and the same request gets that response again and records nothing. The same key
with another request is refused. Keys belong to the actor that sent them.

A reservation holds no lease: the key fixes the command's mutation id, which every event of
the command carries and no aggregate accepts twice, so a retry never waits for the request
before it, whether that one still runs or died. Just before its events are written, a
request notes in the reservation what it records; a retry that finds a note and the noted
events in the log answers from them (ADR 0016).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from api.problems import Problem, field_error
from projections.store.schema import idempotency_keys

MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]

    def to_text(self) -> str:
        return json.dumps({"status": self.status, "body": self.body, "headers": self.headers})

    @classmethod
    def from_text(cls, text: str) -> StoredResponse:
        found = json.loads(text)
        return cls(found["status"], found["body"], found["headers"])


@dataclass(frozen=True)
class Recording:
    """What a request noted just before its events were written: its answer, but for the
    position, and each aggregate it wrote (hex id) with the version it wrote."""

    answer: StoredResponse
    written: dict[str, int]

    def to_text(self) -> str:
        return json.dumps({"answer": json.loads(self.answer.to_text()), "written": self.written})

    @classmethod
    def from_text(cls, text: str) -> Recording:
        found = json.loads(text)
        return cls(StoredResponse.from_text(json.dumps(found["answer"])), found["written"])


@dataclass(frozen=True)
class Reservation:
    """The key is this request's to run: new, or left unanswered by an earlier request
    (still running or dead), which may have noted what it was recording."""

    noted: Recording | None


def fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyStore:
    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock

    def begin(self, actor: str, key: str, print_: str) -> StoredResponse | Reservation:
        """The response the first request got, or the key reserved for this one. Raises a
        422 problem for a key reused with another request."""
        if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
            raise Problem(
                422,
                "invalid-idempotency-key",
                f"an Idempotency-Key is 1 to {MAX_KEY_LENGTH} printable characters",
                errors=[
                    field_error("header", "Idempotency-Key", "malformed", "invalid-idempotency-key")
                ],
            )
        if self._reserve(actor, key, print_):
            return Reservation(None)
        row = self._row(actor, key)
        if row.fingerprint != print_:
            raise Problem(
                422,
                "idempotency-key-reused",
                "this Idempotency-Key was used for another request; use a new key",
                errors=[
                    field_error("header", "Idempotency-Key", "reused", "idempotency-key-reused")
                ],
            )
        if row.status is not None:
            return _answer(row)
        noted = None if row.recording is None else Recording.from_text(row.recording)
        return Reservation(noted)

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

    def _row(self, actor: str, key: str) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(
                select(idempotency_keys).where(
                    idempotency_keys.c.actor == actor, idempotency_keys.c.key == key
                )
            ).one()  # a reservation is never taken back

    def noted(self, actor: str, key: str) -> Recording | None:
        """What the key's last request to get that far was about to record."""
        text = self._row(actor, key).recording
        return None if text is None else Recording.from_text(text)

    def note(self, actor: str, key: str, recording: Recording) -> None:
        """Note, before its events are written, what the request records: a retry finds
        those events by it (ADR 0016)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(idempotency_keys)
                .where(
                    idempotency_keys.c.actor == actor,
                    idempotency_keys.c.key == key,
                    idempotency_keys.c.status.is_(None),
                )
                .values(recording=recording.to_text())
            )

    def finish(self, actor: str, key: str, response: StoredResponse) -> StoredResponse:
        """Store the key's answer, unless another request under it stored one first: the
        answer stored is returned."""
        text = json.dumps({"body": response.body, "headers": response.headers})
        with self.engine.begin() as conn:
            stored = conn.execute(
                update(idempotency_keys)
                .where(
                    idempotency_keys.c.actor == actor,
                    idempotency_keys.c.key == key,
                    idempotency_keys.c.status.is_(None),
                )
                .values(status=response.status, response=text)
            )
        return response if stored.rowcount == 1 else _answer(self._row(actor, key))


def _answer(row: Any) -> StoredResponse:
    stored = json.loads(row.response)
    return StoredResponse(row.status, stored["body"], stored["headers"])
