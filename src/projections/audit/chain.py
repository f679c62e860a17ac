"""Tamper evidence: a SHA-256 hash chain over the global event sequence (ADR 0007).

Each stored event gets an entry digest over its framed fields (position, identity, topic,
the three times, actor and the stored state bytes exactly as the mapper stored them) and a
link, SHA-256(previous link || entry digest), starting from 32 zero bytes. The runner
advances the chain in the same transaction as the projections and its tracking position;
the links and the report seals are append-only, like the log. `chain_verify` recomputes
the chain from the log and names the first position that fails and how; `seals` seals the
reports.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import TopicError
from sqlalchemy import Connection, select, text

from domain.events import Event
from projections.audit.verdicts import ChainBroken as ChainBroken
from projections.audit.verdicts import ChainIntact as ChainIntact
from projections.audit.verdicts import ChainTampered as ChainTampered
from projections.audit.verdicts import Verdict as Verdict
from projections.audit.verdicts import failure as failure
from projections.store import schema
from projections.store.database import stored_events
from projections.store.writer import RowWriter

if TYPE_CHECKING:
    from domain.application import Begroting

FORMAT = b"begroting-chain-v1"
GENESIS = bytes(32)
TRACKING_NAME = "chain"  # the chain's row in projection_tracking
_LENGTH = struct.Struct(">I").pack  # a frame's 4-byte unsigned big-endian length
_FORMAT_FRAME = _LENGTH(len(FORMAT)) + FORMAT


# -- the format ------------------------------------------------------------------------


def utc_text(moment: datetime) -> str:
    """A moment as the chain frames it: UTC, microseconds, a Z (2019-05-08T10:00:00.000000Z)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def originator_hex(value: UUID | str) -> str:
    return value.hex if isinstance(value, UUID) else str(value)


@dataclass(frozen=True)
class Entry:
    """One stored event as the chain sees it. The decoded fields are empty strings when the
    stored state cannot be decoded (which only tampering produces)."""

    position: int
    originator_id: str
    originator_version: int
    topic: str
    known_at: str
    recorded_at: str
    period_first: str
    period_last: str
    quarter: str
    actor: str
    state: bytes
    # Why the stored row cannot be what the runner chained (a NULL, text for bytes, a state
    # that does not decode): None for a sound row. Not framed; `verify` reports it.
    problem: str | None = None

    def frames(self) -> bytes:
        return frames(
            self.position,
            self.originator_id,
            self.originator_version,
            self.topic,
            self.known_at,
            self.recorded_at,
            self.period_first,
            self.period_last,
            self.quarter,
            self.actor,
            self.state,
        )

    def digest(self) -> bytes:
        return hashlib.sha256(self.frames()).digest()

    @property
    def identity(self) -> tuple[str, int]:
        return self.originator_id, self.originator_version


def frames(
    position: int,
    originator_id: str,
    originator_version: int,
    topic: str,
    known_at: str,
    recorded_at: str,
    period_first: str,
    period_last: str,
    quarter: str,
    actor: str,
    state: bytes,
) -> bytes:
    """The entry's 12 frames, each a 4-byte big-endian length and its bytes (ADR 0007)."""
    fields = (
        str(position).encode(),
        originator_id.encode(),
        str(originator_version).encode(),
        topic.encode(),
        known_at.encode(),
        recorded_at.encode(),
        period_first.encode(),
        period_last.encode(),
        quarter.encode(),
        actor.encode(),
        state,
    )
    parts = [_FORMAT_FRAME]
    for field in fields:
        parts.append(_LENGTH(len(field)))
        parts.append(field)
    return b"".join(parts)


def link(previous: bytes, digest: bytes) -> bytes:
    return hashlib.sha256(previous + digest).digest()


def entry_for(notification: Notification, event: object | None) -> Entry:
    """The chain's view of a notification; `event` is its decoded domain event, if any."""
    known_at = recorded_at = first = last = quarter = actor = ""
    if isinstance(event, Event):
        meta = event.meta
        known_at, recorded_at = utc_text(meta.known_at), utc_text(event.timestamp)
        first, last = str(meta.period.first_year), str(meta.period.last_year)
        quarter = "" if meta.period.quarter is None else str(meta.period.quarter)
        actor = meta.actor
    return Entry(
        position=notification.id,
        originator_id=originator_hex(notification.originator_id),
        originator_version=notification.originator_version,
        topic=notification.topic,
        known_at=known_at,
        recorded_at=recorded_at,
        period_first=first,
        period_last=last,
        quarter=quarter,
        actor=actor,
        state=notification.state,
    )


def _kind_of(value: object) -> str:
    if value is None:
        return "NULL"
    return {str: "text", int: "an integer", float: "a real number"}.get(
        type(value), type(value).__name__
    )


def row_problem(notification: Notification) -> str | None:
    """What makes a stored row something the recorder never wrote: a NULL or a value of
    another type in one of its columns (SQLite keeps whatever it is given). None if sound."""
    originator_id = notification.originator_id
    if isinstance(originator_id, str):
        if _uuid(originator_id) is None:
            return f"its originator_id {originator_id!r} is not a UUID"
    elif not isinstance(originator_id, UUID):
        return f"its originator_id is {_kind_of(originator_id)}, not a UUID"
    version = notification.originator_version
    if not isinstance(version, int) or isinstance(version, bool):
        return f"its originator_version is {_kind_of(version)}, not a whole number"
    if not isinstance(notification.topic, str):
        return f"its topic is {_kind_of(notification.topic)}, not text"
    if not isinstance(notification.state, bytes | bytearray | memoryview):
        return f"its state is {_kind_of(notification.state)}, not bytes"
    return None


def _uuid(value: object) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


def decode_problem(error: BaseException) -> str:
    """Why the mapper could not decode a stored event, in a sentence."""
    if isinstance(error, TopicError):
        return f"its topic names no class ({error})"
    cause = error.__cause__ or error
    if isinstance(cause, UnicodeDecodeError):
        return f"its state is not UTF-8 text ({cause.reason} at byte {cause.start})"
    if isinstance(cause, json.JSONDecodeError):
        return f"its state is not valid JSON ({cause.msg} at character {cause.pos})"
    return f"its state does not decode ({type(cause).__name__}: {cause})"


def _as_bytes(value: object) -> bytes:
    """The stored state as bytes for framing, whatever the column held."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    if value is None:
        return b""
    return str(value).encode("utf-8", "surrogatepass")


def decoded_entry(app: Begroting, notification: Notification) -> Entry:
    """Decode with the application's mapper. A stored row that cannot be decoded, or holds
    what the recorder never writes, still gets an entry: its `problem` says why, and its
    digest (frames 6 to 11 empty) differs from the chained one. Never raises."""
    problem = row_problem(notification)
    event: object | None = None
    if problem is None:
        try:
            event = app.mapper.to_domain_event(notification)
        except Exception as error:  # only tampering produces an undecodable stored event
            problem = decode_problem(error)
        else:
            if not isinstance(event, Event):
                problem = f"its topic names {type(event).__name__}, not an event of the ledger"
    originator_id = notification.originator_id
    version = notification.originator_version
    sound = Notification(
        id=notification.id,
        originator_id=originator_id if isinstance(originator_id, UUID | str) else "",
        originator_version=version if isinstance(version, int) else -1,
        topic=notification.topic if isinstance(notification.topic, str) else "",
        state=_as_bytes(notification.state),
    )
    entry = entry_for(sound, event)
    return entry if problem is None else replace(entry, problem=problem)


def decode(app: Begroting, notification: Notification) -> object:
    """The runner's decoding: the domain event, or `ChainBroken` naming the stored row that
    the runner cannot read (a NULL, text for bytes, a state or topic that does not decode)."""
    problem = row_problem(notification)
    if problem is None:
        try:
            return app.mapper.to_domain_event(notification)
        except Exception as error:
            problem = decode_problem(error)
    raise ChainBroken(unreadable(notification.id, problem))


def unreadable(position: int, problem: str) -> Verdict:
    return failure(
        "changed", position, f"the event at position {position} cannot be read: {problem}"
    )


def select_notifications(
    app: Begroting, conn: Connection, start: int, limit: int
) -> list[Notification]:
    """The recorder's `select_notifications`, or, where the recorder fails on a tampered row
    (a NULL originator_id on SQLite), the same rows read as they are, for the caller to
    judge them one by one."""
    try:
        return list(app.recorder.select_notifications(start=start, limit=limit))
    except (TypeError, ValueError):
        # What the recorder's decoding raises on a malformed row: UUID() of a NULL (TypeError)
        # or of text that is no UUID (ValueError), bytes() of a NULL state (TypeError). A
        # database error is not one of these: it is raised, not read around.
        table, position = stored_events(conn.dialect.name)
        rows = conn.execute(
            text(
                f"SELECT {position} AS id, originator_id, originator_version, topic, state "  # noqa: S608 - our names
                f"FROM {table} WHERE {position} >= :start ORDER BY {position} LIMIT :limit"
            ),
            {"start": start, "limit": limit},
        )
        return [
            Notification(
                id=int(row.id),
                # As the recorder gives it (a UUID) where the column holds one.
                originator_id=_uuid(row.originator_id) or row.originator_id,
                originator_version=row.originator_version,
                topic=row.topic,
                state=row.state,
            )
            for row in rows
        ]


# -- advancing the chain (called by the runner inside its batch transaction) ------------


def last_link(conn: Connection) -> bytes:
    row = conn.execute(
        select(schema.chain_links.c.link).order_by(schema.chain_links.c.position.desc()).limit(1)
    ).first()
    return GENESIS if row is None else bytes.fromhex(row.link)


class Digester:
    """The runner's way to an entry's digest: the same frames as `entry_for(...).digest()`
    without building the Entry, and each distinct known_at framed once (a command's events,
    and an import's, share it; the text depends only on the instant)."""

    def __init__(self) -> None:
        self._known: dict[datetime, str] = {}

    def digest(self, notification: Notification, event: object | None) -> bytes:
        if not isinstance(event, Event):
            return entry_for(notification, event).digest()
        meta = event.meta
        period = meta.period
        known_at = self._known.get(meta.known_at)
        if known_at is None:
            if len(self._known) >= 4096:
                self._known.clear()
            known_at = self._known[meta.known_at] = utc_text(meta.known_at)
        entry = frames(
            notification.id,
            originator_hex(notification.originator_id),
            notification.originator_version,
            notification.topic,
            known_at,
            utc_text(event.timestamp),
            str(period.first_year),
            str(period.last_year),
            "" if period.quarter is None else str(period.quarter),
            meta.actor,
            notification.state,
        )
        return hashlib.sha256(entry).digest()


def advance(writer: RowWriter, chained: Sequence[tuple[Notification, bytes]]) -> bytes:
    """Append one link per (notification, digest) after the chain's last link, in the
    writer's transaction; returns the new head."""
    previous = last_link(writer.conn)
    rows = []
    for notification, digest in chained:
        previous = link(previous, digest)
        rows.append(
            {
                "position": notification.id,
                "originator_id": originator_hex(notification.originator_id),
                "originator_version": notification.originator_version,
                "digest": digest.hex(),
                "link": previous.hex(),
            }
        )
    writer.insert(schema.chain_links, rows)
    return previous
