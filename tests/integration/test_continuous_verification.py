"""Verification that never crashes and advances with the chain (ADR 0017): every way of
tampering with a stored event is a finding, the result of each verification is kept, a
rebuild refuses a broken log, and the read model is compared with the log. Both backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from api.ledger import Ledger
from domain.application import Context
from domain.events import Bestuursorgaan, DecisionKind
from domain.values import Period
from projections.audit import auditor, chain, chain_verify, verification
from projections.queries import basis
from projections.readmodel import rederive
from projections.store import schema
from support import tampering
from support.clock import CLOCK_START
from support.demo import DEMO_HEAD, DEMO_LAST_POSITION

NOT_JSON = "its state is not valid JSON (Expecting value at character 0)"


def verdict(ledger: Ledger) -> dict[str, Any]:
    with ledger.engine.connect() as conn:
        return chain_verify.verify(ledger.app, conn).to_json()


def unreadable(position: int, problem: str) -> dict[str, Any]:
    return {
        "status": "tampered",
        "kind": "changed",
        "position": position,
        "detail": f"the event at position {position} cannot be read: {problem}",
    }


def sqlite(ledger: Ledger) -> bool:
    return ledger.engine.dialect.name == "sqlite"


def rows(ledger: Ledger) -> list[tuple[Any, ...]]:
    table = schema.chain_verifications
    with ledger.engine.connect() as conn:
        return [
            (r.source, r.status, r.verified_to, r.head, r.kind, r.position, r.detail)
            for r in conn.execute(select(table).order_by(table.c.id))
        ]


# Each tampering, and what verification says of it (per backend where they differ).
TAMPERINGS: dict[str, tuple[Any, str, str]] = {
    "state as text": (
        lambda e: tampering.state_as_text(e, 90),
        "its state is text, not bytes",
        NOT_JSON,  # PostgreSQL's text form of a bytea is \x7b22..., not JSON
    ),
    "state invalid JSON": (
        lambda e: tampering.set_column(e, 90, "state", b'{"timestamp": '),
        "its state is not valid JSON (Expecting value at character 14)",
        "its state is not valid JSON (Expecting value at character 14)",
    ),
    "state not UTF-8": (
        lambda e: tampering.set_column(e, 90, "state", b"\xff\xfe{}"),
        "its state is not UTF-8 text (invalid start byte at byte 0)",
        "its state is not UTF-8 text (invalid start byte at byte 0)",
    ),
    "topic names no class": (
        lambda e: tampering.set_column(e, 90, "topic", "domain.nowhere:Nothing"),
        "its topic names no class (Failed to resolve topic 'domain.nowhere:Nothing': "
        "No module named 'domain.nowhere')",
        "its topic names no class (Failed to resolve topic 'domain.nowhere:Nothing': "
        "No module named 'domain.nowhere')",
    ),
    "topic NULL": (
        lambda e: tampering.set_column(e, 90, "topic", None),
        "its topic is NULL, not text",
        "its topic is NULL, not text",
    ),
    "state NULL": (
        lambda e: tampering.set_column(e, 90, "state", None),
        "its state is NULL, not bytes",
        "its state is NULL, not bytes",
    ),
}
# PostgreSQL's columns refuse these NULLs; SQLite keeps them.
SQLITE_ONLY = {
    "originator_id NULL": (
        lambda e: tampering.set_column(e, 90, "originator_id", None),
        "its originator_id is NULL, not a UUID",
    ),
    "originator_id not a UUID": (
        lambda e: tampering.set_column(e, 90, "originator_id", "forged"),
        "its originator_id 'forged' is not a UUID",
    ),
    "originator_version NULL": (
        lambda e: tampering.set_column(e, 90, "originator_version", None),
        "its originator_version is NULL, not a whole number",
    ),
    "originator_version text": (
        lambda e: tampering.set_column(e, 90, "originator_version", "two"),
        "its originator_version is text, not a whole number",
    ),
}


def expected_problem(ledger: Ledger, name: str) -> str:
    if name in SQLITE_ONLY:
        return SQLITE_ONLY[name][1]
    _, on_sqlite, on_postgres = TAMPERINGS[name]
    return on_sqlite if sqlite(ledger) else on_postgres


def tamper(ledger: Ledger, name: str) -> None:
    tampering.drop_guards(ledger.engine)
    (TAMPERINGS.get(name) or SQLITE_ONLY[name])[0](ledger.engine)


# -- every tampering is a finding, never an exception ----------------------------------


@pytest.mark.parametrize("name", TAMPERINGS)
def test_a_malformed_stored_event_is_a_changed_finding_at_its_position(
    demo_ledger: Ledger, name: str
) -> None:
    tamper(demo_ledger, name)

    assert verdict(demo_ledger) == unreadable(90, expected_problem(demo_ledger, name))


# PostgreSQL's originator columns are NOT NULL and typed: there these are refused.
@pytest.mark.parametrize("ledger", ["sqlite"], indirect=True)
@pytest.mark.parametrize("name", SQLITE_ONLY)
def test_a_null_or_mistyped_originator_on_sqlite_is_a_changed_finding(
    demo_ledger: Ledger, name: str, tmp_path: Path
) -> None:
    tamper(demo_ledger, name)

    assert verdict(demo_ledger) == unreadable(90, expected_problem(demo_ledger, name))
    with demo_ledger.engine.connect() as conn:
        summary = auditor.export(
            demo_ledger.app, conn, DEMO_LAST_POSITION, tmp_path / "kit", CLOCK_START
        )
    assert (summary["events"], summary["head"]) == (DEMO_LAST_POSITION, DEMO_HEAD)
    with pytest.raises(chain.ChainBroken):
        demo_ledger.runner.rebuild()


@pytest.mark.parametrize("name", TAMPERINGS)
def test_the_auditors_kit_is_written_for_a_malformed_stored_event(
    demo_ledger: Ledger, name: str, tmp_path: Path
) -> None:
    tamper(demo_ledger, name)
    with demo_ledger.engine.connect() as conn:
        summary = auditor.export(
            demo_ledger.app, conn, DEMO_LAST_POSITION, tmp_path / "kit", CLOCK_START
        )

    assert (summary["events"], summary["reports"], summary["head"]) == (
        DEMO_LAST_POSITION,
        2,
        DEMO_HEAD,
    )


@pytest.mark.parametrize("name", ["state as text", "topic names no class", "state NULL"])
def test_a_rebuild_over_a_malformed_event_refuses_and_records_the_finding(
    demo_ledger: Ledger, name: str
) -> None:
    tamper(demo_ledger, name)

    with pytest.raises(chain.ChainBroken) as raised:
        demo_ledger.runner.rebuild()

    finding = unreadable(90, expected_problem(demo_ledger, name))
    assert str(raised.value) == f"changed at position 90: {finding['detail']}"
    assert rows(demo_ledger)[-1] == (
        "rebuild",
        "broken",
        89,
        None,
        "changed",
        90,
        finding["detail"],
    )


# -- a rebuild compares what it re-reads with the links ---------------------------------


def test_a_rebuild_over_a_changed_amount_refuses_instead_of_projecting_it(
    demo_ledger: Ledger,
) -> None:
    tampering.drop_guards(demo_ledger.engine)
    tampering.change_amount(demo_ledger.engine, 90, "400000.00", "900000.00")

    with pytest.raises(chain.ChainBroken) as raised:
        demo_ledger.runner.rebuild()

    detail = "the event at position 90 differs from the one chained there"
    assert str(raised.value) == f"changed at position 90: {detail}"
    assert rows(demo_ledger)[1:] == [("rebuild", "broken", 89, None, "changed", 90, detail)]
    with demo_ledger.engine.connect() as conn, pytest.raises(chain.ChainBroken):
        verification.guard(conn)


def test_a_rebuild_over_a_deleted_event_refuses_with_it_missing(demo_ledger: Ledger) -> None:
    tampering.drop_guards(demo_ledger.engine)
    tampering.delete_event(demo_ledger.engine, 60)

    with pytest.raises(chain.ChainBroken) as raised:
        demo_ledger.runner.rebuild()

    assert str(raised.value) == "missing at position 60: the event chained at position 60 is gone"


def test_a_rebuild_over_a_forged_link_refuses_where_the_chain_stops_following(
    demo_ledger: Ledger,
) -> None:
    tampering.drop_chain_guards(demo_ledger.engine)
    with demo_ledger.engine.begin() as conn:
        conn.execute(text("UPDATE chain_links SET link = :l WHERE position = 100"), {"l": "0" * 64})

    with pytest.raises(chain.ChainBroken) as raised:
        demo_ledger.runner.rebuild()

    assert str(raised.value) == (
        "changed at position 100: the stored link at position 100 does not follow from the "
        "one before it"
    )


def test_a_rebuild_of_an_untouched_log_passes_the_check(demo_ledger: Ledger) -> None:
    assert demo_ledger.runner.rebuild() == DEMO_LAST_POSITION
    assert verdict(demo_ledger)["status"] == "ok"


# -- the verification state ------------------------------------------------------------


def test_the_first_catch_up_verifies_the_chain_it_starts_and_later_ones_extend_it(
    demo_ledger: Ledger,
) -> None:
    # demo_ledger's catch-up chained the whole history from the genesis.
    assert rows(demo_ledger) == [
        ("catch-up", "ok", DEMO_LAST_POSITION, DEMO_HEAD, None, None, None)
    ]


def test_a_full_verify_records_its_result_and_a_catch_up_extends_it(
    demo_ledger: Ledger,
) -> None:
    verification.full_verify(demo_ledger.app, demo_ledger.engine)
    demo_ledger.app.propose_decision(
        Context(actor="griffie", known_at=CLOCK_START, source="raadsvoorstel"),
        reference="raad-2026-verify",
        title="Begrotingswijziging",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.BEGROTINGSWIJZIGING,
        period=Period.year(2019),
    )
    demo_ledger.runner.catch_up()

    with demo_ledger.engine.connect() as conn:
        head = basis.head_at(conn, DEMO_LAST_POSITION + 1)
    assert rows(demo_ledger)[1:] == [
        ("verify", "ok", DEMO_LAST_POSITION, DEMO_HEAD, None, None, None),
        ("catch-up", "ok", DEMO_LAST_POSITION + 1, head, None, None, None),
    ]


def test_a_recorded_break_is_kept_by_catch_ups_and_cleared_by_a_verify_that_passes(
    demo_ledger: Ledger,
) -> None:
    tampering.drop_guards(demo_ledger.engine)
    original = tampering.state_at(demo_ledger.engine, 90)
    tampering.change_amount(demo_ledger.engine, 90, "400000.00", "900000.00")
    assert not verification.full_verify(demo_ledger.app, demo_ledger.engine).ok
    demo_ledger.runner.catch_up()
    with demo_ledger.engine.connect() as conn, pytest.raises(chain.ChainBroken) as raised:
        verification.guard(conn)
    assert raised.value.verdict.position == 90

    # The operator restores the event from a backup; a full verify passes and clears it.
    tampering.set_column(demo_ledger.engine, 90, "state", original)
    assert verification.full_verify(demo_ledger.app, demo_ledger.engine).ok
    with demo_ledger.engine.connect() as conn:
        verification.guard(conn)
        state = verification.latest(conn)
    assert state is not None
    assert (state.status, state.verified_to, state.head) == ("ok", DEMO_LAST_POSITION, DEMO_HEAD)


def propose(ledger: Ledger, reference: str) -> None:
    ledger.app.propose_decision(
        Context(actor="griffie", known_at=CLOCK_START, source="raadsvoorstel"),
        reference=reference,
        title="Begrotingswijziging",
        body=Bestuursorgaan.RAAD,
        kind=DecisionKind.BEGROTINGSWIJZIGING,
        period=Period.year(2019),
    )


def test_an_event_chained_while_a_verify_reads_is_not_a_finding(
    demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A write and its catch-up land between the verify's reads of the log and the links.
    read_links = chain_verify.stored_links

    def interleaved(conn: Any, after: int = 0) -> list[chain_verify.StoredLink]:
        monkeypatch.setattr(chain_verify, "stored_links", read_links)
        propose(demo_ledger, "raad-2026-interleaved")
        demo_ledger.runner.catch_up()
        return read_links(conn, after)

    monkeypatch.setattr(chain_verify, "stored_links", interleaved)
    verdict = verification.full_verify(demo_ledger.app, demo_ledger.engine)

    assert verdict.ok, verdict
    with demo_ledger.engine.connect() as conn:
        verification.guard(conn)


def test_a_verify_recorded_behind_a_catch_up_keeps_the_verified_position_moving(
    demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A write and its catch-up land between the verify's read and its record.
    read = chain_verify.verify_witnessed

    def then_a_write(*args: Any) -> tuple[chain.Verdict, chain.Verdict]:
        found = read(*args)
        propose(demo_ledger, "raad-2026-meanwhile")
        demo_ledger.runner.catch_up()
        return found

    monkeypatch.setattr(chain_verify, "verify_witnessed", then_a_write)
    assert (
        verification.full_verify(demo_ledger.app, demo_ledger.engine).position == DEMO_LAST_POSITION
    )
    monkeypatch.undo()
    propose(demo_ledger, "raad-2026-after")
    demo_ledger.runner.catch_up()

    with demo_ledger.engine.connect() as conn:
        state = verification.latest(conn)
        head = basis.head_at(conn, DEMO_LAST_POSITION + 2)
    assert state is not None
    assert (state.status, state.verified_to, state.head) == ("ok", DEMO_LAST_POSITION + 2, head)


def test_a_standing_break_found_again_by_each_catch_up_is_recorded_once(
    demo_ledger: Ledger,
) -> None:
    propose(demo_ledger, "raad-2026-unreadable")  # in the log, not yet caught up
    tampering.drop_guards(demo_ledger.engine)
    tampering.set_column(demo_ledger.engine, DEMO_LAST_POSITION + 1, "state", b'{"timestamp": ')
    for _ in range(3):
        with pytest.raises(chain.ChainBroken):
            demo_ledger.runner.catch_up()

    broken = [row for row in rows(demo_ledger) if row[1] == "broken"]
    assert [(r[0], r[4], r[5]) for r in broken] == [("catch-up", "changed", DEMO_LAST_POSITION + 1)]


def test_the_verification_rows_are_append_only(demo_ledger: Ledger) -> None:
    with pytest.raises(DBAPIError) as raised, demo_ledger.engine.begin() as conn:
        conn.execute(text("DELETE FROM chain_verifications"))

    assert "the hash chain is append-only" in str(raised.value.orig)


# -- the read model against the log ----------------------------------------------------


def test_an_untouched_read_model_matches_the_log_with_a_digest_per_table(
    demo_ledger: Ledger,
) -> None:
    check = rederive.verify_read_model(demo_ledger.app, demo_ledger.engine, DEMO_LAST_POSITION)

    assert check.ok
    assert check.position == DEMO_LAST_POSITION
    assert sorted(check.tables) == sorted(
        t.name
        for p in __import__("projections.readmodel.projectors", fromlist=["_"]).PROJECTIONS
        for t in p.tables
    )


def test_a_million_euros_added_to_a_read_model_row_is_named_with_both_values(
    demo_ledger: Ledger,
) -> None:
    tampering.add_a_million(demo_ledger.engine)

    check = rederive.verify_read_model(demo_ledger.app, demo_ledger.engine, DEMO_LAST_POSITION)

    assert check.to_json() == {
        "status": "differs",
        "position": DEMO_LAST_POSITION,
        "table": "budget_mutations",
        "key": {"position": 90},
        "column": "delta_cents",
        "live": 140000000,
        "recomputed": 40000000,
        "detail": "budget_mutations position 90: delta_cents is 140000000 in the read model, "
        "40000000 recomputed from the log",
    }


def test_a_row_removed_from_the_read_model_is_named(demo_ledger: Ledger) -> None:
    with demo_ledger.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE position = 7"))

    check = rederive.verify_read_model(demo_ledger.app, demo_ledger.engine, DEMO_LAST_POSITION)

    assert (check.ok, check.table, check.key) == (False, "audit_log", {"position": 7})
    assert (check.column, check.live, check.recomputed["position"]) == (None, None, 7)
    assert (
        check.detail == "audit_log position 7: a row the log gives is missing from the read model"
    )
