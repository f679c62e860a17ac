"""Idempotency keys over HTTP (ADR 0006): a client may retry any write after a timeout.

The same key with the same request answers what the first request got, marked
`Idempotent-Replayed: true`, and records nothing; the same key with another request is
refused; keys belong to the actor that sent them; a refusal is replayed like a success.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import delete

from api.demo import nijmegen
from api.idempotency import IdempotencyStore, Reservation, StoredResponse, fingerprint
from api.ledger import Ledger
from api.requests import budget_requests
from domain.budget import line_id
from domain.decision import Decision
from domain.values import LineKey
from projections.store.schema import idempotency_keys
from support.clock import Clock
from support.demo import DEMO_LAST_POSITION
from support.http import bearer, problem
from support.ledgers import log_size

Body = dict[str, Any]

PROBLEM_JSON = "application/problem+json"
ZOMERNOTA = nijmegen.ZOMERNOTA_2019
JEUGD_2019 = {"fiscal_year": 2019, "programma": nijmegen.WWZ, "taakveld": "6.72"}  # 2,300,000
JEUGD_LINE = line_id(LineKey(2019, nijmegen.WWZ, "6.72"))
AMENDMENTS = "/api/v1/budget/amendments"
DECISIONS = "/api/v1/decisions"


def key_error(detail: str, code: str) -> Body:
    return {"in": "header", "field": "Idempotency-Key", "detail": detail, "code": code}


def amendment(delta: str) -> Body:
    return {"line": JEUGD_2019, "delta": delta, "decision": ZOMERNOTA}


def proposal(reference: str, body: str = "raad") -> Body:
    return {
        "reference": reference,
        "title": f"Besluit {reference}",
        "body": body,
        "kind": "begrotingswijziging",
        "period": {"first_year": 2026, "last_year": 2026},
    }


def post(
    api: TestClient, path: str, body: Body | None, role: str, key: str | None, **headers: str
) -> Response:
    sent = {**bearer(role), **headers}
    if key is not None:
        sent["Idempotency-Key"] = key
    if body is None:
        return api.post(path, headers=sent)
    return api.post(path, json=body, headers=sent)


def assert_replayed(replay: Response, first: Response) -> None:
    """The replay is the first answer again: status, body, type and headers that matter."""
    assert replay.status_code == first.status_code
    assert replay.json() == first.json()
    assert replay.headers["content-type"] == first.headers["content-type"]
    assert replay.headers.get("ETag") == first.headers.get("ETag")
    assert replay.headers.get("Location") == first.headers.get("Location")
    assert replay.headers["Idempotent-Replayed"] == "true"


def event_types_after(api: TestClient, position: int) -> list[tuple[str, str]]:
    response = api.get("/api/v1/events", params={"after": position}, headers=bearer("auditor"))
    return [(row["event_type"], row["actor"]) for row in response.json()["rows"]]


# -- the same key, the same request ----------------------------------------------------


def test_a_retried_amendment_answers_the_first_answer_and_records_nothing_new(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # given an amendment sent with a key
    first = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "wijziging-0042")
    assert first.status_code == 200
    assert "Idempotent-Replayed" not in first.headers
    after_first = log_size(demo_ledger)

    # when it is sent again, as after a timeout
    replay = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "wijziging-0042")

    # then
    assert_replayed(replay, first)
    assert replay.json() == {
        "ids": {"line": str(JEUGD_LINE)},
        "versions": {"line": 3},
        "position": DEMO_LAST_POSITION + 1,
    }
    assert replay.headers["ETag"] == '"3"'
    assert log_size(demo_ledger) == after_first == DEMO_LAST_POSITION + 1
    assert event_types_after(demo_api, DEMO_LAST_POSITION) == [
        ("BudgetLine.Amended", "demo finance")
    ]


def test_a_retried_proposal_answers_its_201_and_location_again(
    api: TestClient, ledger: Ledger
) -> None:
    first = post(api, DECISIONS, proposal("raad-2026-11-a"), "griffie", "voorstel-a")
    assert first.status_code == 201

    replay = post(api, DECISIONS, proposal("raad-2026-11-a"), "griffie", "voorstel-a")

    assert_replayed(replay, first)
    assert replay.headers["Location"] == "/api/v1/decisions/raad-2026-11-a"
    assert replay.json() == {
        "ids": {"decision": str(Decision.id_for("raad-2026-11-a"))},
        "versions": {"decision": 1},
        "position": 1,
    }
    assert log_size(ledger) == 1


def test_a_retried_adoption_is_answered_as_adopted_not_refused_as_adopted_twice(
    api: TestClient, ledger: Ledger
) -> None:
    # given a proposal adopted with a key, on the version read
    post(api, DECISIONS, proposal("raad-2026-11-a"), "griffie", None)
    path = "/api/v1/decisions/raad-2026-11-a/adopt"
    first = post(api, path, None, "griffie", "adopt-a", **{"If-Match": '"1"'})
    assert first.status_code == 200

    # when the same adoption is retried, If-Match and all
    replay = post(api, path, None, "griffie", "adopt-a", **{"If-Match": '"1"'})

    # then the first answer comes back, not a stale version nor a second adoption
    assert_replayed(replay, first)
    assert replay.json()["versions"] == {"decision": 2}
    assert log_size(ledger) == 2


def test_a_replay_records_nothing_even_after_the_record_moved_on(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # given an amendment with a key, then another change to the same line
    first = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "wijziging-0042")
    post(demo_api, AMENDMENTS, amendment("1.00"), "finance", None)
    before = log_size(demo_ledger)

    # when the first is retried
    replay = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "wijziging-0042")

    # then it answers what it answered then, the line's version then included
    assert_replayed(replay, first)
    assert replay.json()["versions"] == {"line": 3}
    assert log_size(demo_ledger) == before


# -- the same key, another request -----------------------------------------------------

REUSED = "this Idempotency-Key was used for another request; use a new key"


def assert_reused(response: Response, instance: str, ledger: Ledger, before: int) -> None:
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == problem(
        422,
        "idempotency-key-reused",
        REUSED,
        instance,
        key_error("reused", "idempotency-key-reused"),
    )
    assert "Idempotent-Replayed" not in response.headers
    assert log_size(ledger) == before


def test_the_same_key_with_another_body_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "wijziging-0042")
    before = log_size(demo_ledger)

    response = post(demo_api, AMENDMENTS, amendment("600.00"), "finance", "wijziging-0042")

    assert_reused(response, AMENDMENTS, demo_ledger, before)


def test_the_same_key_on_another_endpoint_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "wijziging-0042")
    before = log_size(demo_ledger)
    transfer = {
        "source": JEUGD_2019,
        "target": {**JEUGD_2019, "taakveld": "6.71"},
        "amount": "500.00",
        "decision": ZOMERNOTA,
    }

    response = post(demo_api, "/api/v1/budget/transfers", transfer, "finance", "wijziging-0042")

    assert_reused(response, "/api/v1/budget/transfers", demo_ledger, before)


def test_the_same_key_on_another_version_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "k", **{"If-Match": '"2"'})
    before = log_size(demo_ledger)

    response = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "k")

    assert_reused(response, AMENDMENTS, demo_ledger, before)


def test_the_same_body_spelled_otherwise_is_the_same_request(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # given an amendment keyed with its defaults left out
    first = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "k")
    before = log_size(demo_ledger)

    # when it is retried with its members reordered and its defaults spelled out
    retry = {
        "decision": ZOMERNOTA,
        "source_document": None,
        "delta": "500.00",
        "known_at": None,
        "line": {**JEUGD_2019, "side": "lasten", "fund": None},
    }
    replay = post(demo_api, AMENDMENTS, retry, "finance", "k")

    # then it is the same request
    assert_replayed(replay, first)
    assert log_size(demo_ledger) == before


# -- keys belong to their actor --------------------------------------------------------


def test_a_key_belongs_to_the_actor_that_sent_it(api: TestClient, ledger: Ledger) -> None:
    # given the griffie's proposal under a key
    griffie = post(api, DECISIONS, proposal("raad-2026-11-a"), "griffie", "voorstel-1")
    assert griffie.status_code == 201

    # when finance sends another proposal under the same key
    finance = post(
        api, DECISIONS, proposal("college-2026-11-a", "college"), "finance", "voorstel-1"
    )

    # then it is a request of its own: recorded, not replayed, not refused as reused
    assert finance.status_code == 201
    assert "Idempotent-Replayed" not in finance.headers
    assert finance.json() == {
        "ids": {"decision": str(Decision.id_for("college-2026-11-a"))},
        "versions": {"decision": 1},
        "position": 2,
    }
    assert event_types_after(api, 0) == [
        ("Decision.Proposed", "demo griffie"),
        ("Decision.Proposed", "demo finance"),
    ]
    # and each actor's retry gets its own first answer back
    assert_replayed(
        post(api, DECISIONS, proposal("raad-2026-11-a"), "griffie", "voorstel-1"), griffie
    )
    assert_replayed(
        post(api, DECISIONS, proposal("college-2026-11-a", "college"), "finance", "voorstel-1"),
        finance,
    )
    assert log_size(ledger) == 2


def test_another_actors_identical_request_under_the_same_key_is_not_a_replay(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # given an amendment by one finance token under a key
    created = demo_api.post(
        "/api/v1/tokens", json={"name": "controller", "role": "finance"}, headers=bearer("admin")
    )
    controller = {"Authorization": f"Bearer {created.json()['token']}"}
    post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "wijziging-0042")

    # when another finance token sends the very same request under the very same key
    response = demo_api.post(
        AMENDMENTS,
        json=amendment("500.00"),
        headers={**controller, "Idempotency-Key": "wijziging-0042"},
    )

    # then it is that actor's own amendment, recorded in their name
    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response.headers
    assert response.json()["versions"] == {"line": 4}
    assert event_types_after(demo_api, DEMO_LAST_POSITION) == [
        ("BudgetLine.Amended", "demo finance"),
        ("BudgetLine.Amended", "controller"),
    ]


# -- refusals are answers too ----------------------------------------------------------


def test_a_refusal_is_replayed_for_the_same_key_even_once_the_change_would_succeed(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # given a cut deeper than the line, refused under a key
    first = post(demo_api, AMENDMENTS, amendment("-2300000.01"), "finance", "bezuiniging-7")
    assert first.status_code == 409
    assert first.json()["code"] == "insufficient-budget"
    # and then the line topped up, so that the cut would now fit
    post(demo_api, AMENDMENTS, amendment("1.00"), "finance", None)
    before = log_size(demo_ledger)

    # when the cut is retried under its key
    replay = post(demo_api, AMENDMENTS, amendment("-2300000.01"), "finance", "bezuiniging-7")

    # then the refusal comes back, and nothing is recorded
    assert_replayed(replay, first)
    assert replay.headers["content-type"] == PROBLEM_JSON
    assert log_size(demo_ledger) == before


def test_a_refused_reference_to_an_unknown_decision_is_replayed(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    body = {"line": JEUGD_2019, "delta": "1.00", "decision": "raad-nog-niet-genomen"}
    first = post(demo_api, AMENDMENTS, body, "finance", "k")
    assert first.status_code == 422
    before = log_size(demo_ledger)

    replay = post(demo_api, AMENDMENTS, body, "finance", "k")

    assert_replayed(replay, first)
    assert log_size(demo_ledger) == before


def test_an_invalid_body_does_not_use_up_its_key(demo_api: TestClient, demo_ledger: Ledger) -> None:
    # given a request refused as invalid before anything ran
    invalid = post(demo_api, AMENDMENTS, amendment("1.005"), "finance", "k")
    assert invalid.status_code == 422
    assert invalid.json()["code"] == "invalid-input"

    # when the corrected request is sent under the same key
    response = post(demo_api, AMENDMENTS, amendment("1.01"), "finance", "k")

    # then it runs: the key was never taken
    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response.headers
    assert log_size(demo_ledger) == DEMO_LAST_POSITION + 1


# -- without a key ---------------------------------------------------------------------


def test_a_retry_without_a_key_of_a_create_is_refused_as_a_duplicate(
    api: TestClient, ledger: Ledger
) -> None:
    post(api, DECISIONS, proposal("raad-2026-11-a"), "griffie", "voorstel-a")
    before = log_size(ledger)

    response = post(api, DECISIONS, proposal("raad-2026-11-a"), "griffie", None)

    detail = "decision 'raad-2026-11-a' already exists"
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == problem(
        409,
        "duplicate",
        detail,
        DECISIONS,
        {
            "in": "body",
            "field": "reference",
            "detail": detail,
            "code": "duplicate",
            "pointer": "#/reference",
        },
    )
    assert log_size(ledger) == before


def test_a_retry_without_a_key_of_a_change_is_a_second_change(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # what the key is for: without one, the server cannot tell a retry from a new request
    post(demo_api, AMENDMENTS, amendment("500.00"), "finance", None)

    response = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", None)

    assert response.status_code == 200
    assert response.json()["versions"] == {"line": 4}
    assert log_size(demo_ledger) == DEMO_LAST_POSITION + 2


# -- the key's own bookkeeping ---------------------------------------------------------


def test_a_retry_that_outran_the_keys_bookkeeping_still_cannot_record_twice(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # given an amendment under a key whose stored answer was lost
    first = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "wijziging-0042")
    assert first.status_code == 200
    with demo_ledger.engine.begin() as conn:
        conn.execute(delete(idempotency_keys))
    before = log_size(demo_ledger)

    # when it is retried
    response = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "wijziging-0042")

    # then the key's mutation id is already on the line: refused, nothing recorded twice
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["code"] == "duplicate"
    assert body["detail"].startswith("mutation ")
    assert body["detail"].endswith(
        " was already applied to line 2019 / Welzijn, Wijkontwikkeling en Zorg / taakveld 6.72"
        " / lasten"
    )
    assert body["errors"] == [key_error(body["detail"], "duplicate")]
    assert log_size(demo_ledger) == before


def reserve_as_a_first_request(ledger: Ledger, clock: Clock) -> None:
    """The key reserved by a first request that has not answered: still running, or dead
    before it wrote anything."""
    print_ = fingerprint(
        "POST",
        AMENDMENTS,
        [
            budget_requests.AmendBudget.model_validate(amendment("500.00")).model_dump(mode="json"),
            None,
        ],
    )
    store = IdempotencyStore(ledger.engine, clock.now)
    assert store.begin("demo finance", "wijziging-0042", print_) == Reservation(None)


def test_a_retry_does_not_wait_for_the_request_before_it(
    demo_api: TestClient, demo_ledger: Ledger, clock: Clock
) -> None:
    # given the key reserved by a first request that has not answered (ADR 0016: no lease;
    # the key's mutation id keeps the two from recording twice)
    reserve_as_a_first_request(demo_ledger, clock)
    before = log_size(demo_ledger)

    # when the same request arrives under the same key, at once
    response = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "wijziging-0042")
    again = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "wijziging-0042")

    # then the retry runs the command, once, and its answer is the key's from then on
    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response.headers
    assert response.json() == {
        "ids": {"line": str(JEUGD_LINE)},
        "versions": {"line": 3},
        "position": before + 1,
    }
    assert (again.status_code, again.headers["idempotent-replayed"]) == (200, "true")
    assert again.json() == response.json()
    assert log_size(demo_ledger) == before + 1


def test_a_request_that_finds_its_key_answered_meanwhile_answers_the_stored_answer(
    demo_api: TestClient, demo_ledger: Ledger, clock: Clock
) -> None:
    # given a first request that has not answered, then a retry that ran and answered
    reserve_as_a_first_request(demo_ledger, clock)
    retry = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "wijziging-0042")
    store = IdempotencyStore(demo_ledger.engine, clock.now)

    # when the first one stores its own answer at last
    kept = store.finish(
        "demo finance", "wijziging-0042", StoredResponse(409, {"code": "conflict"}, {})
    )

    # then the first stored answer stays the key's
    assert kept == StoredResponse(200, retry.json(), {"ETag": '"3"'})
    replay = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", "wijziging-0042")
    assert (replay.status_code, replay.json()) == (200, retry.json())


@pytest.mark.parametrize(
    "key", ["x" * 201, "", "tab\there"], ids=["201-characters", "empty", "control-character"]
)
def test_a_malformed_key_is_refused(demo_api: TestClient, demo_ledger: Ledger, key: str) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", key)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == problem(
        422,
        "invalid-idempotency-key",
        "an Idempotency-Key is 1 to 200 printable characters",
        AMENDMENTS,
        key_error("malformed", "invalid-idempotency-key"),
    )
    assert log_size(demo_ledger) == before


def test_a_key_of_200_characters_is_accepted(demo_api: TestClient, demo_ledger: Ledger) -> None:
    key = "k" * 200

    first = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", key)
    replay = post(demo_api, AMENDMENTS, amendment("500.00"), "finance", key)

    assert first.status_code == 200
    assert_replayed(replay, first)
    assert log_size(demo_ledger) == DEMO_LAST_POSITION + 1
