"""Profile the go-live load's write path (ADR 0035): record the synthetic history in
batches of 100 commands into a fresh SQLite file, as bench/run.py does, under cProfile.

    python -m bench.profile_writes --events 20000 --out /tmp/writes.prof [--single]
        [--schema NAME]

`--single` records one command per transaction instead; `--schema` records into a fresh
PostgreSQL schema of that name, dropped afterwards. Prints the rate and the top functions
by own and cumulative time; the profile is written for pstats.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from api.ledger import open_ledger
from bench.run import POSTGRES_URL
from bench.synthetic import Generator, Shape, SyntheticClock


def record(url: str, schema: str | None, events: int, batch_size: int) -> tuple[int, float]:
    """Record about `events` events, `batch_size` commands per transaction (1: one command
    per transaction); the events recorded and the seconds it took."""
    ledger = open_ledger(url, schema=schema, clock=SyntheticClock())
    try:
        steps = Generator(ledger.app, Shape.for_events(events)).commands()
        start, cpu = time.perf_counter(), time.process_time()
        if batch_size == 1:
            for _ in steps:
                pass
        else:
            done = False
            while not done:
                with ledger.app.batch() as batch:
                    done = True
                    for _ in steps:
                        if batch.commands >= batch_size:
                            done = False
                            break
        elapsed = time.perf_counter() - start
        print(f"cpu {time.process_time() - cpu:.2f} s")
        return ledger.app.recorder.max_notification_id() or 0, elapsed
    finally:
        ledger.close()


@contextmanager
def fresh(directory: Path, schema: str | None) -> Iterator[tuple[str, str | None]]:
    """A SQLite file in `directory`, or the PostgreSQL schema `schema` made and dropped."""
    if schema is None:
        yield f"sqlite:///{directory}/history.db", None
        return
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield POSTGRES_URL, schema
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--single", action="store_true", help="one command per transaction")
    parser.add_argument("--no-profile", action="store_true", help="time only")
    parser.add_argument("--out", type=Path, default=Path("/tmp/writes.prof"))
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--schema", help="a PostgreSQL schema to record into (dropped)")
    args = parser.parse_args()
    batch_size = 1 if args.single else 100
    with (
        tempfile.TemporaryDirectory(prefix="begroting-profile-") as directory,
        fresh(Path(directory), args.schema) as (url, schema),
    ):
        if args.no_profile:
            events, elapsed = record(url, schema, args.events, batch_size)
        else:
            profile = cProfile.Profile()
            events, elapsed = profile.runcall(record, url, schema, args.events, batch_size)
            profile.dump_stats(args.out)
    print(f"{events:,} events in {elapsed:.2f} s: {events / elapsed:,.0f} events/s")
    if not args.no_profile:
        stats = pstats.Stats(str(args.out))
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
