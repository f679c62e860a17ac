"""Schema evolution (ADR 0020): Realisation.Reported gained a version 2 with `month`. A
database recorded before, with every event at version 1, opens with today's code: its events
decode with the default, its read model rebuilds to the same figures, its stored bytes and
its chain head stay as they were, and what is recorded on top of it is version 2.

The database is tests/fixtures/ledger-v1.sqlite3: the demo history recorded by the code
before the change (tests/fixtures/record_v1_ledger.py says how). On PostgreSQL, its stored
rows are copied into a fresh schema through the recorder, byte for byte.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import StoredEvent
from sqlalchemy import select

from api.demo.nijmegen import fund_line
from api.ledger import Ledger
from domain.application import Context
from domain.money import Money
from domain.realisation import Realisation, RealisationStatus
from projections.audit import auditor, chain, chain_verify, standalone_verify
from projections.audit.seals import tables_digest
from projections.queries import basis
from projections.queries.figures import budget_lines, realisation_amounts
from projections.queries.reports import render_report
from projections.readmodel import rederive
from projections.store import schema
from support.clock import Clock
from support.demo import DEMO_HEAD
from support.ledgers import BACKENDS, ledger_on, read_model_rows

V1_DATABASE = Path(__file__).resolve().parents[1] / "fixtures" / "ledger-v1.sqlite3"
REPORTED = "domain.realisation:Realisation.Reported"
# The chain as the code before version 2 recorded the demo history (conftest's DEMO_HEAD
# before ADR 0020), and the report seals it wrote.
V1_HEAD = "e8d87016acec6c45acaf04ce8c199b3bb97548cc28235e9f3571fa81fc10f1a9"  # position 141
V1_SEALS = [
    (
        "interventieplan-fase-4",
        140,
        "3ccbd498b2195b1c4e785ef9381f7a1a989c98aa5cd3ad8a73050bef9fae12e1",
        "07c982d674b1de177e15153590201d12beb6d9503934f45d6bdbe0eba24ac24a",
    ),
    (
        "voortgangsrapportage-2019-q4",
        141,
        V1_HEAD,
        "5bf664dcf5006c70ba33d0fdee062ff4c6e4035b5201307203e31173fd8537cd",
    ),
]
StoredRow = tuple[int, str, int, str, bytes]


def recorded_rows() -> list[StoredRow]:
    """The fixture's stored events as the old code wrote them: position, id, version, topic,
    state bytes (read-only; the fixture itself is never opened for writing)."""
    with closing(sqlite3.connect(f"file:{V1_DATABASE}?mode=ro", uri=True)) as conn:
        rows = conn.execute(
            "SELECT rowid, originator_id, originator_version, topic, state "
            "FROM stored_events ORDER BY rowid"
        ).fetchall()
    return [(int(p), str(i), int(v), str(t), bytes(s)) for p, i, v, t, s in rows]


def stored_rows(ledger: Ledger) -> list[StoredRow]:
    """The ledger's stored events, read through its recorder."""
    notifications = ledger.app.recorder.select_notifications(start=1, limit=10_000)
    return [
        (n.id, uuid.UUID(str(n.originator_id)).hex, n.originator_version, n.topic, n.state)
        for n in notifications
    ]


def seals(ledger: Ledger) -> list[tuple[str, int, str, str]]:
    seal = schema.report_seals
    with ledger.engine.connect() as conn:
        rows = conn.execute(
            select(seal.c.report_id, seal.c.position, seal.c.chain_head, seal.c.digest).order_by(
                seal.c.position
            )
        )
        return [(r.report_id, int(r.position), r.chain_head, r.digest) for r in rows]


def verify(ledger: Ledger) -> dict[str, Any]:
    with ledger.engine.connect() as conn:
        return chain_verify.verify(ledger.app, conn).to_json()


@pytest.fixture(params=BACKENDS)
def v1_ledger(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> Iterator[Ledger]:
    """A ledger over the version-1 database: a copy of the SQLite file (its read model,
    chain and seals as the old code wrote them), or on PostgreSQL a fresh schema holding
    the same stored events, neither caught up nor chained yet."""
    if request.param == "sqlite":
        shutil.copyfile(V1_DATABASE, tmp_path / "ledger.db")
    with ledger_on(request.param, tmp_path, clock) as opened:
        if request.param == "postgres":
            opened.app.recorder.insert_events(
                [
                    StoredEvent(
                        originator_id=uuid.UUID(originator_id),
                        originator_version=version,
                        topic=topic,
                        state=state,
                    )
                    for _, originator_id, version, topic, state in recorded_rows()
                ]
            )
        yield opened


def test_the_fixture_was_recorded_before_version_2() -> None:
    rows = recorded_rows()
    reported = [json.loads(state) for _, _, _, topic, state in rows if topic == REPORTED]

    assert len(rows) == 141
    assert len(reported) == 40
    assert [state for state in reported if "class_version" in state or "month" in state] == []


def test_version_1_events_decode_with_no_month(v1_ledger: Ledger) -> None:
    notifications = v1_ledger.app.recorder.select_notifications(start=1, limit=10_000)
    events = [v1_ledger.app.mapper.to_domain_event(n) for n in notifications]
    reported = [e for e in events if isinstance(e, Realisation.Reported)]

    assert len(events) == 141
    assert len(reported) == 40
    assert {e.month for e in reported} == {None}
    assert stored_rows(v1_ledger) == recorded_rows()


def test_a_version_1_ledger_keeps_its_stored_bytes_and_its_chain_head(v1_ledger: Ledger) -> None:
    assert v1_ledger.runner.catch_up() == 141  # PostgreSQL: projected and chained only now

    assert verify(v1_ledger) == {
        "status": "ok",
        "head": V1_HEAD,
        "position": 141,
        "count": 141,
        "reports": 2,
        "unchained": 0,
    }
    assert seals(v1_ledger) == V1_SEALS
    assert stored_rows(v1_ledger) == recorded_rows()
    # The same facts recorded today are version-2 bytes: another head (conftest's).
    assert DEMO_HEAD != V1_HEAD


def figures(ledger: Ledger) -> dict[str, Any]:
    """The figures an auditor reads: both reports as published, the budget and the
    realisations as of now."""
    with ledger.engine.connect() as conn:
        reached = ledger.runner.position()
        now = basis.resolve_basis(conn, None, reached)
        return {
            "reports": {
                report_id: render_report(conn, report_id, None, reached)
                for report_id, *_ in V1_SEALS
            },
            "budget": budget_lines(conn, now),
            "realisations": realisation_amounts(conn, now),
        }


def test_the_read_model_of_a_version_1_ledger_rebuilds_to_the_same_figures(
    v1_ledger: Ledger,
) -> None:
    # On SQLite: the read model the old code wrote; on PostgreSQL: today's first catch-up.
    v1_ledger.runner.catch_up()
    rows_before, figures_before = read_model_rows(v1_ledger), figures(v1_ledger)

    assert v1_ledger.runner.rebuild() == 141

    assert read_model_rows(v1_ledger) == rows_before
    after = figures(v1_ledger)
    assert after == figures_before
    for report_id, position, head, digest in V1_SEALS:
        report = after["reports"][report_id]
        assert (report["basis"]["log_position"], report["basis"]["chain_head"]) == (position, head)
        assert tables_digest(report["tables"]) == digest
    realised = after["realisations"]
    # The demo's 40 figures, as a fresh load with today's code gives them.
    assert (len(realised), sum(row["amount"] for row in realised)) == (40, Decimal("536421000.00"))
    with v1_ledger.engine.connect() as conn:
        for report_id, *_ in V1_SEALS:
            assert rederive.verify_report(v1_ledger.app, conn, report_id).ok


def test_a_realisation_recorded_on_a_version_1_ledger_is_version_2_and_chains(
    v1_ledger: Ledger, clock: Clock, tmp_path: Path
) -> None:
    v1_ledger.runner.catch_up()
    clock.advance(timedelta(days=1))

    recorded = v1_ledger.app.report_realisation(
        Context(actor="concern control", source="Kwartaalrapportage 2020-Q1"),
        key=fund_line(2020, 2),
        amount=Money(Decimal("12345.67")),
        status=RealisationStatus.VOORLOPIG,
        quarter=1,
        month="2020-03",
    )
    assert v1_ledger.runner.catch_up() == recorded.position == 142

    [new] = v1_ledger.app.recorder.select_notifications(start=142, limit=1)
    state = json.loads(new.state)
    assert (new.topic, state["class_version"], state["month"]) == (REPORTED, 2, "2020-03")
    with v1_ledger.engine.connect() as conn:  # migration 0016: the read model has its month
        months = conn.execute(select(schema.realisations.c.month)).scalars().all()
    assert sorted(months, key=str) == ["2020-03"] + [None] * 40
    assert stored_rows(v1_ledger)[:141] == recorded_rows()
    # Its link follows from the version-1 head and its own entry, as ADR 0007 frames it.
    entry = chain.decoded_entry(v1_ledger.app, new)
    head = chain.link(bytes.fromhex(V1_HEAD), entry.digest()).hex()
    assert verify(v1_ledger) == {
        "status": "ok",
        "head": head,
        "position": 142,
        "count": 142,
        "reports": 2,
        "unchained": 0,
    }
    # The auditor's standalone verifier, which knows no event classes, agrees.
    with v1_ledger.engine.connect() as conn:
        auditor.export(v1_ledger.app, conn, 142, tmp_path / "kit", clock.now())
    found = standalone_verify.verify(tmp_path / "kit", head=head)
    assert (found["status"], found["head"], found["count"]) == ("ok", head, 142)


def test_the_chain_frames_the_stored_bytes_and_the_envelope_never_the_decoded_fields(
    v1_ledger: Ledger,
) -> None:
    """An upcast adds `month` to the decoded event; the entry, and so the digest the old code
    stored, does not change: frames 6 to 11 come from the envelope (meta and timestamp),
    frame 12 is the stored state verbatim."""
    v1_ledger.runner.catch_up()
    [notification] = v1_ledger.app.recorder.select_notifications(start=18, limit=1)
    event = v1_ledger.app.mapper.to_domain_event(notification)
    assert isinstance(event, Realisation.Reported)
    assert event.month is None
    otherwise = object.__new__(Realisation.Reported)
    object.__setattr__(otherwise, "__dict__", {**vars(event), "month": "2017-12"})

    entry = chain.entry_for(notification, event)

    assert entry == chain.entry_for(notification, otherwise)
    assert entry.state == notification.state == recorded_rows()[17][4]
    with v1_ledger.engine.connect() as conn:
        stored = conn.execute(
            select(schema.chain_links.c.digest).where(schema.chain_links.c.position == 18)
        ).scalar_one()
    assert entry.digest().hex() == stored
