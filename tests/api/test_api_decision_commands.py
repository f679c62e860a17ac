"""Decision commands over HTTP: propose, adopt, reject and withdraw, If-Match; what a success
answers and records, and every way a request is refused, each refusal recording nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from api.ledger import Ledger
from domain.budget import line_id
from domain.decision import Decision
from support.commands import (
    JEUGD_2019,
    MANDAAT,
    ZOMERNOTA,
    assert_refused,
    assert_refused_but_for_errors,
    event,
    events_after,
    given,
    given_adopted,
    given_proposed,
    key_of,
    payloads_after,
    post,
    proposal,
    result,
    rule_broken,
)
from support.demo import DEMO_LAST_POSITION
from support.http import bearer, in_body, in_header, in_path, problem
from support.ledgers import log_size

# -- decisions: propose ----------------------------------------------------------------


def test_the_griffie_proposes_a_raad_decision(api: TestClient, ledger: Ledger) -> None:
    # given an empty ledger
    reference = "raad-2026-11-12-begrotingswijziging-3"

    # when
    response = post(api, "/api/v1/decisions", proposal(reference, years=(2026, 2027)), "griffie")

    # then
    decision = Decision.id_for(reference)
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    assert response.headers["Location"] == f"/api/v1/decisions/{reference}"
    assert response.headers["ETag"] == '"1"'
    assert response.json() == result({"decision": decision}, {"decision": 1}, 1)
    assert events_after(api, 0) == [
        event(
            1,
            "Decision.Proposed",
            decision,
            1,
            "2026..2027",
            actor="demo griffie",
            decision=reference,
        )
    ]


def test_finance_proposes_a_college_decision_under_the_raads_mandate(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    reference = "college-2026-11-verschuiving-wijkaanpak"

    response = post(
        demo_api,
        "/api/v1/decisions",
        proposal(reference, body="college", years=(2020, 2020), mandate=MANDAAT),
        "finance",
    )

    decision = Decision.id_for(reference)
    assert response.status_code == 201
    assert response.json() == result(
        {"decision": decision}, {"decision": 1}, DEMO_LAST_POSITION + 1
    )
    assert events_after(demo_api, DEMO_LAST_POSITION) == [
        event(DEMO_LAST_POSITION + 1, "Decision.Proposed", decision, 1, "2020", decision=reference)
    ]
    assert payloads_after(demo_api, DEMO_LAST_POSITION)[0]["mandate_id"] == {
        "_type_": "uuid_hex",
        "_data_": Decision.id_for(MANDAAT).hex,
    }


def test_a_second_proposal_with_the_same_reference_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, "/api/v1/decisions", proposal(ZOMERNOTA), "griffie")

    detail = f"decision {ZOMERNOTA!r} already exists"
    assert_refused(
        response,
        rule_broken(409, "duplicate", detail, "/api/v1/decisions", "reference"),
        demo_ledger,
        before,
    )


def test_a_proposal_naming_an_unknown_mandate_is_refused(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)
    body = proposal("college-x", body="college", mandate="raad-geen-mandaat")

    response = post(api, "/api/v1/decisions", body, "finance")

    detail = "mandate 'raad-geen-mandaat' does not exist"
    assert_refused(
        response,
        rule_broken(422, "not-found", detail, "/api/v1/decisions", "mandate"),
        ledger,
        before,
    )


def test_only_a_mandate_has_a_scope(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)
    scope = {"kinds": ["transfer"], "period": {"first_year": 2026, "last_year": 2026}}

    response = post(api, "/api/v1/decisions", proposal("raad-x", mandate_scope=scope), "griffie")

    detail = "only a mandate has a scope"
    assert_refused(
        response,
        rule_broken(422, "invalid-input", detail, "/api/v1/decisions", "mandate_scope"),
        ledger,
        before,
    )


BACKWARDS = "a period cannot end before it starts"


def _propose_a_mandate_with_a_backward_scope(api: TestClient) -> Response:
    scope = {"kinds": ["transfer"], "period": {"first_year": 2021, "last_year": 2020}}
    body = proposal("raad-mandaat-x", kind="mandate", years=(2020, 2021), mandate_scope=scope)
    return post(api, "/api/v1/decisions", body, "griffie")


def test_a_mandate_whose_scope_ends_before_it_starts_is_refused(
    api: TestClient, ledger: Ledger
) -> None:
    before = log_size(ledger)

    response = _propose_a_mandate_with_a_backward_scope(api)

    assert_refused_but_for_errors(
        response, problem(422, "invalid-input", BACKWARDS, "/api/v1/decisions"), ledger, before
    )


def test_a_backward_scope_points_at_the_scopes_period(api: TestClient) -> None:
    response = _propose_a_mandate_with_a_backward_scope(api)

    assert response.json()["errors"] == [
        in_body("mandate_scope.period", BACKWARDS, "invalid-input")
    ]


def test_a_reference_that_is_no_slug_is_refused(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)

    response = post(api, "/api/v1/decisions", proposal("raad 2026 november"), "griffie")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: reference",
            "/api/v1/decisions",
            in_body(
                "reference",
                "String should match pattern '^[A-Za-z0-9][A-Za-z0-9._:-]*$'",
                "string_pattern_mismatch",
            ),
        ),
        ledger,
        before,
    )


# -- decisions: adopt, reject, withdraw; If-Match --------------------------------------


def test_a_decision_read_at_version_1_is_adopted_with_if_match_1(
    api: TestClient, ledger: Ledger
) -> None:
    # given a proposal, read with its ETag
    reference = "raad-2026-11-12-begrotingswijziging-3"
    given_proposed(api, proposal(reference))
    read = api.get(f"/api/v1/decisions/{reference}", headers=bearer("auditor"))
    assert read.headers["ETag"] == '"1"'

    # when it is adopted on that version
    response = post(
        api, f"/api/v1/decisions/{reference}/adopt", None, "griffie", **{"If-Match": '"1"'}
    )

    # then
    decision = Decision.id_for(reference)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert response.json() == result({"decision": decision}, {"decision": 2}, 2)
    assert events_after(api, 1) == [
        event(2, "Decision.Adopted", decision, 2, "2019", actor="demo griffie")
    ]
    reread = api.get(f"/api/v1/decisions/{reference}", headers=bearer("auditor"))
    assert reread.headers["ETag"] == '"2"'
    assert reread.json()["rows"][0]["status"] == "adopted"


@pytest.mark.parametrize("if_match", ["*", 'W/"1"', "1"])
def test_if_match_takes_a_weak_tag_a_bare_version_or_any(
    api: TestClient, ledger: Ledger, if_match: str
) -> None:
    given_proposed(api, proposal("raad-x"))

    response = post(
        api, "/api/v1/decisions/raad-x/adopt", None, "griffie", **{"If-Match": if_match}
    )

    assert response.status_code == 200
    assert response.json()["versions"] == {"decision": 2}


def test_adopting_on_a_stale_version_is_refused(api: TestClient, ledger: Ledger) -> None:
    # given a proposal at version 1, and a client that believes it is at version 3
    given_proposed(api, proposal("raad-x"))
    before = log_size(ledger)

    # when
    response = post(api, "/api/v1/decisions/raad-x/adopt", None, "griffie", **{"If-Match": '"3"'})

    # then
    detail = "the record is at version 1, not 3: it changed since it was read; read it again"
    assert_refused(
        response,
        problem(
            409,
            "stale-version",
            detail,
            "/api/v1/decisions/raad-x/adopt",
            in_header("If-Match", detail, "stale-version"),
        ),
        ledger,
        before,
    )


def test_amending_a_line_that_moved_on_since_it_was_read_is_refused(
    demo_api: TestClient, demo_ledger: Ledger
) -> None:
    # given the line read at version 2, then amended by someone else
    line_path = f"/api/v1/budget/lines/{line_id(key_of(JEUGD_2019)).hex}"
    read = demo_api.get(line_path, headers=bearer("auditor"))
    assert read.headers["ETag"] == '"2"'
    amendment = {"line": JEUGD_2019, "delta": "1000.00", "decision": ZOMERNOTA}
    given(demo_api, "/api/v1/budget/amendments", amendment)
    before = log_size(demo_ledger)

    # when the reader amends on what it read
    response = post(
        demo_api, "/api/v1/budget/amendments", amendment, "finance", **{"If-Match": '"2"'}
    )

    # then
    detail = "the record is at version 3, not 2: it changed since it was read; read it again"
    assert_refused(
        response,
        problem(
            409,
            "stale-version",
            detail,
            "/api/v1/budget/amendments",
            in_header("If-Match", detail, "stale-version"),
        ),
        demo_ledger,
        before,
    )


@pytest.mark.parametrize("if_match", ["version-1", '"-1"', '"1234567890"', '"1", "2"'])
def test_a_malformed_if_match_is_refused(api: TestClient, ledger: Ledger, if_match: str) -> None:
    given_proposed(api, proposal("raad-x"))
    before = log_size(ledger)

    response = post(
        api, "/api/v1/decisions/raad-x/adopt", None, "griffie", **{"If-Match": if_match}
    )

    detail = 'If-Match is a version as its ETag gave it, such as "3"'
    assert_refused(
        response,
        problem(
            422,
            "invalid-if-match",
            detail,
            "/api/v1/decisions/raad-x/adopt",
            in_header("If-Match", detail, "invalid-if-match"),
        ),
        ledger,
        before,
    )


def _adopt_again(api: TestClient) -> Response:
    return post(api, "/api/v1/decisions/raad-x/adopt", None, "griffie")


ADOPTED_TWICE = "cannot adopt decision 'raad-x': it is adopted"


def test_adopting_an_adopted_decision_is_refused(api: TestClient, ledger: Ledger) -> None:
    given_adopted(api, proposal("raad-x"))
    before = log_size(ledger)

    response = _adopt_again(api)

    assert_refused_but_for_errors(
        response,
        problem(409, "decision-state", ADOPTED_TWICE, "/api/v1/decisions/raad-x/adopt"),
        ledger,
        before,
    )


def test_a_refused_adoption_points_at_the_decision_in_the_path(api: TestClient) -> None:
    given_adopted(api, proposal("raad-x"))

    response = _adopt_again(api)

    assert response.json()["errors"] == [in_path("decision", ADOPTED_TWICE, "decision-state")]


def test_adopting_an_unknown_decision_is_not_found(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)

    response = post(api, "/api/v1/decisions/raad-onbekend/adopt", None, "griffie")

    assert_refused(
        response,
        problem(
            404,
            "not-found",
            "decision 'raad-onbekend' does not exist",
            "/api/v1/decisions/raad-onbekend/adopt",
        ),
        ledger,
        before,
    )


def test_an_adoption_may_say_when_it_was_decided_but_not_in_the_future(
    api: TestClient, ledger: Ledger
) -> None:
    given_proposed(api, proposal("raad-x"))
    before = log_size(ledger)

    response = post(
        api, "/api/v1/decisions/raad-x/adopt", {"known_at": "2026-11-24T09:00:00Z"}, "griffie"
    )

    detail = "known_at cannot lie after recorded_at (the future)"
    assert_refused(
        response,
        rule_broken(422, "invalid-time", detail, "/api/v1/decisions/raad-x/adopt", "known_at"),
        ledger,
        before,
    )


def test_an_adoption_dated_in_the_past_records_that_moment(api: TestClient, ledger: Ledger) -> None:
    given_proposed(api, proposal("raad-x"))

    response = post(
        api,
        "/api/v1/decisions/raad-x/adopt",
        {"known_at": "2026-11-12T21:30:00+01:00", "source_document": "Besluitenlijst raad"},
        "griffie",
    )

    assert response.status_code == 200
    assert events_after(api, 1) == [
        {
            **event(
                2,
                "Decision.Adopted",
                Decision.id_for("raad-x"),
                2,
                "2019",
                actor="demo griffie",
                source="Besluitenlijst raad",
            ),
            "known_at": "2026-11-12T20:30:00+00:00",
        }
    ]


def test_an_adoption_body_naming_an_actor_is_refused(api: TestClient, ledger: Ledger) -> None:
    given_proposed(api, proposal("raad-x"))
    before = log_size(ledger)

    response = post(api, "/api/v1/decisions/raad-x/adopt", {"actor": "de burgemeester"}, "griffie")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: actor",
            "/api/v1/decisions/raad-x/adopt",
            in_body("actor", "Extra inputs are not permitted", "extra_forbidden"),
        ),
        ledger,
        before,
    )


def test_the_griffie_rejects_a_raad_proposal(api: TestClient, ledger: Ledger) -> None:
    given_proposed(api, proposal("raad-x"))

    response = post(api, "/api/v1/decisions/raad-x/reject", None, "griffie")

    decision = Decision.id_for("raad-x")
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert response.json() == result({"decision": decision}, {"decision": 2}, 2)
    assert events_after(api, 1) == [
        event(2, "Decision.Rejected", decision, 2, "2019", actor="demo griffie")
    ]


def test_an_adopted_decision_cannot_be_rejected(demo_api: TestClient, demo_ledger: Ledger) -> None:
    before = log_size(demo_ledger)

    response = post(demo_api, f"/api/v1/decisions/{ZOMERNOTA}/reject", None, "griffie")

    assert_refused_but_for_errors(
        response,
        problem(
            409,
            "decision-state",
            f"cannot reject decision {ZOMERNOTA!r}: it is adopted",
            f"/api/v1/decisions/{ZOMERNOTA}/reject",
        ),
        demo_ledger,
        before,
    )


def test_finance_withdraws_a_college_proposal(api: TestClient, ledger: Ledger) -> None:
    given_proposed(api, proposal("college-x", body="college"), role="finance")

    response = post(api, "/api/v1/decisions/college-x/withdraw", None, "finance")

    decision = Decision.id_for("college-x")
    assert response.status_code == 200
    assert response.json() == result({"decision": decision}, {"decision": 2}, 2)
    assert events_after(api, 1) == [event(2, "Decision.Withdrawn", decision, 2, "2019")]


def test_withdrawing_an_unknown_decision_is_not_found(api: TestClient, ledger: Ledger) -> None:
    before = log_size(ledger)

    response = post(api, "/api/v1/decisions/college-onbekend/withdraw", None, "finance")

    assert_refused(
        response,
        problem(
            404,
            "not-found",
            "decision 'college-onbekend' does not exist",
            "/api/v1/decisions/college-onbekend/withdraw",
        ),
        ledger,
        before,
    )


def test_a_decision_reference_longer_than_200_characters_is_refused(
    api: TestClient, ledger: Ledger
) -> None:
    before = log_size(ledger)
    path = f"/api/v1/decisions/{'r' * 201}/adopt"

    response = post(api, path, None, "griffie")

    assert_refused(
        response,
        problem(
            422,
            "invalid-input",
            "the request has invalid fields: decision",
            path,
            in_path("decision", "String should have at most 200 characters", "string_too_long"),
        ),
        ledger,
        before,
    )
