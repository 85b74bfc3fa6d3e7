"""Publishing a site end to end: real HTTP, a real worker, espeak and the Google stand-in.

A site with hostile metadata and a handful of articles (one revised, one deleted, one draft):
its feed read by a strict XML parser and by feedparser, every element checked against what
HEAD, a decoder and the database say; transcripts and HLS playlists parsed and played by
ffmpeg; loudness of both engines' articles measured with ffmpeg's ebur128.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import io
import re
import subprocess
import time
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree
from mutagen.id3 import ID3
from PIL import Image

from loa.publishing.feed import ITUNES, PODCAST, podcast_guid
from tests.fakes.audio import ffmpeg_ebur128, ffmpeg_exe
from tests.fakes.google_tts import FakeGoogleTTS
from tests.helpers import decoded_duration
from tests.integration.stack import Stack, running_stack

SITE = "hostile"
NFD_TITLE = unicodedata.normalize("NFD", "Tiếng nói Lạng Sơn")
SITE_META = {
    "title": f'{NFD_TITLE} & <Loa> "Nghe tin" 🎧',
    "description": "Tin của tỉnh, đọc to: <b>không</b> phải HTML & không lỗi ]]> nào.",
    "link": "https://langson.example.vn/?a=1&b=2",
    "language": "vi",
    "author": "UBND tỉnh Lạng Sơn & Sở TT-TT",
    "owner_name": "Ban biên tập <BBT>",
    "owner_email": "bbt@langson.example.vn",
    "category": "News",
    "subcategory": "Daily News",
    "explicit": False,
    "copyright": "© 2026 Lạng Sơn",
    "intro": "Loa Lạng Sơn xin kính chào quý vị.",
    "outro": "Cảm ơn quý vị đã lắng nghe.",
}
HOSTILE_TITLE = unicodedata.normalize("NFD", 'Giá "xăng" giảm & <tăng> 🚀 ở Lạng Sơn')
TEXT_ESPEAK = (
    "Sáng 16/5/2022, Sở Khoa học và Công nghệ tổ chức hội thảo về đổi mới sáng tạo. "
    "Hội thảo có hơn 120 đại biểu tham dự.\n"
    "Các đại biểu thảo luận về chuyển đổi số trong doanh nghiệp nhỏ và vừa."
)
TEXT_GOOGLE = (
    "Chiều nay, thành phố tổ chức lễ khánh thành cây cầu mới bắc qua sông Kỳ Cùng. "
    "Cây cầu dài 250 mét, rộng 24 mét."
)


def published(day: int) -> str:
    return f"2026-11-{day:02d}T08:30:00+07:00"


@dataclass
class World:
    """What the module set up, with the ids and answers later tests check."""

    stack: Stack
    espeak_id: str
    google_id: str
    revised_id: str
    deleted_id: str
    draft_id: str
    old_enclosure: str
    old_bytes_sha: str
    artwork_url: str


@pytest.fixture(scope="module")
def google() -> Iterator[FakeGoogleTTS]:
    with FakeGoogleTTS(mode="ok") as fake:
        yield fake


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, google: FakeGoogleTTS) -> Iterator[World]:
    with running_stack(tmp_path_factory.mktemp("publishing"), LOA_GTTS_URL=google.url) as s:
        yield _populate(s)


def _post(stack: Stack, **body: object) -> str:
    with stack.client() as c:
        r = c.post("/v1/articles", json={"site": SITE, **body})
        assert r.status_code in (200, 202), r.text
        return str(r.json()["id"])


def _ready(stack: Stack, article_id: str, revision: int = 1) -> dict:
    deadline = time.monotonic() + 180
    with stack.client() as c:
        while True:
            body = c.get(f"/v1/articles/{article_id}").json()
            if body["revision"] == revision and body["status"] in ("ready", "failed"):
                assert body["status"] == "ready", body
                return body
            assert time.monotonic() < deadline, f"{body}\n{stack.logs('worker')}"
            time.sleep(0.2)


def _artwork_png(side: int = 1400, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (side, side), "#0e4e56" if mode == "RGB" else 0).save(out, format="PNG")
    return out.getvalue()


def _enclosures(stack: Stack) -> dict[str, str]:
    with stack.client() as c:
        # Any: the test asserts on the elements it reads (a missing one fails the test anyway)
        root: Any = etree.fromstring(c.get(f"/v1/sites/{SITE}/feed.xml").content)
    return {
        str(item.findtext("guid")): str(item.find("enclosure").get("url"))
        for item in root.iter("item")
    }


def _populate(stack: Stack) -> World:
    with stack.client() as c:
        r = c.put(f"/v1/sites/{SITE}", json=SITE_META)
        assert r.status_code == 200, r.text
        r = c.put(
            f"/v1/sites/{SITE}/artwork",
            content=_artwork_png(),
            headers={"Content-Type": "image/png"},
        )
        assert r.status_code == 200, r.text
        artwork_url = r.json()["links"]["artwork"]
    espeak_id = _post(
        stack,
        title=HOSTILE_TITLE,
        text=TEXT_ESPEAK,
        voice="vi-vn-x-central",  # only espeak offers it
        external_id="espeak",
        published_at=published(10),
    )
    google_id = _post(
        stack,
        title="Khánh thành cầu mới",
        text=TEXT_GOOGLE,
        voice="vi",
        external_id="google",
        published_at=published(11),
    )
    revised_id = _post(
        stack,
        title="Bản tin sửa",
        text="Bản tin này sẽ được sửa lại. Đây là bản đầu tiên.",
        voice="vi-vn-x-central",
        external_id="revised",
        published_at=published(12),
    )
    deleted_id = _post(
        stack,
        title="Tin sẽ xóa",
        text="Tin này sẽ bị xóa khỏi trang.",
        voice="vi-vn-x-central",
        external_id="deleted",
        published_at=published(13),
    )
    draft_id = _post(
        stack,
        title="Bản nháp",
        text="Đây là bản nháp, chưa xuất bản.",
        voice="vi-vn-x-central",
        external_id="draft",
        published=False,
        published_at=published(14),
    )
    for article_id in (espeak_id, google_id, revised_id, deleted_id, draft_id):
        _ready(stack, article_id)
    old_enclosure = _enclosures(stack)[f"loa:{revised_id}"]
    with stack.client() as c:
        old_bytes_sha = hashlib.sha256(c.get(old_enclosure).content).hexdigest()
    _post(
        stack,
        title="Bản tin sửa",
        text="Bản tin này đã được sửa lại. Đây là bản thứ hai, dài hơn một chút.",
        voice="vi-vn-x-central",
        external_id="revised",
        published_at=published(12),
    )
    _ready(stack, revised_id, revision=2)
    with stack.client() as c:
        assert c.delete(f"/v1/articles/{deleted_id}").status_code == 204
    return World(
        stack,
        espeak_id,
        google_id,
        revised_id,
        deleted_id,
        draft_id,
        old_enclosure,
        old_bytes_sha,
        artwork_url,
    )


# --- the feed ------------------------------------------------------------------------------


def test_feed_is_strict_xml_and_feedparser_reads_it(world: World) -> None:
    with world.stack.client(auth=False) as c:
        r = c.get(f"/v1/sites/{SITE}/feed.xml")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert r.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    parser = etree.XMLParser(recover=False, resolve_entities=False)
    root: Any = etree.fromstring(r.content, parser)  # Any: see test_every_item_is_true
    channel = root.find("channel")
    assert channel is not None
    nfc_title = unicodedata.normalize("NFC", SITE_META["title"])  # type: ignore[arg-type]
    assert channel.findtext("title") == nfc_title
    assert channel.findtext("description") == SITE_META["description"]
    assert channel.findtext("link") == SITE_META["link"]
    assert channel.findtext("language") == "vi"
    assert channel.findtext("copyright") == SITE_META["copyright"]
    assert channel.find(f"{{{ITUNES}}}image").get("href") == world.artwork_url
    category = channel.find(f"{{{ITUNES}}}category")
    assert category.get("text") == "News"
    assert category.find(f"{{{ITUNES}}}category").get("text") == "Daily News"
    assert channel.findtext(f"{{{ITUNES}}}explicit") == "false"
    assert channel.findtext(f"{{{ITUNES}}}author") == SITE_META["author"]
    owner = channel.find(f"{{{ITUNES}}}owner")
    assert owner.findtext(f"{{{ITUNES}}}name") == SITE_META["owner_name"]
    assert owner.findtext(f"{{{ITUNES}}}email") == SITE_META["owner_email"]
    feed_url = f"{world.stack.base_url}/v1/sites/{SITE}/feed.xml"
    assert channel.findtext(f"{{{PODCAST}}}guid") == podcast_guid(feed_url)
    assert channel.findtext(f"{{{PODCAST}}}locked") == "no"

    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == nfc_title
    assert [e.id for e in parsed.entries] == [
        f"loa:{world.revised_id}",
        f"loa:{world.google_id}",
        f"loa:{world.espeak_id}",
    ]  # newest first; the deleted article and the draft are absent
    hostile = parsed.entries[-1]
    assert hostile.title == unicodedata.normalize("NFC", HOSTILE_TITLE)


def test_every_item_is_true(world: World, tmp_path: Path) -> None:
    with world.stack.client(auth=False) as c:
        # Any: the test asserts on the elements it reads (a missing one fails the test anyway)
        root: Any = etree.fromstring(c.get(f"/v1/sites/{SITE}/feed.xml").content)
        items = list(root.iter("item"))
        assert len(items) == 3
        for item in items:
            enclosure = item.find("enclosure")
            assert enclosure.get("type") == "audio/mpeg"
            url = enclosure.get("url")
            assert re.search(r"/v1/audio/[0-9a-f]{32}\.mp3$", url)
            head = c.head(url)
            assert head.status_code == 200
            assert int(enclosure.get("length")) == int(head.headers["content-length"])
            audio = c.get(url).content
            assert len(audio) == int(enclosure.get("length"))
            duration = float(item.findtext(f"{{{ITUNES}}}duration"))
            assert abs(duration - decoded_duration(audio, tmp_path)) <= 1.0
            assert item.find("guid").get("isPermaLink") == "false"
            moment = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
            assert moment.utcoffset() is not None
            assert moment.astimezone(dt.UTC).strftime("%H:%M") == "01:30"  # 08:30 +07:00
            assert item.findtext("description")
            transcript = item.find(f"{{{PODCAST}}}transcript")
            assert transcript.get("type") == "text/vtt"
            assert c.get(transcript.get("url")).status_code == 200


def test_revised_article_keeps_its_guid_gets_a_new_url_and_the_old_url_its_bytes(
    world: World,
) -> None:
    enclosures = _enclosures(world.stack)
    new = enclosures[f"loa:{world.revised_id}"]  # the guid is unchanged
    assert new != world.old_enclosure
    with world.stack.client(auth=False) as c:
        old = c.get(world.old_enclosure)
        assert old.status_code == 200
        assert hashlib.sha256(old.content).hexdigest() == world.old_bytes_sha
        assert c.get(new).content != old.content


def test_deleted_article_audio_is_gone_and_the_draft_is_private_and_out_of_the_feed(
    world: World,
) -> None:
    with world.stack.client(auth=False) as c:
        assert c.get(f"/v1/articles/{world.deleted_id}/transcript.vtt").status_code == 404
        # a draft is its site's own: without a key of the site it is not there
        assert c.get(f"/v1/articles/{world.draft_id}").status_code == 404
        assert c.get(f"/v1/articles/{world.draft_id}/audio.mp3").status_code == 404
        site_list = c.get(f"/v1/sites/{SITE}/playlist.json").json()
    assert world.draft_id not in [i["id"].removeprefix("loa:") for i in site_list["items"]]
    with world.stack.client() as c:
        draft = c.get(f"/v1/articles/{world.draft_id}").json()
        assert draft["status"] == "ready" and draft["published"] is False
        assert c.get(draft["links"]["audio"]).status_code == 200  # rendered all the same


def test_feed_etag_last_modified_head_and_never_stale(world: World) -> None:
    with world.stack.client() as c:
        r = c.get(f"/v1/sites/{SITE}/feed.xml")
        etag, modified = r.headers["etag"], r.headers["last-modified"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
        assert (
            c.get(f"/v1/sites/{SITE}/feed.xml", headers={"If-None-Match": etag}).status_code == 304
        )
        assert (
            c.get(f"/v1/sites/{SITE}/feed.xml", headers={"If-Modified-Since": modified}).status_code
            == 304
        )
        head = c.head(f"/v1/sites/{SITE}/feed.xml")
        assert head.status_code == 200 and head.content == b""
        assert int(head.headers["content-length"]) == len(r.content)
        # publishing the draft (same content, no new revision) changes the feed at once
        draft = c.post(
            "/v1/articles",
            json={
                "site": SITE,
                "external_id": "draft",
                "title": "Bản nháp",
                "text": "Đây là bản nháp, chưa xuất bản.",
                "voice": "vi-vn-x-central",
                "published": True,
                "published_at": published(14),
            },
        )
        assert draft.status_code == 200 and draft.json()["revision"] == 1
        after = c.get(f"/v1/sites/{SITE}/feed.xml", headers={"If-None-Match": etag})
        assert after.status_code == 200
        assert f"loa:{world.draft_id}".encode() in after.content
        # and back to draft
        draft = c.post(
            "/v1/articles",
            json={
                "site": SITE,
                "external_id": "draft",
                "title": "Bản nháp",
                "text": "Đây là bản nháp, chưa xuất bản.",
                "voice": "vi-vn-x-central",
                "published": False,
                "published_at": published(14),
            },
        )
        assert draft.json()["published"] is False
        assert f"loa:{world.draft_id}".encode() not in c.get(f"/v1/sites/{SITE}/feed.xml").content


# --- immutable audio -----------------------------------------------------------------------


def test_immutable_audio_headers_range_and_etag(world: World) -> None:
    url = _enclosures(world.stack)[f"loa:{world.espeak_id}"]
    address = url.rsplit("/", 1)[1].removesuffix(".mp3")
    with world.stack.client(auth=False) as c:
        r = c.get(url)
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert r.headers["etag"] == f'"{address}"'
        assert hashlib.sha256(r.content).hexdigest()[:32] == address
        part = c.get(url, headers={"Range": "bytes=100-199"})
        assert part.status_code == 206 and part.content == r.content[100:200]
        assert c.get(url, headers={"If-None-Match": f'"{address}"'}).status_code == 304
        current = c.get(f"/v1/articles/{world.espeak_id}/audio.mp3").content
        assert current == r.content  # the stable address serves the current revision
        assert c.get(f"/v1/audio/{'0' * 32}.mp3").status_code == 404
        assert c.get("/v1/audio/..%2Fx.mp3").status_code == 404


# --- the site and its artwork --------------------------------------------------------------


def test_site_reads_back_and_bad_values_name_their_field(world: World) -> None:
    with world.stack.client() as c:
        body = c.get(f"/v1/sites/{SITE}").json()
        assert body["title"] == unicodedata.normalize("NFC", SITE_META["title"])  # type: ignore[arg-type]
        assert body["links"]["feed"].endswith(f"/v1/sites/{SITE}/feed.xml")
        assert c.get("/v1/sites/nobody").status_code == 404
        assert c.get("/v1/sites/nobody/feed.xml").status_code == 404
        for field, value in (
            ("title", "x" * 256),
            ("category", "Not A Category"),
            ("subcategory", "Tennis"),
            ("owner_email", "not-an-address"),
            ("explicit", "no"),
            ("link", "javascript:alert(1)"),
            ("description", "ạ" * 1400),  # 4,200 bytes of UTF-8
        ):
            r = c.put(f"/v1/sites/{SITE}", json={**SITE_META, field: value})
            assert r.status_code == 422, (field, r.text)
            assert r.json()["error"]["field"] == field
        r = c.put(f"/v1/sites/{SITE}", json={**SITE_META, "surprise": 1})
        assert r.status_code == 422 and r.json()["error"]["field"] == "surprise"
        assert c.put(f"/v1/sites/{SITE}", json=[1, 2]).status_code == 422
    with world.stack.client(auth=False) as anonymous:
        assert anonymous.put(f"/v1/sites/{SITE}", json=SITE_META).status_code == 401


def test_artwork_is_checked_and_served_immutably(world: World) -> None:
    with world.stack.client() as c:
        for data, content_type in (
            (_artwork_png(1000), "image/png"),
            (_artwork_png(1400, "RGBA"), "image/png"),
            (_artwork_png()[:500], "image/png"),
            (_artwork_png(), "image/jpeg"),
        ):
            r = c.put(
                f"/v1/sites/{SITE}/artwork", content=data, headers={"Content-Type": content_type}
            )
            assert r.status_code == 422, r.text
            assert r.json()["error"]["field"] == "artwork"
        r = c.put(f"/v1/sites/{SITE}/artwork", content=b"x", headers={"Content-Type": "text/plain"})
        assert r.status_code == 415
        image = c.get(world.artwork_url)
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        assert image.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert image.content == _artwork_png()
        default = c.get(f"/v1/sites/{SITE}/artwork/default.png")
        assert default.status_code == 200
        assert Image.open(io.BytesIO(default.content)).size[0] >= 1400


# --- audio: tags and loudness --------------------------------------------------------------


def test_id3_title_artist_album_date_cover_and_chapters(world: World) -> None:
    with world.stack.client(auth=False) as c:
        audio = c.get(f"/v1/articles/{world.espeak_id}/audio.mp3").content
        playlist = c.get(f"/v1/articles/{world.espeak_id}/playlist.json").json()
    tags = ID3(io.BytesIO(audio))
    assert str(tags["TIT2"]) == HOSTILE_TITLE.strip()
    assert str(tags["TALB"]) == unicodedata.normalize("NFC", SITE_META["title"])  # type: ignore[arg-type]
    assert str(tags["TPE1"]) == SITE_META["author"]
    assert str(tags["TDRC"]) == "2026-11-10"
    cover = tags.getall("APIC")[0]
    assert cover.mime == "image/png" and cover.data == _artwork_png()
    chapters = sorted(tags.getall("CHAP"), key=lambda f: f.start_time)
    # intro, the title, two paragraphs, outro
    assert len(chapters) == 5
    assert str(chapters[0].sub_frames["TIT2"]) == SITE_META["intro"]
    # the intro and outro are spoken first and last, with their reader's text
    segments = playlist["segments"]
    assert segments[0]["kind"] == "intro" and segments[0]["text"] == SITE_META["intro"]
    assert segments[-1]["kind"] == "outro" and segments[-1]["text"] == SITE_META["outro"]


@pytest.mark.parametrize("which", ["espeak", "google"])
def test_loudness_of_both_engines_is_on_target(world: World, which: str, tmp_path: Path) -> None:
    article_id = world.espeak_id if which == "espeak" else world.google_id
    with world.stack.client(auth=False) as c:
        body = c.get(f"/v1/articles/{article_id}").json()
        audio = c.get(body["links"]["audio"]).content
    assert body["engine"] == ("espeak" if which == "espeak" else "gtts")
    meter = ffmpeg_ebur128(audio, tmp_path)
    print(f"{which}: {meter.integrated_lufs} LUFS, {meter.true_peak_dbtp} dBTP")
    assert abs(meter.integrated_lufs - -16.0) <= 1.0, meter.log[-1500:]
    assert meter.true_peak_dbtp <= -1.0, meter.log[-1500:]


# --- transcripts and HLS -------------------------------------------------------------------

CUE = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})$")


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def test_transcript_is_webvtt_in_order_inside_the_audio_and_ffmpeg_reads_it(
    world: World, tmp_path: Path
) -> None:
    with world.stack.client(auth=False) as c:
        r = c.get(f"/v1/articles/{world.espeak_id}/transcript.vtt")
        duration = c.get(f"/v1/articles/{world.espeak_id}").json()["duration"]
    assert r.headers["content-type"] == "text/vtt; charset=utf-8"
    text = r.text
    assert text.startswith("WEBVTT\n\n")
    times = [CUE.match(line) for line in text.splitlines()]
    spans = [(_seconds(*m.groups()[:4]), _seconds(*m.groups()[4:])) for m in times if m]
    assert spans and all(a < b for a, b in spans)
    assert all(prev[1] <= nxt[0] for prev, nxt in zip(spans, spans[1:], strict=False))
    assert spans[-1][1] <= duration
    assert "16/5/2022" in text  # the reader's text, not the spoken "mười sáu tháng năm"
    path = tmp_path / "t.vtt"
    path.write_bytes(r.content)
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-f", "srt", "-"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.decode().count("-->") == len(spans)


def _play(url: str) -> float:
    """Seconds of audio ffmpeg decodes from an HLS playlist over HTTP."""
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-protocol_whitelist", "http,tcp,file"]
        + ["-i", url, "-f", "s16le", "-ac", "1", "-ar", "22050", "pipe:1"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    log = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, log[-3000:]
    assert "rror" not in log, log[-3000:]
    return len(result.stdout) / 2 / 22050


def test_article_m3u8_is_complete_and_plays_in_ffmpeg(world: World) -> None:
    url = f"{world.stack.base_url}/v1/articles/{world.espeak_id}/playlist.m3u8"
    with world.stack.client(auth=False) as c:
        r = c.get(url)
        duration = c.get(f"/v1/articles/{world.espeak_id}").json()["duration"]
    assert r.headers["content-type"].startswith("application/vnd.apple.mpegurl")
    lines = r.text.splitlines()
    assert lines[0] == "#EXTM3U" and "#EXT-X-PLAYLIST-TYPE:EVENT" in lines
    assert lines[-1] == "#EXT-X-ENDLIST"
    assert _play(url) == pytest.approx(duration, abs=0.1)


def _uris(m3u8: str) -> list[str]:
    return [line for line in m3u8.splitlines() if line and not line.startswith("#")]


def test_article_m3u8_is_an_open_event_playlist_while_first_being_made(world: World) -> None:
    slow = " ".join(f"Câu số {n} của bản tin đang được đọc cho quý vị." for n in range(1, 60))
    article_id = _post(
        world.stack,
        title="Đang làm",
        text=slow,
        voice="vi-vn-x-central",
        external_id=uuid.uuid4().hex,
    )
    url = f"/v1/articles/{article_id}/playlist.m3u8"
    partial: list[str] = []
    with world.stack.client(auth=False) as c:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            text = c.get(url).text
            assert "#EXT-X-PLAYLIST-TYPE:EVENT" in text
            if "#EXT-X-ENDLIST" in text:
                break
            if _uris(text):
                partial = _uris(text)
                segment = c.get(partial[0])
                assert segment.status_code == 200 and segment.content.startswith(b"ID3")
                break
            time.sleep(0.05)
    _ready(world.stack, article_id)
    with world.stack.client(auth=False) as c:
        final = c.get(url).text
        assert final.endswith("#EXT-X-ENDLIST\n")
        assert _uris(final)[: len(partial)] == partial  # an EVENT playlist only grows
        assert c.get(_uris(final)[-1]).status_code == 200
        assert c.delete(f"/v1/articles/{article_id}").status_code == 401
    with world.stack.client() as c:
        assert c.delete(f"/v1/articles/{article_id}").status_code == 204
    print(f"EVENT playlist seen with {len(partial)} segments before it was complete")


def test_site_playlists_list_the_latest_published_articles_and_the_m3u8_plays(
    world: World,
) -> None:
    with world.stack.client(auth=False) as c:
        listing = c.get(f"/v1/sites/{SITE}/playlist.json").json()
        feed_urls = _enclosures(world.stack)
    ids = [item["id"] for item in listing["items"]]
    assert ids == [f"loa:{world.revised_id}", f"loa:{world.google_id}", f"loa:{world.espeak_id}"]
    assert all(item["audio"] == feed_urls[item["id"]] for item in listing["items"])
    total = sum(item["duration"] for item in listing["items"])
    assert listing["duration"] == pytest.approx(total, abs=0.01)
    played = _play(f"{world.stack.base_url}/v1/sites/{SITE}/playlist.m3u8")
    assert played == pytest.approx(total, abs=0.3)
