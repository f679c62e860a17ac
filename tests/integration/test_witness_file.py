"""The auditor's witness file against a live ledger (ADR 0007): `chain_verify.verify` with the heads
an auditor saw earlier, on SQLite and PostgreSQL, and the file format's reader and checker
that verify.py shares."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from api.ledger import Ledger
from projections.audit import chain_verify, standalone_verify, verification
from support.demo import (
    DEMO_HEAD,
    DEMO_LAST_POSITION,
    INTERVENTIEPLAN_HEAD,
    INTERVENTIEPLAN_LAST_POSITION,
)

SEEN = "2026-12-01T10:00:00Z"
LAST, PLAN = DEMO_LAST_POSITION, INTERVENTIEPLAN_LAST_POSITION
BEYOND = LAST + 9


def verdict(ledger: Ledger, witnessed: list[tuple[int, str, str]]) -> dict[str, Any]:
    with ledger.engine.connect() as conn:
        return chain_verify.verify(ledger.app, conn, witnessed).to_json()


def test_heads_still_on_the_chain_verify(demo_ledger: Ledger) -> None:
    found = verdict(demo_ledger, [(PLAN, INTERVENTIEPLAN_HEAD, SEEN), (LAST, DEMO_HEAD, SEEN)])

    assert (found["status"], found["head"], found["position"]) == ("ok", DEMO_HEAD, LAST)


def test_a_head_beyond_the_end_of_the_log_says_the_chain_is_shorter(demo_ledger: Ledger) -> None:
    found = verdict(demo_ledger, [(LAST, DEMO_HEAD, SEEN), (BEYOND, "ab" * 32, SEEN)])

    assert found == {
        "status": "tampered",
        "kind": "missing",
        "position": BEYOND,
        "detail": f"the witness saw chain head {'ab' * 32} at position {BEYOND} on {SEEN}; "
        f"the chain is now shorter: it ends at position {LAST}",
    }


def test_the_first_line_of_the_file_whose_head_the_chain_lost_is_named(
    demo_ledger: Ledger,
) -> None:
    found = verdict(demo_ledger, [(LAST, "cd" * 32, SEEN), (PLAN, "ef" * 32, SEEN)])

    assert found == {
        "status": "tampered",
        "kind": "changed",
        "position": DEMO_LAST_POSITION,
        "detail": f"the witness saw chain head {'cd' * 32} at position {LAST} on {SEEN}; "
        f"the chain has {DEMO_HEAD} there",
    }


def test_a_lost_witnessed_head_is_the_callers_finding_not_a_recorded_break(
    demo_ledger: Ledger,
) -> None:
    found = verification.full_verify(
        demo_ledger.app, demo_ledger.engine, "verify", [(LAST, "cd" * 32, SEEN)]
    )

    assert (found.ok, found.kind, found.position) == (False, "changed", LAST)
    # The log's own verdict is recorded: the figures are still served.
    with demo_ledger.engine.connect() as conn:
        verification.guard(conn)
        latest = verification.latest(conn)
    assert latest is not None
    assert (latest.status, latest.verified_to, latest.head) == ("ok", LAST, DEMO_HEAD)


def test_an_empty_ledger_keeps_the_genesis_as_its_witnessed_head(ledger: Ledger) -> None:
    ledger.runner.catch_up()

    assert verdict(ledger, [(0, "00" * 32, SEEN)])["status"] == "ok"


def test_a_position_the_chain_skips_has_no_event() -> None:
    links = {1: "aa" * 32, 3: "bb" * 32}

    assert standalone_verify.witness_failure([(2, "cc" * 32, SEEN)], links, 3) == (
        "missing",
        2,
        f"the witness saw chain head {'cc' * 32} at position 2 on {SEEN}; "
        "the chain has no event at position 2",
    )


def test_the_file_is_read_in_order_with_comments_and_blank_lines_skipped(tmp_path: Path) -> None:
    witness = tmp_path / "w.txt"
    witness.write_text(
        f"# mine\n\n{PLAN} {INTERVENTIEPLAN_HEAD} {SEEN}\n  {LAST} {DEMO_HEAD} {SEEN}  \n"
    )

    assert standalone_verify.read_witness(witness) == [
        (PLAN, INTERVENTIEPLAN_HEAD, SEEN),
        (LAST, DEMO_HEAD, SEEN),
    ]
    assert standalone_verify.read_witness(tmp_path / "none.txt") == []


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "", f"{standalone_verify.WITNESS_HEADER}{LAST} {DEMO_HEAD} {SEEN}\n", id="new"
        ),
        pytest.param(
            f"{PLAN} {INTERVENTIEPLAN_HEAD} {SEEN}",
            f"{PLAN} {INTERVENTIEPLAN_HEAD} {SEEN}\n{LAST} {DEMO_HEAD} {SEEN}\n",
            id="no-final-newline",
        ),
        pytest.param(
            f"{LAST} {DEMO_HEAD} {SEEN}\n", f"{LAST} {DEMO_HEAD} {SEEN}\n", id="already-last"
        ),
    ],
)
def test_appending_a_head(tmp_path: Path, before: str, after: str) -> None:
    witness = tmp_path / "w.txt"
    if before:
        witness.write_text(before)
    appended = standalone_verify.append_witness(
        witness, LAST, DEMO_HEAD, datetime.fromisoformat(SEEN)
    )

    assert (appended, witness.read_text()) == (after != before, after)
