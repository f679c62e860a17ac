"""What a verification of the chain finds, and the refusal of figures while the latest one
is a break (ADR 0007, ADR 0017).

Kept apart from `chain` and `verification`, which read and decode the log: a command that
only reads figures checks the latest verification with `guard` and loads neither the
event store nor the domain (ADR 0037). Both re-export what they used to define.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, Row
from typing_extensions import TypedDict

OK, BROKEN = "ok", "broken"


class ChainIntact(TypedDict):
    """The log verifies: its head, the head's position, the links and report heads checked,
    and the events after the head that the runner has yet to chain."""

    status: Literal["ok"]
    head: str | None
    position: int | None
    count: int
    reports: int
    unchained: int


class ChainTampered(TypedDict):
    """The first position that fails and how: changed, missing, reordered or inserted."""

    status: Literal["tampered"]
    kind: str
    position: int | None
    detail: str


@dataclass(frozen=True)
class Verdict:
    ok: bool
    kind: str  # ok, changed, missing, reordered, inserted
    position: int | None  # the first position that fails; for ok the head's position
    detail: str
    head: str | None
    count: int  # links checked
    reports: int  # report heads checked
    unchained: int = 0  # events in the log after the chain's head (the runner chains them)

    def to_json(self) -> ChainIntact | ChainTampered:
        if self.ok:
            return {
                "status": "ok",
                "head": self.head,
                "position": self.position,
                "count": self.count,
                "reports": self.reports,
                "unchained": self.unchained,
            }
        return {
            "status": "tampered",
            "kind": self.kind,
            "position": self.position,
            "detail": self.detail,
        }


def failure(kind: str, position: int, detail: str) -> Verdict:
    return Verdict(False, kind, position, detail, None, 0, 0)


class ChainBroken(Exception):
    """The log does not verify: what serves figures refuses with this finding."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(f"{verdict.kind} at position {verdict.position}: {verdict.detail}")
        self.verdict = verdict


_LATEST = (
    "SELECT status, kind, position, detail, verified_to, head FROM chain_verifications "
    "ORDER BY id DESC LIMIT 1"
)


def latest(conn: Connection) -> Row[Any] | None:
    """The latest verification (status, kind, position, detail, verified_to, head), or
    None before any. O(1): the latest row by its primary key, a statement the driver takes
    as it is (it runs on every request that serves figures and with every write)."""
    return conn.exec_driver_sql(_LATEST).first()


def guard(conn: Connection) -> None:
    """Raise `ChainBroken` with the recorded finding while the latest verification is a
    break (this runs on every request that serves figures: one read, `latest`)."""
    row = latest(conn)
    if row is not None and row.status == BROKEN:
        raise ChainBroken(failure(row.kind, int(row.position), row.detail))
