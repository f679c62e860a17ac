"""The Nijmegen demo history as the tests know it: its last positions and chain heads, and
a database holding it."""

from __future__ import annotations

from api.demo import nijmegen
from api.ledger import open_ledger
from support.clock import Clock

# The demo history's last log position, and the interventieplan report's (its knowledge
# cutoff falls before the demo's last event).
DEMO_LAST_POSITION = 290
INTERVENTIEPLAN_LAST_POSITION = 289

# The hash chain over the demo history recorded at CLOCK_START (ADR 0007): the same on SQLite
# and PostgreSQL, since the chain covers what the mapper stores and the times it recorded.
# Recorded today, its realisations are Realisation.Reported version 2 (ADR 0020); the same
# history recorded before that has other bytes and heads (tests/faults/test_schema_evolution).
DEMO_HEAD = "7e162c561cf56282aa9fea73906fbe31bde780a630e8b5554392e4867e8a389c"  # position 290
INTERVENTIEPLAN_HEAD = "0f8958faca081d6a383a28153999f311848d9af5b317550edb2b340b9f3a3b7f"  # 289


def load_demo(db: str, clock: Clock | None = None) -> str:
    """The demo history recorded at `db` in this process, its read model caught up; `db`."""
    opened = open_ledger(db, clock=(clock or Clock()).now)
    try:
        nijmegen.load(opened.app)
        opened.runner.catch_up()
    finally:
        opened.close()
    return db
