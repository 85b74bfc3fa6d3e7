"""Per-site keys: stored hashed, scoped, expiring, revocable; two sites cannot touch each other."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from loa import keys
from loa.cli import main as loa_main
from loa.clock import now
from loa.config import Settings
from loa.storage.db import migrate, session_scope
from loa.storage.models import ApiKey
from service.app import create_app
from tests.fakes.fixtures import closed_port_url

ADMIN = "admin-key-for-tests-0123456789"
TEXT = "Sở KHCN tổ chức hội thảo về đổi mới sáng tạo."


def _settings(tmp_path: Path, **overrides: Any) -> Settings:
    options: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "redis_url": closed_port_url().replace("http://", "redis://") + "/0",
        "api_keys": ADMIN,
    }
    options.update(overrides)
    settings = Settings(**options)
    migrate(settings.sqlalchemy_url)
    return settings


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("REDIS_URL", "LOA_REDIS_URL", "LOA_API_KEYS", "DATABASE_URL", "LOA_ENV"):
        monkeypatch.delenv(name, raising=False)
    return _settings(tmp_path)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _new_key(client: TestClient, site: str, scope: str = "write") -> dict[str, Any]:
    r = client.post(f"/v1/sites/{site}/keys", json={"scope": scope}, headers=_auth(ADMIN))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


META = {"title": "Trang A", "description": "Tin tức của trang A.", "link": "https://site-a.vn"}


def _put_site(client: TestClient, key: str, site: str = "site-a", **fields: Any) -> Any:
    return client.put(f"/v1/sites/{site}", json=dict(META, **fields), headers=_auth(key))


def _post(client: TestClient, key: str, site: str, external_id: str = "a1") -> Any:
    return client.post(
        "/v1/articles",
        json={"site": site, "external_id": external_id, "text": TEXT},
        headers=_auth(key),
    )


def test_keys_are_stored_hashed_and_shown_once(settings: Settings) -> None:
    with session_scope(settings.sqlalchemy_url) as session:
        made = keys.create_key(session, "langson")
        key = made.key
    with session_scope(settings.sqlalchemy_url) as session:
        rows = session.scalars(select(ApiKey)).all()
        assert len(rows) == 1
        stored = rows[0]
        assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert key not in {str(v) for v in vars(stored).values()}
        principal = keys.authenticate(session, settings, key)
        assert principal == keys.Principal("site", "langson", "write", stored.id)
        # a key with the right id but another secret is nobody
        forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
        assert keys.authenticate(session, settings, forged).kind == "anonymous"


def test_expired_and_revoked_keys_stop_working(settings: Settings) -> None:
    with session_scope(settings.sqlalchemy_url) as session:
        old = keys.create_key(session, "s1", expires_at=now() - timedelta(seconds=1)).key
        soon = keys.create_key(session, "s1", expires_at=now() + timedelta(days=1))
        assert keys.authenticate(session, settings, old).kind == "anonymous"
        assert keys.authenticate(session, settings, soon.key).kind == "site"
        keys.revoke_key(session, soon.row.id)
        assert keys.authenticate(session, settings, soon.key).kind == "anonymous"


def test_two_sites_cannot_touch_each_other(client: TestClient) -> None:
    a = _new_key(client, "site-a")["key"]
    b = _new_key(client, "site-b")["key"]
    r = _post(client, a, "site-a")
    assert r.status_code == 202, r.text
    article_a = r.json()["id"]
    hook = "https://cms.site-a.vn/loa"
    assert _put_site(client, a, callback_url=hook, webhook_secret="x" * 20).status_code == 200
    # b cannot write a's articles, delete them, change a's lexicon, settings or artwork
    r = _post(client, b, "site-a", "b-into-a")
    assert r.status_code == 403 and r.json()["error"]["field"] == "site"
    assert client.delete(f"/v1/articles/{article_a}", headers=_auth(b)).status_code == 403
    r = client.put("/v1/sites/site-a/lexicon", json={"entries": {"KCN": "khu"}}, headers=_auth(b))
    assert r.status_code == 403
    assert _put_site(client, b, callback_url=None).status_code == 403
    r = client.put(
        "/v1/sites/site-a/artwork",
        content=b"\x89PNG",
        headers=dict(_auth(b), **{"Content-Type": "image/png"}),
    )
    assert r.status_code == 403
    assert client.get("/v1/sites/site-a/callbacks", headers=_auth(b)).status_code == 403
    # the site itself is public, its integration settings are not
    seen = client.get("/v1/sites/site-a", headers=_auth(b)).json()
    assert seen["callback_url"] is None and seen["webhook_secret_set"] is None
    own = client.get("/v1/sites/site-a", headers=_auth(a)).json()
    assert own["callback_url"] == hook and own["webhook_secret_set"] is True
    # nor read a's drafts: 404, as for an id that does not exist (a draft's id is not told)
    r = client.post(
        "/v1/articles",
        json={"site": "site-a", "external_id": "d1", "text": TEXT, "published": False},
        headers=_auth(a),
    )
    draft = r.json()["id"]
    for path in (f"/v1/articles/{draft}", f"/v1/articles/{draft}/playlist.json"):
        assert client.get(path, headers=_auth(b)).status_code == 404
        assert client.get(path).status_code == 404
    assert client.get(f"/v1/articles/{draft}", headers=_auth(a)).status_code == 200
    # a site key cannot make keys, nor list them
    r = client.post("/v1/sites/site-b/keys", json={}, headers=_auth(b))
    assert r.status_code == 403
    # each writes its own
    assert _post(client, b, "site-b").status_code == 202
    assert client.delete(f"/v1/articles/{article_a}", headers=_auth(a)).status_code == 204


def test_read_scope_cannot_write(client: TestClient) -> None:
    reader = _new_key(client, "site-a", "read")["key"]
    r = _post(client, reader, "site-a")
    assert r.status_code == 403
    assert _put_site(client, reader).status_code == 403
    assert _put_site(client, ADMIN).status_code == 200  # admin keys manage every site
    r = client.get("/v1/sites/site-a", headers=_auth(reader))
    assert r.status_code == 200 and r.json()["webhook_secret_set"] is False


def test_missing_unknown_and_revoked_keys_get_401(client: TestClient) -> None:
    made = _new_key(client, "site-a")
    assert client.post("/v1/articles", json={"site": "site-a", "text": TEXT}).status_code == 401
    assert _post(client, "loa_0123456789abcdef_" + "x" * 43, "site-a").status_code == 401
    assert _post(client, "nonsense", "site-a").status_code == 401
    assert client.delete(f"/v1/keys/{made['id']}", headers=_auth(ADMIN)).status_code == 204
    r = _post(client, made["key"], "site-a")
    assert r.status_code == 401 and r.json()["error"]["field"] == "Authorization"
    assert client.delete("/v1/keys/ffffffffffffffff", headers=_auth(ADMIN)).status_code == 404


def test_admin_lists_keys_without_the_keys(client: TestClient) -> None:
    one = _new_key(client, "site-a")
    two = _new_key(client, "site-a", "read")
    r = client.get("/v1/sites/site-a/keys", headers=_auth(ADMIN))
    assert r.status_code == 200
    listed = r.json()
    assert [k["id"] for k in listed] == [one["id"], two["id"]]
    assert all("key" not in k for k in listed)
    assert one["key"] not in r.text and two["key"] not in r.text


def test_writes_from_a_browser_only_from_allowed_origins(client: TestClient) -> None:
    key = _new_key(client, "site-a")["key"]
    headers = dict(_auth(key), Origin="https://cms.site-a.vn")
    r = client.post("/v1/articles", json={"site": "site-a", "text": TEXT}, headers=headers)
    assert r.status_code == 403 and r.json()["error"]["code"] == "origin_not_allowed"
    r = _put_site(client, key, allowed_origins=["https://CMS.site-a.vn:443/"])
    assert r.status_code == 200 and r.json()["allowed_origins"] == ["https://cms.site-a.vn"]
    r = client.post("/v1/articles", json={"site": "site-a", "text": TEXT}, headers=headers)
    assert r.status_code == 202, r.text
    other = dict(_auth(key), Origin="https://evil.example")
    r = client.post("/v1/articles", json={"site": "site-a", "text": TEXT}, headers=other)
    assert r.status_code == 403
    # the browser's preflight is offered writes only from an origin some site allows
    ask = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
    }
    pre = client.options("/v1/articles", headers=dict(ask, Origin="https://cms.site-a.vn"))
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "https://cms.site-a.vn"
    assert "authorization" in pre.headers["access-control-allow-headers"].lower()
    pre = client.options("/v1/articles", headers=dict(ask, Origin="https://evil.example"))
    assert pre.status_code == 400
    # public reads stay open to every origin
    r = client.get("/v1/player/recent", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"


def test_webhook_secret_is_write_only(client: TestClient) -> None:
    key = _new_key(client, "site-a")["key"]
    secret = "s3cret-for-the-webhook-0123"
    r = _put_site(client, key, webhook_secret=secret)
    assert r.status_code == 200 and r.json()["webhook_secret_set"] is True
    assert secret not in r.text
    r = client.get("/v1/sites/site-a", headers=_auth(key))
    assert secret not in r.text and r.json()["webhook_secret_set"] is True
    # it cannot be sent back, so a PUT without it keeps it; null removes it
    r = _put_site(client, key, title="Trang A mới")
    assert r.status_code == 200 and r.json()["webhook_secret_set"] is True
    r = _put_site(client, key, webhook_secret=None)
    assert r.status_code == 200 and r.json()["webhook_secret_set"] is False
    r = _put_site(client, key, webhook_secret="short")
    assert r.status_code == 422 and r.json()["error"]["field"] == "webhook_secret"


def test_a_callback_url_needs_a_webhook_secret(client: TestClient) -> None:
    key = _new_key(client, "site-a")["key"]
    hook = "https://cms.site-a.vn/loa"
    r = _put_site(client, key, callback_url=hook)
    assert r.status_code == 422 and r.json()["error"]["field"] == "callback_url"
    assert _put_site(client, key, callback_url=hook, webhook_secret="x" * 20).status_code == 200
    # kept when omitted; removing it while the callback_url stays is refused
    assert _put_site(client, key, callback_url=hook).status_code == 200
    r = _put_site(client, key, callback_url=hook, webhook_secret=None)
    assert r.status_code == 422 and r.json()["error"]["field"] == "webhook_secret"
    # both removed at once is fine
    assert _put_site(client, key, webhook_secret=None).status_code == 200


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://x.vn/", "http://user:pw@x.vn/", "http:///nohost", "x"]
)
def test_callback_url_must_be_an_http_url(client: TestClient, url: str) -> None:
    key = _new_key(client, "site-a")["key"]
    r = _put_site(client, key, callback_url=url)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == "callback_url"


def test_key_expiry_is_rfc3339_and_kept_in_utc(client: TestClient) -> None:
    made = client.post(
        "/v1/sites/site-a/keys",
        json={"expires_at": "2030-01-01T07:00:00+07:00"},
        headers=_auth(ADMIN),
    )
    assert made.status_code == 201 and made.json()["expires_at"] == "2030-01-01T00:00:00Z"
    listed = client.get("/v1/sites/site-a/keys", headers=_auth(ADMIN)).json()
    assert listed[0]["expires_at"] == "2030-01-01T00:00:00Z"
    for bad in (0, "2030-01-01", "9999-12-31T23:59:59-23:59"):
        r = client.post("/v1/sites/site-a/keys", json={"expires_at": bad}, headers=_auth(ADMIN))
        assert r.status_code == 422 and r.json()["error"]["field"] == "expires_at", r.text


def test_production_refuses_to_start_open(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "d", env="production", api_keys="")
    with pytest.raises(keys.OpenInProduction, match="LOA_API_KEYS"):
        create_app(settings)
    create_app(Settings(data_dir=tmp_path / "d", env="production", api_keys=ADMIN))
    create_app(Settings(data_dir=tmp_path / "d", env="development", api_keys=""))


def test_loa_serve_refuses_in_production(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOA_ENV", "production")
    monkeypatch.delenv("LOA_API_KEYS", raising=False)
    assert loa_main(["serve"]) == 2
    assert "LOA_API_KEYS" in capsys.readouterr().err


def test_cli_create_list_revoke(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert loa_main(["keys", "create", "langson", "--scope", "read"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    key = out[-1]
    assert keys.KEY_RE.fullmatch(key), out
    key_id = keys.KEY_RE.fullmatch(key).group(1)  # type: ignore[union-attr]
    assert loa_main(["keys", "list", "langson"]) == 0
    listed = capsys.readouterr().out
    assert key_id in listed and "read" in listed and key not in listed
    assert loa_main(["keys", "revoke", key_id]) == 0
    capsys.readouterr()
    assert loa_main(["keys", "list", "langson"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert loa_main(["keys", "revoke", "0000000000000000"]) == 1


def test_cli_shows_a_key_only_once_it_is_committed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)

    def refuse(_: Session) -> None:
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    event.listen(Session, "before_commit", refuse)
    try:
        with pytest.raises(OperationalError):
            loa_main(["keys", "create", "langson"])
    finally:
        event.remove(Session, "before_commit", refuse)
    assert not keys.KEY_RE.search(capsys.readouterr().out)  # no key that was never stored
    assert loa_main(["keys", "list", "langson"]) == 0
    assert capsys.readouterr().out == ""
