"""Catch-up and rebuild: one code path. Read the log after the lowest tracked position,
apply each event to every projection still behind it, and commit the rows together with
each projection's new position: exactly once, in batches (ADR 0005). The hash chain
advances in the same transaction, with its own tracked position (ADR 0007)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from domain.application import Begroting
from domain.events import Event
from projections import chain, schema
from projections.projectors import PROJECTIONS, Projection

BATCH_SIZE = 2000
# A batch that fails this often in a row while no other process moves the tracked positions
# is not a race we lost but an error that will recur: raise it.
MAX_STALLED_ATTEMPTS = 3


class ProjectionRunner:
    def __init__(
        self,
        app: Begroting,
        engine: Engine,
        projections: Sequence[Projection] = PROJECTIONS,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.app = app
        self.engine = engine
        self.projections = tuple(projections)
        self.batch_size = batch_size
        # Threads of one process take turns; other processes race through the database.
        self._lock = threading.Lock()
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

    def catch_up(self) -> int:
        """Apply every event recorded since the tracked positions. Returns the position."""
        with self._lock:
            return self._catch_up()

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
            except (IntegrityError, OperationalError):
                # Another process may have applied the same batch first: its commit wins, ours
                # rolled back whole, and we go on from the positions it reached.
                if before and self.positions() != before:
                    stalled = 0
                    continue
                stalled += 1
                if stalled >= MAX_STALLED_ATTEMPTS:
                    raise
                time.sleep(0.05 * stalled)

    def wait_for(self, position: int, timeout: float = 10.0) -> int:
        deadline = time.monotonic() + timeout
        reached = self.catch_up()
        while reached < position and time.monotonic() < deadline:
            time.sleep(0.05)
            reached = self.catch_up()
        return reached

    def rebuild(self, names: Sequence[str] | None = None) -> int:
        """Truncate the chosen projections (all by default) and their tracking, then catch up."""
        chosen = [p for p in self.projections if names is None or p.name in names]
        with self._lock:
            self._generation += 1
            try:
                with self.engine.begin() as conn:
                    for projection in chosen:
                        for table in projection.tables:
                            conn.execute(delete(table))
                        conn.execute(
                            delete(schema.tracking).where(
                                schema.tracking.c.projection == projection.name
                            )
                        )
                return self._catch_up()
            finally:
                self._generation += 1

    def _apply_batch(self, before: dict[str, int]) -> int | None:
        """Apply one batch and return None, or return the position reached when there is
        nothing to apply. `before` receives the projections' positions the batch read."""
        with self.engine.begin() as conn:
            tracked = self._tracked(conn)
            positions = {p.name: tracked.get(p.name, 0) for p in self.projections}
            before.update(positions)
            chained = tracked.get(chain.TRACKING_NAME, 0)
            reached = min([*positions.values(), chained])
            notifications = self.app.recorder.select_notifications(
                start=reached + 1, limit=self.batch_size
            )
            if not notifications:
                return reached
            rows: dict[Table, list[dict[str, Any]]] = defaultdict(list)
            entries: list[chain.Entry] = []
            published: list[tuple[str, int]] = []
            for notification in notifications:
                domain_event = self.app.mapper.to_domain_event(notification)
                if notification.id > chained:
                    # The chain covers every stored event, as the mapper stored it.
                    entries.append(chain.entry_for(notification, domain_event))
                    report_id = chain.published_report(domain_event)
                    if report_id is not None:
                        published.append((report_id, notification.id))
                if not isinstance(domain_event, Event):
                    continue
                for projection in self.projections:
                    if notification.id <= positions[projection.name]:
                        continue
                    for table, row in projection.rows(
                        domain_event, notification.id, notification.state
                    ):
                        rows[table].append(row)
            for table, table_rows in rows.items():
                conn.execute(insert(table), table_rows)
            last = notifications[-1].id
            # After the projections' rows, so a newly chained report renders from them.
            chain.advance(conn, entries)
            chain.seal_reports(conn, published)
            for name in [*(p.name for p in self.projections), chain.TRACKING_NAME]:
                if name not in tracked:
                    conn.execute(insert(schema.tracking).values(projection=name, position=last))
                else:
                    # A projection already past this batch (the others were rebuilt) stays put.
                    conn.execute(
                        update(schema.tracking)
                        .where(
                            schema.tracking.c.projection == name,
                            schema.tracking.c.position < last,
                        )
                        .values(position=last)
                    )
            return None

    @staticmethod
    def _tracked(conn: Connection) -> dict[str, int]:
        rows = conn.execute(select(schema.tracking.c.projection, schema.tracking.c.position))
        return {name: int(position) for name, position in rows}
