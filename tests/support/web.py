"""The web workspace as a browser meets it, without a browser: sign in through the form,
read the CSRF secret a page's forms carry."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

_HIDDEN = re.compile(r'<input type="hidden" name="csrf" value="([^"]+)">')


def csrf_of(html: str) -> str:
    """The CSRF secret of the first form on the page that posts one."""
    found = _HIDDEN.search(html)
    assert found is not None, "the page has no form with a CSRF secret"
    return found[1]


def sign_in(client: TestClient, token: str, volgende: str = "") -> None:
    """Sign in through the form, as a browser does; the client keeps the session cookie."""
    form = client.get("/")
    assert form.status_code == 200, form.text
    answer = client.post(
        "/aanmelden",
        data={"token": token, "csrf": csrf_of(form.text), "volgende": volgende},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
