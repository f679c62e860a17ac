"""A served process over a log that was tampered with, then restored by an operator
(ADR 0017): the start-up verify records the break, figures answer 503 chain-broken while
health and the audit answer, and a verify after the restore serves the published figures
again. A real `begroting serve` process; SQLite and PostgreSQL (a database of its own)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from api.ledger import open_ledger
from projections.audit import chain_verify
from support import tampering
from support.clock import Clock
from support.ledgers import BACKENDS
from support.processes import begroting, fresh_database, on_engine, serving

LINES = "/api/v1/budget/lines?fiscal_year=2019"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_served_log_tampered_then_restored_refuses_figures_until_it_verifies(
    backend: str, tmp_path: Path
) -> None:
    with fresh_database(backend, tmp_path) as db:
        loaded = begroting("demo", "--db", db, cwd=tmp_path)
        assert loaded.returncode == 0, loaded.stderr
        created = begroting(
            "token", "create", "--role", "auditor", "--name", "rekenkamer", "--db", db, cwd=tmp_path
        )
        assert created.returncode == 0, created.stderr
        token = {"Authorization": f"Bearer {created.stdout.splitlines()[-1]}"}
        ledger = open_ledger(db, clock=Clock().now)
        try:
            backup = tampering.state_at(ledger.engine, 90)  # the operator's backup of it
            with ledger.engine.connect() as conn:
                head = chain_verify.verify(ledger.app, conn).head
            tampering.drop_guards(ledger.engine)
            tampering.change_amount(ledger.engine, 90, "400000.00", "900000.00")
        finally:
            ledger.close()

        with serving(db, cwd=tmp_path) as server:
            url = server.url
            refused = httpx.get(url + LINES, headers=token, timeout=30)
            health = httpx.get(url + "/api/v1/health", timeout=30)
            audit = httpx.get(url + "/api/v1/audit/verify", headers=token, timeout=60)

            on_engine(db, lambda engine: tampering.set_column(engine, 90, "state", backup))
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
