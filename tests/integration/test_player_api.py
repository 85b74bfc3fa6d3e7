"""The player's HTTP surface on the real stack: public reads, progressive state, clips, CORS,
the static files' caching headers, the demo and embed pages."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.google_tts import FakeGoogleTTS
from tests.integration.stack import Stack, running_stack

TEXT = " ".join(
    f"Tuyến đường số {n} dài {n * 2} km được khánh thành vào tháng {n % 12 + 1}." for n in range(12)
)
ORIGIN = "https://bao.example"


@pytest.fixture(scope="module")
def google() -> Iterator[FakeGoogleTTS]:
    with FakeGoogleTTS(mode="ok") as fake:
        yield fake


@pytest.fixture(scope="module")
def loa(tmp_path_factory: pytest.TempPathFactory, google: FakeGoogleTTS) -> Iterator[Stack]:
    with running_stack(
        tmp_path_factory.mktemp("player-api"), LOA_ENGINE="gtts", LOA_GTTS_URL=google.url
    ) as s:
        yield s


def post(loa: Stack, text: str, external_id: str) -> dict:
    with loa.client() as c:
        r = c.post(
            "/v1/articles", json={"text": text, "site": "baoxyz", "external_id": external_id}
        )
    assert r.status_code == 202, r.text
    return r.json()


def lookup(c: httpx.Client, external_id: str) -> httpx.Response:
    return c.get("/v1/player/lookup", params={"site": "baoxyz", "external_id": external_id})


def test_progressive_state_then_complete(loa: Stack, google: FakeGoogleTTS) -> None:
    google.mode, google.delay = "slow", 0.4
    try:
        external_id = f"tin-{uuid.uuid4().hex[:6]}"
        text = TEXT.replace("Tuyến", f"Tuyến {external_id}")
        article = post(loa, text, external_id)
        with loa.client(auth=False) as c:
            deadline = time.monotonic() + 30
            while True:
                r = lookup(c, external_id)
                assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
                state = r.json()
                if state["playable"] or time.monotonic() > deadline:
                    break
                assert state["status"] in ("queued", "processing")
                time.sleep(0.1)
            assert state["playable"] and not state["complete"], state
            assert state["status"] == "processing" and state["retry_after"] > 0
            assert state["audio"] is None and state["download"] is None
            first = state["segments"][0]
            assert first["start"] == 0.0 and first["duration"] > 0 and first["text"]
            clip = c.get(first["audio"], headers={"Origin": ORIGIN})
            assert clip.status_code == 200 and clip.headers["content-type"] == "audio/mpeg"
            assert "immutable" in clip.headers["cache-control"]
            assert clip.headers["access-control-allow-origin"] == "*"
            assert clip.content[:2] == b"\xff\xf3" or clip.content[0] == 0xFF
            # the article's audio and playlist themselves still say "not ready"
            assert c.get(article["links"]["audio"]).status_code == 409
    finally:
        google.mode = "ok"
    done = loa.wait_ready(article["id"])
    assert done["status"] == "ready"
    with loa.client(auth=False) as c:
        state = lookup(c, external_id).json()
        assert state["complete"] and state["audio"] == article["links"]["audio"]
        assert "retry_after" not in state
        assert all("audio" not in s for s in state["segments"])
        playlist = c.get(article["links"]["playlist"]).json()
        assert [s["start"] for s in state["segments"]] == [s["start"] for s in playlist["segments"]]
        assert first["start"] == playlist["segments"][0]["start"]
        assert first["duration"] == playlist["segments"][0]["duration"]
        # the progress file is gone with the job
        assert not list(loa.data_dir.rglob("progress-*.json"))
        same = c.get(f"/v1/player/articles/{article['id']}").json()
        assert same == state
        dl = c.get(state["download"])
        assert dl.status_code == 200 and "attachment" in dl.headers["content-disposition"]
        assert dl.content == c.get(state["audio"]).content
        recent = c.get("/v1/player/recent", params={"limit": 5}).json()["articles"]
        assert article["id"] in [a["id"] for a in recent]


def test_unknown_articles_are_quietly_unplayable_and_bad_input_is_4xx(loa: Stack) -> None:
    with loa.client(auth=False) as c:
        r = lookup(c, "khong-co")
        assert r.status_code == 200
        assert r.json() == {
            "status": "unknown",
            "playable": False,
            "complete": False,
            "segments": [],
        }
        assert c.get(f"/v1/player/articles/{'0' * 32}").json()["status"] == "unknown"
        for path, field in [
            ("/v1/player/lookup?site=Bad%20Site&external_id=x", "site"),
            ("/v1/player/lookup?site=ok&external_id=%01", "external_id"),
            ("/v1/player/lookup?site=ok", "external_id"),
            ("/v1/player/recent?limit=0", "limit"),
        ]:
            r = c.get(path)
            assert r.status_code == 422, (path, r.text)
            assert r.json()["error"]["field"] == field
        for path in [
            "/v1/player/articles/..%2Fetc",
            "/v1/clips/cache/..%2F..%2Floa.db",
            "/v1/clips/cache/fake/vi/00/" + "0" * 64 + ".mp3",
            "/embed/nope",
            "/static/..%2Fapp.py",
            "/v1/player/articles/" + "0" * 32 + "/download.mp3",
        ]:
            r = c.get(path)
            assert r.status_code == 404, (path, r.text)
            assert r.json()["error"]["code"] == "not_found"


def test_cors_for_public_reads_with_ranges(loa: Stack) -> None:
    article = post(loa, TEXT, f"cors-{uuid.uuid4().hex[:6]}")
    loa.wait_ready(article["id"])
    with loa.client(auth=False) as c:
        r = c.get(article["links"]["audio"], headers={"Origin": ORIGIN, "Range": "bytes=0-99"})
        assert r.status_code == 206
        assert r.headers["access-control-allow-origin"] == "*"
        exposed = {h.strip().lower() for h in r.headers["access-control-expose-headers"].split(",")}
        assert {"content-range", "accept-ranges", "content-length", "etag"} <= exposed
        head = c.head(article["links"]["audio"], headers={"Origin": ORIGIN})
        assert head.status_code == 200 and head.headers["access-control-allow-origin"] == "*"
        pre = c.options(
            article["links"]["audio"],
            headers={
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "range",
            },
        )
        assert pre.status_code == 200
        assert "GET" in pre.headers["access-control-allow-methods"]
        assert "range" in pre.headers["access-control-allow-headers"].lower()
        # writes are not offered to other origins
        pre = c.options(
            "/v1/articles", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
        )
        assert pre.status_code == 400


@pytest.mark.parametrize("path", ["/player.js", "/static/demo.js", "/static/demo.css", "/"])
def test_static_files_have_etags_and_cache_control(loa: Stack, path: str) -> None:
    with loa.client(auth=False) as c:
        r = c.get(path)
        assert r.status_code == 200
        etag = r.headers["etag"]
        assert etag.startswith('"') and r.headers["cache-control"]
        again = c.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert c.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    if path == "/player.js":
        assert r.headers["content-type"].startswith("text/javascript")
        assert "max-age=" in r.headers["cache-control"]
    if path == "/":
        assert 'data-needs-key="true"' in r.text  # the stack runs with API keys


def test_embed_page(loa: Stack) -> None:
    article_id = uuid.uuid4().hex
    with loa.client(auth=False) as c:
        r = c.get(f"/embed/{article_id}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert f'data-article="{article_id}"' in r.text and "/player.js" in r.text
    assert "x-frame-options" not in r.headers  # CMSs frame it


def test_download_and_clips_answer_byte_ranges_as_rfc_9110_says(loa: Stack) -> None:
    article = post(loa, TEXT, f"ranges-{uuid.uuid4().hex[:6]}")
    loa.wait_ready(article["id"])
    with loa.client(auth=False) as c:
        download = c.get(f"/v1/player/articles/{article['id']}").json()["download"]
        whole = c.get(download)
        assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes"
        assert "attachment" in whole.headers["content-disposition"]
        # an invalid range is ignored (Starlette's FileResponse alone answers 400)
        invalid = c.get(download, headers={"Range": "bytes=5-1"})
        assert invalid.status_code == 200 and invalid.content == whole.content
        part = c.get(download, headers={"Range": "bytes=5-14"})
        assert part.status_code == 206 and part.content == whole.content[5:15]
        assert part.headers["content-range"] == f"bytes 5-14/{len(whole.content)}"
        past = c.get(download, headers={"Range": f"bytes={len(whole.content)}-"})
        assert past.status_code == 416
        assert past.headers["content-range"] == f"bytes */{len(whole.content)}"
        assert past.json()["error"]["code"] == "range_not_satisfiable"
        again = c.get(download, headers={"If-None-Match": whole.headers["etag"]})
        assert again.status_code == 304

        cached = next((loa.data_dir / "audio" / "cache").rglob("*.mp3"))
        key = cached.relative_to(loa.data_dir / "audio").as_posix()
        clip = c.get(f"/v1/clips/{key}", params={"pause_ms": 250})
        assert clip.status_code == 200 and clip.headers["cache-control"].endswith("immutable")
        quiet = c.get(f"/v1/clips/{key}", params={"pause_ms": 0})
        assert len(clip.content) > len(quiet.content) > 0
        assert clip.content.startswith(quiet.content)
        ignored = c.get(f"/v1/clips/{key}", params={"pause_ms": 250}, headers={"Range": "x=1-"})
        assert ignored.status_code == 200 and ignored.content == clip.content
        tail = c.get(f"/v1/clips/{key}", params={"pause_ms": 250}, headers={"Range": "bytes=-7"})
        assert tail.status_code == 206 and tail.content == clip.content[-7:]
