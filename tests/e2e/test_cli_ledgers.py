"""Many municipalities on one database over the command line (ADR 0032): `ledger create` and
`ledger list`, `--ledger CODE` on every command, tokens of one ledger; on SQLite (a file
per ledger) and on PostgreSQL (a schema per ledger), each run as a real process."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from support.demo import DEMO_LAST_POSITION
from support.ledgers import BACKENDS
from support.processes import begroting, fresh_database

pytestmark = pytest.mark.e2e


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return begroting(*args, cwd=cwd, module=True, timeout=120)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return result.stdout


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def test_two_ledgers_on_one_database_never_see_each_other(tmp_path: Path, db: str) -> None:
    created = ok(run("ledger", "create", "gm0268", "--name", "Nijmegen", "--db", db, cwd=tmp_path))
    again = run("ledger", "create", "GM0268", "--name", "Nijmegen", "--db", db, cwd=tmp_path)
    ok(run("ledger", "create", "GM0344", "--name", "Utrecht", "--db", db, cwd=tmp_path))
    ok(run("demo", "--ledger", "GM0268", "--db", db, cwd=tmp_path))
    issued = run(
        "token",
        "create",
        "--ledger",
        "GM0344",
        "--role",
        "auditor",
        "--name",
        "rekenkamer",
        "--db",
        db,
        cwd=tmp_path,
    )
    token = issued.stdout

    assert created == (
        "ledger GM0268 (Nijmegen) created; use it with --ledger GM0268\n"
        "its first token: begroting token create --ledger GM0268 --role admin --name NAME\n"
    )
    assert (again.returncode, again.stderr) == (2, "begroting: the ledger GM0268 exists\n")
    assert json.loads(ok(run("ledger", "list", "--format", "json", "--db", db, cwd=tmp_path))) == [
        {"code": "GM0268", "name": "Nijmegen", "events": DEMO_LAST_POSITION},
        {"code": "GM0344", "name": "Utrecht", "events": 0},
    ]
    table = ok(run("ledger", "list", "--db", db, cwd=tmp_path))
    assert table.splitlines()[2:] == [
        f"GM0268  Nijmegen     {DEMO_LAST_POSITION}",
        "GM0344  Utrecht        0",
    ]
    assert max(len(line) for line in table.splitlines()) <= 80
    reports = {
        code: [
            line.split()[0]
            for line in ok(
                run("reports", "--format", "text", *flag, "--db", db, cwd=tmp_path)
            ).splitlines()[1:]
        ]
        for code, flag in (
            ("GM0268", ["--ledger", "GM0268"]),
            ("GM0344", ["--ledger", "gm0344"]),
            (None, []),
        )
    }
    assert reports == {
        "GM0268": ["interventieplan-fase-4", "voortgangsrapportage-2019-q4"],
        "GM0344": [],
        None: [],
    }
    # the head hashes recorded_at, which a command line's demo takes from the clock
    verified = {
        code: ok(run("verify", "--ledger", code, "--db", db, cwd=tmp_path))
        for code in ("GM0268", "GM0344")
    }
    assert re.fullmatch(
        f"the log verifies: {DEMO_LAST_POSITION} events chained, head [0-9a-f]{{64}} at "
        f"position {DEMO_LAST_POSITION}; 2 report heads match; 0 events not yet chained\n",
        verified["GM0268"],
    )
    assert verified["GM0344"].startswith("the log verifies: 0 events chained")
    assert (issued.returncode, issued.stderr) == (0, "Keep it now: only its hash is stored.\n")
    assert token.splitlines()[0].endswith("for 'rekenkamer' (auditor) of ledger GM0344:")
    assert token.splitlines()[1].startswith("bgt_GM0344_")
    names = {
        code: [
            row["name"]
            for row in json.loads(
                ok(
                    run(
                        "token",
                        "list",
                        "--ledger",
                        code,
                        "--format",
                        "json",
                        "--db",
                        db,
                        cwd=tmp_path,
                    )
                )
            )
        ]
        for code in ("GM0268", "GM0344")
    }
    assert names == {"GM0268": [], "GM0344": ["rekenkamer"]}


def test_an_unknown_or_malformed_ledger_is_one_line_and_exit_2(tmp_path: Path, db: str) -> None:
    unknown = run("reports", "--ledger", "GM0999", "--db", db, cwd=tmp_path)
    malformed = run("--ledger", "0268", "reports", "--db", db, cwd=tmp_path)
    nameless = run("ledger", "create", "GM0268", "--name", " ", "--db", db, cwd=tmp_path)

    assert (unknown.returncode, unknown.stderr) == (
        2,
        "begroting: no ledger GM0999 on this database: create it with "
        "begroting ledger create GM0999 --name NAME\n",
    )
    assert (malformed.returncode, malformed.stderr) == (
        2,
        "begroting: --ledger: '0268' is not a CBS municipality code such as GM0268\n",
    )
    assert (nameless.returncode, nameless.stdout) == (2, "")
    assert nameless.stderr.startswith("begroting: name")
    assert json.loads(ok(run("ledger", "list", "--format", "json", "--db", db, cwd=tmp_path))) == []


def test_ledgers_created_at_once_by_separate_processes_are_each_created(
    tmp_path: Path, db: str
) -> None:
    # Each process opens the default ledger (on a new database: creates its tables) and
    # then its own: openings of one schema or file take turns (ADR 0032).
    codes = ["GM0001", "GM0002", "GM0003", "GM0004"]
    with ThreadPoolExecutor(len(codes)) as pool:
        results = list(
            pool.map(
                lambda code: run(
                    "ledger", "create", code, "--name", code, "--db", db, cwd=tmp_path
                ),
                codes,
            )
        )

    assert [(r.returncode, r.stderr) for r in results] == [(0, "")] * len(codes)
    assert json.loads(ok(run("ledger", "list", "--format", "json", "--db", db, cwd=tmp_path))) == [
        {"code": code, "name": code, "events": 0} for code in codes
    ]
