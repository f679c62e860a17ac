"""The interactive API documentation, served from the app itself (ADR 0024): Swagger UI at
`/docs` and ReDoc at `/redoc` over the app's own OpenAPI document, their scripts and style
sheets vendored under static/vendor/ and served with everything else at `/static`.

FastAPI's own pages load both from a CDN, so they break offline and need a CSP that trusts
another origin; these pages fetch nothing from anywhere but this server and hold no inline
script (the Swagger UI set-up is static/swagger-init.js)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
SWAGGER_UI = "vendor/swagger-ui-dist-5.35.0"
REDOC = "vendor/redoc-2.5.4"

DOCS_PATH = "/docs"
REDOC_PATH = "/redoc"

# No favicon of our own: an empty data: icon keeps the browser from asking for /favicon.ico.
_SWAGGER_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - Swagger UI</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{static}/{swagger}/swagger-ui.css">
</head>
<body>
<main id="swagger-ui" data-openapi-url="{openapi}"></main>
<script src="{static}/{swagger}/swagger-ui-bundle.js"></script>
<script src="{static}/swagger-init.js"></script>
</body>
</html>
"""

# ReDoc starts itself on a <redoc spec-url> element: no script of ours needed.
_REDOC_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - ReDoc</title>
<link rel="icon" href="data:,">
</head>
<body>
<redoc spec-url="{openapi}"></redoc>
<script src="{static}/{redoc}/redoc.standalone.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """`/static`, `/docs` and `/redoc`; the app must be made with docs_url=None and
    redoc_url=None, so that FastAPI's CDN pages are not there as well."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def render(page: str, request: Request) -> HTMLResponse:
        # Behind a proxy that strips a prefix, the links must carry it (as FastAPI's own).
        root = request.scope.get("root_path", "").rstrip("/")
        return HTMLResponse(
            page.format(
                title=escape(app.title),
                static=escape(f"{root}/static"),
                openapi=escape(f"{root}{app.openapi_url}"),
                swagger=SWAGGER_UI,
                redoc=REDOC,
            )
        )

    @app.get(DOCS_PATH, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        return render(_SWAGGER_PAGE, request)

    @app.get(REDOC_PATH, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        return render(_REDOC_PAGE, request)
