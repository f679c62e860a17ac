"""The ledgers one service serves (ADR 0032): the default ledger, open all along, and the
municipalities' ledgers, opened at their first request, at most `max_open` at once: one
that is needed while all are open takes the place of the least recently used one that no
request is using, or waits for one. Each ledger has its own services: tokens, sessions,
idempotency records, kept reports, verification."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from api.auth import TokenStore, digest
from api.http import Services, encoded_json
from api.idempotency import IdempotencyStore
from api.ledger import Ledger, open_database
from api.ledgers import (
    LedgersBusyError,
    UnknownLedgerError,
    holds_secret,
    is_known,
    ledger_code,
)
from api.web.sessions import SessionStore
from projections.audit import verification
from projections.audit.chain import ChainBroken
from projections.queries.reports import OwnBasisReports
from projections.readmodel.runner import ReadModelBrokenError, ReadModelBusyError
from projections.store.database import Database

log = logging.getLogger("begroting.api")


def start_services(
    ledger: Ledger,
    clock: Callable[[], datetime],
    grace: timedelta,
    code: str | None = None,
    *,
    reopening: bool = False,
) -> Services:
    """A ledger's services, its read model caught up and its log verified (ADR 0017): in
    full, or, `reopening` a ledger this process verified in full before, after the
    recorded verified position (ADR 0032)."""
    try:
        ledger.runner.catch_up()
    except (ReadModelBusyError, ReadModelBrokenError) as error:
        # A rebuild holds the read model, or it needs one: serve all the same, reads
        # answer as the read model allows (ADR 0015).
        log.warning("read model of %s not caught up at start: %s", code or "default", error)
    except ChainBroken:  # recorded: figures are refused, health and audit answer
        log.error("the log of %s does not verify: figures refused", code or "the default ledger")
    # A full verify at start-up, in the background for a large log.
    verify = verification.verify_at_reopen if reopening else verification.verify_at_start
    verifying = verify(ledger.app, ledger.engine)
    tokens = TokenStore(ledger.engine, clock, code)
    return Services(
        ledger=ledger,
        tokens=tokens,
        idempotency=IdempotencyStore(ledger.engine, clock),
        reports=OwnBasisReports(
            ledger.engine, lambda: ledger.runner.generation, encode=encoded_json
        ),
        backdating_grace=grace,
        sessions=SessionStore(ledger.engine, tokens, clock),
        verifying=verifying,
        code=code,
        clock=clock,
    )


@dataclass
class _Open:
    services: Services
    users: int = 0

    @property
    def idle(self) -> bool:
        verifying = self.services.verifying
        return self.users == 0 and (verifying is None or not verifying.is_alive())


# How long a request for a ledger that is not open waits for an open one to fall idle
# while every open one is in use, before it is answered 503 (ADR 0032).
LEDGER_WAIT_SECONDS = 5.0
_POLL = 0.25  # a background verify ends without a release: the waiters look again


class Ledgers:
    def __init__(
        self,
        default: Services,
        clock: Callable[[], datetime],
        grace: timedelta,
        max_open: int,
        wait: float = LEDGER_WAIT_SECONDS,
    ) -> None:
        self.default = default
        self.clock = clock
        self.grace = grace
        self.max_open = max_open
        self.wait = wait
        self._open: OrderedDict[str, _Open] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()
        self._freed = threading.Condition(self._lock)  # a ledger released or closed
        self._opening: dict[str, threading.Lock] = {}
        self._reserved = 0  # ledgers being opened: they count against the bound
        self.opened = 0  # ledgers opened so far (a test reads it: evictions reopen)
        self.most_open = 0  # the most open (or being opened) at once
        # The ledgers this process has verified in full once; a reopening verifies only
        # the positions after the recorded verified one (ADR 0032, ADR 0017).
        self._verified: set[str] = set()

    @property
    def database(self) -> Database:
        database = self.default.ledger.database
        if database is None:
            raise RuntimeError("the default ledger was opened without its database")
        return database

    def open_codes(self) -> list[str]:
        with self._lock:
            return list(self._open)

    def acquire(self, code: str | None, secret: str | None = None) -> Services:
        """The services of ledger `code` (None: the default ledger), opened if need be and
        held until `release(code)`. Never more than `max_open` are open: while every open
        one is in use, the opening waits up to `wait` seconds for one to fall idle, then
        raises LedgersBusyError. For a request, a ledger not open is opened only for a `secret`
        (its token or session id) that ledger holds: UnknownLedgerError otherwise, as for a
        code not listed. Without one (the service itself, a test) nothing is asked."""
        if code is None:
            return self.default
        code = ledger_code(code)
        held = self._hold(code)
        if held is not None:
            return held
        deadline = time.monotonic() + self.wait
        with self._lock:
            opening = self._opening.setdefault(code, threading.Lock())
        # One opening per ledger; others wait for it, not for each other.
        if not opening.acquire(timeout=self.wait):
            raise LedgersBusyError(code, self.wait)
        try:
            held = self._hold(code)
            if held is not None:
                return held
            engine = self.default.ledger.engine
            if not is_known(engine, code) or (
                secret is not None and not holds_secret(engine, self.database, code, digest(secret))
            ):
                raise UnknownLedgerError(code)
            victims = self._reserve(code, deadline)
            try:
                self._close(victims)
                services = self._start(code)
            except BaseException:
                with self._freed:
                    self._reserved -= 1
                    self._freed.notify_all()
                raise
            with self._lock:
                self._reserved -= 1
                self._open[code] = _Open(services, users=1)
                self.opened += 1
            return services
        finally:
            opening.release()

    def _start(self, code: str) -> Services:
        ledger = open_database(self.database.of_ledger(code), self.clock)
        try:
            services = start_services(
                ledger, self.clock, self.grace, code, reopening=code in self._verified
            )
        except BaseException:
            ledger.close()
            raise
        self._verified.add(code)
        return services

    def _reserve(self, code: str, deadline: float) -> list[Services]:
        """A place among the `max_open` for `code`: a free one, else that of the least
        recently used idle ledger (returned, to be closed before `code` opens), else wait
        for one until `deadline`."""
        with self._freed:
            while True:
                if len(self._open) + self._reserved < self.max_open:
                    victims = []
                    break
                idle = next((c for c, entry in self._open.items() if entry.idle), None)
                if idle is not None:
                    victims = [self._open.pop(idle).services]
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LedgersBusyError(code, self.wait)
                self._freed.wait(min(left, _POLL))
            self._reserved += 1
            self.most_open = max(self.most_open, len(self._open) + self._reserved)
            return victims

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
        with self._freed:
            entry = self._open.get(code)
            if entry is not None:
                entry.users -= 1
                self._freed.notify_all()

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
