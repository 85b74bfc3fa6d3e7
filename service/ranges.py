"""Byte ranges of a GET, decided as RFC 9110 section 14 says.

``select_ranges`` reads the Range and If-Range headers of a request for a file of ``size`` bytes
and answers what to send:

- ``Whole()``: 200 with the whole file. A Range with a unit other than ``bytes``, a syntactically
  invalid one (``bytes=5-1``, ``bytes=abc``, ``bytes=--5``), too many ranges, a HEAD (range
  handling is defined for GET only), or an If-Range that does not match the current
  representation: the header is ignored (RFC 9110 sections 13.1.5, 14.1.1 and 14.2).
- ``Partial(ranges)``: 206 with the satisfiable ranges, clamped to the file, sorted and with
  overlapping or adjacent ones joined (the server may coalesce, section 15.3.7.2); one range is
  one part, several are ``multipart/byteranges``.
- ``Unsatisfiable()``: 416 with ``Content-Range: bytes */size``: a valid byte-range set none of
  whose ranges is satisfiable (every first-pos at or past the end, or a suffix of length 0).
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, datetime

#: More ranges than this in one request are ignored (the whole file is sent): many small ranges
#: are a sign of a broken client or of a denial-of-service attempt (RFC 9110 section 14.2).
MAX_RANGES = 32

# range-spec = int-range / suffix-range, digits ASCII only (RFC 9110 section 14.1.1)
_INT_RANGE = re.compile(r"([0-9]+)-([0-9]*)", re.ASCII)
_SUFFIX_RANGE = re.compile(r"-([0-9]+)", re.ASCII)
_OWS = " \t"


@dataclass(frozen=True)
class ByteRange:
    """Bytes ``start`` to ``end`` inclusive, as in ``Content-Range: bytes start-end/size``."""

    start: int
    end: int


@dataclass(frozen=True)
class Whole:
    """Send the whole representation (200)."""


@dataclass(frozen=True)
class Partial:
    """Send these ranges (206), sorted, none overlapping or adjacent."""

    ranges: tuple[ByteRange, ...]


@dataclass(frozen=True)
class Unsatisfiable:
    """No requested range is satisfiable (416)."""


RangeDecision = Whole | Partial | Unsatisfiable


def select_ranges(
    method: str,
    range_header: str | None,
    if_range: str | None,
    *,
    size: int,
    etag: str,
    last_modified: datetime,
) -> RangeDecision:
    """What to send for a request with these headers (see the module docstring)."""
    if method.upper() != "GET" or range_header is None:
        return Whole()
    if if_range is not None and not if_range_matches(if_range, etag, last_modified):
        return Whole()
    specs = parse_byte_ranges(range_header)
    if specs is None:
        return Whole()
    ranges = [r for r in (_resolve(spec, size) for spec in specs) if r is not None]
    if not ranges:
        return Unsatisfiable()
    return Partial(coalesce(ranges))


Spec = tuple[int | None, int | None]
"""(first-pos, last-pos) of an int-range (last-pos may be None), or (None, suffix-length)."""


def parse_byte_ranges(header: str) -> list[Spec] | None:
    """The range-specs of a ``bytes=`` Range header, or None when it must be ignored."""
    unit, sep, range_set = header.strip(_OWS).partition("=")
    if not sep or unit.lower() != "bytes":
        return None
    specs: list[Spec] = []
    for raw in range_set.split(","):
        part = raw.strip(_OWS)
        if not part:
            continue  # empty list elements are allowed and ignored (RFC 9110 section 5.6.1)
        if len(specs) == MAX_RANGES:
            return None
        int_range = _INT_RANGE.fullmatch(part)
        if int_range:
            first = int(int_range.group(1))
            last = int(int_range.group(2)) if int_range.group(2) else None
            if last is not None and last < first:
                return None  # an invalid range-spec makes the whole specifier invalid
            specs.append((first, last))
            continue
        suffix = _SUFFIX_RANGE.fullmatch(part)
        if suffix:
            specs.append((None, int(suffix.group(1))))
            continue
        return None
    return specs or None


def _resolve(spec: Spec, size: int) -> ByteRange | None:
    """The bytes a spec selects in a file of ``size`` bytes; None when it is unsatisfiable."""
    first, last = spec
    if first is None:
        length = last or 0
        if length == 0 or size == 0:
            return None
        return ByteRange(max(0, size - length), size - 1)
    if first >= size:
        return None
    return ByteRange(first, size - 1 if last is None else min(last, size - 1))


def coalesce(ranges: list[ByteRange]) -> tuple[ByteRange, ...]:
    """Sorted, with overlapping and adjacent ranges joined."""
    joined: list[ByteRange] = []
    for r in sorted(ranges, key=lambda r: (r.start, r.end)):
        if joined and r.start <= joined[-1].end + 1:
            joined[-1] = ByteRange(joined[-1].start, max(joined[-1].end, r.end))
        else:
            joined.append(r)
    return tuple(joined)


def if_range_matches(if_range: str, etag: str, last_modified: datetime) -> bool:
    """If-Range's validator against the current one (RFC 9110 section 13.1.5).

    An entity-tag must match strongly (a weak one never does); an HTTP-date must equal the
    Last-Modified date exactly (to the second)."""
    value = if_range.strip(_OWS)
    if value.startswith('"') or value.startswith("W/"):
        return value == etag and not etag.startswith("W/")
    try:
        date = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return False
    if date.tzinfo is None:
        return False  # an HTTP-date is always GMT; a date without a zone is not one
    return date.astimezone(UTC) == last_modified.astimezone(UTC).replace(microsecond=0)


def http_date(moment: datetime) -> str:
    """``moment`` as an IMF-fixdate (``Sun, 06 Nov 1994 08:49:37 GMT``)."""
    return email.utils.format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def content_range(r: ByteRange, size: int) -> str:
    return f"bytes {r.start}-{r.end}/{size}"
