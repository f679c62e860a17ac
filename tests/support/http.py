"""The HTTP service as tests speak to it: the demo tokens and the problem documents
(RFC 9457) it answers with."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

Body = dict[str, Any]

ROLES = ("griffie", "finance", "auditor", "admin")

PROBLEM_JSON = "application/problem+json"


def bearer(role: str) -> dict[str, str]:
    """The Authorization header of the demo token of `role` (actor "demo <role>")."""
    return {"Authorization": f"Bearer demo-{role}"}


def problem(status: int, code: str, detail: str, instance: str, *errors: Body) -> Body:
    """The problem document the service answers with (RFC 9457); `errors` only when given."""
    body: Body = {
        "type": f"urn:begroting:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
    }
    if errors:
        body["errors"] = list(errors)
    return body


def in_body(field: str, detail: str, code: str) -> Body:
    pointer = "#/" + field.replace(".", "/")
    return {"in": "body", "field": field, "detail": detail, "code": code, "pointer": pointer}


def in_header(field: str, detail: str, code: str) -> Body:
    return {"in": "header", "field": field, "detail": detail, "code": code}


def in_path(field: str, detail: str, code: str) -> Body:
    return {"in": "path", "field": field, "detail": detail, "code": code}


def query_error(field: str, detail: str, code: str) -> Body:
    return {"in": "query", "field": field, "detail": detail, "code": code}


def paging(total: int, *, offset: int = 0, limit: int = 1000) -> dict[str, Any]:
    """The `paging` member of a list's envelope (api.pages): one page unless told."""
    end = offset + limit
    return {
        "offset": offset,
        "limit": limit,
        "total": total,
        "next_offset": end if end < total else None,
    }
