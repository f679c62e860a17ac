"""Conditional GET (RFC 9110 §13): every answer to a GET carries an ETag, and a request whose
`If-None-Match` names it is answered 304 without a body (ADR 0006).

A single record's ETag is its version (the one `If-Match` takes on the next write); any other
answer's is strong and computed from its bytes, so it changes exactly when the answer does."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi.responses import Response

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {
        "description": "Not Modified: the request's `If-None-Match` names the answer's "
        "current ETag, or is `*`"
    }
}


def body_etag(body: bytes) -> str:
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def _opaque(tag: str) -> str:
    # Weak comparison (RFC 9110 §8.8.3.2): W/"x" and "x" match.
    return tag.strip().removeprefix("W/")


def none_match(header: str, current: str) -> bool:
    """Whether `If-None-Match: header` names `current`: `*`, or one of a list of tags."""
    tags = [tag for tag in (part.strip() for part in header.split(",")) if tag]
    return "*" in tags or _opaque(current) in {_opaque(tag) for tag in tags}


def conditional(if_none_match: str | None, response: Response) -> Response:
    """The answer to a GET with its ETag, or 304 if the client holds it already."""
    if response.status_code != 200:
        return response
    current = response.headers.get("ETag")
    if current is None:
        current = body_etag(bytes(response.body))
        response.headers["ETag"] = current
    if if_none_match is None or not none_match(if_none_match, current):
        return response
    return Response(status_code=304, headers={"ETag": current})


def document(operations: dict[str, Any]) -> None:
    """The OpenAPI entries of conditional GET on one path's operations: the ETag and the 304.
    `If-None-Match` is a standard header (RFC 9110), not listed as a parameter of each GET."""
    get = operations.get("get")
    if get is None:
        return
    responses = get.setdefault("responses", {})
    ok = responses.get("200")
    if ok is not None:
        ok.setdefault("headers", {})["ETag"] = {
            "description": "the record's version, or a digest of the answer's bytes",
            "schema": {"type": "string"},
        }
    responses.setdefault("304", dict(NOT_MODIFIED[304]))
