"""Byte ranges on a real article's audio, through uvicorn, as RFC 9110 says.

Invalid ranges are ignored (200, whole file), a set none of whose ranges is satisfiable is 416
with ``Content-Range: bytes */size`` (JSON error), several ranges are multipart/byteranges,
suffix ranges count from the end, If-Range sends the whole file when the validator is stale,
and HEAD ignores Range.
"""

from __future__ import annotations

import email.parser
import email.policy

import httpx
import pytest

from tests.integration.stack import Stack

TEXT = "Sở Văn hóa tổ chức lễ hội đường phố. Hàng nghìn người dân đã tham gia từ sáng sớm."


@pytest.fixture(scope="module")
def audio(stack: Stack) -> tuple[str, bytes, httpx.Headers]:
    with stack.client() as c:
        posted = c.post("/v1/articles", json={"text": TEXT, "external_id": "ranges-1"})
        assert posted.status_code in (200, 202), posted.text
        body = stack.wait_ready(posted.json()["id"])
        assert body["status"] == "ready", body
        whole = c.get(body["links"]["audio"])
    assert whole.status_code == 200
    assert len(whole.content) > 1000
    return body["links"]["audio"], whole.content, whole.headers


def get(stack: Stack, url: str, method: str = "GET", **headers: str) -> httpx.Response:
    with stack.client(auth=False) as c:
        return c.request(method, url, headers=headers)


def test_the_whole_file_names_its_validators(audio: tuple[str, bytes, httpx.Headers]) -> None:
    _, whole, headers = audio
    assert headers["accept-ranges"] == "bytes"
    assert headers["etag"].startswith('"') and not headers["etag"].startswith("W/")
    assert headers["last-modified"].endswith(" GMT")
    assert int(headers["content-length"]) == len(whole)


@pytest.mark.parametrize(
    "range_header",
    ["bytes=5-1", "bytes=abc", "bytes=--5", "bytes=0-9,5-1", "items=0-9", "bytes="],
)
def test_invalid_ranges_are_ignored(
    stack: Stack, audio: tuple[str, bytes, httpx.Headers], range_header: str
) -> None:
    url, whole, _ = audio
    r = get(stack, url, Range=range_header)
    assert r.status_code == 200, r.text
    assert r.content == whole
    assert "content-range" not in r.headers


def test_single_and_suffix_ranges(stack: Stack, audio: tuple[str, bytes, httpx.Headers]) -> None:
    url, whole, _ = audio
    size = len(whole)
    for header, first, last in [
        ("bytes=0-0", 0, 0),
        ("bytes=10-19", 10, 19),
        ("bytes=-10", size - 10, size - 1),
        (f"bytes={size - 5}-", size - 5, size - 1),
        (f"bytes=100-{size * 2}", 100, size - 1),
        (f"bytes={size}-,0-3", 0, 3),  # the unsatisfiable one is dropped
    ]:
        r = get(stack, url, Range=header)
        assert r.status_code == 206, (header, r.text)
        assert r.headers["content-range"] == f"bytes {first}-{last}/{size}", header
        assert r.content == whole[first : last + 1], header
        assert r.headers["content-type"] == "audio/mpeg"


def test_several_ranges_are_multipart(
    stack: Stack, audio: tuple[str, bytes, httpx.Headers]
) -> None:
    url, whole, _ = audio
    size = len(whole)
    r = get(stack, url, Range="bytes=-4,0-9,5-14,200-209")
    assert r.status_code == 206, r.text
    assert r.headers["content-type"].startswith("multipart/byteranges; boundary=")
    assert int(r.headers["content-length"]) == len(r.content)
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + r.headers["content-type"].encode() + b"\r\n\r\n" + r.content
    )
    parts = [(p["Content-Range"], p.get_payload(decode=True)) for p in message.iter_parts()]
    # sorted, the overlapping 0-9 and 5-14 joined
    assert parts == [
        (f"bytes 0-14/{size}", whole[0:15]),
        (f"bytes 200-209/{size}", whole[200:210]),
        (f"bytes {size - 4}-{size - 1}/{size}", whole[-4:]),
    ]


def test_unsatisfiable_ranges_are_416_json(
    stack: Stack, audio: tuple[str, bytes, httpx.Headers]
) -> None:
    url, whole, _ = audio
    size = len(whole)
    for header in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}", "bytes=-0"):
        r = get(stack, url, Range=header)
        assert r.status_code == 416, (header, r.text)
        assert r.headers["content-range"] == f"bytes */{size}"
        assert r.json()["error"]["code"] == "range_not_satisfiable"
        assert r.json()["error"]["field"] == "Range"


def test_if_range(stack: Stack, audio: tuple[str, bytes, httpx.Headers]) -> None:
    url, whole, headers = audio
    current = get(stack, url, Range="bytes=0-9", **{"If-Range": headers["etag"]})
    assert current.status_code == 206 and current.content == whole[:10]
    by_date = get(stack, url, Range="bytes=0-9", **{"If-Range": headers["last-modified"]})
    assert by_date.status_code == 206 and by_date.content == whole[:10]
    for stale in ('"another-revision"', f"W/{headers['etag']}", "Mon, 01 Jan 2001 00:00:00 GMT"):
        r = get(stack, url, Range="bytes=0-9", **{"If-Range": stale})
        assert r.status_code == 200, stale
        assert r.content == whole, stale
    stale_unsatisfiable = get(stack, url, Range=f"bytes={len(whole)}-", **{"If-Range": '"x"'})
    assert stale_unsatisfiable.status_code == 200


def test_head_ignores_range(stack: Stack, audio: tuple[str, bytes, httpx.Headers]) -> None:
    url, whole, _ = audio
    for header in ("bytes=0-9", f"bytes={len(whole)}-"):
        r = get(stack, url, "HEAD", Range=header)
        assert r.status_code == 200, header
        assert r.content == b""
        assert int(r.headers["content-length"]) == len(whole)


def test_if_none_match_wins_over_range(
    stack: Stack, audio: tuple[str, bytes, httpx.Headers]
) -> None:
    url, _, headers = audio
    r = get(stack, url, Range="bytes=0-9", **{"If-None-Match": headers["etag"]})
    assert r.status_code == 304
    assert r.content == b""
