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
DEMO_HEAD = "7744136c399d0fa021ecac625422ed640e6521e00e789870df9fb48858018a1c"  # position 290
INTERVENTIEPLAN_HEAD = "beb08b7935be694ca736a8c82261934b731d5f25cfbfdff5ab806e9f50b91230"  # 289


def load_demo(db: str, clock: Clock | None = None) -> str:
    """The demo history recorded at `db` in this process, its read model caught up; `db`."""
    opened = open_ledger(db, clock=(clock or Clock()).now)
    try:
        nijmegen.load(opened.app)
        opened.runner.catch_up()
    finally:
        opened.close()
    return db
