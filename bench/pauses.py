"""What else ran while a query was measured (issue 14): a slow answer in 30 is the p99, and
the idle 10^6 run had one on PostgreSQL (517 ms against a p50 of 20) that nobody could
explain afterwards. So the query measures note, for each repeat, Python's garbage
collections that overlapped it (`gc.callbacks`, in this process) and, on PostgreSQL, the
autovacuum workers at work in the database right after it (`pg_stat_activity`, sampled
between repeats, outside the timing). The slowest repeat of each query and basis is
written with them (`slowest ...` keys)."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

AUTOVACUUM = text(
    "SELECT query FROM pg_stat_activity "
    "WHERE backend_type = 'autovacuum worker' AND datname = current_database() "
    "ORDER BY query"
)


@dataclass
class Repeat:
    started: float
    ended: float
    autovacuum: tuple[str, ...]


@dataclass
class Pauses:
    """Garbage collections (perf_counter start, end, generation) and repeats, by case."""

    collections: list[tuple[float, float, int]] = field(default_factory=list)
    repeats: dict[str, list[Repeat]] = field(default_factory=dict)
    _started: float | None = None

    def _collected(self, phase: str, info: dict[str, Any]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._started = now
        elif self._started is not None:
            self.collections.append((self._started, now, int(info["generation"])))
            self._started = None

    def __enter__(self) -> Pauses:
        gc.callbacks.append(self._collected)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._collected)

    def note(self, case: str, started: float, ended: float, conn: Connection) -> None:
        """One repeat of `case`, and the autovacuum workers at work right after it."""
        workers: tuple[str, ...] = ()
        if conn.dialect.name == "postgresql":
            workers = tuple(str(query) for query in conn.execute(AUTOVACUUM).scalars())
        self.repeats.setdefault(case, []).append(Repeat(started, ended, workers))

    def slowest(self, case: str) -> dict[str, Any]:
        """The slowest repeat of `case`: its time, the collections within it and the
        autovacuum workers seen right after it."""
        repeat = max(self.repeats[case], key=lambda r: r.ended - r.started)
        within = [
            (min(end, repeat.ended) - max(start, repeat.started), generation)
            for start, end, generation in self.collections
            if start < repeat.ended and end > repeat.started
        ]
        found: dict[str, Any] = {
            "ms": round((repeat.ended - repeat.started) * 1000, 2),
            "gc_ms": round(sum(spent for spent, _ in within) * 1000, 2),
            "gc_generations": " ".join(str(g) for _, g in within) or "none",
        }
        if repeat.autovacuum or any(r.autovacuum for r in self.repeats[case]):
            found["autovacuum_after"] = "; ".join(repeat.autovacuum) or "none"
        return found

    def summary(self) -> dict[str, Any]:
        """The collections within a repeat (not the naive replays'), by generation: how
        many, ms in all, the longest; and the repeats after which an autovacuum worker was
        at work."""
        repeats = [r for repeats in self.repeats.values() for r in repeats]
        within = [
            (start, end, g)
            for start, end, g in self.collections
            if any(start < r.ended and end > r.started for r in repeats)
        ]
        found: dict[str, Any] = {}
        for generation in (0, 1, 2):
            spent = [end - start for start, end, g in within if g == generation]
            found[f"gen{generation}"] = (
                f"{len(spent)} in {sum(spent) * 1000:.1f} ms, longest "
                f"{max(spent, default=0) * 1000:.1f} ms"
            )
        found["repeats_with_autovacuum_after"] = sum(1 for r in repeats if r.autovacuum)
        return found
