"""Which aggregates the log holds, known without reading each one (ADR 0035).

A command that creates an aggregate first asks the store whether it exists: a read that
finds nothing, for a third of a go-live load's events, and on PostgreSQL a round trip that
was half of a batch's time. `KnownIds` is the set of every aggregate id in the log up to a
log position. A batch brings it to the log's end when it begins: one query for the log's
last position, and the events written since, which are normally none. An id that is not in
the set then does not exist as of the batch's start, the moment ADR 0012 reads everything
else of a batch as of; another writer that creates it later makes the batch's write fail.

It is kept only for a log it has seen from near its beginning: a ledger opened on a longer
history reads as before, rather than reading the whole log once (CATCH_UP_LIMIT).
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder

# The most events read to bring the set up to date; beyond it, the set is dropped.
CATCH_UP_LIMIT = 10_000
PAGE = 1_000


class KnownIds:
    def __init__(self) -> None:
        self.ids: set[UUID] | None = None  # None: not known (lookups read the store)
        self.position = 0  # the log position the set is complete up to
        self.dropped = False  # the log ran too far ahead once: read the store from then on

    def refresh(self, recorder: ApplicationRecorder) -> None:
        """Bring the set up to the log's end as of now."""
        if self.dropped:
            return
        end = recorder.max_notification_id() or 0
        if self.ids is None or end < self.position:  # first use, or a log that shrank
            self.ids, self.position = set(), 0
        if end - self.position > CATCH_UP_LIMIT:
            self.ids, self.dropped = None, True
            return
        while self.position < end:
            page = recorder.select_notifications(start=self.position + 1, limit=PAGE, stop=end)
            if not page:
                break
            self.ids.update(UUID(str(n.originator_id)) for n in page)
            self.position = page[-1].id
        self.position = end

    def absent(self, aggregate_id: UUID) -> bool:
        """Whether the log surely does not hold `aggregate_id` (as of the last refresh)."""
        return self.ids is not None and aggregate_id not in self.ids

    def written(self, ids: Iterable[UUID], first: int, last: int) -> None:
        """Our own write of `ids` at log positions `first` to `last`: taken in when nothing
        else was written since the set's position, otherwise the next refresh reads it."""
        if self.ids is not None and first == self.position + 1:
            self.ids.update(ids)
            self.position = last
