"""Every error is `application/problem+json` (RFC 9457), mapped once, here (ADR 0006).

Each problem has a stable `code`; a 422 lists every field at fault in `errors`, each with
where it is (`in`: body, query, path or header), its dotted `field` and, for the body, a
JSON `pointer`. A domain error names its field in the domain's terms (and the member of a
list input it is in); where that is in the request is decided here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from http import HTTPStatus
from types import UnionType
from typing import Any, NotRequired, Union, get_args, get_origin

from eventsourcing.persistence import OperationalError as RecorderOperationalError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from typing_extensions import TypedDict

from domain.errors import DomainError, InvalidInputError, NotFoundError
from projections.audit.chain import ChainBroken
from projections.audit.verification import RETRY_AFTER_SECONDS
from projections.queries.basis import BasisError, UnknownReportError
from projections.readmodel.runner import ReadModelBrokenError, ReadModelBusyError
from projections.store.database import DatabaseUnavailableError, is_lock_timeout

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "urn:begroting:problem:"
log = logging.getLogger("begroting.api")

# Fields that travel outside the body: where a domain error about them points.
HEADER_FIELDS = {"expected_version": "If-Match", "mutation_id": "Idempotency-Key"}
# Domain names that a body spells otherwise, used where the body has no member of that name.
# The Context's `source` is `source_document`, unless the command has a `source` of its own
# (where a transfer or shift starts from); an aggregate's `amount` is the command's `delta`.
BODY_ALIASES = {"source": "source_document", "years": "amounts", "amount": "delta"}
# A part of a field's path the body names otherwise: a budget line is the domain's `key` and
# the body's `line` (`source` and `target` in a transfer, which the domain names so too).
MEMBER_ALIASES = {"key": "line"}


class Problem(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: Sequence[dict[str, Any]] = (),
        headers: dict[str, str] | None = None,
        title: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.extra = extra or {}
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers or {}
        self.title = title or HTTPStatus(status).phrase

    def body(self, instance: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": TYPE_BASE + self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
            "code": self.code,
        }
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body

    def response(self, instance: str) -> Response:
        return problem_response(self.status, self.body(instance), self.headers)


def problem_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Response:
    return Response(
        content=json.dumps(body, ensure_ascii=False),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def chain_broken(error: ChainBroken) -> Problem:
    """Figures refused: the log they stand on does not verify (ADR 0017). Health and
    /audit/verify still answer; a full verify that passes clears it."""
    verdict = error.verdict
    return Problem(
        503,
        "chain-broken",
        f"the log does not verify: {error}; figures are refused until an operator restores "
        "the log and a full verify passes",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        extra={"kind": verdict.kind, "position": verdict.position, "finding": verdict.detail},
    )


# One member at fault: where (`body`, `query`, `path`, `header`), which, why; a body member
# also as an RFC 6901 `pointer`. The functional form, since `in` is a Python keyword.
# An import's problem also names the spreadsheet's `row` (None: the file as a whole) and the
# canonical `column` (ADR 0033).
FieldError = TypedDict(
    "FieldError",
    {
        "in": str,
        "field": str,
        "detail": str,
        "code": str,
        "pointer": NotRequired[str],
        "row": NotRequired[int | None],
        "column": NotRequired[str | None],
    },
)


def field_error(
    where: str, field: str, detail: str, code: str, parts: Sequence[str] | None = None
) -> dict[str, Any]:
    """`parts`: the path to a body member, where a member's name may itself hold a dot.
    Its members are those of `FieldError`, which the OpenAPI document publishes."""
    error: dict[str, Any] = {"in": where, "field": field, "detail": detail, "code": code}
    if where == "body":
        segments = field.split(".") if parts is None else parts
        # RFC 6901: "~" is "~0" and "/" is "~1" inside a segment.
        escaped = [s.replace("~", "~0").replace("/", "~1") for s in segments if s]
        error["pointer"] = "#/" + "/".join(escaped) if escaped else "#"
    return error


def domain_problem(
    error: DomainError,
    path_params: dict[str, Any],
    body_model: type[BaseModel] | None = None,
) -> Problem:
    """The one table from domain errors to HTTP: what names a missing resource in the URL is
    404; malformed input, or a body naming something unknown, 422; a broken rule 409."""
    field = error.field
    if isinstance(error, NotFoundError) and (field is None or field in path_params):
        return Problem(404, error.code, error.message)
    errors = [] if field is None else [_located(error, field, path_params, body_model)]
    status = 422 if isinstance(error, InvalidInputError | NotFoundError) else 409
    return Problem(status, error.code, error.message, errors=errors)


def _located(
    error: DomainError,
    field: str,
    path_params: dict[str, Any],
    body_model: type[BaseModel] | None,
) -> dict[str, Any]:
    if field in HEADER_FIELDS:
        return field_error("header", HEADER_FIELDS[field], error.message, error.code)
    if field in path_params:
        return field_error("path", field, error.message, error.code)
    if error.item is not None:
        # A member of a list input: its index in the body's list, then the field inside it.
        items, index = error.item
        inner = body_path(field, _member_model(body_model, items))
        return field_error("body", f"{items}.{index}.{inner}", error.message, error.code)
    return field_error("body", body_path(field, body_model), error.message, error.code)


def _member_model(model: type[BaseModel] | None, items: str) -> type[BaseModel] | None:
    """The model of the members of the body's list `items` (None if the body has none)."""
    info = None if model is None else model.model_fields.get(items)
    if info is None:
        return None
    for member in get_args(info.annotation):
        if isinstance(member, type) and issubclass(member, BaseModel):
            return member
    return None


def body_path(field: str, model: type[BaseModel] | None) -> str:
    """Where a domain field lives in a body: itself if the body has it; else its alias; else
    inside the first nested object that has it (a line key's `taakveld` is `line.taakveld`);
    each part in the body's own words (the domain's `key` of a line is the body's `line`)."""
    if model is None:
        return field
    return ".".join(_in_body_words(_body_field(field, model).split("."), model))


def _body_field(field: str, model: type[BaseModel]) -> str:
    members = model.model_fields
    top = field.split(".")[0]
    if top in members:
        return field
    alias = BODY_ALIASES.get(field)
    if alias is not None and alias in members:
        return alias
    for name, info in members.items():
        # An object or an optional one; a list's members would need an index to point at.
        for nested in _alternatives(info.annotation):
            if (
                isinstance(nested, type)
                and issubclass(nested, BaseModel)
                and top in nested.model_fields
            ):
                return f"{name}.{field}"
    return field


def _in_body_words(parts: list[str], model: Any) -> list[str]:
    """`parts` with each domain name the body spells otherwise (MEMBER_ALIASES) renamed,
    following the body's models down through objects and lists."""
    named = []
    current = model
    for part in parts:
        members = _members(current)
        alias = MEMBER_ALIASES.get(part)
        if members is not None and part not in members and alias in members:
            part = alias
        named.append(part)
        current = _member_type(current, part)
    return named


def _alternatives(annotation: Any) -> tuple[Any, ...]:
    optional = get_origin(annotation) in (Union, UnionType)
    return (annotation, *(get_args(annotation) if optional else ()))


def _members(annotation: Any) -> dict[str, Any] | None:
    for option in _alternatives(annotation):
        if isinstance(option, type) and issubclass(option, BaseModel):
            return dict(option.model_fields)
    return None


def _member_type(annotation: Any, part: str) -> Any:
    members = _members(annotation)
    if members is not None:
        return members[part].annotation if part in members else None
    for option in _alternatives(annotation):
        if get_origin(option) is list and part.isdigit():
            return get_args(option)[0]
    return None


def validation_problem(error: RequestValidationError) -> Problem:
    errors = []
    for item in error.errors():
        where, *path = item["loc"] or ("body",)
        # A dict's key at fault is named by the key itself, not by pydantic's "[key]".
        parts = [str(part) for part in path if part != "[key]"]
        field = ".".join(parts)
        if where == "header":
            field = field.replace("_", "-").title()
        if item["type"] == "json_invalid":
            # The body as a whole, not a member named after the offset: a 400, not a 422.
            detail = f"the body is not JSON: {item.get('ctx', {}).get('error', item['msg'])}"
            return malformed_body(detail)
        message = str(item["msg"]).removeprefix("Value error, ")
        errors.append(field_error(str(where), field, message, item["type"], parts))
    fields = ", ".join(sorted({e["field"] or e["in"] for e in errors}))
    return Problem(422, "invalid-input", f"the request has invalid fields: {fields}", errors=errors)


def malformed_body(detail: str) -> Problem:
    """400: a body that cannot be parsed at all (not JSON, or not UTF-8)."""
    return Problem(
        400, "malformed-body", detail, errors=[field_error("body", "", detail, "malformed-body")]
    )


class BodyLimit:
    """Refuse a body above the limit with a 413 problem document, without reading more of
    it than the limit: a declared Content-Length as soon as the route reads the body (after
    authentication and the role, ADR 0006), a streamed body as soon as it passes the limit.
    (FastAPI's own `max_body_size` answers the first case in plain text, before anything.)"""

    def __init__(
        self, app: ASGIApp, max_bytes: int, larger: tuple[tuple[str, int], ...] = ()
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger  # (a path prefix, its own limit): an upload's, say

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        limit = next((n for prefix, n in self.larger if path.startswith(prefix)), self.max_bytes)
        detail = f"the request body is larger than {limit} bytes"
        declared = any(
            name == b"content-length" and value.isdigit() and int(value) > limit
            for name, value in scope["headers"]
        )
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            if declared:
                # Not a byte is read; the rest of the body stays unread, so the connection
                # cannot be reused. FastAPI passes an HTTPException from reading the body on
                # to our handler.
                raise HTTPException(413, detail, headers={"Connection": "close"})
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, detail)
            return message

        await self.app(scope, limited, send)


class HeadAsGet:
    """HEAD is GET without the body (RFC 9110), on every path that has a GET."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def _routes(routes: Sequence[Any]) -> Iterator[Any]:
    # FastAPI keeps an included router as one entry; its routes are its candidates.
    for route in routes:
        if hasattr(route, "effective_candidates"):
            yield from _routes(route.effective_candidates())
        else:
            yield route


METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every method the path has, over all its routes (a path often has a GET in one router
    and a POST in another); HEAD wherever there is a GET, and OPTIONS."""
    matching = [
        route for route in _routes(app.router.routes) if route.matches(scope)[0] is not Match.NONE
    ]
    # A path that is a route of its own (`/taakstellingen/shifts`) is not also an instance
    # of a template it happens to fit (`/taakstellingen/{reference}`).
    fixed = {route.path for route in matching if "{" not in getattr(route, "path", "{")}
    methods: set[str] = set()
    for route in matching:
        if not fixed or getattr(route, "path", None) in fixed:
            methods |= set(getattr(route, "methods", None) or ())
    if not methods:
        return []
    if "GET" in methods:
        methods.add("HEAD")
    methods.add("OPTIONS")
    return [method for method in METHOD_ORDER if method in methods]


# The uploads of an import: an extract is larger than any command's body (ADR 0033).
IMPORTS_PATH = "/api/v1/imports/"


def install(app: FastAPI, max_body_bytes: int, max_import_bytes: int | None = None) -> None:
    """Register the handlers: every error the service gives is a problem document."""
    larger = () if max_import_bytes is None else ((IMPORTS_PATH, max_import_bytes),)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes, larger=larger)
    app.add_middleware(HeadAsGet)

    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> Response:
        return error.response(request.url.path)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, error: DomainError) -> Response:
        return domain_problem(error, request.path_params).response(request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> Response:
        return validation_problem(error).response(request.url.path)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> Response:
        headers = dict(error.headers or {})
        if error.status_code == 405:
            allowed = allowed_methods(app, request.scope)
            headers["Allow"] = ", ".join(allowed)
            if request.method == "OPTIONS":
                return Response(status_code=204, headers=headers)
        if error.status_code == 400:
            # FastAPI's answer to a body it could not read as JSON (not UTF-8, for one), or
            # as an import's multipart form.
            detail = "the body is not JSON in UTF-8"
            if request.url.path.startswith(IMPORTS_PATH):
                detail = "the body is not a multipart/form-data upload"
            return malformed_body(detail).response(request.url.path)
        code = {404: "not-found", 405: "method-not-allowed", 413: "too-large"}.get(
            error.status_code, "http-error"
        )
        problem = Problem(error.status_code, code, str(error.detail), headers=headers)
        return problem.response(request.url.path)

    @app.exception_handler(UnknownReportError)
    async def _unknown_report(request: Request, error: UnknownReportError) -> Response:
        # The report named in the path is a 404; one named as the basis is a bad parameter.
        named = request.path_params.get("report_id") == error.report_id
        where = "path" if named else "query"
        field = "report_id" if where == "path" else "as_of"
        status = 404 if where == "path" else 422
        errors = [] if status == 404 else [field_error(where, field, str(error), "unknown-report")]
        return Problem(status, "unknown-report", str(error), errors=errors).response(
            request.url.path
        )

    @app.exception_handler(BasisError)
    async def _basis(request: Request, error: BasisError) -> Response:
        errors = [field_error("query", "as_of", str(error), "invalid-basis")]
        return Problem(422, "invalid-basis", str(error), errors=errors).response(request.url.path)

    @app.exception_handler(ChainBroken)
    async def _chain_broken(request: Request, error: ChainBroken) -> Response:
        return chain_broken(error).response(request.url.path)

    @app.exception_handler(DatabaseUnavailableError)
    @app.exception_handler(OperationalError)
    @app.exception_handler(RecorderOperationalError)
    @app.exception_handler(ReadModelBusyError)
    async def _unavailable(request: Request, error: Exception) -> Response:
        if is_lock_timeout(error) or isinstance(error, ReadModelBusyError):
            # A writer waited for SQLite's one write lock, or a PostgreSQL lock, while a
            # rebuild held it (ADR 0015): the database is fine, a retry will do.
            log.warning("database busy: %s", error)
            problem = Problem(
                503,
                "database-busy",
                "the database is busy (a rebuild of the read model holds it); "
                "retry shortly, with the same Idempotency-Key for a write",
                headers={"Retry-After": "2"},
            )
            return problem.response(request.url.path)
        log.error("database unavailable: %s", error)
        problem = Problem(
            503,
            "database-unavailable",
            "the database cannot be reached; nothing was recorded by this request",
            headers={"Retry-After": "5"},
        )
        return problem.response(request.url.path)

    @app.exception_handler(ReadModelBrokenError)
    async def _broken(request: Request, error: Exception) -> Response:
        log.error("read model broken: %s", error)
        problem = Problem(
            503,
            "read-model-broken",
            "the read model cannot catch up with the log (the log itself is intact and "
            "writes are still recorded); an operator must run `begroting rebuild`",
            headers={"Retry-After": "60"},
        )
        return problem.response(request.url.path)

    @app.exception_handler(Exception)
    async def _bug(request: Request, error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        problem = Problem(500, "internal-error", "an internal error; it is a bug, not your input")
        return problem.response(request.url.path)
