from __future__ import annotations

import pytest

from domain.application import Begroting
from support.clock import Clock

from .support import CLOCK_NOW, new_application


@pytest.fixture
def clock() -> Clock:
    return Clock(CLOCK_NOW)


@pytest.fixture
def app(clock: Clock) -> Begroting:
    """A fresh application on its own in-memory store: no test shares a database."""
    return new_application(clock)
