"""Webhooks in: HMAC-SHA256 of "timestamp.body", a 300 s window, X-Loa-Delivery idempotency."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from loa import webhooks
from loa.config import Settings
from loa.storage.db import migrate
from service.app import create_app
from tests.fakes.fixtures import closed_port_url

ADMIN = "admin-key-for-tests-0123456789"
SECRET = "webhook-secret-0123456789abcdef"
JSON = {"Content-Type": "application/json"}
TEXT = "Sở KHCN tổ chức hội thảo về đổi mới sáng tạo."


@given(st.text(min_size=16, max_size=40), st.binary(max_size=300), st.integers(0, 10**11))
def test_signature_is_hmac_sha256_of_timestamp_dot_body(secret: str, body: bytes, at: int) -> None:
    expected = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    headers = webhooks.signed_headers(secret, body, at=at)
    assert headers["X-Loa-Signature"] == "sha256=" + expected
    webhooks.verify(secret, body, headers["X-Loa-Timestamp"], headers["X-Loa-Signature"], at=at)


@given(st.binary(min_size=1, max_size=200), st.integers(0, 199))
def test_any_changed_byte_is_refused(body: bytes, where: int) -> None:
    at = 1_700_000_000
    sig = webhooks.signature(SECRET, at, body)
    i = where % len(body)
    tampered = body[:i] + bytes([body[i] ^ 1]) + body[i + 1 :]
    with pytest.raises(webhooks.Refusal):
        webhooks.verify(SECRET, tampered, str(at), sig, at=at)


@pytest.mark.parametrize("skew", [-301, 301, 10_000])
def test_timestamps_out_of_the_window_are_refused(skew: int) -> None:
    at = 1_700_000_000
    sig = webhooks.signature(SECRET, at + skew, b"{}")
    with pytest.raises(webhooks.Refusal, match="300 s"):
        webhooks.verify(SECRET, b"{}", str(at + skew), sig, at=at)
    ok = webhooks.signature(SECRET, at + 299, b"{}")
    webhooks.verify(SECRET, b"{}", str(at + 299), ok, at=at)


@pytest.mark.parametrize("stamp", [None, "", "abc", "-5", "1e9", "9" * 20, "17²", "١٧٠٠"])
def test_malformed_timestamps_are_refused(stamp: str | None) -> None:
    with pytest.raises(webhooks.Refusal) as caught:
        webhooks.verify(SECRET, b"{}", stamp, "sha256=00")
    assert caught.value.field == "X-Loa-Timestamp"


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    for name in ("REDIS_URL", "LOA_REDIS_URL", "LOA_API_KEYS", "DATABASE_URL", "LOA_ENV"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(
        data_dir=tmp_path / "data",
        redis_url=closed_port_url().replace("http://", "redis://") + "/0",
        api_keys=ADMIN,
    )
    migrate(settings.sqlalchemy_url)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        r = c.put(
            "/v1/sites/site-a",
            json={
                "title": "Trang A",
                "description": "Tin tức của trang A.",
                "link": "https://site-a.vn",
                "webhook_secret": SECRET,
            },
            headers={"Authorization": f"Bearer {ADMIN}"},
        )
        assert r.status_code == 200, r.text
        yield c


def _send(
    client: TestClient,
    event: dict[str, Any],
    *,
    secret: str = SECRET,
    delivery: str | None = None,
    at: float | None = None,
    site: str = "site-a",
) -> Any:
    body = json.dumps(event).encode()
    headers = {"Content-Type": "application/json", **webhooks.signed_headers(secret, body, at)}
    if delivery:
        headers["X-Loa-Delivery"] = delivery
    return client.post(f"/v1/sites/{site}/webhook", content=body, headers=headers)


def test_publish_update_delete(client: TestClient) -> None:
    r = _send(client, {"event": "publish", "external_id": "e1", "title": "T", "text": TEXT})
    assert r.status_code == 202, r.text
    article_id = r.json()["article_id"]
    got = client.get(f"/v1/articles/{article_id}").json()
    assert got["site"] == "site-a" and got["external_id"] == "e1"
    r = _send(client, {"event": "update", "external_id": "e1", "text": TEXT + " Thêm."})
    assert r.status_code == 202 and r.json()["article_id"] == article_id
    assert client.get(f"/v1/articles/{article_id}").json()["revision"] == 2
    # unpublish: a draft again (private, out of feeds and playlists), the same revision
    r = _send(client, {"event": "unpublish", "external_id": "e1"})
    assert r.status_code == 200 and r.json()["status"] == "unpublished"
    assert client.get(f"/v1/articles/{article_id}").status_code == 404
    admin = {"Authorization": f"Bearer {ADMIN}"}
    got = client.get(f"/v1/articles/{article_id}", headers=admin).json()
    assert got["published"] is False and got["revision"] == 2
    r = _send(client, {"event": "publish", "external_id": "e1", "text": TEXT + " Thêm."})
    assert r.status_code == 200  # the same content: no new revision, published again
    assert client.get(f"/v1/articles/{article_id}").json()["published"] is True
    r = _send(client, {"event": "delete", "external_id": "e1"})
    assert r.status_code == 200 and r.json()["status"] == "deleted"
    assert client.get(f"/v1/articles/{article_id}").status_code == 404


def test_a_repeated_delivery_is_harmless(client: TestClient) -> None:
    event = {"event": "publish", "external_id": "e2", "text": TEXT}
    first = _send(client, event, delivery="d-1")
    assert first.status_code == 202
    again = _send(client, {"event": "delete", "external_id": "e2"}, delivery="d-1")
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["article_id"] == first.json()["article_id"]
    # the repeat changed nothing: the article is still there
    assert client.get(f"/v1/articles/{first.json()['article_id']}").status_code == 200


def test_bad_signatures_and_old_timestamps_get_401(client: TestClient) -> None:
    event = {"event": "publish", "external_id": "e3", "text": TEXT}
    r = _send(client, event, secret="another-secret-0123456789")
    assert r.status_code == 401 and r.json()["error"]["field"] == "X-Loa-Signature"
    r = _send(client, event, at=time.time() - 301)
    assert r.status_code == 401 and r.json()["error"]["field"] == "X-Loa-Timestamp"
    r = client.post("/v1/sites/site-a/webhook", json=event)
    assert r.status_code == 401
    # a site without a secret refuses every webhook
    r = _send(client, event, site="site-b")
    assert r.status_code == 401


def test_the_signature_is_checked_before_the_body(client: TestClient) -> None:
    bad = {"event": "explode", "text": "  "}
    r = client.post("/v1/sites/site-a/webhook", json=bad)
    assert r.status_code == 401 and r.json()["error"]["field"] == "X-Loa-Timestamp"
    assert "errors" not in r.json()  # nothing said about the body's fields
    r = _send(client, bad, secret="another-secret-0123456789")
    assert r.status_code == 401 and r.json()["error"]["field"] == "X-Loa-Signature"
    r = client.post("/v1/sites/site-a/webhook", content=b"{not json", headers=JSON)
    assert r.status_code == 401


def test_bad_events_are_4xx(client: TestClient) -> None:
    r = _send(client, {"event": "explode", "external_id": "e4"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "event"
    r = _send(client, {"event": "publish", "text": TEXT})
    assert r.status_code == 422 and r.json()["error"]["field"] == "external_id"
    r = _send(client, {"event": "publish", "external_id": "e4", "text": TEXT, "site": "site-b"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "site"
    body = b"{not json"
    headers = {"Content-Type": "application/json", **webhooks.signed_headers(SECRET, body)}
    r = client.post("/v1/sites/site-a/webhook", content=body, headers=headers)
    assert r.status_code == 400
    # article fields on a delete are not used, but held to the same limits
    r = _send(client, {"event": "delete", "external_id": "e4", "text": "  "})
    assert r.status_code == 422 and r.json()["error"]["field"] == "text"
    r = _send(client, {"event": "delete", "external_id": "nobody"})
    assert r.status_code == 200 and r.json()["article_id"] is None
