"""GET /healthz: Redis, the database and a live worker."""

from __future__ import annotations

import redis
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from loa.contracts import broker_url
from loa.storage.db import session_scope
from service.deps import SettingsDep
from service.openapi import RETRY_AFTER
from service.queue import ping_workers
from service.schemas import HealthPublic

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    operation_id="healthz",
    response_model=HealthPublic,
    responses={
        200: {"description": "Redis, the database and at least one worker answer."},
        503: {
            "description": "Something is down (`checks` says what, with the error), or the "
            "server is busy (an error answer with Retry-After).",
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [
                            {"$ref": "#/components/schemas/HealthPublic"},
                            {"$ref": "#/components/schemas/ErrorResponse"},
                        ]
                    }
                }
            },
            "headers": {"Retry-After": RETRY_AFTER},
        },
    },
)
def healthz(settings: SettingsDep) -> JSONResponse:
    checks: dict[str, dict[str, object]] = {}
    try:
        client = redis.Redis.from_url(
            broker_url(settings), socket_timeout=1, socket_connect_timeout=1
        )
        client.ping()
        checks["redis"] = {"ok": True}
    except Exception as exc:  # report, never raise: this is the health page
        checks["redis"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    try:
        with session_scope(settings.sqlalchemy_url) as s:
            s.execute(text("SELECT 1"))
        checks["database"] = {"ok": True}
    except Exception as exc:
        checks["database"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    if checks["redis"]["ok"]:
        try:
            workers = ping_workers(settings, timeout=1.0)
            checks["worker"] = {"ok": bool(workers), "workers": workers}
            if not workers:
                checks["worker"]["error"] = "no worker answered within 1 s"
        except Exception as exc:
            checks["worker"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    else:
        checks["worker"] = {"ok": False, "error": "redis unreachable"}
    ok = all(c["ok"] for c in checks.values())
    return JSONResponse({"ok": ok, "checks": checks}, status_code=200 if ok else 503)
