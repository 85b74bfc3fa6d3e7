"""loa.text.fetch: SSRF protection, limits, redirects, pinning.

A local HTTP server on 127.0.0.1 serves the pages; it is reached only through
``allow_hosts={"127.0.0.1"}``. Private and metadata addresses are never contacted: names are
resolved to them through a stubbed resolver, and a guard on ``socket.create_connection``
fails the test if anything but the local server is dialled.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loa.errors import FetchError
from loa.text.fetch import (
    FetchedPage,
    address_problem,
    fetch_url,
    parse_allow_hosts,
    parse_ip_literal,
)

ARTICLE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Tin thử</title></head>"
    "<body><h1>Đường mới ở xã Yên Bình</h1><p>Người dân xã Yên Bình đã có con đường bê tông "
    "mới sau ba tháng thi công.</p></body></html>"
).encode()


class _Handler(BaseHTTPRequestHandler):
    """Routes of the test server."""

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/article":
            self._send(200, ARTICLE)
        elif path == "/host":
            self._send(200, f"<html><body><p>{self.headers['Host']}</p></body></html>".encode())
        elif path == "/latin":
            self._send(
                200,
                b"<html><body>H\xe0 N\xf4\xf2i</body></html>",  # windows-1258
                "text/html; charset=windows-1258",
            )
        elif path == "/xhtml":
            self._send(200, ARTICLE, "application/xhtml+xml")
        elif path.startswith("/redirect-to?"):
            self._send(302, b"", headers={"Location": path.split("?", 1)[1]})
        elif path == "/loop":
            self._send(302, b"", headers={"Location": "/loop"})
        elif path == "/pdf":
            self._send(200, b"%PDF-1.4", "application/pdf")
        elif path == "/no-type":
            self.send_response(200)
            self.send_header("Content-Length", "5")
            self.end_headers()
            self.wfile.write(b"hello")
        elif path == "/missing":
            self._send(404, b"<html><body>Kh\xc3\xb4ng th\xe1\xba\xa5y</body></html>")
        elif path == "/huge":
            self._stream(b"<p>" + b"x" * 65536 + b"</p>", 80)  # ~5 MB, no Content-Length
        elif path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50_000_000))
            self.end_headers()
        elif path == "/slow":
            self._stream(b"<p>ch\xe1\xba\xadm</p>", 50, pause=0.1)
        else:
            self._send(404, b"")

    def _stream(self, chunk: bytes, count: int, pause: float = 0.0) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        try:
            for _ in range(count):
                self.wfile.write(chunk)
                self.wfile.flush()
                if pause:
                    time.sleep(pause)
        except OSError:  # the client hung up, as it should
            pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """Base URL of a local HTTP server on 127.0.0.1."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def dialled(monkeypatch, server) -> list[tuple]:
    """Every address dialled; dialling anything but the local server fails the test."""
    port = int(server.rsplit(":", 1)[1])
    calls: list[tuple] = []
    real = socket.create_connection

    def guarded(address, *args, **kwargs):
        calls.append(address)
        if tuple(address[:2]) != ("127.0.0.1", port):
            pytest.fail(f"a connection to {address} was attempted")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    return calls


def no_lookup(*args, **kwargs):
    """A resolver that must not be called (the host is an IP literal)."""
    pytest.fail(f"unexpected DNS lookup {args}")


def resolving_to(*addresses: str):
    """A stub resolver answering every name with ``addresses``."""

    def resolve(host, port, *args, **kwargs):
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    return resolve


def fetch(url: str, **kwargs) -> FetchedPage:
    """fetch_url with small test limits."""
    options: dict[str, Any] = {
        "timeout": 5.0,
        "max_bytes": 1_000_000,
        "max_redirects": 3,
        "allow_hosts": {"127.0.0.1"},
        "resolver": no_lookup,
    }
    options.update(kwargs)
    return fetch_url(url, **options)


# --- the happy path ---------------------------------------------------------------------


def test_fetches_html_from_an_allowed_host(server, dialled):
    page = fetch(f"{server}/article")
    assert page.content == ARTICLE
    assert page.content_type == "text/html"
    assert page.charset == "utf-8"
    assert page.final_url == f"{server}/article"
    assert dialled  # it did connect, to the local server


def test_xhtml_is_accepted_and_charset_is_reported(server, dialled):
    assert fetch(f"{server}/xhtml").content_type == "application/xhtml+xml"
    page = fetch(f"{server}/latin")
    assert page.charset == "windows-1258"


def test_follows_a_redirect_and_reports_the_final_url(server, dialled):
    page = fetch(f"{server}/redirect-to?/article")
    assert page.final_url == f"{server}/article"
    assert page.content == ARTICLE


def test_connection_is_pinned_to_the_checked_address_with_the_original_host(server, dialled):
    port = server.rsplit(":", 1)[1]
    page = fetch(f"http://tin-tuc.test:{port}/host", resolver=resolving_to("127.0.0.1"))
    assert f"tin-tuc.test:{port}".encode() in page.content
    assert dialled == [("127.0.0.1", int(port))]


# --- refusals ---------------------------------------------------------------------------


def test_default_refuses_the_same_loopback_server(server, dialled):
    with pytest.raises(FetchError, match="127.0.0.1.*loopback") as err:
        fetch(f"{server}/article", allow_hosts=())
    assert err.value.field == "url"
    assert dialled == []


def test_redirect_to_a_private_address_is_refused(server, dialled):
    with pytest.raises(FetchError, match=r"10\.0\.0\.5.*private"):
        fetch(f"{server}/redirect-to?http://10.0.0.5/admin")
    assert all(addr[0] == "127.0.0.1" for addr in dialled)


def test_redirect_to_cloud_metadata_is_refused(server, dialled):
    with pytest.raises(FetchError, match="metadata"):
        fetch(f"{server}/redirect-to?http://169.254.169.254/latest/meta-data/")
    with pytest.raises(FetchError, match="metadata"):
        fetch(f"{server}/redirect-to?http://metadata.google.internal./computeMetadata/v1/")


def test_redirect_to_another_scheme_is_refused(server, dialled):
    with pytest.raises(FetchError, match="scheme 'file'"):
        fetch(f"{server}/redirect-to?file:///etc/passwd")


def test_too_many_redirects(server, dialled):
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetch(f"{server}/loop")


def test_huge_body_is_cut_off_while_streaming(server, dialled):
    start = time.monotonic()
    with pytest.raises(FetchError, match="over the limit of 1,000,000 bytes"):
        fetch(f"{server}/huge")
    assert time.monotonic() - start < 5


def test_declared_huge_body_is_refused_before_reading(server, dialled):
    with pytest.raises(FetchError, match="50,000,000 bytes"):
        fetch(f"{server}/huge-declared")


@pytest.mark.parametrize("path", ["/pdf", "/no-type"])
def test_non_html_content_is_refused(server, dialled, path):
    with pytest.raises(FetchError, match="not an HTML page"):
        fetch(f"{server}{path}")


def test_http_error_status_is_reported(server, dialled):
    with pytest.raises(FetchError, match="answered 404"):
        fetch(f"{server}/missing")


def test_total_time_is_limited(server, dialled):
    start = time.monotonic()
    with pytest.raises(FetchError, match="longer than 0.5 s"):
        fetch(f"{server}/slow", timeout=0.5)
    assert time.monotonic() - start < 2


def test_allow_hosts_does_not_exempt_type_or_size_checks(server, dialled):
    with pytest.raises(FetchError, match="not an HTML page"):
        fetch(f"{server}/pdf", allow_hosts={"127.0.0.1"})
    with pytest.raises(FetchError, match="over the limit"):
        fetch(f"{server}/huge", allow_hosts={"127.0.0.1"})


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f000001/",
        "http://0x7f.0.0.1/",
        "http://127.1/",
        "http://127.0.0.1./",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://[::127.0.0.1]/",
        "http://0.0.0.0/",
        "http://0/",
        "http://[::]/",
        "http://10.1.2.3/",
        "http://012.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1:8080/",
        "http://100.64.0.1/",
        "http://169.254.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://2852039166/",
        "http://[fd00:ec2::254]/",
        "http://[fe80::1%25eth0]/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://[2002:a00:1::]/",
        "http://[2002:7f00:1::]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "https://[::ffff:a9fe:a9fe]/",
        "http://metadata.google.internal/",
        "http://METADATA.google.internal./",
    ],
)
def test_private_and_metadata_addresses_in_any_spelling_are_refused(url, dialled):
    with pytest.raises(FetchError, match="refusing to fetch") as err:
        fetch(url, allow_hosts=(), resolver=no_lookup)
    assert err.value.field == "url"
    assert dialled == []


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "127.0.0.1",
        "::1",
        "169.254.169.254",
        "fd12:3456::1",
        "::ffff:192.168.0.1",
        "100.100.100.200",
    ],
)
def test_names_resolving_to_private_addresses_are_refused(address, dialled):
    shown = re.escape(str(ipaddress.ip_address(address)))
    with pytest.raises(FetchError, match=f"address {shown} ") as err:
        fetch("https://bao-moi.example/bai-viet", allow_hosts=(), resolver=resolving_to(address))
    assert "bao-moi.example" in err.value.message
    assert dialled == []


def test_one_private_address_among_public_ones_is_enough_to_refuse(dialled):
    with pytest.raises(FetchError, match="10.0.0.1"):
        fetch(
            "http://tin.example/",
            allow_hosts=(),
            resolver=resolving_to("93.184.216.34", "10.0.0.1"),
        )
    assert dialled == []


def test_localhost_with_trailing_dot_is_checked_after_resolution(dialled):
    with pytest.raises(FetchError, match="loopback"):
        fetch("http://localhost./", allow_hosts=(), resolver=resolving_to("127.0.0.1"))
    assert dialled == []


def test_allow_list_entries_match_the_name_or_the_address(server, dialled):
    port = server.rsplit(":", 1)[1]
    page = fetch(
        f"http://trang.test:{port}/article",
        allow_hosts={"trang.test"},
        resolver=resolving_to("127.0.0.1"),
    )
    assert page.content == ARTICLE


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "scheme 'file'"),
        ("ftp://example.com/a.html", "scheme 'ftp'"),
        ("gopher://127.0.0.1:70/", "scheme 'gopher'"),
        ("javascript:alert(1)", "scheme 'javascript'"),
        ("example.com/bai-viet", "scheme"),
        ("http://user:pass@example.com/", "passwords"),
        ("http:///nohost", "no host"),
        ("http://[::1/", "not a valid URL"),
        ("http://999.1.1.1/", "not a valid IPv4"),
    ],
)
def test_malformed_or_non_http_urls_are_refused(url, message, dialled):
    with pytest.raises(FetchError, match=message) as err:
        fetch(url, allow_hosts=(), resolver=no_lookup)
    assert err.value.field == "url"


def test_unresolvable_name_is_reported(dialled):
    def failing(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(FetchError, match="cannot be resolved"):
        fetch("http://khong-ton-tai.example/", allow_hosts=(), resolver=failing)


# --- address parsing, property-based ----------------------------------------------------

PRIVATE_V4 = st.one_of(
    st.ip_addresses(network="10.0.0.0/8"),
    st.ip_addresses(network="127.0.0.0/8"),
    st.ip_addresses(network="172.16.0.0/12"),
    st.ip_addresses(network="192.168.0.0/16"),
    st.ip_addresses(network="169.254.0.0/16"),
    st.ip_addresses(network="100.64.0.0/10"),
    st.ip_addresses(network="0.0.0.0/8"),
)


def spellings(address: ipaddress.IPv4Address) -> list[str]:
    """Ways a resolver or browser accepts to write one IPv4 address."""
    n = int(address)
    a, b, c, d = address.packed
    return [
        str(address),
        str(n),
        hex(n),
        ".".join(f"0{o:o}" for o in address.packed),
        ".".join(hex(o) for o in address.packed),
        f"{a}.{(b << 16) | (c << 8) | d}",
        f"{a}.{b}.{(c << 8) | d}",
    ]


@settings(max_examples=200, deadline=None)
@given(PRIVATE_V4)
def test_every_spelling_of_a_private_ipv4_is_refused(address):
    for spelling in spellings(address):
        parsed = parse_ip_literal(spelling)
        assert parsed == address
        assert address_problem(parsed) is not None
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert address_problem(mapped) is not None
    six_to_four = ipaddress.IPv6Address((0x2002 << 112) | (int(address) << 80))
    assert address_problem(six_to_four) is not None


@settings(max_examples=100, deadline=None)
@given(st.ip_addresses(v=4).filter(lambda a: a.is_global and not a.is_multicast))
def test_public_ipv4_addresses_pass(address):
    for spelling in spellings(address):
        parsed = parse_ip_literal(spelling)
        assert parsed is not None
        assert address_problem(parsed) is None


def test_names_are_not_taken_for_addresses():
    assert parse_ip_literal("vnexpress.net") is None
    assert parse_ip_literal("1.2.3.example") is None


def test_allow_hosts_setting_is_parsed():
    assert parse_allow_hosts(" 127.0.0.1:8000, Trang.Test., [::1]:80 ,") == {
        "127.0.0.1",
        "trang.test",
        "::1",
    }
    assert parse_allow_hosts("") == frozenset()
