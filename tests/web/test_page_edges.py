"""Inputs at the edges of the pages: each is a 422 page naming its field, never a 500; and
what holds figures is never kept in the browser's cache."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from api.auth import Role


@pytest.fixture
def auditor(signed_in: Callable[[Role], TestClient]) -> TestClient:
    return signed_in(Role.AUDITOR)


@pytest.mark.parametrize(
    ("query", "field", "day"),
    [
        ("tot=9999-12-31", "tot", "9999-12-31"),
        ("tot=31-12-9999", "tot", "31-12-9999"),
        ("van=0001-01-01", "van", "0001-01-01"),
    ],
)
def test_a_day_at_the_calendars_edge_is_refused_at_its_field(
    auditor: TestClient, query: str, field: str, day: str
) -> None:
    answer = auditor.get(f"/audit/log?{query}")

    assert answer.status_code == 422
    assert (
        f'<p class="error" id="{field}-fout" role="alert">geen datum: ‘{day}’ '
        "(schrijf 2019-12-31 of 31-12-2019, een dag van 2000 tot en met 2100)</p>"
    ) in answer.text


@pytest.mark.parametrize("year", ["²", "２０１９", "20 19"])
def test_a_year_in_other_digits_is_refused_at_its_field(auditor: TestClient, year: str) -> None:
    answer = auditor.get("/rechtmatigheid", params={"jaar": year})

    assert answer.status_code == 422
    assert "een begrotingsjaar is een jaartal van 2000 tot en met 2100" in answer.text


def test_a_one_digit_dutch_date_is_a_peildatum(auditor: TestClient) -> None:
    answer = auditor.get("/rapporten/interventieplan-fase-4?peildatum=1-7-2019")

    assert answer.status_code == 200
    assert "Stand: <strong>peildatum 1 juli 2019</strong>" in answer.text


def test_a_moment_with_a_time_keeps_its_time_in_the_caption(auditor: TestClient) -> None:
    answer = auditor.get("/rapporten/interventieplan-fase-4?peildatum=2019-12-31T10:00")

    assert "Stand: <strong>bekend op 31 december 2019 10:00</strong>" in answer.text


@pytest.mark.parametrize(
    "path",
    [
        "/rapporten",
        "/audit/kit",
        "/audit/export/log.csv",
        "/audit/export/rapporten/interventieplan-fase-4.xlsx",
    ],
)
def test_pages_and_downloads_are_never_kept_in_the_browsers_cache(
    auditor: TestClient, path: str
) -> None:
    answer = auditor.get(path)

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"


def test_a_database_that_cannot_be_reached_is_a_503_page_not_an_empty_500(
    auditor: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(session_id: str) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    store = auditor.app.state.services.sessions  # type: ignore[attr-defined]
    monkeypatch.setattr(store, "find", unreachable)

    answer = auditor.get("/rapporten")

    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert "<h1>Tijdelijk niet beschikbaar</h1>" in answer.text
    assert "the database cannot be reached; nothing was recorded by this request" in answer.text
