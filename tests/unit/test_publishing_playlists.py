"""Which articles a site publishes, the JSON playlist, content addresses."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from loa.publishing.feed import FeedItem
from loa.publishing.playlists import (
    Candidate,
    content_address,
    published_items,
    site_playlist_json,
)

T0 = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)


def _item(n: int, title: str = "Tin") -> FeedItem:
    return FeedItem(
        f"a{n}",
        f"{title} {n}",
        "",
        f"https://x.vn/{n}.mp3",
        10 + n,
        1.5 + n,
        T0 + dt.timedelta(hours=n),
    )


def test_drafts_deleted_and_unready_articles_are_left_out() -> None:
    candidates = [
        Candidate(_item(0), ready=True, published=True),
        Candidate(_item(1), ready=True, published=False),  # draft
        Candidate(_item(2), ready=True, published=True, deleted=True),
        Candidate(_item(3), ready=False, published=True),  # still processing
        Candidate(_item(4), ready=True, published=True),
    ]
    assert [i.guid for i in published_items(candidates)] == ["a4", "a0"]
    assert [i.guid for i in published_items(candidates, limit=1)] == ["a4"]


@given(
    st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), max_size=30),
    st.integers(min_value=0, max_value=40),
)
def test_published_items_properties(flags: list[tuple[bool, bool, bool]], limit: int) -> None:
    candidates = [Candidate(_item(n), r, p, d) for n, (r, p, d) in enumerate(flags)]
    chosen = published_items(candidates, limit)
    allowed = {c.item.guid for c in candidates if c.ready and c.published and not c.deleted}
    assert {i.guid for i in chosen} <= allowed
    assert len(chosen) == min(limit, len(allowed))
    assert [i.published for i in chosen] == sorted((i.published for i in chosen), reverse=True)


def test_site_playlist_json() -> None:
    decomposed = unicodedata.normalize("NFD", "Lạng Sơn")
    data = site_playlist_json("langson", [_item(0, decomposed), _item(1)])
    json.dumps(data)  # JSON-ready
    assert [i["id"] for i in data["items"]] == ["a1", "a0"]
    assert data["items"][1]["title"] == "Lạng Sơn 0"
    assert data["duration"] == 4.0 and data["count"] == 2


def test_content_address() -> None:
    assert content_address(b"abc") == content_address(b"abc")
    assert content_address(b"abc") != content_address(b"abd")
    assert len(content_address(b"")) == 32 and int(content_address(b"x"), 16) >= 0
