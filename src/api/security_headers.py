"""Security headers on every answer the service gives, pages and JSON alike (ADR 0024): a
Content-Security-Policy that allows the app's own origin only, no MIME sniffing, no referrer
beyond the origin, and no framing.

A pure ASGI middleware rather than Starlette's BaseHTTPMiddleware: it only adds headers to
the start of the answer, so streamed downloads (exports, the auditor's kit) stream as before."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.docs_pages import REDOC_PATH


def policy(**looser: str) -> str:
    """The policy as a header value; `looser` replaces or adds directives (underscores for
    dashes)."""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    } | {name.replace("_", "-"): value for name, value in looser.items()}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CONTENT_SECURITY_POLICY = policy()

# ReDoc styles itself with styled-components, which writes <style> elements at run time, and
# runs its search index in a web worker it makes from a blob: URL. Only its page gets that.
PAGE_POLICIES = {
    REDOC_PATH: policy(style_src="'self' 'unsafe-inline'", worker_src="blob:"),
}

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_security_policy = PAGE_POLICIES.get(scope["path"], CONTENT_SECURITY_POLICY)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = content_security_policy
                for name, value in HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


def install(app: FastAPI) -> None:
    app.add_middleware(SecurityHeaders)
