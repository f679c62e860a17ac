"""Tamper evidence (ADR 0007): the hash chain over the log is kept by the runner, verifies on
an untouched history, and names the first position and the kind of every change an attacker
with database admin rights can make once the append-only triggers are gone. Every test runs
on SQLite and on PostgreSQL; with the test clock the chain is the same on both."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import delete, select, text
from sqlalchemy.exc import DBAPIError

import migrations
from api.demo import nijmegen
from api.ledger import Ledger
from projections.audit import chain, chain_verify
from projections.readmodel import rederive
from projections.readmodel.runner import ProjectionRunner
from projections.store import schema
from projections.store.database import migrate
from support import tampering
from support.demo import (
    DEMO_HEAD,
    DEMO_LAST_POSITION,
    INTERVENTIEPLAN_HEAD,
    INTERVENTIEPLAN_LAST_POSITION,
)

INTERVENTIEPLAN_DIGEST = "9cf6a2fa5d49df8f51f647441066cecafabd0a0b07834472c6c41a5671a190d1"
VOORTGANG_DIGEST = "23b81245819aa13790501e46dbf83ab3b94de293606bf7249708a285f3c5693d"


def verdict(ledger: Ledger) -> dict[str, Any]:
    with ledger.engine.connect() as conn:
        return chain_verify.verify(ledger.app, conn).to_json()


def tampered(kind: str, position: int, detail: str) -> dict[str, Any]:
    return {"status": "tampered", "kind": kind, "position": position, "detail": detail}


def links(ledger: Ledger) -> list[tuple[int, str, str]]:
    with ledger.engine.connect() as conn:
        return [
            (int(row.position), row.digest, row.link)
            for row in conn.execute(
                select(schema.chain_links).order_by(schema.chain_links.c.position)
            )
        ]


# -- an untouched history -----------------------------------------------------------------


def test_the_untouched_demo_history_verifies_with_its_head_and_count(demo_ledger: Ledger) -> None:
    assert verdict(demo_ledger) == {
        "status": "ok",
        "head": DEMO_HEAD,
        "position": DEMO_LAST_POSITION,
        "count": DEMO_LAST_POSITION,
        "reports": 2,
        "unchained": 0,
    }


def test_an_empty_log_verifies_with_the_genesis_as_its_head(ledger: Ledger) -> None:
    ledger.runner.catch_up()

    assert verdict(ledger) == {
        "status": "ok",
        "head": "00" * 32,
        "position": 0,
        "count": 0,
        "reports": 0,
        "unchained": 0,
    }


def test_each_link_is_the_sha256_of_the_previous_link_and_the_framed_entry(
    demo_ledger: Ledger,
) -> None:
    (first,) = demo_ledger.app.recorder.select_notifications(start=1, limit=1)
    entry = chain.decoded_entry(demo_ledger.app, first)
    expected_frames = b"".join(
        len(field).to_bytes(4, "big") + field
        for field in [
            b"begroting-chain-v1",
            b"1",
            chain.originator_hex(first.originator_id).encode(),
            b"1",
            b"domain.decision:Decision.Proposed",
            b"2018-03-07T11:00:00.000000Z",
            b"2026-11-23T09:00:00.000000Z",
            b"2018",
            b"2022",
            b"",
            b"import:nijmegen-demo",
            first.state,
        ]
    )
    digest = hashlib.sha256(expected_frames).digest()
    assert entry.frames() == expected_frames
    assert links(demo_ledger)[0] == (
        1,
        digest.hex(),
        hashlib.sha256(bytes(32) + digest).hexdigest(),
    )


def test_the_chain_kept_in_batches_of_seven_equals_the_chain_recomputed_from_zero(
    ledger: Ledger,
) -> None:
    nijmegen.load(ledger.app)
    ProjectionRunner(ledger.app, ledger.engine, batch_size=7).catch_up()

    from_zero = chain_verify.recompute(chain_verify.log_entries(ledger.app))

    assert links(ledger) == from_zero
    assert len(from_zero) == DEMO_LAST_POSITION
    assert from_zero[-1][2] == DEMO_HEAD


def test_a_rebuild_of_the_read_model_leaves_the_chain_as_it_was_and_it_still_verifies(
    demo_ledger: Ledger,
) -> None:
    before = links(demo_ledger)

    assert demo_ledger.runner.rebuild() == DEMO_LAST_POSITION

    assert links(demo_ledger) == before
    assert verdict(demo_ledger)["status"] == "ok"


def test_the_chain_tracks_its_position_beside_the_projections(demo_ledger: Ledger) -> None:
    with demo_ledger.engine.connect() as conn:
        position = conn.execute(
            select(schema.tracking.c.position).where(schema.tracking.c.projection == "chain")
        ).scalar_one()

    assert position == DEMO_LAST_POSITION
    assert demo_ledger.runner.position() == DEMO_LAST_POSITION


def test_every_published_report_carries_the_chain_head_at_its_log_position(
    demo_ledger: Ledger,
) -> None:
    with demo_ledger.engine.connect() as conn:
        seals = [
            tuple(row)
            for row in conn.execute(
                select(schema.report_seals).order_by(schema.report_seals.c.position)
            )
        ]

    assert seals == [
        (
            "interventieplan-fase-4",
            INTERVENTIEPLAN_LAST_POSITION,
            INTERVENTIEPLAN_HEAD,
            INTERVENTIEPLAN_DIGEST,
        ),
        ("voortgangsrapportage-2019-q4", DEMO_LAST_POSITION, DEMO_HEAD, VOORTGANG_DIGEST),
    ]


@pytest.mark.parametrize(
    ("report_id", "position", "head", "digest"),
    [
        (
            "interventieplan-fase-4",
            INTERVENTIEPLAN_LAST_POSITION,
            INTERVENTIEPLAN_HEAD,
            INTERVENTIEPLAN_DIGEST,
        ),
        ("voortgangsrapportage-2019-q4", DEMO_LAST_POSITION, DEMO_HEAD, VOORTGANG_DIGEST),
    ],
)
def test_a_demo_report_re_derived_from_the_log_matches_its_seal(
    demo_ledger: Ledger, report_id: str, position: int, head: str, digest: str
) -> None:
    with demo_ledger.engine.connect() as conn:
        check = rederive.verify_report(demo_ledger.app, conn, report_id)

    assert check.to_json() == {
        "report": report_id,
        "status": "ok",
        "position": position,
        "chain_head": head,
        "sealed_digest": digest,
        "derived_digest": digest,
    }


def test_a_report_re_derived_from_the_log_ignores_a_forged_read_model(
    demo_ledger: Ledger,
) -> None:
    with demo_ledger.engine.begin() as conn:
        conn.execute(text("UPDATE budget_mutations SET delta_cents = delta_cents + 100000000"))
    with demo_ledger.engine.connect() as conn:
        check = rederive.verify_report(demo_ledger.app, conn, "interventieplan-fase-4")

    assert (check.ok, check.derived_digest) == (True, INTERVENTIEPLAN_DIGEST)


def test_a_forged_seal_makes_the_report_differ_from_the_log(demo_ledger: Ledger) -> None:
    tampering.drop_chain_guards(demo_ledger.engine)
    with demo_ledger.engine.begin() as conn:
        conn.execute(
            text("UPDATE report_seals SET digest = :d WHERE report_id = 'interventieplan-fase-4'"),
            {"d": "ab" * 32},
        )
    with demo_ledger.engine.connect() as conn:
        check = rederive.verify_report(demo_ledger.app, conn, "interventieplan-fase-4")

    assert check.to_json() == {
        "report": "interventieplan-fase-4",
        "status": "differs",
        "position": INTERVENTIEPLAN_LAST_POSITION,
        "chain_head": INTERVENTIEPLAN_HEAD,
        "sealed_digest": "ab" * 32,
        "derived_digest": INTERVENTIEPLAN_DIGEST,
    }


# -- the links are append-only --------------------------------------------------------------


@pytest.mark.parametrize("table", ["chain_links", "report_seals"])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET position = 7", "DELETE FROM {table}"])
def test_the_database_refuses_to_change_or_remove_a_link_or_a_seal(
    demo_ledger: Ledger, table: str, statement: str
) -> None:
    before = links(demo_ledger)

    with pytest.raises(DBAPIError) as raised, demo_ledger.engine.begin() as conn:
        conn.execute(text(statement.format(table=table)))

    assert "the hash chain is append-only" in str(raised.value.orig)
    assert links(demo_ledger) == before


@pytest.mark.postgres
@pytest.mark.parametrize("ledger", ["postgres"], indirect=True)
def test_postgresql_refuses_to_truncate_the_links(demo_ledger: Ledger) -> None:
    with pytest.raises(DBAPIError) as raised, demo_ledger.engine.begin() as conn:
        conn.execute(text("TRUNCATE chain_links"))

    assert "the hash chain is append-only: TRUNCATE refused" in str(raised.value.orig)


# -- an attacker who dropped the triggers -------------------------------------------------


def test_a_changed_amount_in_a_stored_event_is_found_at_its_position(
    demo_ledger: Ledger,
) -> None:
    tampering.drop_guards(demo_ledger.engine)
    tampering.change_amount(demo_ledger.engine, 90, "400000.00", "900000.00")

    assert verdict(demo_ledger) == tampered(
        "changed", 90, "the event at position 90 differs from the one chained there"
    )


def test_a_deleted_event_is_found_missing_at_its_position(demo_ledger: Ledger) -> None:
    tampering.drop_guards(demo_ledger.engine)
    tampering.delete_event(demo_ledger.engine, 60)

    assert verdict(demo_ledger) == tampered(
        "missing", 60, "the event chained at position 60 is gone"
    )


def test_two_swapped_events_are_found_reordered_at_the_first_of_them(
    demo_ledger: Ledger,
) -> None:
    tampering.drop_guards(demo_ledger.engine)
    tampering.swap_events(demo_ledger.engine, 30, 70)

    assert verdict(demo_ledger) == tampered(
        "reordered", 30, "position 30 holds the event chained at position 70"
    )


def test_an_inserted_event_is_found_at_the_position_it_took(demo_ledger: Ledger) -> None:
    tampering.drop_guards(demo_ledger.engine)
    tampering.insert_event(demo_ledger.engine, 80)

    assert verdict(demo_ledger) == tampered(
        "inserted", 80, "position 80 holds an event that was never chained"
    )


def test_an_attacker_who_also_rewrites_the_links_is_caught_by_the_published_heads(
    demo_ledger: Ledger,
) -> None:
    tampering.drop_guards(demo_ledger.engine)
    tampering.drop_chain_guards(demo_ledger.engine)
    tampering.change_amount(demo_ledger.engine, 90, "400000.00", "900000.00")
    # Recompute every link from the forged log and replace the stored chain with it.
    forged = chain_verify.recompute(chain_verify.log_entries(demo_ledger.app))
    with demo_ledger.engine.begin() as conn:
        for position, digest, link in forged:
            conn.execute(
                text("UPDATE chain_links SET digest = :d, link = :l WHERE position = :p"),
                {"d": digest, "l": link, "p": position},
            )

    assert verdict(demo_ledger) == tampered(
        "changed",
        INTERVENTIEPLAN_LAST_POSITION,
        f"report 'interventieplan-fase-4' was published with chain head {INTERVENTIEPLAN_HEAD}"
        f", which the log does not give at position {INTERVENTIEPLAN_LAST_POSITION}",
    )


def test_a_forged_link_is_found_where_the_chain_stops_following(demo_ledger: Ledger) -> None:
    tampering.drop_chain_guards(demo_ledger.engine)
    with demo_ledger.engine.begin() as conn:
        conn.execute(text("UPDATE chain_links SET link = :l WHERE position = 100"), {"l": "0" * 64})

    assert verdict(demo_ledger) == tampered(
        "changed",
        100,
        "the stored link at position 100 does not follow from the one before it",
    )


def test_events_recorded_after_the_chain_head_are_counted_as_unchained_until_caught_up(
    demo_ledger: Ledger,
) -> None:
    tampering.drop_guards(demo_ledger.engine)
    tampering.insert_event(demo_ledger.engine, DEMO_LAST_POSITION + 1)

    assert verdict(demo_ledger)["unchained"] == 1
    assert verdict(demo_ledger)["status"] == "ok"


def test_a_database_migrated_to_the_chain_after_its_history_chains_it_on_the_next_catch_up(
    demo_ledger: Ledger,
) -> None:
    # As a database from before migration 0004: the read model at the end, no chain yet.
    config = Config()
    config.set_main_option("script_location", next(iter(migrations.__path__)))
    with demo_ledger.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
        conn.execute(delete(schema.tracking).where(schema.tracking.c.projection == "chain"))
    migrate(demo_ledger.engine)
    assert links(demo_ledger) == []

    assert demo_ledger.runner.catch_up() == DEMO_LAST_POSITION

    assert verdict(demo_ledger) == {
        "status": "ok",
        "head": DEMO_HEAD,
        "position": DEMO_LAST_POSITION,
        "count": DEMO_LAST_POSITION,
        "reports": 2,
        "unchained": 0,
    }
