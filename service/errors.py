"""Map every error to a JSON answer that names the field and the problem."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from loa.errors import InputError, NotFound

logger = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers


def error_response(
    status_code: int,
    code: str,
    message: str,
    field: str | None = None,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"error": {"code": code, "message": message, "field": field}}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status_code, headers=headers)


def _field_of(loc: tuple[Any, ...] | list[Any], kind: str = "") -> str | None:
    """'body.text' -> 'text'; errors about the body as a whole name 'body'."""
    if kind == "json_invalid" or list(loc) == ["body"]:
        return "body"
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or None


def _message_of(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    if kind == "json_invalid":
        ctx = err.get("ctx") or {}
        return f"the body is not valid JSON ({ctx.get('error', 'parse error')})"
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return "the body must be a JSON object"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "this field is required"
    msg = str(err.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(
            exc.status_code, exc.code, exc.message, exc.field, headers=exc.headers
        )

    @app.exception_handler(InputError)
    async def _input_error(_: Request, exc: InputError) -> JSONResponse:
        return error_response(exc.status_code, "invalid_input", exc.message, exc.field)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return error_response(404, "not_found", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": _field_of(e.get("loc", ()), e.get("type", "")),
                "message": _message_of(e),
                "type": e.get("type"),
            }
            for e in exc.errors()
        ]
        first: dict[str, Any] = (
            errors[0] if errors else {"field": None, "message": "invalid request"}
        )
        status = 400 if first.get("type") == "json_invalid" else 422
        message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        return error_response(status, "invalid_input", message, first["field"], errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:
            return method_not_allowed(request)
        if exc.status_code == 400 and "parsing the body" in str(exc.detail):
            # FastAPI's answer to a body it cannot decode (e.g. invalid UTF-8)
            return error_response(400, "invalid_input", "the body is not valid UTF-8 JSON", "body")
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(
            exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal error; it has been logged")


#: The methods tried against the routes to build an Allow header.
PROBED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at this request's path, plus OPTIONS (answered here).

    Starlette's own 405 names only the methods of the first route whose path matched, so a
    resource with GET and DELETE on two routes advertised ``Allow: GET``."""
    methods = {"OPTIONS"}
    for method in PROBED_METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            methods.add(method)
    return sorted(methods)


def method_not_allowed(request: Request) -> Response:
    """OPTIONS: 204 with Allow (RFC 9110 section 9.3.7; a CORS preflight is answered by the CORS
    middleware before it gets here). Any other method a resource lacks: 405 with the full Allow
    (section 15.5.6)."""
    allow = ", ".join(allowed_methods(request))
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": allow})
    return error_response(
        405,
        "method_not_allowed",
        f"{request.method} is not allowed here; allowed: {allow}",
        headers={"Allow": allow},
    )
