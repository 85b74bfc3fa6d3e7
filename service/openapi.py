"""What the OpenAPI document says about answers, in one place every router can use.

``responses(...)`` builds a route's ``responses=`` from status codes: every error answer has the
one JSON shape (``ErrorResponse``), a description, and the headers it carries. Routes list the
codes they can answer; ``EVERY_ROUTE`` are those any route can answer (a busy server's 503).
``install(app, settings)`` makes the document tell this server's truth: the text length limit
from its settings, the voices from the engine registry, bearer auth on the operations that
answer 401 (only when keys are configured), and no FastAPI default 422 in a shape Loa never
sends.

Typical use in a router::

    @router.put("/{site}/thing", dependencies=[WriteAccess], responses=responses(*WRITE_ERRORS))
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from loa.config import Settings
from loa.engines.registry import known_voices
from service.schemas import ErrorResponse

Responses = dict[int | str, dict[str, Any]]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

RETRY_AFTER = {
    "description": "Seconds to wait before asking again.",
    "schema": {"type": "string", "pattern": "^[0-9]+$"},
}

#: The default description and headers of each error status.
ERRORS: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("The body is not valid JSON or UTF-8.", {}),
    401: (
        "A write without a valid API key (Authorization: Bearer <key>).",
        {
            "WWW-Authenticate": {
                "description": "The scheme to use: Bearer.",
                "required": True,
                "schema": {"type": "string"},
            }
        },
    ),
    403: ("The key may not do this.", {}),
    404: ("Unknown or malformed id.", {}),
    408: ("The request body did not arrive within LOA_BODY_TIMEOUT seconds.", {}),
    409: ("The resource is not in a state that allows this.", {"Retry-After": RETRY_AFTER}),
    413: ("The request body is larger than LOA_MAX_BODY_BYTES.", {}),
    415: ("The body's media type is not accepted.", {}),
    416: (
        "Range not satisfiable: no requested range starts inside the file.",
        {
            "Content-Range": {
                "description": "bytes */<size of the file>",
                "required": True,
                "schema": {"type": "string", "pattern": "^bytes \\*/[0-9]+$"},
            }
        },
    ),
    422: ("A field is missing or invalid; error.field names it.", {}),
    429: ("Too many requests; retry after Retry-After seconds.", {"Retry-After": RETRY_AFTER}),
    503: (
        "The server is busy (at its concurrency limit) or a dependency is down; "
        "retry after Retry-After seconds.",
        {"Retry-After": RETRY_AFTER},
    ),
}

#: Any operation can answer these (a server at its concurrency limit answers 503 to anything).
EVERY_ROUTE = (503,)
#: A request with a JSON body can answer these.
BODY_ERRORS = (400, 408, 413, 422)
#: What a key check can answer: no valid key, a key that may not do this (another site, a
#: read-only key, a browser origin its site does not allow), too many writes with one key.
AUTH_ERRORS = (401, 403, 429)
#: A write (a key is needed when LOA_API_KEYS is set).
WRITE_ERRORS = (*BODY_ERRORS, *AUTH_ERRORS)


def responses(*statuses: int, descriptions: Mapping[int, str] | None = None) -> Responses:
    """``responses=`` for a route that can answer these error statuses (and EVERY_ROUTE's).

    ``descriptions`` overrides default descriptions: ``responses(404, 409, descriptions={409:
    "Not ready yet"})``. Merge the result with the route's own success answers.
    """
    descriptions = descriptions or {}
    table: Responses = {}
    for status in sorted({*statuses, *EVERY_ROUTE}):
        description, headers = ERRORS[status]
        entry: dict[str, Any] = {
            "model": ErrorResponse,
            "description": descriptions.get(status, description),
        }
        if headers:
            entry["headers"] = dict(headers)
        table[status] = entry
    return table


def install(app: FastAPI, settings: Settings) -> None:
    """Serve an OpenAPI document adjusted to ``settings`` and the engine registry."""
    cache: dict[tuple[str, ...], dict[str, Any]] = {}

    def openapi() -> dict[str, Any]:
        key = known_voices()  # the voice enum is read when the document is made
        if key not in cache:
            cache.clear()
            document = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            drop_framework_422(document)
            apply_limits(document, settings)
            apply_security(document, settings)
            cache[key] = document
        return cache[key]

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend it


def _component(document: dict[str, Any], name: str) -> dict[str, Any] | None:
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    found: dict[str, Any] | None = schemas.get(name)
    return found


def apply_limits(document: dict[str, Any], settings: Settings) -> None:
    """The article length limits of these settings, as maxLength of text and html.

    The HTML limit is 20 times the text limit, and no longer than the body limit allows (each
    character is at least one byte of the body)."""
    body_room = max(1, settings.max_body_bytes - len('{"html":""}'))
    limits = {"text": settings.max_chars, "html": min(settings.max_chars * 20, body_room)}
    for component in ("ArticleCreate", "WebhookEvent"):  # the site webhook takes articles too
        article = _component(document, component)
        if article is None:
            continue
        for name, limit in limits.items():
            for branch in article["properties"][name].get("anyOf", []):
                if branch.get("type") == "string":
                    branch["maxLength"] = limit


def apply_security(document: dict[str, Any], settings: Settings) -> None:
    """Bearer auth on every operation that documents a 401, when keys are set (without keys
    Loa runs open and nothing asks for one)."""
    if not settings.api_key_set:
        return
    document.setdefault("components", {})["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An admin key (one of LOA_API_KEYS) or a site's key.",
        }
    }
    for operation in _operations(document):
        # an operation that says how it is authenticated (``security: []``, the webhook's
        # signature) keeps it
        if "401" in operation.get("responses", {}):
            operation.setdefault("security", [{"bearer": []}])


def drop_framework_422(document: dict[str, Any]) -> None:
    """Remove FastAPI's automatic 422 (``HTTPValidationError``, a shape Loa never answers:
    its validation errors are ``ErrorResponse``): where a route can answer 422 it says so with
    ``responses(422)``; where it does not, it never answers 422."""
    framework_ref = "#/components/schemas/HTTPValidationError"
    for operation in _operations(document):
        answer = operation.get("responses", {}).get("422", {})
        schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
        if schema.get("$ref") == framework_ref:
            del operation["responses"]["422"]
    schemas = document.get("components", {}).get("schemas", {})
    if framework_ref not in json.dumps(document):
        schemas.pop("HTTPValidationError", None)
        if "#/components/schemas/ValidationError" not in json.dumps(document["paths"]):
            schemas.pop("ValidationError", None)


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation
        for item in document.get("paths", {}).values()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]
