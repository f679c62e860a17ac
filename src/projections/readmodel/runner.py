"""Catch-up and rebuild: one code path. Read the log after the lowest tracked position,
apply each event to every projection still behind it, and commit the rows together with
each projection's new position: exactly once, in batches (ADR 0005). The hash chain
advances in the same transaction, with its own tracked position (ADR 0007).

Every projection transaction takes the read model's lock before it reads the tracking rows,
so no other runner, in this process or another, moves them between that read and the update;
a rebuild holds the lock for the whole of its one transaction (ADR 0015)."""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import Notification
from sqlalchemy import Connection, Engine, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from domain.application import Begroting
from domain.events import Event
from projections.audit import chain, seals, verification
from projections.readmodel.projectors import PROJECTIONS, Projection
from projections.readmodel.runner_errors import ReadModelBrokenError as ReadModelBrokenError
from projections.readmodel.runner_errors import ReadModelBusyError as ReadModelBusyError
from projections.store import schema
from projections.store.database import LOCK_WAIT_SECONDS, is_lock_timeout
from projections.store.writer import RowWriter

BATCH_SIZE = 5000
# On PostgreSQL, a table this runner has written this many rows to, and at least as many
# as when it last analysed it, is analysed before a report is sealed from it (ADR 0014).
ANALYZE_AFTER_ROWS = 1000
# A batch that fails this often in a row while no other process moves the tracked positions
# is not a race we lost but an error that will recur: raise it.
MAX_STALLED_ATTEMPTS = 3
# How long a catch-up or a rebuild waits for the read model's lock by default: a rebuild of
# 10^5 events holds it for about ten seconds (ADR 0015).
LOCK_TIMEOUT = float(LOCK_WAIT_SECONDS)
VACUUM_LOCK_TIMEOUT_MS = 1000


class ProjectionRunner:
    def __init__(
        self,
        app: Begroting,
        engine: Engine,
        projections: Sequence[Projection] = PROJECTIONS,
        batch_size: int = BATCH_SIZE,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        self.app = app
        self.engine = engine
        self.projections = tuple(projections)
        self.batch_size = batch_size
        self.lock_timeout = lock_timeout
        # Threads of one process take turns; other processes wait for the database's lock.
        self._lock = threading.Lock()
        self._wait = lock_timeout  # this turn's wait for the database's lock (under _lock)
        self._by_type: dict[type[Event], tuple[Projection, ...]] = {}
        self._digester = chain.Digester()
        self._written: Counter[str] = Counter()  # rows this runner wrote, per table
        self._analyzed: Counter[str] = Counter()  # ... as they stood at its last ANALYZE
        self._generation = 0

    @property
    def generation(self) -> int:
        """How many times this runner has started or finished a rebuild: odd while one runs.
        What is kept from the read model (a rendered report) is kept per generation."""
        return self._generation

    def positions(self, connection: Connection | None = None) -> dict[str, int]:
        """Each projection's tracked position; one never tracked is at 0."""
        if connection is not None:
            tracked = self._tracked(connection)
        else:
            with self.engine.connect() as conn:
                tracked = self._tracked(conn)
        return {p.name: tracked.get(p.name, 0) for p in self.projections}

    def position(self) -> int:
        """The log position every projection, and the hash chain, has reached."""
        with self.engine.connect() as conn:
            tracked = self._tracked(conn)
        reached = [tracked.get(p.name, 0) for p in self.projections]
        return min([*reached, tracked.get(chain.TRACKING_NAME, 0)])

    def catch_up(self, wait: float | None = None) -> int:
        """Apply every event recorded since the tracked positions. Returns the position.
        Waits at most `wait` seconds (default `lock_timeout`) for another runner's
        transaction, else raises ReadModelBusyError."""
        # Nothing new: no lock. Positions only grow where others can see them (a rebuild
        # shows its work only when it commits), so this answer stays true.
        reached = self.position()
        if reached >= (self.app.recorder.max_notification_id() or 0):
            return reached
        wait = self.lock_timeout if wait is None else wait
        if not self._lock.acquire(timeout=wait):
            raise ReadModelBusyError(f"another thread kept the read model for more than {wait:g} s")
        try:
            self._wait = wait
            with verification.recording_breaks(self.engine, "catch-up"):
                return self._catch_up()
        finally:
            self._lock.release()

    def _catch_up(self) -> int:
        stalled = 0
        while True:
            # The positions this attempt started from, read inside its own transaction: a
            # catch-up with nothing new costs one connection and two short reads (ADR 0013).
            before: dict[str, int] = {}
            try:
                reached = self._apply_batch(before)
                if reached is not None:
                    return reached
                stalled = 0
            except (IntegrityError, OperationalError) as error:
                # Another process may have applied the same batch first: its commit wins, ours
                # rolled back whole, and we go on from the positions it reached.
                if before and self.positions() != before:
                    stalled = 0
                    continue
                stalled += 1
                if stalled < MAX_STALLED_ATTEMPTS:
                    time.sleep(0.05 * stalled)
                    continue
                if isinstance(error, IntegrityError):
                    # Under the lock no other runner wrote these rows: the read model holds
                    # rows its tracking does not account for.
                    start = min(before.values(), default=0) + 1
                    raise ReadModelBrokenError(
                        f"the read model cannot catch up from log position {start}: its rows "
                        f"disagree with its tracked positions; run `begroting rebuild`"
                    ) from error
                raise

    def wait_for(self, position: int, timeout: float = 10.0) -> int:
        """Catch up until `position` is reached or `timeout` seconds pass; the position
        reached. While another runner holds the read model, the position it has committed."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                reached = self.catch_up(wait=max(0.0, deadline - time.monotonic()))
            except ReadModelBusyError:
                reached = self.position()
            if reached >= position or time.monotonic() >= deadline:
                return reached
            time.sleep(0.05)

    def rebuild(self, names: Sequence[str] | None = None, wait: float | None = None) -> int:
        """Empty the chosen projections (all by default) and their tracking and apply the
        whole log again, in one transaction under the read model's lock: readers see the old
        read model until it commits, and a failed rebuild leaves it as it was. It does not
        read the old rows, so it mends any state they are in. Returns the position."""
        wanted = {p.name for p in self.projections} if names is None else set(names)
        chosen = [
            p for p in self.projections if p.name in wanted or wanted.intersection(p.derived_from)
        ]
        wait = self.lock_timeout if wait is None else wait
        if not self._lock.acquire(timeout=wait):  # another thread's catch-up or rebuild
            raise ReadModelBusyError(f"another thread kept the read model for more than {wait:g} s")
        try:
            with verification.recording_breaks(self.engine, "rebuild"):
                self._generation += 1
                try:
                    self._wait = wait
                    with self._transaction(None) as conn:
                        # DELETE, not TRUNCATE, on PostgreSQL too: TRUNCATE's ACCESS EXCLUSIVE
                        # lock would block every reader until the rebuild commits (ADR 0015).
                        for table in (t for projection in chosen for t in projection.tables):
                            conn.execute(delete(table))
                        conn.execute(
                            delete(schema.tracking).where(
                                schema.tracking.c.projection.in_([p.name for p in chosen])
                            )
                        )
                        while (reached := self._apply_batch({}, conn)) is None:
                            pass
                    self._vacuum([t for projection in chosen for t in projection.tables])
                    return reached
                finally:
                    self._generation += 1
        finally:
            self._lock.release()

    def _vacuum(self, tables: Sequence[Table]) -> None:
        """PostgreSQL: make the rows a rebuild deleted reusable space at once (autovacuum may
        be slow or off), so repeated rebuilds do not grow the tables. VACUUM blocks neither
        readers nor writers; it is skipped if another VACUUM or ANALYZE holds a table.
        SQLite: the rebuild's one transaction grew the write-ahead log to the size of the
        read model; copy it into the database and empty it (ADR 0038), waiting a moment at
        most for a reader of an older state (if one stays, journal_size_limit cuts the log
        at a later write)."""
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as conn:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {VACUUM_LOCK_TIMEOUT_MS}")
                try:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout = {LOCK_WAIT_SECONDS * 1000}")
            return
        if not tables:
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            preparer = conn.dialect.identifier_preparer
            conn.exec_driver_sql(f"SET lock_timeout = {VACUUM_LOCK_TIMEOUT_MS}")
            try:
                conn.exec_driver_sql(
                    "VACUUM " + ", ".join(preparer.format_table(t) for t in tables)
                )
            except OperationalError as error:
                if not is_lock_timeout(error):
                    raise
            finally:
                conn.exec_driver_sql("RESET lock_timeout")  # the connection returns to the pool

    @contextmanager
    def _transaction(self, within: Connection | None) -> Iterator[Connection]:
        """The projection transaction: `within` a rebuild's, or one of its own that first
        takes the read model's lock, waiting at most `self._wait` seconds. PostgreSQL: a
        self-conflicting lock on the tracking table, which plain reads do not wait for;
        SQLite: BEGIN IMMEDIATE, its one write lock (the driver would begin only at the
        first write, after the tracking read)."""
        if within is not None:
            yield within
            return
        with self.engine.begin() as conn:
            try:
                if conn.dialect.name == "postgresql":
                    table = conn.dialect.identifier_preparer.format_table(schema.tracking)
                    conn.exec_driver_sql(
                        f"SET LOCAL lock_timeout = {max(1, int(self._wait * 1000))}"
                    )
                    conn.exec_driver_sql(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
                    conn.exec_driver_sql("SET LOCAL lock_timeout = DEFAULT")
                else:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(self._wait * 1000)}")
                    try:
                        conn.exec_driver_sql("BEGIN IMMEDIATE")
                    finally:
                        conn.exec_driver_sql(f"PRAGMA busy_timeout = {LOCK_WAIT_SECONDS * 1000}")
            except OperationalError as error:
                if not is_lock_timeout(error):
                    raise
                raise ReadModelBusyError(
                    f"another runner (a rebuild?) kept the read model for more than "
                    f"{self._wait:g} s"
                ) from error
            yield conn

    def _apply_batch(self, before: dict[str, int], within: Connection | None = None) -> int | None:
        """Apply one batch and return None, or return the position reached when there is
        nothing to apply. `before` receives the projections' positions the batch read. The
        batch is a transaction of its own, or part of `within` (a rebuild's)."""
        with self._transaction(within) as conn:
            tracked = self._tracked(conn)
            positions = {p.name: tracked.get(p.name, 0) for p in self.projections}
            before.update(positions)
            chained = tracked.get(chain.TRACKING_NAME, 0)
            reached = min([*positions.values(), chained])
            notifications = chain.select_notifications(self.app, conn, reached + 1, self.batch_size)
            if not notifications:
                return reached
            rows: dict[Table, list[dict[str, Any]]] = defaultdict(list)
            chained_now: list[tuple[Notification, bytes]] = []
            replayed: list[tuple[Notification, bytes]] = []  # chained before: checked again
            published: list[tuple[str, int]] = []
            # Projections behind the whole batch take every event; one whose position falls
            # inside it (the others were rebuilt) takes only the events after its position.
            after = {
                p.name: positions[p.name]
                for p in self.projections
                if positions[p.name] >= notifications[0].id
            }
            app = self.app
            digester = self._digester
            for notification in notifications:
                position = notification.id
                domain_event = chain.decode(app, notification)  # ChainBroken if unreadable
                if position > chained:
                    # The chain covers every stored event, as the mapper stored it.
                    chained_now.append((notification, digester.digest(notification, domain_event)))
                    report_id = seals.published_report(domain_event)
                    if report_id is not None:
                        published.append((report_id, position))
                else:
                    replayed.append((notification, digester.digest(notification, domain_event)))
                if not isinstance(domain_event, Event):
                    continue
                for projection in self._readers(type(domain_event)):
                    if after and position <= after.get(projection.name, 0):
                        continue
                    for table, row in projection.rows(domain_event, position, notification.state):
                        rows[table].append(row)
            writer = RowWriter(conn)
            self._write(writer, rows)
            # Then the rows derived from those rows (ADR 0034): each projection from its own
            # position, so one rebuilt alone reads the rows the others hold already.
            derived: dict[Table, list[dict[str, Any]]] = defaultdict(list)
            for projection in self.projections:
                start = max(positions[projection.name], notifications[0].id - 1)
                for table, row in projection.batch_rows(conn, start, notifications[-1].id):
                    derived[table].append(row)
            self._write(writer, derived)
            last = notifications[-1].id
            # After the projections' rows, so a newly chained report renders from them.
            head = chain.advance(writer, chained_now)
            verification.after_advance(conn, chained, chained_now, replayed, head)  # ADR 0017
            if published and conn.dialect.name == "postgresql":
                self._refresh_statistics(conn, seals.SEAL_READS)
            seals.seal_reports(conn, published)
            names = [*(p.name for p in self.projections), chain.TRACKING_NAME]
            new = [{"projection": n, "position": last} for n in names if n not in tracked]
            if new:
                conn.execute(insert(schema.tracking), new)
            if len(new) < len(names):
                # A projection already past this batch (the others were rebuilt) stays put.
                conn.execute(
                    update(schema.tracking)
                    .where(
                        schema.tracking.c.projection.in_([n for n in names if n in tracked]),
                        schema.tracking.c.position < last,
                    )
                    .values(position=last)
                )
            return None

    def _write(self, writer: RowWriter, rows: dict[Table, list[dict[str, Any]]]) -> None:
        for table, table_rows in rows.items():
            writer.insert(table, table_rows)
            self._written[table.name] += len(table_rows)

    def _refresh_statistics(self, conn: Connection, tables: Sequence[Table]) -> None:
        """ANALYZE the tables that grew much since this runner last analysed them. A table
        filled from empty (a first catch-up, a new database) has no statistics until
        autovacuum comes by, and without them PostgreSQL renders a report through nested
        loops over the whole history: a seal then cost more than the rest of the catch-up.
        The threshold doubles with each ANALYZE, so a catch-up analyses each table a
        logarithmic number of times. ANALYZE sees this transaction's own rows."""
        stale = [
            table
            for table in tables
            if self._written[table.name] - self._analyzed[table.name]
            >= max(ANALYZE_AFTER_ROWS, self._analyzed[table.name])
        ]
        if not stale:
            return
        preparer = conn.dialect.identifier_preparer
        conn.exec_driver_sql("ANALYZE " + ", ".join(preparer.format_table(t) for t in stale))
        for table in stale:
            self._analyzed[table.name] = self._written[table.name]

    def _readers(self, event_type: type[Event]) -> tuple[Projection, ...]:
        """The projections that read events of this class, in their order."""
        readers = self._by_type.get(event_type)
        if readers is None:
            readers = self._by_type[event_type] = tuple(
                p for p in self.projections if issubclass(event_type, p.reads)
            )
        return readers

    @staticmethod
    def _tracked(conn: Connection) -> dict[str, int]:
        rows = conn.execute(select(schema.tracking.c.projection, schema.tracking.c.position))
        return {name: int(position) for name, position in rows}
