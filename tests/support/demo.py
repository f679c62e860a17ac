"""The Nijmegen demo history as the tests know it: its last positions and chain heads, and
a database holding it."""

from __future__ import annotations

from api.demo import nijmegen
from api.ledger import open_ledger
from support.clock import Clock

# The demo history's last log position, and the interventieplan report's (its knowledge
# cutoff falls before the demo's last event).
DEMO_LAST_POSITION = 141
INTERVENTIEPLAN_LAST_POSITION = 140

# The hash chain over the demo history recorded at CLOCK_START (ADR 0007): the same on SQLite
# and PostgreSQL, since the chain covers what the mapper stores and the times it recorded.
# Recorded today, its realisations are Realisation.Reported version 2 (ADR 0020); the same
# history recorded before that has other bytes and heads (tests/faults/test_schema_evolution).
DEMO_HEAD = "1dcac53dbb04a113dfb06b90b4704cd0141442e0021ba63225f4ab38a6acd091"  # position 141
INTERVENTIEPLAN_HEAD = "e00da1de16432d69b3100553e66a9b56d5ec5697d4ccfd42e9be1149868aa7e7"  # 140


def load_demo(db: str, clock: Clock | None = None) -> str:
    """The demo history recorded at `db` in this process, its read model caught up; `db`."""
    opened = open_ledger(db, clock=(clock or Clock()).now)
    try:
        nijmegen.load(opened.app)
        opened.runner.catch_up()
    finally:
        opened.close()
    return db
