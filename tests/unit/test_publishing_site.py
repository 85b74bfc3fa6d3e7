"""Site publishing metadata: defaults, NFC, Apple's categories and length limits; the site's
default engine and voice."""

from __future__ import annotations

import unicodedata

import pytest

from loa.errors import InputError
from loa.publishing.site import SiteVoice, apple_categories, parse_site, parse_site_voice

BASE = {"title": "Lạng Sơn", "description": "Tin tức", "link": "https://langson.gov.vn"}


def test_defaults() -> None:
    site = parse_site(BASE)
    assert (site.language, site.category, site.subcategory, site.explicit) == (
        "vi",
        "News",
        None,
        False,
    )
    assert site.intro is None and site.outro is None


def test_text_is_nfc_and_stripped() -> None:
    site = parse_site({**BASE, "title": "  " + unicodedata.normalize("NFD", "Lạng Sơn") + " "})
    assert site.title == "Lạng Sơn" and unicodedata.is_normalized("NFC", site.title)


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"title": None}, "title"),
        ({"title": "   "}, "title"),
        ({"title": 5}, "title"),
        ({"title": "a" * 256}, "title"),
        ({"title": "tin\x07"}, "title"),
        ({"description": "ệ" * 1334}, "description"),  # 1334 chars, 4002 bytes of UTF-8
        ({"link": "ftp://langson.gov.vn"}, "link"),
        ({"language": "Vietnamese"}, "language"),
        ({"owner_email": "not-an-email"}, "owner_email"),
        ({"category": "Tin tức"}, "category"),
        ({"category": "news"}, "category"),  # Apple's list is case-sensitive
        ({"category": "News", "subcategory": "Baseball"}, "subcategory"),
        ({"category": "Government", "subcategory": "Politics"}, "subcategory"),
        ({"explicit": "no"}, "explicit"),
        ({"intro": "x" * 1001}, "intro"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_values_name_their_field(patch: dict[str, object], field: str) -> None:
    data = {**BASE, **patch}
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(InputError) as info:
        parse_site(data)
    assert info.value.field == field
    assert field in info.value.message


def test_limits_are_inclusive() -> None:
    site = parse_site({**BASE, "title": "a" * 255, "description": "ệ" * 1333})
    assert len(site.title) == 255 and len(site.description.encode()) == 3999


def test_apple_categories() -> None:
    table = apple_categories()
    assert len(table) == 19
    assert "Daily News" in table["News"] and table["Government"] == frozenset()
    full = parse_site({**BASE, "category": "Society & Culture", "subcategory": "Places & Travel"})
    assert full.subcategory == "Places & Travel"


def test_round_trip_through_a_dict() -> None:
    site = parse_site({**BASE, "author": "Sở KH&CN", "explicit": True, "intro": "Xin chào"})
    assert parse_site(site.to_dict()) == site


ENGINES = {"espeak": ("vi", "vi-vn-x-south"), "edge": ("vi-VN-HoaiMyNeural", "vi-VN-NamMinhNeural")}


def test_a_sites_engine_and_voice() -> None:
    assert parse_site_voice(BASE, ENGINES) == SiteVoice(None, None)
    data = {**BASE, "engine": "edge", "voice": "vi-VN-NamMinhNeural"}
    assert parse_site_voice(data, ENGINES) == SiteVoice("edge", "vi-VN-NamMinhNeural")
    assert parse_site(data) == parse_site(BASE)  # not part of the feed's metadata
    # auto or no engine: any engine's voice (auto picks an engine that offers it)
    assert parse_site_voice({"engine": "auto", "voice": "vi-vn-x-south"}, ENGINES).voice
    assert parse_site_voice({"voice": "vi-VN-HoaiMyNeural"}, ENGINES).engine is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"engine": "festival"}, "engine"),
        ({"engine": 3}, "engine"),
        ({"voice": "vi-vn-x-north"}, "voice"),
        ({"engine": "espeak", "voice": "vi-VN-HoaiMyNeural"}, "voice"),  # not espeak's
        ({"engine": "edge", "voice": ["vi"]}, "voice"),
    ],
)
def test_a_bad_engine_or_voice_names_its_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        parse_site_voice(data, ENGINES)
    assert info.value.field == field and field in info.value.message
