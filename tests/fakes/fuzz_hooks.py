"""schemathesis hooks for the suite's fuzz run (``SCHEMATHESIS_HOOKS=tests.fakes.fuzz_hooks``).

The webhook is authenticated by a signature, not a bearer key: without one every request would
stop at 401 and its body would never be fuzzed. Before each call to it, the site named in the
path (when it is a valid site name) gets the fuzz run's webhook secret through the admin API
(``PUT /v1/sites/{site}``, once per site: a later PUT without the secret keeps it),
and the body is signed exactly as it will be sent (requests serializes ``json=`` with
``json.dumps``). Bodies that are not JSON values are sent unsigned, and refused.

Settings come from the environment: LOA_FUZZ_BASE_URL, LOA_FUZZ_ADMIN_KEY, LOA_FUZZ_SECRET.
"""

from __future__ import annotations

import json
import os
from typing import Any

import httpx
import schemathesis

from loa import webhooks
from loa.contracts import is_site_name

WEBHOOK_PATH = "/v1/sites/{site}/webhook"
_configured: set[str] = set()


def _configure(site: str) -> None:
    if site in _configured:
        return
    response = httpx.put(
        f"{os.environ['LOA_FUZZ_BASE_URL']}/v1/sites/{site}",
        json={
            "title": "Trang thử",
            "description": "Trang của lượt fuzz.",
            "link": "https://fuzz.example",
            "webhook_secret": os.environ["LOA_FUZZ_SECRET"],
        },
        headers={"Authorization": f"Bearer {os.environ['LOA_FUZZ_ADMIN_KEY']}"},
        timeout=30,
    )
    response.raise_for_status()
    _configured.add(site)


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    if case.operation.path != WEBHOOK_PATH:
        return
    site = (case.path_parameters or {}).get("site")
    if not isinstance(site, str) or not is_site_name(site):
        return
    _configure(site)
    body = case.body
    if isinstance(body, (bytes, bytearray)) or not isinstance(
        body, (dict, list, str, int, float, bool, type(None))
    ):
        return
    raw = json.dumps(body, allow_nan=False).encode()
    headers = dict(case.headers or {})
    headers.update(webhooks.signed_headers(os.environ["LOA_FUZZ_SECRET"], raw))
    case.headers = headers
