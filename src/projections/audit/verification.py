"""Verification that advances with the chain (ADR 0017).

`chain_verifications` keeps, append-only, each verification's result: up to which position
the chain is verified, its head there, when, by what, and the finding if it failed. The
latest row is the state of the log:
- a full verify (`begroting verify`, `GET /api/v1/audit/verify`, serve's start-up, the
  workspace's Audit page) appends its result, ok or broken;
- a ledger's reopening by the service that verified it in full (ADR 0032) appends the
  result of verifying the positions after the latest verified one, when it checked links;
- the runner's catch-up, chaining new events onto a verified prefix, appends the verified
  position it reached (`extend`, in its batch transaction);
- a rebuild, re-reading chained events, compares them with their links and, on a break,
  appends the finding (`check_replayed`, `recording_breaks`).

What serves figures reads the latest row (`guard`: one indexed read, never the history) and
refuses while it records a break. A later full verify that passes clears it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from eventsourcing.persistence import Notification
from sqlalchemy import Connection, Engine, insert, select
from typing_extensions import TypedDict

from projections.audit import chain, chain_verify
from projections.audit.verdicts import BROKEN as BROKEN
from projections.audit.verdicts import OK as OK
from projections.audit.verdicts import guard as guard
from projections.audit.verdicts import latest as latest
from projections.queries import basis
from projections.store import schema

if TYPE_CHECKING:
    from domain.application import Begroting

# A log this long is verified at serve's start-up in a background thread (about 15 s per
# 10^6 events, ADR 0007); a shorter one before the service answers.
BACKGROUND_VERIFY_AFTER = 50_000
RETRY_AFTER_SECONDS = 300  # a break waits for an operator: ask clients back in minutes

log = logging.getLogger(__name__)


def _now() -> datetime:
    """`checked_at`: when the verification ran, a recording time like the log's
    recorded_at. Read from the wall clock: the catch-up and the rebuild that record it hold
    no clock (the runner is given none), and a time kept for operators, never compared with
    the domain's known_at, has no need of the application's."""
    return datetime.now(UTC)


def _verify_logged(app: Begroting, engine: Engine) -> None:
    """Serve's background verify: an error (SQLite busy during a rebuild, say) would be
    lost with the thread, so it is logged."""
    try:
        full_verify(app, engine, "start-up")
    except Exception:
        log.exception("the start-up verification of the hash chain failed")


class Verification(TypedDict):
    """The latest verification as the Audit page shows it: when, by what, the finding."""

    checked_at: datetime
    source: str  # verify, start-up, reopen, catch-up, rebuild, web
    status: str  # ok, broken
    verified_to: int
    head: str | None
    kind: str | None
    position: int | None
    detail: str | None


def last_verification(conn: Connection) -> Verification | None:
    """The latest verification with when and by what it ran (`latest` leaves those out)."""
    table = schema.chain_verifications
    row = conn.execute(select(table).order_by(table.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    return {
        "checked_at": row.checked_at,
        "source": row.source,
        "status": row.status,
        "verified_to": int(row.verified_to),
        "head": row.head,
        "kind": row.kind,
        "position": None if row.position is None else int(row.position),
        "detail": row.detail,
    }


def chain_tip(conn: Connection) -> tuple[int, str | None]:
    """The position of the last chained event and its link (0 and None before any)."""
    links = schema.chain_links
    row = conn.execute(
        select(links.c.position, links.c.link).order_by(links.c.position.desc()).limit(1)
    ).first()
    return (0, None) if row is None else (int(row.position), str(row.link))


def record(conn: Connection, verdict: chain.Verdict, source: str) -> None:
    """Append a verification's result. A broken chain is verified up to the position
    before its finding. A pass never moves the verified position back: a catch-up may have
    extended it past the head this verify read, from the same link at that head."""
    if verdict.ok:
        row = {"status": OK, "verified_to": verdict.position or 0, "head": verdict.head}
        last = latest(conn)
        if (
            last is not None
            and last.status == OK
            and int(last.verified_to) > (verdict.position or 0)
            and (basis.head_at(conn, verdict.position or 0) or chain.GENESIS.hex()) == verdict.head
        ):
            row = {"status": OK, "verified_to": int(last.verified_to), "head": last.head}
    else:
        row = {
            "status": BROKEN,
            "verified_to": max((verdict.position or 1) - 1, 0),
            "head": None,
            "kind": verdict.kind,
            "position": verdict.position,
            "detail": verdict.detail,
        }
    conn.execute(insert(schema.chain_verifications).values(checked_at=_now(), source=source, **row))


def full_verify(
    app: Begroting,
    engine: Engine,
    source: str = "verify",
    witnessed: Sequence[tuple[int, str, str]] = (),
) -> chain.Verdict:
    """Verify the whole log (ADR 0007), with the heads an auditor witnessed, and record the
    log's own verdict. A witnessed head the log lost is the caller's finding, returned but
    not recorded: one auditor's file does not turn off the figures for everyone."""
    with engine.connect() as conn:
        own, verdict = chain_verify.verify_witnessed(app, conn, witnessed)
    with engine.begin() as conn:
        record(conn, own, source)
    return verdict


def verify_at_start(app: Begroting, engine: Engine) -> threading.Thread | None:
    """Serve's start-up: a full verify, in a background thread for a large log (the
    thread is returned, for a test to join)."""
    size = app.recorder.max_notification_id() or 0
    if size <= BACKGROUND_VERIFY_AFTER:
        full_verify(app, engine, "start-up")
        return None
    thread = threading.Thread(
        target=_verify_logged, args=(app, engine), name="begroting-verify", daemon=True
    )
    thread.start()
    return thread


def verify_at_reopen(app: Begroting, engine: Engine) -> threading.Thread | None:
    """A ledger reopened by a service that verified its whole log at its first opening
    (ADR 0032): only the positions after the latest verified one, when that verification
    is ok and its link still stands; otherwise, or for a tail as long as a large log, the
    start-up verify. A finding is recorded, and so is a tail that verified links."""
    size = app.recorder.max_notification_id() or 0
    with engine.connect() as conn:
        last = latest(conn)
        if (
            last is None
            or last.status != OK
            or size - int(last.verified_to) > BACKGROUND_VERIFY_AFTER
            or (basis.head_at(conn, int(last.verified_to)) or chain.GENESIS.hex()) != last.head
        ):
            return verify_at_start(app, engine)
        verdict = chain_verify.verify_after(app, conn, int(last.verified_to), last.head)
    if not verdict.ok or verdict.count:
        with engine.begin() as conn:
            record(conn, verdict, "reopen")
    return None


# -- in the runner's batch -------------------------------------------------------------


def after_advance(
    conn: Connection,
    chained_before: int,
    chained_now: Sequence[tuple[Notification, bytes]],
    replayed: Sequence[tuple[Notification, bytes]],
    head: bytes,
) -> None:
    """The runner's one call after `chain.advance`: check the events it re-read against
    their links (a rebuild), then extend the verified position over the links it added."""
    check_replayed(conn, replayed)
    extend(conn, chained_before, [n for n, _ in chained_now], head)


def extend(
    conn: Connection, chained_before: int, chained: Sequence[Notification], head: bytes
) -> None:
    """After `chain.advance`: the links just added follow from the stored events this batch
    read; if they extend a verified prefix (the latest verification is ok, reaches the
    chain's position before the batch and names the link the batch chained from), the
    verified position moves to the batch's last link."""
    if not chained:
        return
    state = latest(conn)
    if state is None:
        if chained_before > 0:
            return  # a chain from before verification was kept: a full verify starts it
    elif state.status != OK or int(state.verified_to) != chained_before:
        return
    elif state.head != basis.head_at(conn, chained_before) and chained_before > 0:
        return  # the verified tip's link was rewritten since: only a full verify tells
    conn.execute(
        insert(schema.chain_verifications).values(
            checked_at=_now(),
            source="catch-up",
            status=OK,
            verified_to=chained[-1].id,
            head=head.hex(),
        )
    )


def check_replayed(conn: Connection, replayed: Sequence[tuple[Notification, bytes]]) -> None:
    """A rebuild re-reads events the chain holds: each must have the digest chained at its
    position, every link in the range must follow from the one before, and no chained
    position in the range may be gone. Raises `ChainBroken` on the first break."""
    if not replayed:
        return
    first, last = replayed[0][0].id, replayed[-1][0].id
    links = schema.chain_links
    stored = [
        chain_verify.StoredLink(
            int(row.position), row.originator_id, int(row.originator_version), row.digest, row.link
        )
        for row in conn.execute(
            select(links).where(links.c.position.between(first, last)).order_by(links.c.position)
        )
    ]
    before = basis.head_at(conn, first - 1)
    previous = bytes.fromhex(before) if before else chain.GENESIS
    sha256 = hashlib.sha256
    if len(stored) == len(replayed):
        # The usual case, fast: the same positions, each the chained digest, each link
        # following from the one before. Anything else is judged below, in full.
        for (notification, digest), entry in zip(replayed, stored, strict=True):
            if notification.id != entry.position or digest.hex() != entry.digest:
                break
            previous = sha256(previous + digest).digest()
            if previous.hex() != entry.link:
                break
        else:
            return
    found = [
        chain_verify.Found(
            n.id, (chain.originator_hex(n.originator_id), n.originator_version), d.hex()
        )
        for n, d in replayed
    ]
    start = bytes.fromhex(before) if before else chain.GENESIS
    failures = [
        v
        for v in (chain_verify.compare_log(found, stored), chain_verify.check_links(stored, start))
        if v is not None
    ]
    if failures:
        raise chain.ChainBroken(min(failures, key=lambda v: v.position or 0))


@contextmanager
def recording_breaks(engine: Engine, source: str) -> Iterator[None]:
    """Around a catch-up or a rebuild: a `ChainBroken` it raises (its transaction rolled
    back) is recorded in a transaction of its own, unless the latest row records it
    already, then raised on."""
    try:
        yield
    except chain.ChainBroken as broken:
        with engine.begin() as conn:
            last = latest(conn)
            found = broken.verdict
            if last is None or (last.status, last.kind, last.position) != (
                BROKEN,
                found.kind,
                found.position,
            ):  # while a break stands, each write's catch-up finds it again: kept once
                record(conn, found, source)
        raise
