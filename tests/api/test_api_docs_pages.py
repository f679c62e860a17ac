"""/docs and /redoc from the app's own vendored assets (ADR 0024), and the security headers
on every answer: pages, static files, JSON and problems alike."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

STATIC = Path(__file__).resolve().parents[2] / "src" / "api" / "static"

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# ReDoc writes <style> elements and runs its search in a blob: worker: its page only.
REDOC_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'; worker-src blob:"
)

SWAGGER_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Begroting - Swagger UI</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/vendor/swagger-ui-dist-5.35.0/swagger-ui.css">
</head>
<body>
<main id="swagger-ui" data-openapi-url="/openapi.json"></main>
<script src="/static/vendor/swagger-ui-dist-5.35.0/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
"""

REDOC_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Begroting - ReDoc</title>
<link rel="icon" href="data:,">
</head>
<body>
<redoc spec-url="/openapi.json"></redoc>
<script src="/static/vendor/redoc-2.5.4/redoc.standalone.js"></script>
</body>
</html>
"""


def security_headers(policy: str = POLICY) -> dict[str, str]:
    return {
        "content-security-policy": policy,
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "x-frame-options": "DENY",
    }


SECURITY = tuple(security_headers())


def headers_of(headers: Mapping[str, str]) -> dict[str, str | None]:
    return {name: headers.get(name) for name in SECURITY}


def test_swagger_ui_is_a_page_of_the_apps_own_assets(api: TestClient) -> None:
    response = api.get("/docs")

    assert (response.status_code, response.headers["content-type"], response.text) == (
        200,
        "text/html; charset=utf-8",
        SWAGGER_PAGE,
    )
    assert headers_of(response.headers) == security_headers()


def test_redoc_is_a_page_of_the_apps_own_assets_with_its_looser_style_policy(
    api: TestClient,
) -> None:
    response = api.get("/redoc")

    assert (response.status_code, response.headers["content-type"], response.text) == (
        200,
        "text/html; charset=utf-8",
        REDOC_PAGE,
    )
    assert headers_of(response.headers) == security_headers(REDOC_POLICY)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/v1/health", "application/json"),
        ("/openapi.json", "application/json"),
        ("/static/swagger-init.js", "text/javascript; charset=utf-8"),
        ("/static/vendor/swagger-ui-dist-5.35.0/swagger-ui.css", "text/css; charset=utf-8"),
    ],
)
def test_every_answer_carries_the_security_headers(
    api: TestClient, path: str, content_type: str
) -> None:
    response = api.get(path)

    assert (response.status_code, response.headers["content-type"]) == (200, content_type)
    assert headers_of(response.headers) == security_headers()


def test_a_problem_carries_the_security_headers(api: TestClient) -> None:
    response = api.get("/api/v1/no-such-thing")

    assert (response.status_code, response.headers["content-type"]) == (
        404,
        "application/problem+json",
    )
    assert headers_of(response.headers) == security_headers()


def test_the_redoc_policy_is_for_its_page_only(api: TestClient) -> None:
    response = api.get("/redoc/", follow_redirects=False)  # a redirect to it, not the page

    assert (response.status_code, response.headers["location"]) == (307, "http://testserver/redoc")
    assert headers_of(response.headers) == security_headers()


def test_the_openapi_document_hides_the_documentation_pages(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]

    assert [path for path in paths if not path.startswith("/api/v1/")] == []


ROW = re.compile(r"^\| (\S+) \| [^|]+ \| [^|]+ \| [^|]+ \| ([0-9a-f]{64}) \|$", re.MULTILINE)


def test_every_vendored_file_is_listed_with_its_sha256() -> None:
    vendor = STATIC / "vendor"
    listed = dict(ROW.findall((vendor / "README.md").read_text(encoding="utf-8")))
    present = {
        str(path.relative_to(vendor)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(vendor.rglob("*"))
        if path.is_file() and path.name != "README.md"
    }

    assert present == listed
    assert len(listed) == 8
