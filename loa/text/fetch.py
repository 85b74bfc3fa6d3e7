"""Fetch an article page from a URL, safely.

Server-side request forgery protection: only http/https; the host is resolved once, every
address it resolves to must be public (no private, loopback, link-local, multicast, reserved,
unspecified, shared 100.64/10, cloud-metadata addresses, nor IPv6 forms embedding such an IPv4
address), and the connection is pinned to the checked address (the URL is rewritten to the IP;
the Host header and TLS SNI keep the original name), so DNS cannot answer differently at
connect time. Redirects are followed by hand and every hop is checked the same way. Size, total
time and content type are limited. Every refusal raises :class:`FetchError` with
``field="url"``.

``allow_hosts`` (the test-only setting LOA_FETCH_ALLOW_HOSTS) exempts the listed host names or
IP addresses from the address checks only.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from loa.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: ``socket.getaddrinfo`` or a stand-in: (host, port, family, type) -> address infos.
Resolver = Callable[..., Sequence[tuple[Any, ...]]]

#: Media types accepted as a page.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Host names of cloud metadata services (refused before any lookup).
METADATA_HOSTS = frozenset(
    {
        "metadata.google.internal",
        "metadata.goog",
        "metadata",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.azure.internal",
    }
)
#: Addresses of cloud metadata services (AWS/GCP/Azure/OpenStack, AWS IPv6, ECS, Alibaba,
#: Oracle).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200", "192.0.0.192")
)
#: Shared address space (carrier-grade NAT), not covered by ``is_private`` in every Python.
CGNAT = ipaddress.ip_network("100.64.0.0/10")
#: NAT64 prefixes, which embed an IPv4 address in their last 32 bits.
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "Loa/0.1 (article reader; +https://github.com/)"
_NUMERIC_HOST_RE = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}$", re.I)


@dataclass(frozen=True)
class FetchedPage:
    """A fetched HTML page."""

    final_url: str
    content: bytes
    content_type: str
    charset: str | None


def fetch_url(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    max_redirects: int,
    allow_hosts: Collection[str] = (),
    resolver: Resolver = socket.getaddrinfo,
) -> FetchedPage:
    """Fetch ``url`` (http/https, public addresses only, at most ``max_bytes`` bytes, within
    ``timeout`` seconds in total, following at most ``max_redirects`` redirects) and return
    the HTML page. Raises :class:`FetchError` (field ``url``) for every refusal or failure."""
    allowed = {_allow_entry(h) for h in allow_hosts if h and h.strip()}
    deadline = time.monotonic() + timeout
    current = url.strip()
    with httpx.Client(trust_env=False, follow_redirects=False, verify=True) as client:
        for _hop in range(max_redirects + 1):
            target = check_url(current, allowed, resolver)
            response = _send(client, target, deadline, timeout)
            try:
                if response.status_code in REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(
                            f"url: redirect from {current} without a Location", field="url"
                        )
                    current = urljoin(current, location.strip())
                    continue
                return _read_page(response, current, deadline, timeout, max_bytes)
            finally:
                response.close()
    raise FetchError(f"url: more than {max_redirects} redirects; refusing to follow", field="url")


# --------------------------------------------------------------------------------------------
# Checking URLs and addresses
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """A checked URL and the address to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    address: str


def check_url(url: str, allowed: Collection[str], resolver: Resolver) -> _Target:
    """Check scheme and host of ``url``, resolve it once and check every address; return
    where to connect. Raises FetchError for anything not allowed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"url: {url!r} is not a valid URL ({exc})", field="url") from exc
    scheme = (parts.scheme or "").lower()
    if scheme not in ("http", "https"):
        raise FetchError(
            f"url: scheme {scheme or '(none)'!r} is not allowed; only http and https",
            field="url",
        )
    if parts.username is not None or parts.password is not None:
        raise FetchError("url: user names and passwords in URLs are not accepted", field="url")
    host = _normalize_host(parts.hostname or "")
    if not host:
        raise FetchError(f"url: {url!r} has no host", field="url")
    port = port or (443 if scheme == "https" else 80)
    exempt = host in allowed

    if not exempt and host in METADATA_HOSTS:
        raise FetchError(
            f"url: host {host} is a cloud metadata service; refusing to fetch", field="url"
        )
    literal = parse_ip_literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        addresses = _resolve(host, port, resolver)
    if not exempt:
        for address in addresses:
            if str(address) in allowed:
                continue
            reason = address_problem(address)
            if reason:
                raise FetchError(
                    f"url: address {address} of {host} is {reason}; refusing to fetch",
                    field="url",
                )
    return _Target(url, scheme, host, port, str(addresses[0]))


def parse_allow_hosts(setting: str) -> frozenset[str]:
    """The host names/IPs of a comma-separated LOA_FETCH_ALLOW_HOSTS value (test only)."""
    return frozenset(_allow_entry(h) for h in setting.split(",") if h.strip())


def _allow_entry(entry: str) -> str:
    """An allow-list entry as a normalized host: a port ("127.0.0.1:8000") is ignored."""
    entry = entry.strip()
    if entry.count(":") == 1:
        entry = entry.split(":", 1)[0]
    elif entry.startswith("[") and "]" in entry:
        entry = entry[1 : entry.index("]")]
    return _normalize_host(entry)


def _normalize_host(host: str) -> str:
    """Lower-case, no surrounding brackets, no trailing dots, IDNA for non-ASCII names."""
    host = host.strip().strip("[]").rstrip(".").lower()
    if host and not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise FetchError(f"url: host {host!r} is not a valid name", field="url") from exc
    return host


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a host string denotes literally, in any spelling a resolver accepts:
    dotted decimal, IPv6 (with or without zone), and the legacy IPv4 forms ``inet_aton``
    takes (decimal 2130706433, octal 0177.0.0.1, hex 0x7f000001, short 127.1). None for a
    name. Raises FetchError for a numeric host that is not a valid address."""
    host = host.strip("[]")
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError as exc:
            raise FetchError(f"url: {host!r} is not a valid IPv6 address", field="url") from exc
    if not _NUMERIC_HOST_RE.match(host):
        return None
    parts = host.split(".")
    try:
        values = [
            int(p, 16)
            if p.lower().startswith("0x")
            else int(p, 8)
            if len(p) > 1 and p.startswith("0")
            else int(p)
            for p in parts
        ]
    except ValueError as exc:
        raise FetchError(f"url: {host!r} is not a valid IPv4 address", field="url") from exc
    limits = [256] * (len(values) - 1) + [256 ** (5 - len(values))]
    if any(not 0 <= v < lim for v, lim in zip(values, limits, strict=True)):
        raise FetchError(f"url: {host!r} is not a valid IPv4 address", field="url")
    number = 0
    for v in values[:-1]:
        number = number * 256 + v
    number = number * limits[-1] + values[-1]
    return ipaddress.IPv4Address(number)


def _resolve(host: str, port: int, resolver: Resolver) -> list[IPAddress]:
    """All addresses ``host`` resolves to (one lookup)."""
    try:
        infos = resolver(host, port, 0, socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"url: host {host} cannot be resolved ({exc})", field="url") from exc
    addresses: list[IPAddress] = []
    for info in infos:
        raw = str(info[4][0]).split("%", 1)[0]
        try:
            address = ipaddress.ip_address(raw)
        except ValueError as exc:
            raise FetchError(f"url: host {host} resolved to {raw!r}", field="url") from exc
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"url: host {host} has no address", field="url")
    return addresses


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses carried inside an IPv6 address: IPv4-mapped, IPv4-compatible, 6to4,
    Teredo (server and client) and NAT64."""
    out: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped:
        out.append(address.ipv4_mapped)
    packed = address.packed
    # ::a.b.c.d (IPv4-compatible) and ::ffff:0:a.b.c.d (IPv4-translated)
    if packed[:10] == bytes(10) and packed[10:12] in (b"\0\0", b"\xff\xff") and int(address) > 1:
        out.append(ipaddress.IPv4Address(packed[12:]))
    elif packed[:8] == bytes(8) and packed[8:12] == b"\xff\xff\0\0":
        out.append(ipaddress.IPv4Address(packed[12:]))
    if address.sixtofour:
        out.append(address.sixtofour)
    if address.teredo:
        out.extend(address.teredo)
    if any(address in net for net in NAT64):
        out.append(ipaddress.IPv4Address(packed[12:]))
    return out


def address_problem(address: IPAddress) -> str | None:
    """Why ``address`` may not be fetched from, or None when it is a public address."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv6Address):
        for inner in embedded_ipv4(address):
            reason = address_problem(inner)
            if reason:
                return f"an IPv6 form of {inner}, which is {reason}"
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        (
            "shared (carrier-grade NAT)",
            isinstance(address, ipaddress.IPv4Address) and address in CGNAT,
        ),
    )
    for name, hit in checks:
        if hit:
            return name
    if not address.is_global:
        return "not a public address"
    return None


# --------------------------------------------------------------------------------------------
# Talking to the server
# --------------------------------------------------------------------------------------------


def _remaining(deadline: float, timeout: float) -> float:
    """Seconds left before the deadline; FetchError when none are."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"url: fetching took longer than {timeout:g} s", field="url")
    return left


def _send(client: httpx.Client, target: _Target, deadline: float, timeout: float) -> httpx.Response:
    """Send a GET to the checked address with the original Host header and SNI name."""
    parts = urlsplit(target.url)
    ip = ipaddress.ip_address(target.address)
    ip_host = f"[{ip}]" if ip.version == 6 else str(ip)
    default_port = 443 if target.scheme == "https" else 80
    netloc = ip_host if target.port == default_port else f"{ip_host}:{target.port}"
    pinned = parts._replace(netloc=netloc).geturl()
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    if ":" in target.host:  # an IPv6 literal as Host header
        host_header = f"[{target.host}]" + (
            "" if target.port == default_port else f":{target.port}"
        )
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    left = _remaining(deadline, timeout)
    request = client.build_request(
        "GET",
        pinned,
        headers={
            "Host": host_header,
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
            "Accept-Encoding": "gzip, deflate",
        },
        timeout=httpx.Timeout(left),
        extensions=extensions,
    )
    try:
        return client.send(request, stream=True)
    except httpx.TimeoutException as exc:
        raise FetchError(f"url: fetching took longer than {timeout:g} s", field="url") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"url: could not fetch {target.url} ({exc})", field="url") from exc


def _media_type(header: str | None) -> tuple[str, str | None]:
    """Media type (lower-case) and charset parameter of a Content-Type header."""
    if not header:
        return "", None
    fields = header.split(";")
    charset = None
    for param in fields[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return fields[0].strip().lower(), charset


def _read_page(
    response: httpx.Response, url: str, deadline: float, timeout: float, max_bytes: int
) -> FetchedPage:
    """Check status, type and size of a response and read its body (streamed, capped)."""
    if response.status_code >= 400:
        raise FetchError(f"url: the server answered {response.status_code} for {url}", field="url")
    media_type, charset = _media_type(response.headers.get("content-type"))
    if media_type not in HTML_TYPES:
        shown = media_type or "(none)"
        raise FetchError(
            f"url: content type {shown} is not an HTML page; refusing to fetch", field="url"
        )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(
            f"url: the page is {int(declared):,} bytes, over the limit of {max_bytes:,} bytes",
            field="url",
        )
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(
                    f"url: the page is over the limit of {max_bytes:,} bytes; stopped reading",
                    field="url",
                )
            chunks.append(chunk)
            _remaining(deadline, timeout)
    except httpx.TimeoutException as exc:
        raise FetchError(f"url: fetching took longer than {timeout:g} s", field="url") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"url: could not read {url} ({exc})", field="url") from exc
    return FetchedPage(url, b"".join(chunks), media_type, charset)


__all__ = [
    "FetchedPage",
    "address_problem",
    "check_url",
    "fetch_url",
    "parse_allow_hosts",
    "parse_ip_literal",
]
