"""The bench's note of what ran beside a measured query (bench/pauses.py): a garbage
collection inside a repeat is counted for that repeat only, and SQLite has no autovacuum."""

from __future__ import annotations

import gc
import time

from sqlalchemy import create_engine

from bench.pauses import Pauses


def test_the_slowest_repeat_carries_the_collection_that_ran_within_it() -> None:
    engine = create_engine("sqlite://")
    gc.disable()  # no automatic collection beside the one asked for
    try:
        with engine.connect() as conn, Pauses() as pauses:
            started = time.perf_counter()
            ended = time.perf_counter()
            pauses.note("report as of now", started, ended, conn)
            started = time.perf_counter()
            gc.collect()
            time.sleep(0.01)
            ended = time.perf_counter()
            pauses.note("report as of now", started, ended, conn)
        gc.collect()  # after the watch: counted nowhere
    finally:
        gc.enable()

    slowest = pauses.slowest("report as of now")
    summary = pauses.summary()

    assert slowest["gc_generations"] == "2"
    assert 0 < slowest["gc_ms"] < slowest["ms"]
    assert "autovacuum_after" not in slowest
    assert summary["gen2"].startswith("1 in ")
    assert summary["repeats_with_autovacuum_after"] == 0
