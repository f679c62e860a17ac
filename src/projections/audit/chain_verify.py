"""Verifying the log against the hash chain (ADR 0007): recompute the chain from the stored
events and compare it with the stored links, the report seals and the heads an auditor
witnessed; the first position that fails, and how."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, select

from domain.application import Begroting
from projections.audit import standalone_verify
from projections.audit.chain import (
    GENESIS,
    Entry,
    Verdict,
    decoded_entry,
    failure,
    link,
    select_notifications,
    unreadable,
)
from projections.store import schema

READ_BATCH = 2000


@dataclass(frozen=True)
class StoredLink:
    position: int
    originator_id: str
    originator_version: int
    digest: str
    link: str

    @property
    def identity(self) -> tuple[str, int]:
        return self.originator_id, self.originator_version


def log_entries(app: Begroting, conn: Connection | None = None, start: int = 1) -> Iterator[Entry]:
    """Every stored event from position `start` (the start of the log), in position order.
    With `conn`, rows the recorder cannot read are read as they are (`select_notifications`)."""
    while True:
        if conn is None:
            batch = app.recorder.select_notifications(start=start, limit=READ_BATCH)
        else:
            batch = select_notifications(app, conn, start, READ_BATCH)
        if not batch:
            return
        for notification in batch:
            yield decoded_entry(app, notification)
        start = batch[-1].id + 1


def stored_links(conn: Connection, after: int = 0) -> list[StoredLink]:
    links = schema.chain_links
    rows = conn.execute(select(links).where(links.c.position > after).order_by(links.c.position))
    return [
        StoredLink(
            int(row.position),
            row.originator_id,
            int(row.originator_version),
            row.digest,
            row.link,
        )
        for row in rows
    ]


def recompute(entries: Iterable[Entry]) -> list[tuple[int, str, str]]:
    """(position, digest, link) for each entry from the genesis: the chain from zero."""
    previous, links = GENESIS, []
    for entry in entries:
        digest = entry.digest()
        previous = link(previous, digest)
        links.append((entry.position, digest.hex(), previous.hex()))
    return links


@dataclass(frozen=True)
class Found:
    """What verification keeps of each stored event: not its state, only its digest."""

    position: int
    identity: tuple[str, int]
    digest: str


def compare_log(entries: list[Found], stored: list[StoredLink]) -> Verdict | None:
    """The first position where the log and the stored links disagree, and how."""
    by_identity = {s.identity: s.position for s in stored}
    at_stored = {s.position: s for s in stored}
    actual = {e.position: e for e in entries}
    chained_to = stored[-1].position if stored else 0
    for position in sorted(set(at_stored) | {p for p in actual if p <= chained_to}):
        expected, found = at_stored.get(position), actual.get(position)
        if found is None:
            if expected is None:  # not reached: each position iterated is stored or found
                continue
            moved = next((e.position for e in entries if e.identity == expected.identity), None)
            if moved is not None:
                return failure(
                    "reordered",
                    position,
                    f"the event chained at position {position} now stands at {moved}",
                )
            return failure("missing", position, f"the event chained at position {position} is gone")
        if expected is None:
            elsewhere = by_identity.get(found.identity)
            if elsewhere is not None:
                return failure(
                    "reordered",
                    position,
                    f"position {position} holds the event chained at position {elsewhere}",
                )
            return failure(
                "inserted", position, f"position {position} holds an event that was never chained"
            )
        if found.digest == expected.digest:
            continue
        if found.identity == expected.identity:
            return failure(
                "changed",
                position,
                f"the event at position {position} differs from the one chained there",
            )
        elsewhere = by_identity.get(found.identity)
        if elsewhere is not None:
            return failure(
                "reordered",
                position,
                f"position {position} holds the event chained at position {elsewhere}",
            )
        return failure(
            "inserted", position, f"position {position} holds an event that was never chained"
        )
    return None


def check_links(stored: Sequence[StoredLink], previous: bytes = GENESIS) -> Verdict | None:
    """The stored links must themselves chain: each follows from the one before, the first
    from `previous` (the genesis, for links from position 1)."""
    for entry in stored:
        expected = link(previous, bytes.fromhex(entry.digest))
        if expected.hex() != entry.link:
            return failure(
                "changed",
                entry.position,
                f"the stored link at position {entry.position} does not follow from the one "
                "before it",
            )
        previous = expected
    return None


def verify(
    app: Begroting, conn: Connection, witnessed: Sequence[tuple[int, str, str]] = ()
) -> Verdict:
    """The log's verdict with the witnessed heads (see `verify_witnessed`)."""
    return verify_witnessed(app, conn, witnessed)[1]


def verify_witnessed(
    app: Begroting, conn: Connection, witnessed: Sequence[tuple[int, str, str]] = ()
) -> tuple[Verdict, Verdict]:
    """Recompute the chain from the log; check it against the stored links, every
    report's sealed head and the heads an auditor witnessed earlier ((position, head,
    seen), `standalone_verify.read_witness`). The first failing position wins; ok names
    the head. Returns the log's own verdict (links and seals) and the verdict with the
    witnessed heads as well: one pass over the log for both."""
    own, failures, recomputed, last_position = _verify(app, conn, 0, GENESIS)
    lost = standalone_verify.witness_failure(list(witnessed), recomputed, last_position)
    if lost is None:
        return own, own
    return own, min([*failures, failure(*lost)], key=lambda v: v.position or 0)


def verify_after(app: Begroting, conn: Connection, verified_to: int, head: str) -> Verdict:
    """The log after position `verified_to`, whose link `head` a verification recorded:
    the events after it against their stored links, the links chaining on from `head`,
    the seals after it. What stands at or before `verified_to` is taken as verified: only
    a full verify (`verify`) checks it again (ADR 0032)."""
    return _verify(app, conn, verified_to, bytes.fromhex(head))[0]


def _verify(
    app: Begroting, conn: Connection, after: int, previous: bytes
) -> tuple[Verdict, list[Verdict], dict[int, str], int]:
    """The log's verdict over the positions after `after` (whose link is `previous`), its
    findings, the link recomputed at each position and the last position read.

    The stored links and seals are read before the log: a catch-up that chains events
    meanwhile then only adds events after the last link read (unchained here), never a
    link or seal whose event this read of the log would lack."""
    stored = stored_links(conn, after)
    report_seals = schema.report_seals
    seals = list(
        conn.execute(
            select(report_seals)
            .where(report_seals.c.position > after)
            .order_by(report_seals.c.position)
        )
    )
    entries: list[Found] = []
    recomputed: dict[int, str] = {}
    start = previous
    unsound: Verdict | None = None  # the first stored row that is not what was recorded
    for entry in log_entries(app, conn, after + 1):
        digest = entry.digest()
        previous = link(previous, digest)
        entries.append(Found(entry.position, entry.identity, digest.hex()))
        recomputed[entry.position] = previous.hex()
        if entry.problem is not None and unsound is None:
            unsound = unreadable(entry.position, entry.problem)
    # A malformed row comes first among findings at the same position: it says more.
    failures = [v for v in (unsound, compare_log(entries, stored), check_links(stored, start)) if v]
    checked = 0
    for seal in seals:
        checked += 1
        if recomputed.get(int(seal.position)) != seal.chain_head:
            failures.append(
                failure(
                    "changed",
                    int(seal.position),
                    f"report {seal.report_id!r} was published with chain head "
                    f"{seal.chain_head}, which the log does not give at position "
                    f"{seal.position}",
                )
            )
    last_position = entries[-1].position if entries else after
    if failures:
        own = min(failures, key=lambda v: v.position or 0)
    else:
        chained_to = stored[-1].position if stored else after
        own = Verdict(
            True,
            "ok",
            chained_to,
            "the log verifies",
            stored[-1].link if stored else start.hex(),
            len(stored),
            checked,
            sum(1 for entry in entries if entry.position > chained_to),
        )
    return own, failures, recomputed, last_position
