"""The API's input validation, in process (TestClient), with no worker and no broker.

Every bad input must answer 4xx with ``{"error": {"code", "message", "field"}}`` naming the
field. REDIS_URL points at a closed port: a post that passes validation still answers 202 at
once (the article stays queued in the database and the workers' sweep sends it later).
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from loa.config import Settings
from loa.storage.db import migrate
from service.app import create_app
from tests.fakes.fixtures import closed_port_url

ClientFactory = Callable[..., TestClient]
TEXT = "Sở KHCN tổ chức hội thảo về đổi mới sáng tạo."


@pytest.fixture
def make_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ClientFactory]:
    """A TestClient on a fresh app: temp SQLite (migrated), Redis on a closed port."""
    for name in ("REDIS_URL", "LOA_REDIS_URL", "LOA_API_KEYS", "DATABASE_URL", "LOA_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    clients: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        options: dict[str, Any] = {
            "data_dir": tmp_path / f"data-{len(clients)}",
            "redis_url": closed_port_url().replace("http://", "redis://") + "/0",
            "api_keys": "",
        }
        options.update(overrides)
        settings = Settings(**options)
        migrate(settings.sqlalchemy_url)
        client = TestClient(create_app(settings), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    return make_client(max_chars=50, max_body_bytes=4000)


def assert_error(
    response: httpx.Response, status: int, field: str | None, code: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert {"code", "message", "field"} <= set(error)
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert error["field"] == field, error
    if code is not None:
        assert error["code"] == code, error
    return error


def post_raw(
    client: TestClient, body: bytes, content_type: str = "application/json", **headers: str
) -> httpx.Response:
    return client.post(
        "/v1/articles", content=body, headers={"content-type": content_type, **headers}
    )


# --- the article body -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param({"text": ""}, "text", id="empty-text"),
        pytest.param({"text": "  \n\t\u00a0 "}, "text", id="blank-text"),
        pytest.param({"html": "   "}, "html", id="blank-html"),
        pytest.param({"text": "a\x00b"}, "text", id="nul-in-text"),
        pytest.param({}, "text", id="neither"),
        pytest.param({"title": "Chỉ có tiêu đề"}, "text", id="title-only"),
        pytest.param({"text": TEXT, "html": f"<p>{TEXT}</p>"}, "html", id="both"),
        pytest.param({"text": 5}, "text", id="text-number"),
        pytest.param({"text": ["a", "b"]}, "text", id="text-list"),
        pytest.param({"text": None, "html": {"p": 1}}, "html", id="html-object"),
        pytest.param({"text": TEXT, "title": {"x": 1}}, "title", id="title-object"),
        pytest.param({"text": TEXT, "captions": "maybe"}, "captions", id="captions-string"),
        pytest.param({"text": TEXT, "published_at": "hôm qua"}, "published_at", id="bad-date"),
        pytest.param({"text": TEXT, "author": "x" * 301}, "author", id="author-too-long"),
        pytest.param({"text": TEXT, "title": "x" * 1001}, "title", id="title-too-long"),
        pytest.param({"text": TEXT, "voice": "en"}, "voice", id="unknown-voice"),
        pytest.param({"text": TEXT, "voice": "VI"}, "voice", id="voice-wrong-case"),
        pytest.param({"text": TEXT, "voice": 1}, "voice", id="voice-number"),
        pytest.param({"text": TEXT, "url": "ftp://example.com/a"}, "url", id="url-scheme"),
        pytest.param({"url": "javascript:alert(1)"}, "url", id="url-javascript"),
        pytest.param({"text": TEXT, "foo": 1}, "foo", id="unknown-field"),
        pytest.param({"text": TEXT, "Text": TEXT}, "Text", id="unknown-field-case"),
        pytest.param({"text": TEXT, "external_id": ""}, "external_id", id="empty-external-id"),
        pytest.param({"text": TEXT, "external_id": "a\nb"}, "external_id", id="ctl-external-id"),
        pytest.param({"text": TEXT, "external_id": 5}, "external_id", id="number-external-id"),
        pytest.param(
            {"text": TEXT, "external_id": "x" * 201}, "external_id", id="long-external-id"
        ),
    ],
)
def test_bad_article_bodies_name_the_field(
    client: TestClient, payload: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/articles", json=payload)
    assert_error(response, 422, field)


@pytest.mark.parametrize(
    "site",
    ["", "Default", "bad site", "-x", ".x", "_x", "../etc", "a/b", "tin tức", "x" * 101, "a\tb"],
)
def test_bad_site_names_in_the_body(client: TestClient, site: str) -> None:
    response = client.post("/v1/articles", json={"text": TEXT, "site": site})
    assert_error(response, 422, "site")


def test_text_over_the_limit_is_refused(client: TestClient) -> None:
    error = assert_error(client.post("/v1/articles", json={"text": "a" * 51}), 422, "text")
    assert error["code"] == "too_long"
    assert "50" in error["message"]
    error = assert_error(
        client.post("/v1/articles", json={"html": "<p>" + "a" * 1000 + "</p>"}), 422, "html"
    )
    assert error["code"] == "too_long"


def test_the_limit_counts_characters_after_nfc(client: TestClient) -> None:
    """50 characters written decomposed (NFD, more code points) are still 50 characters."""
    text = "Tiếng Việt có dấu: ả ạ ấ ầ ẩ ẫ ậ ắ ằ ẳ ẵ ặ ế ề ể ễ"
    text = text + "ệ" * (50 - len(text))
    assert len(text) == 50
    decomposed = unicodedata.normalize("NFD", text)
    assert len(decomposed) > 50
    response = client.post("/v1/articles", json={"text": decomposed})
    assert response.status_code == 202, response.text


def test_lone_surrogate_in_json_is_refused_naming_the_field(client: TestClient) -> None:
    response = post_raw(client, b'{"text": "abc \\ud800 def"}')
    assert_error(response, 422, "text")


# bodies that are not a JSON object at all
UNPARSEABLE = [
    pytest.param(b'{"text": "abc', "application/json", id="broken-json"),
    pytest.param(b'{"text": "a",}', "application/json", id="trailing-comma"),
    pytest.param(b'{"text": "\xff\xfe ch\xe0o"}', "application/json", id="invalid-utf8"),
    pytest.param(b'["text"]', "application/json", id="json-array"),
    pytest.param(b'"text"', "application/json", id="json-string"),
    pytest.param(b'{"text": "a"}', "text/plain", id="not-json-content-type"),
    pytest.param(b"", "application/json", id="empty-body"),
]


@pytest.mark.parametrize(("body", "content_type"), UNPARSEABLE)
def test_unparseable_bodies_answer_4xx_json(
    client: TestClient, body: bytes, content_type: str
) -> None:
    response = post_raw(client, body, content_type)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert {"code", "message", "field"} <= set(error)
    assert error["message"]


@pytest.mark.parametrize(
    "body",
    [b'{"text": "abc', b'{"text": "a",}', b"{", b"nul"],
    ids=["open", "comma", "brace", "word"],
)
def test_broken_json_is_400(client: TestClient, body: bytes) -> None:
    response = post_raw(client, body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_input"
    assert "JSON" in response.json()["error"]["message"]


@pytest.mark.parametrize(("body", "content_type"), UNPARSEABLE)
def test_unparseable_bodies_name_the_body(
    client: TestClient, body: bytes, content_type: str
) -> None:
    error = post_raw(client, body, content_type).json()["error"]
    assert error["field"] == "body", error


@pytest.mark.parametrize(
    "path",
    [
        "/v1/articles/..%2F..%2Fetc%2Fpasswd",
        "/v1/articles/..%2F..%2Fetc%2Fpasswd/audio.mp3",
        "/v1/articles/%2e%2e%2f%2e%2e%2floa.db/playlist.json",
        "/v1/articles/....//....//etc/passwd",
        "/v1/articles/0123456789abcdef0123456789abcde%00",
        "/v1/articles/0123456789ABCDEF0123456789ABCDEF",
        "/v1/articles/0123456789abcdef0123456789abcdef%0A",
    ],
)
def test_path_traversal_attempts_get_json_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert set(response.json()["error"]) >= {"code", "message", "field"}
    assert b"root:" not in response.content
    assert b"SQLite format" not in response.content


@pytest.mark.parametrize(
    "site", ["Default", "-x", ".x", "%2e%2e", "%2e", "a%20b", "a%00", "x" * 101, "tin-t%E1%BB%A9c"]
)
def test_bad_site_names_in_the_path(client: TestClient, site: str) -> None:
    assert_error(client.get(f"/v1/sites/{site}/lexicon"), 422, "site")
    assert_error(
        client.put(f"/v1/sites/{site}/lexicon", json={"entries": {"KHCN": "khoa học"}}),
        422,
        "site",
    )


def test_site_name_with_a_trailing_newline_is_refused(client: TestClient) -> None:
    assert_error(client.get("/v1/sites/abc%0A/lexicon"), 422, "site")
    assert_error(
        client.put("/v1/sites/abc%0A/lexicon", json={"entries": {"KHCN": "khoa học"}}),
        422,
        "site",
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param({}, "entries", id="missing"),
        pytest.param({"entries": "x"}, "entries", id="string"),
        pytest.param({"entries": {"KHCN": 5}}, "entries.KHCN", id="number-value"),
        pytest.param({"entries": {}, "extra": 1}, "extra", id="unknown-field"),
    ],
)
def test_bad_lexicon_bodies_name_the_field(
    client: TestClient, payload: dict[str, Any], field: str
) -> None:
    assert_error(client.put("/v1/sites/default/lexicon", json=payload), 422, field)


def test_lexicon_entry_errors_name_a_field(client: TestClient) -> None:
    response = client.put("/v1/sites/default/lexicon", json={"entries": {"  ": "khoa học"}})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] and error["field"].startswith("entries")


def test_good_site_lexicon_round_trip(client: TestClient) -> None:
    put = client.put("/v1/sites/vnexpress.net/lexicon", json={"entries": {"KHCN": "khoa học"}})
    assert put.status_code == 200, put.text
    got = client.get("/v1/sites/vnexpress.net/lexicon")
    assert got.status_code == 200
    assert got.json()["entries"] == {"KHCN": "khoa học"}


# --- API keys ---------------------------------------------------------------------------------


@pytest.fixture
def keyed(make_client: ClientFactory) -> TestClient:
    return make_client(api_keys="key-one, key-two")


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer wrong",
        "Basic key-one",
        "key-one",
        "Bearer key-on",
        "Bearer key-one,key-two",
        "Bearer key-onee",
    ],
)
def test_writes_need_a_valid_key(keyed: TestClient, authorization: str | None) -> None:
    headers = {} if authorization is None else {"authorization": authorization}
    writes = [
        keyed.post("/v1/articles", json={"text": TEXT}, headers=headers),
        keyed.put("/v1/sites/default/lexicon", json={"entries": {}}, headers=headers),
        keyed.delete(f"/v1/articles/{uuid.uuid4().hex}", headers=headers),
    ]
    for response in writes:
        assert_error(response, 401, "Authorization", "unauthorized")
        assert response.headers.get("www-authenticate", "").startswith("Bearer")


def test_a_valid_key_may_write_and_reads_need_none(keyed: TestClient) -> None:
    response = keyed.post(
        "/v1/articles", json={"text": TEXT}, headers={"authorization": "Bearer key-two"}
    )
    assert response.status_code == 202, response.text
    article_id = response.json()["id"]
    assert keyed.get(f"/v1/articles/{article_id}").status_code == 200
    assert keyed.get("/v1/sites/default/lexicon").status_code == 200
    deleted = keyed.delete(
        f"/v1/articles/{article_id}", headers={"authorization": "bearer key-one"}
    )
    assert deleted.status_code == 204
    assert_error(keyed.get(f"/v1/articles/{article_id}"), 404, "id")


def test_writes_are_open_without_keys(client: TestClient) -> None:
    response = client.post("/v1/articles", json={"text": TEXT, "site": "open-site"})
    assert response.status_code == 202, response.text
    assert client.put("/v1/sites/open-site/lexicon", json={"entries": {}}).status_code == 200
    assert client.delete(f"/v1/articles/{response.json()['id']}").status_code == 204


# --- the voice list comes from the engine registry ---------------------------------------------


def test_every_voice_an_engine_offers_is_accepted_and_only_those(
    make_client: ClientFactory,
) -> None:
    from loa.engines import registry
    from loa.engines.fake import FakeEngine

    client = make_client()
    for voice in registry.known_voices():
        r = client.post("/v1/articles", json={"text": f"{TEXT} {voice}", "voice": voice})
        assert r.status_code == 202, (voice, r.text)
    assert_error(
        client.post("/v1/articles", json={"text": TEXT, "voice": "vi-x-test"}), 422, "voice"
    )
    with registry.registered("tone", lambda _s: FakeEngine(), voices=("vi-x-test",)):
        r = client.post("/v1/articles", json={"text": TEXT, "voice": "vi-x-test"})
        assert r.status_code == 202, r.text


# --- the schema is as strict as the validation --------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param({"text": TEXT, "captions": "true"}, "captions", id="captions-string-true"),
        pytest.param({"text": TEXT, "captions": 1}, "captions", id="captions-number"),
        pytest.param({"text": TEXT, "published_at": "0"}, "published_at", id="date-unix-string"),
        pytest.param({"text": TEXT, "published_at": 1700000000}, "published_at", id="date-int"),
        pytest.param({"text": TEXT, "published_at": "2022-05-16"}, "published_at", id="date-only"),
        pytest.param(
            {"text": TEXT, "published_at": "2022-05-16T08:00:00"}, "published_at", id="no-offset"
        ),
        pytest.param(
            {"text": TEXT, "published_at": "2022-05-16 08:00:00Z"}, "published_at", id="space"
        ),
        pytest.param(
            {"text": TEXT, "published_at": "2022-02-30T08:00:00Z"}, "published_at", id="feb-30"
        ),
        pytest.param({"text": TEXT, "site": " langson"}, "site", id="site-leading-space"),
        pytest.param({"text": TEXT, "site": "langson\n"}, "site", id="site-trailing-newline"),
        pytest.param({"text": TEXT, "title": 5}, "title", id="title-number"),
    ],
)
def test_values_are_not_coerced(client: TestClient, payload: dict[str, Any], field: str) -> None:
    """What the schema calls invalid is refused: no "true" for true, no Unix time for a date."""
    assert_error(client.post("/v1/articles", json=payload), 422, field)


@pytest.mark.parametrize(
    "published_at",
    [
        "2022-05-16T08:00:00+07:00",
        "2022-05-16T01:00:00Z",
        "2022-05-16t01:00:00z",
        "2022-05-16T01:00:00.123456-02:30",
        "2016-12-31T23:59:60Z",
    ],
)
def test_rfc3339_dates_are_accepted(client: TestClient, published_at: str) -> None:
    response = client.post(
        "/v1/articles", json={"text": f"Tin {published_at}", "published_at": published_at}
    )
    assert response.status_code == 202, response.text


@pytest.mark.parametrize(
    ("entries", "field_start"),
    [
        pytest.param({"K" * 101: "x"}, "entries", id="key-over-100-as-sent"),
        pytest.param({" " * 100 + "K": "x"}, "entries", id="key-over-100-even-if-blank-around"),
        pytest.param({"K": "x" * 501}, "entries.K", id="value-over-500"),
        pytest.param({"K\x07": "x"}, "entries", id="control-in-key"),
        pytest.param({"K": "x\x00"}, "entries", id="nul-in-value"),
    ],
)
def test_lexicon_limits_count_what_was_sent(
    client: TestClient, entries: dict[str, str], field_start: str
) -> None:
    response = client.put("/v1/sites/default/lexicon", json={"entries": entries})
    error = assert_error(response, 422, response.json()["error"]["field"])
    assert error["field"].startswith(field_start), error


def test_lexicon_with_too_many_entries_is_refused(make_client: ClientFactory) -> None:
    from loa.text.lexicon import MAX_ENTRIES

    client = make_client(max_body_bytes=10_000_000)
    entries = {f"k{i}": "v" for i in range(MAX_ENTRIES + 1)}
    assert_error(client.put("/v1/sites/default/lexicon", json={"entries": entries}), 422, "entries")


# --- methods: OPTIONS and 405 name every method of the resource ---------------------------------


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (f"/v1/articles/{'0' * 32}", "DELETE, GET, OPTIONS"),
        (f"/v1/articles/{'0' * 32}/audio.mp3", "GET, HEAD, OPTIONS"),
        ("/v1/sites/default/lexicon", "GET, OPTIONS, PUT"),
        ("/v1/articles", "OPTIONS, POST"),
    ],
)
def test_options_and_405_list_every_method(client: TestClient, path: str, allowed: str) -> None:
    options = client.options(path)
    assert options.status_code == 204, options.text
    assert options.headers["allow"] == allowed
    assert options.content == b""
    patch = client.patch(path, json={})
    error = assert_error(patch, 405, None, "method_not_allowed")
    assert patch.headers["allow"] == allowed
    assert "PATCH" in error["message"]


def test_unknown_path_is_404_for_options_too(client: TestClient) -> None:
    assert_error(client.options("/v1/nothing-here"), 404, None)


# --- the OpenAPI document -----------------------------------------------------------------------


def _document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from service.openapi import HTTP_METHODS

    return {
        f"{method.upper()} {path}": operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def test_every_error_answer_is_documented_in_the_one_error_shape(client: TestClient) -> None:
    document = _document(client)
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for name, operation in _operations(document).items():
        answers = operation["responses"]
        assert "503" in answers, name
        for status, answer in answers.items():
            if int(status) >= 400 and name != "GET /healthz":
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, (name, status)


def test_documented_statuses_per_operation(client: TestClient) -> None:
    statuses = {
        name: sorted(int(s) for s in operation["responses"])
        for name, operation in _operations(_document(client)).items()
    }
    audio = "/v1/articles/{article_id}/audio.mp3"
    assert statuses["POST /v1/articles"] == [200, 202, 400, 401, 403, 408, 413, 422, 429, 503]
    assert statuses[f"GET {audio}"] == [200, 206, 304, 404, 409, 416, 503]
    assert statuses[f"HEAD {audio}"] == [200, 304, 404, 409, 503]
    assert statuses["GET /v1/articles/{article_id}/playlist.json"] == [200, 404, 409, 503]
    assert statuses["GET /v1/articles/{article_id}"] == [200, 404, 503]
    assert statuses["DELETE /v1/articles/{article_id}"] == [204, 401, 403, 404, 429, 503]
    assert statuses["GET /v1/sites/{site}/lexicon"] == [200, 422, 503]
    assert statuses["PUT /v1/sites/{site}/lexicon"] == [200, 400, 401, 403, 408, 413, 422, 429, 503]
    # the player's public reads and pages
    for name in ("GET /v1/player/articles/{article_id}",):
        assert statuses[name] == [200, 404, 503]
    for name in ("GET /v1/player/lookup", "GET /v1/player/recent"):
        assert statuses[name] == [200, 422, 503]
    assert statuses["GET /v1/clips/cache/{engine}/{voice}/{shard}/{digest}.mp3"] == [
        200,
        206,
        304,
        404,
        416,
        422,
        503,
    ]
    download = "GET /v1/player/articles/{article_id}/download.mp3"
    assert statuses[download] == [200, 206, 304, 404, 409, 416, 503]
    for page in ("/player.js", "/"):
        assert statuses[f"GET {page}"] == statuses[f"HEAD {page}"] == [200, 304, 503]
    for page in ("/static/{name}", "/embed/{article_id}"):
        assert statuses[f"GET {page}"] == statuses[f"HEAD {page}"] == [200, 304, 404, 503]
    assert statuses["GET /metrics"] == [200, 503]
    assert statuses["POST /v1/sites/{site}/webhook"] == [
        200,
        202,
        400,
        401,
        408,
        413,
        422,
        429,
        503,
    ]
    assert statuses["DELETE /v1/keys/{key_id}"] == [204, 401, 403, 404, 503]


def test_bearer_auth_is_documented_only_when_keys_are_set(make_client: ClientFactory) -> None:
    open_doc = _document(make_client())
    assert "securitySchemes" not in open_doc["components"]
    assert all(not op.get("security") for op in _operations(open_doc).values())
    keyed_doc = _document(make_client(api_keys="k1"))
    secured = sorted(name for name, op in _operations(keyed_doc).items() if op.get("security"))
    assert secured == [
        "DELETE /v1/articles/{article_id}",
        "DELETE /v1/keys/{key_id}",
        "GET /v1/sites/{site}/callbacks",
        "GET /v1/sites/{site}/keys",
        "POST /v1/articles",
        "POST /v1/sites/{site}/keys",
        "PUT /v1/sites/{site}",
        "PUT /v1/sites/{site}/artwork",
        "PUT /v1/sites/{site}/lexicon",
    ]  # not the webhook: its signature authenticates it


def test_length_limits_in_the_document_are_the_settings(make_client: ClientFactory) -> None:
    document = _document(make_client(max_chars=1234, max_body_bytes=10_000))
    properties = document["components"]["schemas"]["ArticleCreate"]["properties"]

    def limit(name: str) -> int:
        (string,) = [b for b in properties[name]["anyOf"] if b["type"] == "string"]
        return int(string["maxLength"])

    assert limit("text") == 1234
    assert limit("html") == 10_000 - len('{"html":""}')  # the body limit is the tighter one


def test_the_voice_enum_is_the_registry(make_client: ClientFactory) -> None:
    from loa.engines import registry
    from loa.engines.fake import FakeEngine

    client = make_client()

    def voices() -> list[str]:
        voice = _document(client)["components"]["schemas"]["ArticleCreate"]["properties"]["voice"]
        (string,) = [b for b in voice["anyOf"] if b["type"] == "string"]
        return list(string["enum"])

    assert voices() == list(registry.known_voices())
    with registry.registered("tone", lambda _s: FakeEngine(), voices=("vi-x-test",)):
        assert "vi-x-test" in voices()
    assert "vi-x-test" not in voices()


# --- the schema's patterns are the server's rules (Python re and an ECMA-262 validator agree) ---

#: Characters where the rules differ: whitespace of every kind, controls, NUL, a BOM (not
#: whitespace to Python, whitespace to ECMA-262's \s), letters, combining marks, astral.
_TRICKY = st.sampled_from(
    [
        " ",
        "\t",
        "\n",
        "\r",
        "\x0b",
        "\x0c",
        "\x1c",
        "\x1f",
        "\x85",
        "\xa0",
        "\u2003",
        "\u3000",
        "\u2028",
        "\x00",
        "\x01",
        "\x07",
        "\x1b",
        "\x7f",
        "\x80",
        "\x9f",
        "\ufeff",
        "\u200b",
        "a",
        "Z",
        "0",
        ".",
        "-",
        "_",
        "/",
        "đ",
        "ệ",
        "e\u0301",
        "\u0958",
        "😀",
        "h",
        "t",
        "p",
        "s",
        ":",
    ]
)
tricky_text = st.lists(_TRICKY, max_size=12).map("".join) | st.text(max_size=12)


def _ecma_match(pattern: str, value: str) -> bool:
    import jsonschema_rs

    return bool(jsonschema_rs.validator_for({"type": "string", "pattern": pattern}).is_valid(value))


def _python_match(pattern: str, value: str) -> bool:
    import re

    return re.search(pattern, value) is not None


def _server_accepts_source(value: str) -> bool:
    from service.routes.articles import _source_of
    from service.schemas import ArticleCreate

    try:
        _source_of(ArticleCreate(text=value), max_chars=10_000)
    except Exception:
        return False
    return True


@given(value=tricky_text)
def test_source_pattern_is_the_servers_rule(value: str) -> None:
    from service.schemas import SOURCE_PATTERN

    accepted = _server_accepts_source(value)
    assert _python_match(SOURCE_PATTERN, value) == accepted
    assert _ecma_match(SOURCE_PATTERN, value) == accepted


@given(value=tricky_text)
def test_lexicon_entry_pattern_is_the_servers_rule(value: str) -> None:
    from loa.errors import InputError
    from loa.text.lexicon import validate_lexicon
    from service.schemas import LEXICON_ENTRY_PATTERN

    try:
        validate_lexicon({value: "khoa học"})
        validate_lexicon({"KHCN": value})
        accepted = True
    except InputError:
        accepted = False
    assert _python_match(LEXICON_ENTRY_PATTERN, value) == accepted
    assert _ecma_match(LEXICON_ENTRY_PATTERN, value) == accepted


@given(value=tricky_text | st.from_regex(r"[a-z0-9][a-z0-9._-]{0,5}\n?", fullmatch=True))
def test_site_pattern_is_the_servers_rule(value: str) -> None:
    from loa.contracts import is_site_name
    from service.schemas import SITE_NAME_PATTERN

    assert _ecma_match(SITE_NAME_PATTERN, value) == is_site_name(value)


@given(value=tricky_text)
def test_url_and_external_id_patterns_are_the_servers_rules(value: str) -> None:
    from pydantic import ValidationError

    from service.schemas import EXTERNAL_ID_PATTERN, URL_PATTERN, ArticleCreate

    for field, pattern, candidate in (
        ("url", URL_PATTERN, value),
        ("url", URL_PATTERN, value + "https://x"),
        ("external_id", EXTERNAL_ID_PATTERN, value),
    ):
        try:
            ArticleCreate.model_validate({"text": TEXT, field: candidate})
            accepted = True
        except ValidationError:
            accepted = False
        assert _ecma_match(pattern, candidate) == accepted, (field, candidate)
