"""Retries after a crash (ADR 0016): a request under an Idempotency-Key that died after its
events were written, but before its answer was stored, is answered on a retry exactly as it
would have been answered, from the log; one that died before is run, once.

A crash is simulated in-process: the key's answer cannot be stored (`finish` raises), or the
catch-up after the write raises, or the events cannot be written; each by a BaseException,
as a process that dies runs none of the code after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from api.demo import nijmegen
from api.idempotency import IdempotencyStore, StoredResponse
from api.ledger import Ledger
from domain.application import Begroting
from domain.budget import line_id
from domain.values import LineKey
from projections.readmodel.runner import ProjectionRunner
from support import tampering
from support.demo import DEMO_LAST_POSITION
from support.http import bearer
from support.ledgers import log_size

Body = dict[str, Any]

WWZ = nijmegen.WWZ
FUND = nijmegen.FUND
ZOMERNOTA = nijmegen.ZOMERNOTA_2019
INTERVENTIEPLAN = nijmegen.INTERVENTIEPLAN_4
SLOTWIJZIGING = nijmegen.SLOTWIJZIGING_2019
WMO_JEUGD = nijmegen.RESERVE_WMO_JEUGD
JAARREKENING = "raad-2020-07-01-jaarrekening-2019"
HERSTEL = "raad-2020-09-herstel-jaarrekening-2019"
JEUGD_2019 = {"fiscal_year": 2019, "programma": WWZ, "taakveld": "6.72"}  # version 2
JEUGD_LINE = line_id(LineKey(2019, WWZ, "6.72"))
AMENDMENTS = "/api/v1/budget/amendments"
KEY = "na-de-crash-1"


class Crash(BaseException):
    """The process dies here: nothing after it runs (not even an `except Exception`)."""


def line(year: int, taakveld: str | None, **more: Any) -> Body:
    return {"fiscal_year": year, "programma": WWZ, "taakveld": taakveld, **more}


def fund_line(year: int, interventie: int) -> Body:
    key = nijmegen.fund_line(year, interventie)
    return line(year, key.taakveld, interventie=interventie, fund=FUND)


def proposal(reference: str, kind: str = "begrotingswijziging") -> Body:
    return {
        "reference": reference,
        "title": f"Besluit {reference}",
        "body": "raad",
        "kind": kind,
        "period": {"first_year": 2019, "last_year": 2019},
    }


def post(
    api: TestClient, path: str, body: Body | None, role: str, key: str | None = None
) -> Response:
    headers = bearer(role) | ({} if key is None else {"Idempotency-Key": key})
    if body is None:
        return api.post(path, headers=headers)
    return api.post(path, json=body, headers=headers)


@dataclass(frozen=True)
class Write:
    """One POST of README "Writing", with the unkeyed writes it needs first."""

    path: str
    body: Body | None
    role: str = "finance"
    given: tuple[tuple[str, Body | None, str], ...] = field(default=())


DEPOSIT = (
    f"/api/v1/reserves/{WMO_JEUGD}/deposits",
    {"fiscal_year": 2019, "amount": "500.00", "decision": ZOMERNOTA},
    "finance",
)
JAARREKENING_ADOPTED = (
    ("/api/v1/decisions", proposal(JAARREKENING, "jaarrekening"), "griffie"),
    (f"/api/v1/decisions/{JAARREKENING}/adopt", None, "griffie"),
)
CLOSED_2019 = (
    *JAARREKENING_ADOPTED,
    ("/api/v1/fiscal-years/2019/close", {"decision": JAARREKENING}, "finance"),
)
PROPOSED = (("/api/v1/decisions", proposal("raad-2019-crash"), "griffie"),)

MEMO = {"source_document": "Interventieplan fase 4"}
KENGETAL = {
    "reference": "ivp-2-bezoeken-stips",
    "label": "Aantal bezoeken Stips per jaar",
    "unit": "count",
    "fiscal_year": 2017,
} | MEMO
# The demo states Wmo's 2019 result (its Q4 report); this one is 2020's, stated anew.
STATED_WMO = {
    "fiscal_year": 2020,
    "domain": "wmo",
    "label": "Wmo",
    "scope": "Op het onderdeel Wmo",
    "amount": "1000000.00",
    "status": "voorlopig",
} | MEMO

EVERY_WRITE = {
    "decisions": Write("/api/v1/decisions", proposal("raad-2019-crash"), "griffie"),
    "adopt": Write("/api/v1/decisions/raad-2019-crash/adopt", None, "griffie", PROPOSED),
    "reject": Write("/api/v1/decisions/raad-2019-crash/reject", None, "griffie", PROPOSED),
    "withdraw": Write("/api/v1/decisions/raad-2019-crash/withdraw", None, "griffie", PROPOSED),
    "establishments": Write(
        "/api/v1/budget/establishments",
        {"line": line(2019, "6.1"), "amount": "125000.50", "decision": ZOMERNOTA},
    ),
    "amendments": Write(
        AMENDMENTS, {"line": JEUGD_2019, "delta": "-300000.00", "decision": ZOMERNOTA}
    ),
    "transfers": Write(
        "/api/v1/budget/transfers",
        {"source": JEUGD_2019, "target": line(2019, "6.71"), "amount": "1000.00"}
        | {"decision": ZOMERNOTA},
    ),
    "carry-overs": Write(
        "/api/v1/budget/carry-overs",
        {"source": fund_line(2019, 4), "target": fund_line(2020, 4), "amount": "1000.00"}
        | {"reserve": WMO_JEUGD, "decision": SLOTWIJZIGING},
    ),
    "taakstellingen": Write(
        "/api/v1/taakstellingen",
        {
            "reference": "extra-besparing",
            "label": "Extra besparing wijkteams",
            "interventie": 2,
            "programma": WWZ,
            "taakveld": "6.71",
            "origin": "Najaarsnota 2019",
            "amounts": {"2020": "1000.00", "2021": "2000.00"},
            "decision": INTERVENTIEPLAN,
        },
    ),
    "adjustments": Write(
        "/api/v1/taakstellingen/ca-premie-caz/adjustments",
        {"fiscal_year": 2021, "delta": "-90000.00", "decision": INTERVENTIEPLAN},
    ),
    "shifts": Write(
        "/api/v1/taakstellingen/shifts",
        {"source": "ca-meerwerk-werkbedrijf", "target": "ca-bijzondere-bijstand-tweedehands"}
        | {"fiscal_year": 2021, "amount": "100000.00", "decision": INTERVENTIEPLAN},
    ),
    "cancellations": Write(
        "/api/v1/taakstellingen/ca-premie-caz/cancellations",
        {"fiscal_year": 2020, "coverage": "Meevallende ontvangsten BUIG"}
        | {"decision": INTERVENTIEPLAN},
    ),
    "realisations": Write(
        "/api/v1/realisations",
        {"line": JEUGD_2019, "amount": "1234.56", "status": "voorlopig", "quarter": 2}
        | {"source_document": "Kwartaalrapportage 2019-Q2"},
    ),
    "corrections": Write(
        "/api/v1/realisations/corrections",
        {
            "line": {
                "fiscal_year": 2018,
                "programma": nijmegen.SOCIALE_STAD,
                "deelproduct": "61296",
            },
            "corrects_version": 1,
            "amount": "11562000.00",
            "status": "definitief",
            "reason": "Nagekomen factuur",
            "source_document": "Accountantsverklaring 2018",
        },
    ),
    "late-results": Write(
        "/api/v1/realisations/late-results",
        {
            "line": fund_line(2019, 2),
            "amount": "18000.00",
            "status": "definitief",
            "reason": "nagekomen declaraties wijkaanpak 2019",
            "corrects_version": 1,
            "source_document": "Eindafrekening wijkaanpak 2019",
        },
        given=CLOSED_2019,
    ),
    "reserves": Write(
        "/api/v1/reserves",
        {"code": "F100", "name": "Reserve Sociaal Domein", "kind": "bestemming"}
        | {"purpose": "Opvang tekorten", "fiscal_year": 2026, "source_document": "Raadsvoorstel"},
    ),
    "deposits": Write(*DEPOSIT),
    "withdrawals": Write(
        f"/api/v1/reserves/{WMO_JEUGD}/withdrawals",
        {"fiscal_year": 2019, "amount": "500.00", "decision": ZOMERNOTA},
        given=(DEPOSIT,),
    ),
    "allocations": Write(
        f"/api/v1/reserves/{WMO_JEUGD}/allocations",
        {"earmark": "", "allocations": [{"line": line(2019, "6.1"), "amount": "100.00"}]}
        | {"decision": ZOMERNOTA},
        given=(DEPOSIT,),
    ),
    "close": Write(
        "/api/v1/fiscal-years/2019/close", {"decision": JAARREKENING}, given=JAARREKENING_ADOPTED
    ),
    "reopen": Write(
        "/api/v1/fiscal-years/2019/reopen",
        {"decision": HERSTEL},
        given=(
            *CLOSED_2019,
            ("/api/v1/decisions", proposal(HERSTEL), "griffie"),
            (f"/api/v1/decisions/{HERSTEL}/adopt", None, "griffie"),
        ),
    ),
    "kengetallen": Write("/api/v1/kengetallen", KENGETAL),
    "measurements": Write(
        "/api/v1/kengetallen/measurements",
        {"reference": "ivp-2-bezoeken-stips", "fiscal_year": 2017, "value": "15000"} | MEMO,
        given=(("/api/v1/kengetallen", KENGETAL, "finance"),),
    ),
    "stated-results": Write("/api/v1/stated-results", STATED_WMO),
    "restatements": Write(
        "/api/v1/stated-results/restatements",
        {"fiscal_year": 2020, "domain": "wmo", "corrects_version": 1, "amount": "1100000.00"}
        | {"status": "definitief", "reason": "jaarrekening"}
        | MEMO,
        given=(("/api/v1/stated-results", STATED_WMO, "finance"),),
    ),
    # the demo specifies Opbouwwerk 2020 at 25000.00: this respecifies it, lower
    "specifications": Write(
        "/api/v1/budget/specifications",
        {"line": fund_line(2020, 2), "activity": "Opbouwwerk", "amount": "20000.00"}
        | {"decision": INTERVENTIEPLAN},
    ),
    "reports": Write(
        "/api/v1/reports",
        {
            "report_id": "najaarsrapportage-2020",
            "title": "Najaarsrapportage 2020",
            "published_at": "2026-11-20T12:00:00+01:00",
            "knowledge_cutoff": "2026-11-01T00:00:00+01:00",
            "tables": [
                {
                    "id": "budget-2020",
                    "title": "Transformatiebudget 2020",
                    "unit": "EUR_1000",
                    "fund": FUND,
                    "columns": [{"key": "2020", "measure": "budget", "fiscal_year": 2020}],
                    "rows": [{"interventie": 2, "label": "Wijkaanpak sociaal domein"}],
                }
            ],
            "period": {"first_year": 2020, "last_year": 2020},
            "decision": INTERVENTIEPLAN,
        },
    ),
}


def crashed(api: TestClient, path: str, body: Body | None, role: str, key: str = KEY) -> None:
    """Send the request through a client of its own on the same service: the Crash ends
    that client's event loop, as a dying process ends its own."""
    dying = TestClient(api.app)  # no lifespan: the services are `api`'s
    with pytest.raises(Crash):
        post(dying, path, body, role, key)


def given_writes(api: TestClient, write: Write) -> None:
    for path, body, role in write.given:
        response = post(api, path, body, role)
        assert response.status_code in (200, 201), response.text


def crash_on_finish(monkeypatch: pytest.MonkeyPatch) -> list[StoredResponse]:
    """The next answer stored for a key is not stored: the process dies first. Returns the
    answers it was about to store."""
    lost: list[StoredResponse] = []

    def die(self: IdempotencyStore, actor: str, key: str, response: StoredResponse) -> Any:
        lost.append(response)
        monkeypatch.undo()
        raise Crash

    monkeypatch.setattr(IdempotencyStore, "finish", die)
    return lost


def assert_first_answer(retry: Response, first: StoredResponse) -> None:
    assert retry.status_code == first.status
    assert retry.json() == first.body
    assert retry.headers.get("ETag") == first.headers.get("ETag")
    assert retry.headers.get("Location") == first.headers.get("Location")
    assert retry.headers["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize("write", EVERY_WRITE.values(), ids=EVERY_WRITE.keys())
def test_every_write_whose_answer_was_lost_in_a_crash_is_answered_from_the_log_on_a_retry(
    demo_api: TestClient, demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch, write: Write
) -> None:
    # given the write under a key, its events recorded, and the process dead before the
    # key's answer was stored
    given_writes(demo_api, write)
    before = log_size(demo_ledger)
    lost = crash_on_finish(monkeypatch)
    crashed(demo_api, write.path, write.body, write.role)
    [first] = lost
    assert first.status in (200, 201)
    assert first.body["position"] == log_size(demo_ledger) > before

    # when it is retried under its key (twice)
    retry = post(demo_api, write.path, write.body, write.role, KEY)
    again = post(demo_api, write.path, write.body, write.role, KEY)

    # then each retry gets exactly the answer the first would have given; nothing new
    assert_first_answer(retry, first)
    assert_first_answer(again, first)
    assert log_size(demo_ledger) == first.body["position"]


def test_a_retry_after_a_crash_in_the_catch_up_after_the_write_gets_the_first_answer(
    demo_api: TestClient, demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an amendment under a key whose process died in the catch-up after its write
    def die(self: ProjectionRunner, wait: float | None = None) -> int:
        monkeypatch.undo()
        raise Crash

    monkeypatch.setattr(ProjectionRunner, "catch_up", die)
    body = {"line": JEUGD_2019, "delta": "500.00", "decision": ZOMERNOTA}
    crashed(demo_api, AMENDMENTS, body, "finance")
    assert log_size(demo_ledger) == DEMO_LAST_POSITION + 1

    # when it is retried
    retry = post(demo_api, AMENDMENTS, body, "finance", KEY)

    # then it is answered as recorded then, not refused as a duplicate
    assert retry.status_code == 200
    assert retry.json() == {
        "ids": {"line": str(JEUGD_LINE)},
        "versions": {"line": 3},
        "position": DEMO_LAST_POSITION + 1,
    }
    assert retry.headers["ETag"] == '"3"'
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert log_size(demo_ledger) == DEMO_LAST_POSITION + 1


def test_a_retry_after_a_crash_before_the_events_were_written_records_them_once(
    demo_api: TestClient, demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a transfer under a key whose process died as its events were about to be written
    def die(self: Begroting, *aggregates: Any, **kwargs: Any) -> Any:
        monkeypatch.undo()
        raise Crash

    body = {"source": JEUGD_2019, "target": line(2019, "6.71"), "amount": "1000.00"} | {
        "decision": ZOMERNOTA
    }
    monkeypatch.setattr(Begroting, "save", die)
    crashed(demo_api, "/api/v1/budget/transfers", body, "finance")
    assert log_size(demo_ledger) == DEMO_LAST_POSITION

    # when it is retried, twice
    retry = post(demo_api, "/api/v1/budget/transfers", body, "finance", KEY)
    again = post(demo_api, "/api/v1/budget/transfers", body, "finance", KEY)

    # then the retry runs it, once, and its answer is the key's
    taker = line_id(LineKey(2019, WWZ, "6.71"))
    assert retry.status_code == 200
    assert "Idempotent-Replayed" not in retry.headers
    assert retry.json() == {
        "ids": {"source": str(JEUGD_LINE), "target": str(taker)},
        "versions": {"source": 3, "target": 2},
        "position": DEMO_LAST_POSITION + 3,
    }
    assert (again.status_code, again.json()) == (200, retry.json())
    assert log_size(demo_ledger) == DEMO_LAST_POSITION + 3


def test_a_noted_version_another_writer_took_meanwhile_is_not_mistaken_for_the_keys(
    demo_api: TestClient, demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an amendment under a key that died as its event (line version 3) was written
    def die(self: Begroting, *aggregates: Any, **kwargs: Any) -> Any:
        monkeypatch.undo()
        raise Crash

    body = {"line": JEUGD_2019, "delta": "500.00", "decision": ZOMERNOTA}
    monkeypatch.setattr(Begroting, "save", die)
    crashed(demo_api, AMENDMENTS, body, "finance")
    # and then another amendment, without a key, became the line's version 3
    other = post(demo_api, AMENDMENTS, body | {"delta": "1.00"}, "finance")
    assert other.json()["versions"] == {"line": 3}

    # when the first is retried
    retry = post(demo_api, AMENDMENTS, body, "finance", KEY)

    # then it runs: version 3 is not the key's
    assert retry.status_code == 200
    assert "Idempotent-Replayed" not in retry.headers
    assert retry.json() == {
        "ids": {"line": str(JEUGD_LINE)},
        "versions": {"line": 4},
        "position": DEMO_LAST_POSITION + 2,
    }
    assert log_size(demo_ledger) == DEMO_LAST_POSITION + 2


def test_a_final_refusal_stays_the_keys_answer_after_a_crash_before_it_was_stored(
    demo_api: TestClient, demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a cut deeper than the line, refused under a key, the refusal not stored
    body = {"line": JEUGD_2019, "delta": "-2300000.01", "decision": ZOMERNOTA}
    lost = crash_on_finish(monkeypatch)
    crashed(demo_api, AMENDMENTS, body, "finance")
    [first] = lost

    # when it is retried
    retry = post(demo_api, AMENDMENTS, body, "finance", KEY)

    # then it is refused again, the same way, and that is the key's answer from then on
    assert (retry.status_code, retry.json()) == (409, first.body)
    assert retry.json()["code"] == "insufficient-budget"
    replay = post(demo_api, AMENDMENTS, body, "finance", KEY)
    assert (replay.status_code, replay.json()) == (409, first.body)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert log_size(demo_ledger) == DEMO_LAST_POSITION


@pytest.mark.parametrize(
    ("column", "value"),
    [("state", b'{"timestamp": '), ("topic", "domain.nowhere:Nothing")],
    ids=["state not JSON", "topic names no class"],
)
def test_a_retry_whose_logged_event_was_tampered_with_is_refused_not_a_crash(
    demo_api: TestClient,
    demo_ledger: Ledger,
    monkeypatch: pytest.MonkeyPatch,
    column: str,
    value: object,
) -> None:
    # given a keyed write whose answer was lost, then its event tampered with in the log
    write = EVERY_WRITE["decisions"]
    lost = crash_on_finish(monkeypatch)
    crashed(demo_api, write.path, write.body, write.role)
    [first] = lost
    position = first.body["position"]
    tampering.drop_guards(demo_ledger.engine)
    tampering.set_column(demo_ledger.engine, position, column, value)

    # when it is retried under its key
    retry = post(demo_api, write.path, write.body, write.role, KEY)

    # then the retry is refused as a break at that event, and nothing is written
    assert retry.status_code == 503, retry.text
    assert retry.json()["type"].endswith("chain-broken")
    assert retry.json()["position"] == position
    assert log_size(demo_ledger) == position
