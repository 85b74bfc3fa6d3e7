"""Limits on clients, through raw sockets against the real server (python -m service.server):
slow headers and bodies are cut off, oversized headers get 431, past the concurrency limit the
answer is 503 with Retry-After, and links never come from the Host header."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from loa.runtime import embedded_redis, free_port, stop_process
from loa.storage.db import migrate
from tests.integration.stack import API_KEY

PUBLIC_URL = "https://loa.example.org"
LIMITS = {
    "LOA_HEADER_TIMEOUT": "1.5",
    "LOA_BODY_TIMEOUT": "1.5",
    "LOA_MAX_CONCURRENT_REQUESTS": "3",
    "LOA_MAX_HEADER_BYTES": "4096",
}
#: how long a test keeps trickling before it gives up on being cut off (far above the limits)
GIVE_UP_SECONDS = 30


def start_api(tmp: Path, redis_url: str, **env: str) -> tuple[subprocess.Popen[bytes], int]:
    data_dir = tmp / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{data_dir / 'loa.db'}"
    migrate(database_url)
    port = free_port()
    full_env = dict(
        os.environ, LOA_DATA_DIR=str(data_dir), DATABASE_URL=database_url, REDIS_URL=redis_url,
        LOA_API_KEYS=API_KEY, LOA_ENGINE="fake", **env,
    )  # fmt: skip
    log = open(tmp / "api.log", "ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.server", "--port", str(port)],
        env=full_env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2)
            return proc, port
        except httpx.HTTPError:
            assert proc.poll() is None and time.monotonic() < deadline, (
                tmp / "api.log"
            ).read_text()
            time.sleep(0.1)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with embedded_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[int]:
    proc, port = start_api(
        tmp_path_factory.mktemp("limits"), redis_url, LOA_PUBLIC_URL=PUBLIC_URL + "/", **LIMITS
    )
    yield port
    stop_process(proc)


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=GIVE_UP_SECONDS)
    return sock


def read_all(sock: socket.socket) -> bytes:
    out = b""
    while chunk := sock.recv(65536):
        out += chunk
    return out


def trickle(sock: socket.socket, data: bytes) -> bytes:
    """Send ``data`` a byte every 0.2 s until the server answers and closes; its answer."""
    deadline = time.monotonic() + GIVE_UP_SECONDS
    sock.settimeout(0.2)
    answer = b""
    for byte in data:
        assert time.monotonic() < deadline, "the server never cut the slow client off"
        try:
            sock.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            break
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        if not chunk:
            break
        answer += chunk
    sock.settimeout(5)
    try:
        answer += read_all(sock)
    except (ConnectionResetError, TimeoutError):
        pass
    return answer


def status_and_body(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def test_headers_trickled_forever_are_cut_off_with_408(port: int) -> None:
    with connect(port) as sock:
        answer = trickle(sock, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 1000)
    status, headers, body = status_and_body(answer)
    assert status == 408
    assert headers["connection"] == "close"
    assert json.loads(body)["error"]["code"] == "header_timeout"


def test_a_connection_that_never_sends_is_closed(port: int) -> None:
    with connect(port) as sock:
        answer = read_all(sock)
    assert status_and_body(answer)[0] == 408


def test_the_second_request_on_a_kept_alive_connection_is_timed_out_too(port: int) -> None:
    with connect(port) as sock:
        sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        first = b""
        while b"# TYPE" not in first:
            first += sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        time.sleep(0.3)
        answer = trickle(sock, b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000)
    # the tail of the first answer may come first
    assert b"HTTP/1.1 408 Request Timeout" in answer


def test_a_body_trickled_forever_is_cut_off_with_408(port: int) -> None:
    head = (
        b"POST /v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer " + API_KEY.encode() + b"\r\nContent-Length: 5000\r\n\r\n"
    )
    with connect(port) as sock:
        sock.sendall(head)
        answer = trickle(sock, b'{"text": "' + b"a" * 4000)
    status, headers, body = status_and_body(answer)
    assert status == 408
    error = json.loads(body)["error"]
    assert error["code"] == "body_timeout" and error["field"] == "body"


@pytest.mark.parametrize("complete", [True, False])
def test_oversized_headers_get_431(port: int, complete: bool) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 5000
    if complete:
        request += b"\r\n\r\n"
    with connect(port) as sock:
        sock.sendall(request)
        status, headers, body = status_and_body(read_all(sock))
    assert status == 431
    assert json.loads(body)["error"]["code"] == "headers_too_large"


def test_headers_just_under_the_limit_are_served(port: int) -> None:
    request = b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: "
    request += b"b" * (4096 - len(request) - 4) + b"\r\n\r\n"
    assert len(request) == 4096
    with connect(port) as sock:
        sock.sendall(request)
        assert status_and_body(read_all(sock))[0] == 200


def test_past_the_concurrency_limit_the_answer_is_503_with_retry_after(port: int) -> None:
    head = (
        b"POST /v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer " + API_KEY.encode() + b"\r\nContent-Length: 5000\r\n\r\n{"
    )
    holders = [connect(port) for _ in range(3)]  # three requests in progress (bodies pending)
    try:
        for sock in holders:
            sock.sendall(head)
        time.sleep(0.3)
        r = httpx.get(f"http://127.0.0.1:{port}/v1/articles/{'0' * 32}", timeout=10)
        assert r.status_code == 503
        assert r.headers["retry-after"] == "1"
        assert r.json()["error"]["code"] == "overloaded"
        # the metrics stay readable under overload
        assert httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).status_code == 200
    finally:
        for sock in holders:
            sock.close()
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while True:  # the slots are given back
        r = httpx.get(f"http://127.0.0.1:{port}/v1/articles/{'0' * 32}", timeout=10)
        if r.status_code == 404:
            break
        assert r.status_code == 503 and time.monotonic() < deadline
        time.sleep(0.2)


def post_with_host(port: int, host: str) -> httpx.Response:
    return httpx.post(
        f"http://127.0.0.1:{port}/v1/articles",
        json={"title": "Thử", "text": "Xin chào các bạn."},
        headers={"Host": host, "Authorization": f"Bearer {API_KEY}",
                 "X-Forwarded-Host": host, "X-Forwarded-Proto": "https"},
        timeout=30,
    )  # fmt: skip


def test_links_come_from_the_public_url_never_from_the_host_header(port: int) -> None:
    r = post_with_host(port, "evil.example")
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["links"]["self"] == f"{PUBLIC_URL}/v1/articles/{body['id']}"
    assert r.headers["location"] == body["links"]["self"]
    got = httpx.get(
        f"http://127.0.0.1:{port}/v1/articles/{body['id']}", headers={"Host": "evil.example"}
    ).json()
    assert all(link.startswith(PUBLIC_URL + "/") for link in got["links"].values())
    assert "evil" not in json.dumps(got)


def test_without_a_public_url_links_come_from_the_bind_address(
    tmp_path: Path, redis_url: str
) -> None:
    proc, port = start_api(tmp_path, redis_url)
    try:
        r = post_with_host(port, "evil.example")
        assert r.status_code == 202, r.text
        assert r.json()["links"]["audio"].startswith(f"http://127.0.0.1:{port}/v1/articles/")
    finally:
        stop_process(proc)
