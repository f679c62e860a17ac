"""`begroting serve` as it ships, which also writes a line to the file $BENCH_LEDGER_LOG each
time its cache of open ledgers opens or closes a municipality's ledger (bench/ledgers.py
counts them: a sweep over more ledgers than the cap must close and reopen them).

`python -m bench.served serve --db URL --port PORT`: the arguments are the CLI's own."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from api import ledger_cache
from api.cli.main import main
from api.http import Services
from api.ledger import Ledger
from projections.store.database import Database

_lock = threading.Lock()


def _note(what: str, code: str | None) -> None:
    with _lock, open(os.environ["BENCH_LEDGER_LOG"], "a") as log:
        log.write(f"{what} {code}\n")


_open_database = getattr(ledger_cache, "open_database")  # noqa: B009 (imported, not exported)
_close = ledger_cache.Ledgers._close


def _counted_open(database: Database, clock: Callable[[], datetime]) -> Ledger:
    ledger: Ledger = _open_database(database, clock)
    _note("opened", database.schema or database.redacted())
    return ledger


def _counted_close(victims: list[Services]) -> None:
    _close(victims)
    for services in victims:
        _note("closed", services.code)


def counting() -> None:
    """Wrap the cache's opening and closing of a ledger; nothing else changes."""
    setattr(ledger_cache, "open_database", _counted_open)  # noqa: B010
    setattr(ledger_cache.Ledgers, "_close", staticmethod(_counted_close))  # noqa: B010


def served(argv: list[str] | None = None) -> Any:
    counting()
    return main(argv)


if __name__ == "__main__":
    raise SystemExit(served())
