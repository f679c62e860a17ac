"""A log that does not verify over HTTP (ADR 0017): every tampering is a finding of
/audit/verify, never a 500; once a break is recorded the figures answer 503 chain-broken
while health and /audit/verify still answer; a verify that passes clears it; the read
model is compared with the log on request."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.auth import TokenStore
from api.ledger import Ledger
from api.settings import Settings
from projections.audit import verification
from projections.audit.chain import ChainBroken
from projections.store import schema
from support import tampering
from support.clock import Clock
from support.demo import DEMO_HEAD, DEMO_LAST_POSITION
from support.http import bearer

CHANGED = "the event at position 90 differs from the one chained there"
FIGURES = [
    "/api/v1/budget/lines?fiscal_year=2019",
    "/api/v1/reports",
    "/api/v1/reports/interventieplan-fase-4",
    "/api/v1/reserves",
]


def verify(client: TestClient, query: str = "") -> dict[str, object]:
    response = client.get(f"/api/v1/audit/verify{query}", headers=bearer("auditor"))
    assert response.status_code == 200
    found: dict[str, object] = response.json()
    return found


def sources(ledger: Ledger) -> list[tuple[str, str]]:
    table = schema.chain_verifications
    with ledger.engine.connect() as conn:
        return [(r.source, r.status) for r in conn.execute(select(table).order_by(table.c.id))]


@pytest.mark.parametrize(
    ("tamper", "on_sqlite", "on_postgres"),
    [
        (
            lambda e: tampering.state_as_text(e, 90),
            "its state is text, not bytes",
            "its state is not valid JSON (Expecting value at character 0)",
        ),
        (
            lambda e: tampering.set_column(e, 90, "state", b"{"),
            "its state is not valid JSON (Expecting property name enclosed in double quotes "
            "at character 1)",
            "its state is not valid JSON (Expecting property name enclosed in double quotes "
            "at character 1)",
        ),
        (
            lambda e: tampering.set_column(e, 90, "state", b"\x80"),
            "its state is not UTF-8 text (invalid start byte at byte 0)",
            "its state is not UTF-8 text (invalid start byte at byte 0)",
        ),
        (
            lambda e: tampering.set_column(e, 90, "topic", "domain:Nothing"),
            "its topic names no class (Failed to resolve topic 'domain:Nothing': "
            "module 'domain' has no attribute 'Nothing')",
            "its topic names no class (Failed to resolve topic 'domain:Nothing': "
            "module 'domain' has no attribute 'Nothing')",
        ),
        (lambda e: tampering.set_column(e, 90, "topic", None), "its topic is NULL, not text", None),
        (
            lambda e: tampering.set_column(e, 90, "state", None),
            "its state is NULL, not bytes",
            None,
        ),
    ],
    ids=["text", "invalid-json", "not-utf8", "no-class", "null-topic", "null-state"],
)
def test_every_malformed_stored_event_is_a_finding_not_a_500(
    demo_api: TestClient,
    demo_ledger: Ledger,
    tamper: object,
    on_sqlite: str,
    on_postgres: str | None,
) -> None:
    tampering.drop_guards(demo_ledger.engine)
    tamper(demo_ledger.engine)  # type: ignore[operator]
    problem = on_sqlite if demo_ledger.engine.dialect.name == "sqlite" else on_postgres or on_sqlite

    assert verify(demo_api) == {
        "status": "tampered",
        "kind": "changed",
        "position": 90,
        "detail": f"the event at position 90 cannot be read: {problem}",
    }


def test_after_a_recorded_break_figures_answer_503_and_health_and_verify_still_answer(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    tampering.drop_guards(demo_ledger.engine)
    tampering.change_amount(demo_ledger.engine, 90, "400000.00", "900000.00")
    assert verify(demo_api)["status"] == "tampered"

    for path in FIGURES:
        response = demo_api.get(path, headers=bearer("finance"))
        assert response.status_code == 503, path
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["Retry-After"] == "300"
        assert response.json() == {
            "type": "urn:begroting:problem:chain-broken",
            "title": "Service Unavailable",
            "status": 503,
            "detail": f"the log does not verify: changed at position 90: {CHANGED}; figures "
            "are refused until an operator restores the log and a full verify passes",
            "instance": path.split("?")[0],
            "code": "chain-broken",
            "kind": "changed",
            "position": 90,
            "finding": CHANGED,
        }
    assert demo_api.get("/api/v1/health").json()["status"] == "ok"
    assert verify(demo_api)["position"] == 90


def test_a_verify_that_passes_after_the_restore_clears_the_break(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    tampering.drop_guards(demo_ledger.engine)
    original = tampering.state_at(demo_ledger.engine, 90)
    tampering.change_amount(demo_ledger.engine, 90, "400000.00", "900000.00")
    verify(demo_api)
    assert demo_api.get(FIGURES[0], headers=bearer("finance")).status_code == 503

    tampering.set_column(demo_ledger.engine, 90, "state", original)
    assert verify(demo_api)["head"] == DEMO_HEAD

    assert demo_api.get(FIGURES[0], headers=bearer("finance")).status_code == 200


def test_a_break_found_by_a_rebuild_is_answered_with_503(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    tampering.drop_guards(demo_ledger.engine)
    tampering.state_as_text(demo_ledger.engine, 90)
    with pytest.raises(ChainBroken, match=r"^changed at position 90: "):
        demo_ledger.runner.rebuild()

    response = demo_api.get(FIGURES[0], headers=bearer("finance"))

    assert (response.status_code, response.json()["code"]) == (503, "chain-broken")
    assert sources(demo_ledger)[-1] == ("rebuild", "broken")


def test_the_service_verifies_at_start_up_and_refuses_figures_on_a_break(
    demo_ledger: Ledger, clock: Clock
) -> None:
    tampering.drop_guards(demo_ledger.engine)
    tampering.change_amount(demo_ledger.engine, 90, "400000.00", "900000.00")
    TokenStore(demo_ledger.engine, clock.now).ensure_demo_tokens()

    app = create_app(Settings(), ledger=demo_ledger, clock=clock.now)
    with TestClient(app) as client:
        assert app.state.verifying is None  # a small log: verified before answering
        response = client.get(FIGURES[0], headers=bearer("finance"))

    assert (response.status_code, response.json()["position"]) == (503, 90)
    assert sources(demo_ledger)[-1] == ("start-up", "broken")


def test_a_large_log_is_verified_at_start_up_in_the_background(
    demo_ledger: Ledger, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verification, "BACKGROUND_VERIFY_AFTER", 100)  # the demo has 141
    app = create_app(Settings(), ledger=demo_ledger, clock=clock.now)
    with TestClient(app):
        app.state.verifying.join()

    assert sources(demo_ledger)[-1] == ("start-up", "ok")


# -- the read model against the log ------------------------------------------------------


@pytest.fixture
def million_added(demo_ledger: Ledger) -> None:
    tampering.add_a_million(demo_ledger.engine)


def test_the_read_model_of_an_untouched_history_matches_the_log(demo_api: TestClient) -> None:
    found = verify(demo_api, "?read_model=true")

    assert found["status"] == "ok"
    read_model = found["read_model"]
    assert isinstance(read_model, dict)
    assert (read_model["status"], read_model["position"], len(read_model["tables"])) == (
        "ok",
        DEMO_LAST_POSITION,
        25,  # with the stated facts, rechtmatigheid, reserve balances and running totals (ADR 0034)
    )


def test_a_million_euros_added_to_the_read_model_is_named_by_the_auditor(
    demo_api: TestClient, million_added: None
) -> None:
    found = verify(demo_api, "?read_model=true")

    assert found["read_model"] == {
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
