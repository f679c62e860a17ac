"""`begroting serve --schema --workers` (ADR 0036): a PostgreSQL history in a schema of
its own, served by worker processes that each answer as the log says; and the flags'
refusals, in one line with exit code 2."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from api.auth import TokenStore
from api.demo import nijmegen
from api.encoding import to_json
from api.ledger import open_ledger, system_clock
from projections.queries.reports import render_report
from support.ledgers import POSTGRES_URL, require_postgres
from support.processes import begroting, serving

REPORT = "interventieplan-fase-4"


@pytest.fixture
def demo_schema() -> Iterator[tuple[str, bytes]]:
    """A PostgreSQL schema holding the demo history and its demo tokens, and the report's
    rendering on its own basis; dropped afterwards."""
    require_postgres()
    schema = f"t_{uuid.uuid4().hex}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        ledger = open_ledger(POSTGRES_URL, schema=schema)
        try:
            nijmegen.load(ledger.app)
            position = ledger.runner.catch_up()
            TokenStore(ledger.engine, system_clock).ensure_demo_tokens()
            with ledger.engine.connect() as conn:
                expected = to_json(render_report(conn, REPORT, None, position)).encode()
        finally:
            ledger.close()
        yield schema, expected
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.mark.postgres
def test_two_workers_serve_a_postgresql_schema(
    tmp_path: Path, demo_schema: tuple[str, bytes]
) -> None:
    schema, expected = demo_schema
    with serving(POSTGRES_URL, "--schema", schema, "--workers", "2", cwd=tmp_path) as server:
        with httpx.Client(
            base_url=server.url, headers={"Authorization": "Bearer demo-auditor"}
        ) as http:
            answers = [http.get(f"/api/v1/reports/{REPORT}") for _ in range(8)]
        first_line = server.output().splitlines()[0]

    assert [(a.status_code, a.content) for a in answers] == [(200, expected)] * 8
    assert first_line == (
        f"Begroting serves postgresql+psycopg://postgres@127.0.0.1:5432/test schema {schema} "
        f"at {server.url} (2 workers)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--workers", "0"],
            "begroting serve: error: argument --workers: 0 is not from 1 to 64",
            id="no-workers",
        ),
        pytest.param(
            ["--workers", "two"],
            "begroting serve: error: argument --workers: not a whole number: 'two'",
            id="workers-not-a-number",
        ),
        pytest.param(
            ["--db", "sqlite:///{tmp}/x.db", "--schema", "gemeente"],
            "begroting: invalid settings: settings: db_schema is a PostgreSQL setting: a "
            "SQLite URL names its file",
            id="schema-on-sqlite",
        ),
        pytest.param(
            ["--db", POSTGRES_URL, "--schema", "1gemeente"],
            "begroting: invalid settings: db_schema: '1gemeente' is not a schema name: "
            "lowercase letters, digits and _, not starting with a digit, at most 63",
            id="schema-not-a-name",
        ),
    ],
)
def test_serve_refuses_a_bad_schema_or_worker_count(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = begroting("serve", *(arg.format(tmp=tmp_path) for arg in args), cwd=tmp_path)

    assert (result.returncode, result.stdout, result.stderr.splitlines()[-1]) == (2, "", message)
