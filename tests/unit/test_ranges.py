"""Byte ranges as RFC 9110 section 14 says: which requests get 200, 206 or 416."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.ranges import (
    MAX_RANGES,
    ByteRange,
    Partial,
    RangeDecision,
    Unsatisfiable,
    Whole,
    http_date,
    if_range_matches,
    select_ranges,
)

ETAG = '"abc-r1-100"'
MODIFIED = datetime(2026, 5, 16, 8, 30, 15, 250_000, tzinfo=UTC)
SIZE = 100


def decide(
    header: str | None, if_range: str | None = None, method: str = "GET", size: int = SIZE
) -> RangeDecision:
    return select_ranges(method, header, if_range, size=size, etag=ETAG, last_modified=MODIFIED)


def part(*pairs: tuple[int, int]) -> Partial:
    return Partial(tuple(ByteRange(a, b) for a, b in pairs))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param("bytes=0-9", part((0, 9)), id="first-ten"),
        pytest.param("bytes=0-0", part((0, 0)), id="one-byte"),
        pytest.param("bytes=90-", part((90, 99)), id="open-ended"),
        pytest.param("bytes=90-500", part((90, 99)), id="last-pos-clamped"),
        pytest.param("bytes=-5", part((95, 99)), id="suffix"),
        pytest.param("bytes=-500", part((0, 99)), id="suffix-longer-than-file"),
        pytest.param("bytes=99-99", part((99, 99)), id="last-byte"),
        pytest.param("BYTES=0-9", part((0, 9)), id="unit-case-insensitive"),
        pytest.param("bytes=0-9,20-29", part((0, 9), (20, 29)), id="two-ranges"),
        pytest.param("bytes=20-29,0-9", part((0, 9), (20, 29)), id="two-ranges-sorted"),
        pytest.param("bytes=0-9,5-14", part((0, 14)), id="overlapping-joined"),
        pytest.param("bytes=0-9,10-19", part((0, 19)), id="adjacent-joined"),
        pytest.param("bytes=0-9, ,20-29", part((0, 9), (20, 29)), id="empty-element-ignored"),
        pytest.param("bytes=0-9 , 20-29", part((0, 9), (20, 29)), id="spaces-around-commas"),
        pytest.param("bytes=0-9,-5", part((0, 9), (95, 99)), id="range-and-suffix"),
        pytest.param("bytes=100-,0-1", part((0, 1)), id="one-of-two-satisfiable"),
        pytest.param("bytes=0-", part((0, 99)), id="whole-as-range"),
    ],
)
def test_satisfiable_ranges_are_206(header: str, expected: Partial) -> None:
    assert decide(header) == expected


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("bytes=5-1", id="last-before-first"),
        pytest.param("bytes=0-9,5-1", id="one-invalid-spec-spoils-the-set"),
        pytest.param("bytes=abc", id="not-numbers"),
        pytest.param("bytes=", id="empty-set"),
        pytest.param("bytes=,", id="only-commas"),
        pytest.param("bytes=-", id="lone-dash"),
        pytest.param("bytes=--5", id="negative-suffix"),
        pytest.param("bytes=1-2-3", id="three-numbers"),
        pytest.param("bytes=+1-2", id="plus-sign"),
        pytest.param("bytes=\u0665-9", id="non-ascii-digit"),
        pytest.param("bytes=0x10-20", id="hex"),
        pytest.param("bytes 0-9", id="no-equals"),
        pytest.param("items=0-9", id="other-unit"),
        pytest.param("0-9", id="no-unit"),
        pytest.param("bytes=" + ",".join(f"{i}-{i}" for i in range(MAX_RANGES + 1)), id="many"),
    ],
)
def test_invalid_or_unknown_ranges_are_ignored(header: str) -> None:
    """An invalid ranges-specifier, an unknown unit or too many ranges: the whole file, 200."""
    assert decide(header) == Whole()


@pytest.mark.parametrize(
    "header",
    ["bytes=100-", "bytes=100-200", "bytes=500-", "bytes=-0", "bytes=100-,200-300,-0"],
)
def test_ranges_none_of_which_is_satisfiable_are_416(header: str) -> None:
    assert decide(header) == Unsatisfiable()


def test_an_empty_file_satisfies_no_range() -> None:
    assert decide("bytes=0-", size=0) == Unsatisfiable()
    assert decide("bytes=-5", size=0) == Unsatisfiable()


def test_exactly_max_ranges_are_served() -> None:
    header = "bytes=" + ",".join(f"{2 * i}-{2 * i}" for i in range(MAX_RANGES))
    decision = decide(header)
    assert isinstance(decision, Partial)
    assert len(decision.ranges) == MAX_RANGES


def test_no_range_and_head_get_the_whole_file() -> None:
    assert decide(None) == Whole()
    assert decide("bytes=0-9", method="HEAD") == Whole()
    assert decide("bytes=100-", method="HEAD") == Whole()


@pytest.mark.parametrize(
    ("if_range", "honoured"),
    [
        pytest.param(ETAG, True, id="same-etag"),
        pytest.param(f"W/{ETAG}", False, id="weak-etag-never-matches"),
        pytest.param('"abc-r2-120"', False, id="other-etag"),
        pytest.param(http_date(MODIFIED), True, id="same-date"),
        pytest.param(http_date(MODIFIED - timedelta(seconds=1)), False, id="older-date"),
        pytest.param(http_date(MODIFIED + timedelta(days=1)), False, id="newer-date"),
        pytest.param("Sat, 16 May 2026 08:30:15", False, id="date-without-zone"),
        pytest.param("yesterday", False, id="garbage"),
        pytest.param("", False, id="empty"),
    ],
)
def test_if_range(if_range: str, honoured: bool) -> None:
    """If-Range: the range when the validator matches the current file, else the whole file
    (RFC 9110 section 13.1.5), so a client never stitches parts of two revisions."""
    assert if_range_matches(if_range, ETAG, MODIFIED) is honoured
    expected = part((0, 9)) if honoured else Whole()
    assert decide("bytes=0-9", if_range=if_range) == expected


def test_if_range_that_does_not_match_is_200_even_for_unsatisfiable_ranges() -> None:
    assert decide("bytes=500-", if_range='"other"') == Whole()


def test_http_date_is_imf_fixdate() -> None:
    assert http_date(MODIFIED) == "Sat, 16 May 2026 08:30:15 GMT"


@given(header=st.text(max_size=60), size=st.integers(min_value=0, max_value=10_000))
def test_any_header_gives_a_decision_within_the_file(header: str, size: int) -> None:
    decision = decide(header, size=size)
    if isinstance(decision, Partial):
        assert decision.ranges
        for r in decision.ranges:
            assert 0 <= r.start <= r.end < size
        for a, b in zip(decision.ranges, decision.ranges[1:], strict=False):
            assert a.end + 1 < b.start  # sorted, neither overlapping nor adjacent


int_spec = st.tuples(st.integers(0, 300), st.one_of(st.none(), st.integers(0, 300))).filter(
    lambda s: s[1] is None or s[1] >= s[0]
)
suffix_spec = st.integers(0, 300).map(lambda n: (None, n))


@given(specs=st.lists(st.one_of(int_spec, suffix_spec), min_size=1, max_size=8))
def test_valid_specs_select_exactly_the_bytes_asked_for(
    specs: list[tuple[int | None, int | None]],
) -> None:
    """The union of bytes served is the union of the satisfiable specs' bytes."""
    header = "bytes=" + ",".join(
        f"-{last}" if first is None else f"{first}-{'' if last is None else last}"
        for first, last in specs
    )
    wanted: set[int] = set()
    for first, last in specs:
        if first is None:
            wanted.update(range(max(0, SIZE - (last or 0)), SIZE) if last else ())
        else:
            wanted.update(range(first, min(SIZE - 1, SIZE if last is None else last) + 1))
    decision = decide(header)
    if not wanted:
        assert decision == Unsatisfiable()
        return
    assert isinstance(decision, Partial)
    served = {i for r in decision.ranges for i in range(r.start, r.end + 1)}
    assert served == wanted
