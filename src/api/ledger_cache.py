"""The ledgers one service serves (ADR 0032): the default ledger, open all along, and the
municipalities' ledgers, opened at their first request and closed, least recently used
first, once more than `max_open` are open and no request is using them. Each ledger has
its own services: tokens, sessions, idempotency records, kept reports, verification."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from api.auth import TokenStore
from api.http import Services
from api.idempotency import IdempotencyStore
from api.ledger import Ledger, open_database
from api.ledgers import UnknownLedgerError, is_known, ledger_code
from api.web.sessions import SessionStore
from projections.audit import verification
from projections.audit.chain import ChainBroken
from projections.queries.reports import OwnBasisReports
from projections.readmodel.runner import ReadModelBrokenError, ReadModelBusyError
from projections.store.database import Database

log = logging.getLogger("begroting.api")


def start_services(
    ledger: Ledger, clock: Callable[[], datetime], grace: timedelta, code: str | None = None
) -> Services:
    """A ledger's services, its read model caught up and its log verified (ADR 0017)."""
    try:
        ledger.runner.catch_up()
    except (ReadModelBusyError, ReadModelBrokenError) as error:
        # A rebuild holds the read model, or it needs one: serve all the same, reads
        # answer as the read model allows (ADR 0015).
        log.warning("read model of %s not caught up at start: %s", code or "default", error)
    except ChainBroken:  # recorded: figures are refused, health and audit answer
        log.error("the log of %s does not verify: figures refused", code or "the default ledger")
    # A full verify at start-up, in the background for a large log.
    verifying = verification.verify_at_start(ledger.app, ledger.engine)
    tokens = TokenStore(ledger.engine, clock, code)
    return Services(
        ledger=ledger,
        tokens=tokens,
        idempotency=IdempotencyStore(ledger.engine, clock),
        reports=OwnBasisReports(ledger.engine, lambda: ledger.runner.generation),
        backdating_grace=grace,
        sessions=SessionStore(ledger.engine, tokens, clock),
        verifying=verifying,
        code=code,
    )


@dataclass
class _Open:
    services: Services
    users: int = 0

    @property
    def idle(self) -> bool:
        verifying = self.services.verifying
        return self.users == 0 and (verifying is None or not verifying.is_alive())


class Ledgers:
    def __init__(
        self,
        default: Services,
        clock: Callable[[], datetime],
        grace: timedelta,
        max_open: int,
    ) -> None:
        self.default = default
        self.clock = clock
        self.grace = grace
        self.max_open = max_open
        self._open: OrderedDict[str, _Open] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()
        self._opening: dict[str, threading.Lock] = {}
        self.opened = 0  # ledgers opened so far (a test reads it: evictions reopen)

    @property
    def database(self) -> Database:
        database = self.default.ledger.database
        if database is None:
            raise RuntimeError("the default ledger was opened without its database")
        return database

    def open_codes(self) -> list[str]:
        with self._lock:
            return list(self._open)

    def acquire(self, code: str | None) -> Services:
        """The services of ledger `code` (None: the default ledger), opened if need be and
        held until `release(code)`. Raises UnknownLedgerError."""
        if code is None:
            return self.default
        code = ledger_code(code)
        held = self._hold(code)
        if held is not None:
            return held
        with self._lock:
            opening = self._opening.setdefault(code, threading.Lock())
        with opening:  # one opening per ledger; others wait for it, not for each other
            held = self._hold(code)
            if held is not None:
                return held
            if not is_known(self.default.ledger.engine, code):
                raise UnknownLedgerError(code)
            ledger = open_database(self.database.of_ledger(code), self.clock)
            try:
                services = start_services(ledger, self.clock, self.grace, code)
            except BaseException:
                ledger.close()
                raise
            with self._lock:
                self._open[code] = _Open(services, users=1)
                self.opened += 1
                victims = self._beyond_cap()
        self._close(victims)
        return services

    def _hold(self, code: str) -> Services | None:
        with self._lock:
            entry = self._open.get(code)
            if entry is None:
                return None
            entry.users += 1
            self._open.move_to_end(code)
            return entry.services

    def release(self, code: str | None) -> None:
        if code is None:
            return
        with self._lock:
            entry = self._open.get(code)
            if entry is not None:
                entry.users -= 1
            victims = self._beyond_cap()
        self._close(victims)

    def _beyond_cap(self) -> list[Services]:
        """Under the lock: the idle ledgers to close, least recently used first, while more
        than `max_open` are open. A ledger in use stays open; the cap is met on release."""
        victims: list[Services] = []
        for code in list(self._open):
            if len(self._open) <= self.max_open:
                break
            if self._open[code].idle:
                victims.append(self._open.pop(code).services)
        return victims

    @staticmethod
    def _close(victims: list[Services]) -> None:
        for services in victims:
            services.ledger.close()

    def close(self) -> None:
        """Close every municipality's ledger (the default ledger is its opener's)."""
        with self._lock:
            victims = [entry.services for entry in self._open.values()]
            self._open.clear()
        self._close(victims)


class ReleaseLedgers:
    """ASGI middleware: the ledgers a request held are released when its answer is sent."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: list[Callable[[], None]] = []
        scope.setdefault("state", {})["ledger_leases"] = held
        try:
            await self.app(scope, receive, send)
        finally:
            for release in held:
                release()
