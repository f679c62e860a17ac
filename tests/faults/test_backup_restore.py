"""Backup and restore as the README documents them (ADR 0019), as real processes, on
SQLite (`begroting backup`, the SQLite backup API; restore: the file copied back in place)
and PostgreSQL (`pg_dump -Fc`, `pg_restore` into a database of its own). The restored ledger
has the same chain head, report seals and figures, its append-only triggers still hold, and
a restore older than a head on the auditor's witness file is caught by `begroting verify
--witness` and by the kit's verify.py alike."""

from __future__ import annotations

import glob
import json
import shutil
import sqlite3
import subprocess
from contextlib import nullcontext
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from api.demo import nijmegen
from api.ledger import open_ledger
from domain.application import Context
from domain.events import Bestuursorgaan, DecisionKind
from domain.money import Money
from domain.values import Period
from projections.audit import chain_verify
from projections.queries import basis, figures, reports
from projections.store import schema
from support.clock import Clock
from support.demo import (
    DEMO_HEAD,
    DEMO_LAST_POSITION,
    INTERVENTIEPLAN_LAST_POSITION,
    load_demo,
)
from support.ledgers import BACKENDS
from support.processes import begroting, fresh_database, fresh_postgres_database, verifier

pytestmark = pytest.mark.e2e

INTERVENTIEPLAN_DIGEST = "9cf6a2fa5d49df8f51f647441066cecafabd0a0b07834472c6c41a5671a190d1"
VOORTGANG_DIGEST = "23b81245819aa13790501e46dbf83ab3b94de293606bf7249708a285f3c5693d"
SEALS = [
    ("interventieplan-fase-4", INTERVENTIEPLAN_LAST_POSITION, INTERVENTIEPLAN_DIGEST),
    ("voortgangsrapportage-2019-q4", DEMO_LAST_POSITION, VOORTGANG_DIGEST),
]
VERIFIES = (
    f"the log verifies: {DEMO_LAST_POSITION} events chained, head {DEMO_HEAD} at position "
    f"{DEMO_LAST_POSITION}; "
    "2 report heads match; 0 events not yet chained"
)
LATER = "raad-2020-06-begrotingswijziging-na-de-backup"
# The last of the three events written after the backup.
LATER_HEAD_POSITION = DEMO_LAST_POSITION + 3


def postgres_tool(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None
    )
    if found is None:
        pytest.fail(f"{name} is not installed; the PostgreSQL backup procedure needs it")
    return found


def tool(*args: str) -> None:
    result = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr


def write_after_the_backup(db: str, clock: Clock) -> None:
    """A raad decision amends the 2020 transformatiebudget: three events after the demo's."""
    clock.advance(timedelta(days=1))
    ledger = open_ledger(db, clock=clock.now)
    try:
        ctx = Context(actor="concern control")
        ledger.app.propose_decision(
            ctx,
            reference=LATER,
            title=LATER,
            body=Bestuursorgaan.RAAD,
            kind=DecisionKind.BEGROTINGSWIJZIGING,
            period=Period.year(2020),
        )
        ledger.app.adopt_decision(ctx, reference=LATER)
        ledger.app.amend_budget(
            ctx, key=nijmegen.fund_line(2020, 9), delta=Money(Decimal("400.00")), decision=LATER
        )
        ledger.runner.catch_up()
    finally:
        ledger.close()


def ledger_state(db: str) -> dict[str, Any]:
    """The chain's verdict, the report seals, both reports at their own basis and the
    current 2020 budget of the fund, read in this process."""
    ledger = open_ledger(db)
    try:
        ledger.runner.catch_up()
        with ledger.engine.connect() as conn:
            reached = ledger.runner.position()
            rows = conn.execute(
                select(schema.report_seals).order_by(schema.report_seals.c.position)
            )
            return {
                "verdict": chain_verify.verify(ledger.app, conn).to_json(),
                "seals": [(row.report_id, int(row.position), row.digest) for row in rows],
                "reports": [
                    reports.render_report(conn, report_id, None, reached)
                    for report_id, _, _ in SEALS
                ],
                "budget": figures.budget_lines(
                    conn,
                    basis.resolve_basis(conn, None, reached),
                    fiscal_year=2020,
                    fund=nijmegen.FUND,
                ),
            }
    finally:
        ledger.close()


def guards_hold(db: str) -> list[str]:
    """What the database answers to a raw UPDATE of the log and a DELETE of the chain."""
    ledger = open_ledger(db)
    sqlite = ledger.engine.dialect.name == "sqlite"
    events, position = (
        ("stored_events", "rowid") if sqlite else ("begroting_events", "notification_id")
    )
    refusals = []
    try:
        for statement in (
            f"UPDATE {events} SET topic = 'forged' WHERE {position} = 1",
            "DELETE FROM chain_links",
            "DELETE FROM report_seals",
        ):
            with pytest.raises(DBAPIError) as refused, ledger.engine.begin() as conn:
                conn.execute(text(statement))
            refusals.append(str(refused.value.orig).splitlines()[0])
    finally:
        ledger.close()
    return refusals


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_restored_backup_has_the_same_chain_and_figures_and_the_witness_catches_its_age(
    backend: str, tmp_path: Path
) -> None:
    witness = tmp_path / "witness.txt"
    with (
        fresh_database(backend, tmp_path) as db,
        fresh_postgres_database() if backend == "postgres" else nullcontext(db) as restored,
    ):
        clock = Clock()
        load_demo(db, clock)
        seen = begroting("verify", "--db", db, "--witness", str(witness), cwd=tmp_path)
        assert (seen.returncode, seen.stdout.splitlines()[0]) == (0, VERIFIES)
        before = ledger_state(db)

        if backend == "sqlite":
            backup = begroting("backup", str(tmp_path / "b.sqlite3"), "--db", db, cwd=tmp_path)
            assert (backup.returncode, backup.stderr) == (0, "")
            assert backup.stdout == (
                f"backup of {db} in {tmp_path / 'b.sqlite3'}: {DEMO_LAST_POSITION} events, "
                f"chain head {DEMO_HEAD} at position {DEMO_LAST_POSITION}\n"
            )
        else:
            tool(postgres_tool("pg_dump"), "-Fc", "-f", str(tmp_path / "b.dump"), f"--dbname={db}")

        write_after_the_backup(db, clock)
        later = begroting("verify", "--db", db, "--witness", str(witness), cwd=tmp_path)
        assert (later.returncode, later.stdout.splitlines()[1]) == (
            0,
            f"witness {witness}: earlier heads still on the chain: 1; "
            f"head at position {LATER_HEAD_POSITION} appended",
        )
        assert ledger_state(db)["budget"] != before["budget"]  # the write moved it

        if backend == "sqlite":  # the service is stopped: the file goes back in place
            path = Path(db.removeprefix("sqlite:///"))
            for stale in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                stale.unlink(missing_ok=True)
            shutil.copyfile(tmp_path / "b.sqlite3", path)
        else:
            tool(postgres_tool("pg_restore"), f"--dbname={restored}", str(tmp_path / "b.dump"))

        after = ledger_state(restored)
        assert (after["verdict"]["head"], after["verdict"]["position"]) == (
            DEMO_HEAD,
            DEMO_LAST_POSITION,
        )
        assert after["seals"] == SEALS
        assert after == before
        assert guards_hold(restored) == (
            [
                "the event log is append-only: UPDATE refused",
                "the hash chain is append-only: DELETE refused",
                "the hash chain is append-only: DELETE refused",
            ]
            if backend == "sqlite"
            else [
                "the event log is append-only: UPDATE refused on begroting_events",
                "the hash chain is append-only: DELETE refused on chain_links",
                "the hash chain is append-only: DELETE refused on report_seals",
            ]
        )

        # The witness holds the head written after the backup; the restored chain ends at the
        # demo's last position.
        _, (position, head, when) = [
            line.split() for line in witness.read_text().splitlines() if not line.startswith("#")
        ]
        kept = witness.read_text()
        detail = (
            f"the witness saw chain head {head} at position {LATER_HEAD_POSITION} on {when}; "
            f"the chain is now shorter: it ends at position {DEMO_LAST_POSITION}"
        )
        caught = begroting("verify", "--db", restored, "--witness", str(witness), cwd=tmp_path)
        kit = begroting("export", "auditor", str(tmp_path / "kit"), "--db", restored, cwd=tmp_path)
        assert kit.returncode == 0, kit.stderr
        by_the_kit = verifier(tmp_path / "kit", "--witness", str(witness))

    assert position == str(LATER_HEAD_POSITION)
    assert (caught.returncode, caught.stderr) == (1, "")
    assert caught.stdout == f"TAMPERED: missing at position {LATER_HEAD_POSITION}: {detail}\n"
    assert (by_the_kit.returncode, by_the_kit.stderr) == (1, "")
    assert json.loads(by_the_kit.stdout) == {
        "status": "tampered",
        "kind": "missing",
        "position": LATER_HEAD_POSITION,
        "detail": detail,
    }
    assert witness.read_text() == kept


def test_a_backup_is_consistent_while_another_connection_writes(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    load_demo(db, Clock())
    writer = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # holds the write lock, uncommitted, during the copy
        writer.execute("DELETE FROM projection_tracking")
        result = begroting("backup", str(tmp_path / "b.sqlite3"), "--db", db, cwd=tmp_path)
        writer.execute("ROLLBACK")
    finally:
        writer.close()

    assert (result.returncode, result.stderr) == (0, "")
    with sqlite3.connect(tmp_path / "b.sqlite3") as copy:
        tracked = copy.execute("SELECT count(*) FROM projection_tracking").fetchone()[0]
        journal = copy.execute("PRAGMA journal_mode").fetchone()[0]
    assert (tracked > 0, journal) == (True, "delete")
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith("b.")) == [
        "b.sqlite3"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ("--db", "postgresql://postgres@127.0.0.1:5432/test"),
            "backup copies the embedded SQLite database; for PostgreSQL use pg_dump -Fc "
            "(README, Backup and restore)",
            id="postgres",
        ),
        pytest.param(
            ("--db", "sqlite:///nothing-here.db"),
            "no SQLite database at nothing-here.db",
            id="no-database",
        ),
    ],
)
def test_backup_refuses_what_it_cannot_copy_and_writes_nothing(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = begroting("backup", "b.sqlite3", *args, cwd=tmp_path)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"begroting: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_backup_never_overwrites_a_file(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    load_demo(db, Clock())
    (tmp_path / "b.sqlite3").write_text("an earlier backup")

    result = begroting("backup", "b.sqlite3", "--db", db, cwd=tmp_path)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "begroting: b.sqlite3 exists; a backup never overwrites a file\n"
    assert (tmp_path / "b.sqlite3").read_text() == "an earlier backup"
