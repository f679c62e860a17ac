"""The one clock of every test: it says the same moment until a test advances or sets it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# The wall-clock moment every ledger under test records at: a real, tz-aware UTC datetime.
CLOCK_START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class Clock:
    """A clock that says the same moment until a test advances or sets it. Pass `clock.now`
    (or the clock itself: it is callable) where a ledger or application wants a clock."""

    def __init__(self, start: datetime = CLOCK_START) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def __call__(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta = timedelta(minutes=1)) -> datetime:
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        """Say `moment` from now on (naive or in any zone: tests of the clock guard)."""
        self._now = moment
