"""Signing in and out of the web workspace (ADR 0022): the cookie holds a random session id,
never the token; CSRF on every form that posts; roles as in the API."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from api.auth import DEMO_TOKENS, Role
from support.web import csrf_of, sign_in


def test_the_start_page_is_a_sign_in_form_with_a_labelled_token_field(
    browser: TestClient,
) -> None:
    answer = browser.get("/")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert '<label for="token">Token</label>' in answer.text
    assert '<input id="token" name="token" type="password"' in answer.text
    assert '<button type="submit">Aanmelden</button>' in answer.text
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("begroting_aanmelden=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie


def test_signing_in_sets_a_session_cookie_that_is_not_the_token(browser: TestClient) -> None:
    form = browser.get("/")
    answer = browser.post(
        "/aanmelden",
        data={"token": "demo-auditor", "csrf": csrf_of(form.text), "volgende": ""},
    )

    assert answer.status_code == 303
    assert answer.headers["location"] == "/rapporten"
    session = next(
        value
        for key, value in answer.headers.multi_items()
        if key == "set-cookie" and value.startswith("begroting_sessie=")
    )
    session_id = session.split(";")[0].removeprefix("begroting_sessie=")
    assert len(session_id) == 43
    assert "demo-auditor" not in session
    assert "HttpOnly" in session
    assert "SameSite=strict" in session
    assert "Secure" not in session  # plain HTTP on loopback; Secure over HTTPS
    assert browser.get("/rapporten").status_code == 200


def test_the_admin_role_lands_on_token_management(browser: TestClient) -> None:
    form = browser.get("/")
    answer = browser.post(
        "/aanmelden", data={"token": DEMO_TOKENS[Role.ADMIN], "csrf": csrf_of(form.text)}
    )

    assert (answer.status_code, answer.headers["location"]) == (303, "/tokens")


def test_an_unknown_token_is_refused_at_the_field_and_starts_no_session(
    browser: TestClient,
) -> None:
    form = browser.get("/")
    answer = browser.post(
        "/aanmelden", data={"token": "bgt_wrong", "csrf": csrf_of(form.text), "volgende": ""}
    )

    assert answer.status_code == 401
    assert 'aria-invalid="true" aria-describedby="token-fout"' in answer.text
    assert (
        '<p class="error" id="token-fout" role="alert">dit token is onbekend of ingetrokken</p>'
        in answer.text
    )
    assert "begroting_sessie" not in answer.headers.get("set-cookie", "")
    assert browser.get("/rapporten").status_code == 303


def test_a_sign_in_without_the_forms_csrf_secret_is_refused(browser: TestClient) -> None:
    browser.get("/")
    answer = browser.post("/aanmelden", data={"token": "demo-auditor", "csrf": "forged"})

    assert answer.status_code == 403
    assert "het formulier is verlopen: laad de pagina opnieuw" in answer.text
    assert browser.get("/rapporten").status_code == 303


def test_a_page_without_a_session_sends_the_browser_to_sign_in_and_back(
    browser: TestClient,
) -> None:
    answer = browser.get("/rapporten/interventieplan-fase-4?peildatum=2019Q4")

    assert answer.status_code == 303
    assert answer.headers["location"] == (
        "/?volgende=%2Frapporten%2Finterventieplan-fase-4%3Fpeildatum%3D2019Q4"
    )
    sign_in(browser, "demo-auditor", volgende="/rapporten/interventieplan-fase-4?peildatum=2019Q4")
    form = browser.get("/")
    assert form.status_code == 303  # signed in: the start page moves on


def test_after_sign_in_the_browser_returns_to_the_page_it_asked_for(browser: TestClient) -> None:
    form = browser.get("/?volgende=%2Fbesluiten")
    assert '<input type="hidden" name="volgende" value="/besluiten">' in form.text
    answer = browser.post(
        "/aanmelden",
        data={"token": "demo-finance", "csrf": csrf_of(form.text), "volgende": "/besluiten"},
    )

    assert (answer.status_code, answer.headers["location"]) == (303, "/besluiten")


def test_sign_in_never_sends_the_browser_to_another_site(browser: TestClient) -> None:
    form = browser.get("/")
    answer = browser.post(
        "/aanmelden",
        data={
            "token": "demo-finance",
            "csrf": csrf_of(form.text),
            "volgende": "//elsewhere.example/steal",
        },
    )

    assert (answer.status_code, answer.headers["location"]) == (303, "/rapporten")


def test_signing_out_ends_the_session(signed_in: Callable[[Role], TestClient]) -> None:
    browser = signed_in(Role.AUDITOR)
    page = browser.get("/rapporten")
    session_cookie = browser.cookies.get("begroting_sessie")

    answer = browser.post("/afmelden", data={"csrf": csrf_of(page.text)})

    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    assert browser.get("/rapporten").status_code == 303
    # The old cookie, replayed, opens nothing: the session is ended on the server.
    browser.cookies.set("begroting_sessie", session_cookie or "")
    assert browser.get("/rapporten").status_code == 303


def test_signing_out_without_the_sessions_csrf_secret_is_refused(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.AUDITOR)

    answer = browser.post("/afmelden", data={"csrf": "forged"})

    assert answer.status_code == 403
    assert browser.get("/rapporten").status_code == 200


def test_the_admin_role_sees_token_management_only(
    signed_in: Callable[[Role], TestClient],
) -> None:
    browser = signed_in(Role.ADMIN)

    answer = browser.get("/rapporten")

    assert answer.status_code == 403
    refusal = "deze pagina is voor de rollen griffie, finance en auditor"
    assert f'<p class="error" role="alert">{refusal}</p>' in answer.text
    assert '<a href="/tokens">Tokens</a>' in answer.text
    assert '<a href="/rapporten">' not in answer.text
