"""A served process over a log that was tampered with, then restored by an operator
(ADR 0017): the start-up verify records the break, figures answer 503 chain-broken while
health and the audit answer, and a verify after the restore serves the published figures
again. A real `begroting serve` process; SQLite and PostgreSQL (a database of its own)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
import pytest

import tampering
from api.ledger import open_ledger
from conftest import POSTGRES_URL, Clock, _require_postgres
from projections import chain

BEGROTING = Path(sys.executable).parent / "begroting"
STARTUP_TIMEOUT = 60.0
LINES = "/api/v1/budget/lines?fiscal_year=2019"


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("BEGROTING_")}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def database(backend: str, directory: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{directory}/x.db"
        return
    _require_postgres()
    name = f"fault_{uuid.uuid4().hex}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def serving(db: str, cwd: Path) -> Iterator[str]:
    """`begroting serve` answering on a free port; SIGTERM (then SIGKILL) afterwards."""
    port = free_port()
    log = cwd / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(BEGROTING), "serve", "--db", db, "--port", str(port)],
            cwd=cwd,
            env=environment(),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            assert process.poll() is None, log.read_text(encoding="utf-8", errors="replace")
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "serve did not answer in time"
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_served_log_tampered_then_restored_refuses_figures_until_it_verifies(
    backend: str, tmp_path: Path
) -> None:
    with database(backend, tmp_path) as db:
        loaded = subprocess.run(
            [str(BEGROTING), "demo", "--db", db],
            env=environment(),
            capture_output=True,
            check=False,
        )
        assert loaded.returncode == 0, loaded.stderr
        created = subprocess.run(
            [
                str(BEGROTING),
                "token",
                "create",
                "--role",
                "auditor",
                "--name",
                "rekenkamer",
                "--db",
                db,
            ],
            env=environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        assert created.returncode == 0, created.stderr
        token = {"Authorization": f"Bearer {created.stdout.splitlines()[-1]}"}
        ledger = open_ledger(db, clock=Clock().now)
        try:
            backup = tampering.state_at(ledger.engine, 90)  # the operator's backup of it
            with ledger.engine.connect() as conn:
                head = chain.verify(ledger.app, conn).head
            tampering.drop_guards(ledger.engine)
            tampering.change_amount(ledger.engine, 90, "400000.00", "900000.00")
        finally:
            ledger.close()

        with serving(db, tmp_path) as url:
            refused = httpx.get(url + LINES, headers=token, timeout=30)
            health = httpx.get(url + "/api/v1/health", timeout=30)
            audit = httpx.get(url + "/api/v1/audit/verify", headers=token, timeout=60)

            ledger = open_ledger(db, clock=Clock().now)
            try:
                tampering.set_column(ledger.engine, 90, "state", backup)  # the restore
            finally:
                ledger.close()
            verified = httpx.get(url + "/api/v1/audit/verify", headers=token, timeout=60)
            served = httpx.get(url + LINES, headers=token, timeout=30)

    assert (refused.status_code, refused.headers["Retry-After"]) == (503, "300")
    assert (refused.json()["code"], refused.json()["kind"], refused.json()["position"]) == (
        "chain-broken",
        "changed",
        90,
    )
    assert (health.status_code, health.json()["status"]) == (200, "ok")
    assert (audit.status_code, audit.json()["status"], audit.json()["position"]) == (
        200,
        "tampered",
        90,
    )
    assert (verified.json()["status"], verified.json()["head"]) == ("ok", head)
    assert (served.status_code, len(served.json()["rows"]) > 0) == (200, True)
