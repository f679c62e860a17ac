from __future__ import annotations

import pytest

from domain.application import Begroting

from .support import CLOCK_NOW, FixedClock, new_application


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(CLOCK_NOW)


@pytest.fixture
def app(clock: FixedClock) -> Begroting:
    """A fresh application on its own in-memory store: no test shares a database."""
    return new_application(clock)
