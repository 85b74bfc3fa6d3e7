"""A site's publishing metadata (what its podcast feed says about it), validated.

``parse_site`` turns a client's JSON object into a ``SiteMeta`` or raises ``InputError`` naming
the field, so the route answers 422. Text is NFC-normalized and stripped; control characters
are refused (XML 1.0 cannot carry most of them). Limits follow Apple Podcasts: the show
description at most 4,000 bytes (UTF-8: a Vietnamese character takes 2-3), other values at most
255 characters. Categories come from Apple's list (``data/apple_categories.tsv``).

``parse_site_voice`` reads the same object's ``engine`` and ``voice``: the site's default
engine and voice (a post's own win), checked against the engines the caller names and the
voices each offers.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from loa.errors import InputError

MAX_TEXT_CHARS = 255  # Apple: tag values
MAX_DESCRIPTION_BYTES = 4000  # Apple: <description>
MAX_SPOKEN_CHARS = 1000  # intro/outro, spoken before/after every article
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # RSS language: vi, vi-VN
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True)
class SiteMeta:
    title: str
    description: str
    link: str
    language: str = "vi"
    author: str | None = None
    owner_name: str | None = None
    owner_email: str | None = None
    category: str = "News"
    subcategory: str | None = None
    explicit: bool = False
    copyright: str | None = None
    intro: str | None = None
    outro: str | None = None
    locked: bool = False  # podcast:locked: other platforms may not import the feed

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SiteVoice:
    """A site's default engine (None: LOA_ENGINE) and voice (None: the engine's default)."""

    engine: str | None = None
    voice: str | None = None


REQUIRED = ("title", "description", "link")
_FIELDS = tuple(SiteMeta.__dataclass_fields__)
VOICE_FIELDS = tuple(SiteVoice.__dataclass_fields__)


@functools.lru_cache(maxsize=1)
def apple_categories() -> dict[str, frozenset[str]]:
    """Apple's categories, each with its subcategories."""
    text = resources.files("loa.publishing").joinpath("data/apple_categories.tsv").read_text()
    table: dict[str, set[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, _, sub = line.partition("\t")
        table.setdefault(category, set())
        if sub.strip():
            table[category].add(sub.strip())
    return {k: frozenset(v) for k, v in table.items()}


def clean_text(value: str) -> str:
    """NFC, stripped, without characters XML 1.0 cannot carry (for data from elsewhere)."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", value)).strip()


def _text(data: Mapping[str, Any], name: str, *, required: bool, limit: int) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise InputError(f"{name}: required", name)
        return None
    if not isinstance(value, str):
        raise InputError(f"{name}: must be a string", name)
    if len(value) > limit:  # as sent (what the OpenAPI document's maxLength counts)
        raise InputError(f"{name}: at most {limit} characters (got {len(value)})", name)
    text = unicodedata.normalize("NFC", value).strip()
    if _CONTROL.search(text):
        raise InputError(f"{name}: must not contain control characters", name)
    if not text:
        if required:
            raise InputError(f"{name}: must not be empty or blank", name)
        return None
    if len(text) > limit:
        raise InputError(f"{name}: at most {limit} characters (got {len(text)})", name)
    return text


def _bool(data: Mapping[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise InputError(f"{name}: must be true or false", name)
    return value


def _link(value: str) -> str:
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed [IPv6] host
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(c.isspace() for c in value)
    ):
        raise InputError("link: must be an http(s) URL", "link")
    return value


def parse_site(data: Mapping[str, Any]) -> SiteMeta:
    """Validate a site's metadata as a client sent it; InputError names the bad field."""
    if not isinstance(data, Mapping):
        raise InputError("body: must be a JSON object", None)
    unknown = sorted(set(data) - set(_FIELDS) - set(VOICE_FIELDS))
    if unknown:
        raise InputError(f"{unknown[0]}: unknown field", unknown[0])
    title = _text(data, "title", required=True, limit=MAX_TEXT_CHARS)
    description = _text(data, "description", required=True, limit=MAX_DESCRIPTION_BYTES)
    link = _text(data, "link", required=True, limit=2000)
    assert title is not None and description is not None and link is not None
    if len(description.encode("utf-8")) > MAX_DESCRIPTION_BYTES:
        raise InputError(
            f"description: at most {MAX_DESCRIPTION_BYTES} bytes of UTF-8 "
            f"(got {len(description.encode('utf-8'))})",
            "description",
        )
    language = _text(data, "language", required=False, limit=35) or "vi"
    if not LANGUAGE_RE.match(language):
        raise InputError("language: must be a language tag such as vi or vi-VN", "language")
    email = _text(data, "owner_email", required=False, limit=MAX_TEXT_CHARS)
    if email is not None and not EMAIL_RE.match(email):
        raise InputError("owner_email: must be an e-mail address", "owner_email")
    category = _text(data, "category", required=False, limit=MAX_TEXT_CHARS) or "News"
    subcategory = _text(data, "subcategory", required=False, limit=MAX_TEXT_CHARS)
    categories = apple_categories()
    if category not in categories:
        raise InputError(f"category: not one of Apple's categories: {category!r}", "category")
    if subcategory is not None and subcategory not in categories[category]:
        choices = ", ".join(sorted(categories[category])) or "none"
        raise InputError(
            f"subcategory: {subcategory!r} is not a subcategory of {category} ({choices})",
            "subcategory",
        )
    return SiteMeta(
        title=title,
        description=description,
        link=_link(link),
        language=language,
        author=_text(data, "author", required=False, limit=MAX_TEXT_CHARS),
        owner_name=_text(data, "owner_name", required=False, limit=MAX_TEXT_CHARS),
        owner_email=email,
        category=category,
        subcategory=subcategory,
        explicit=_bool(data, "explicit", False),
        copyright=_text(data, "copyright", required=False, limit=MAX_TEXT_CHARS),
        intro=_text(data, "intro", required=False, limit=MAX_SPOKEN_CHARS),
        outro=_text(data, "outro", required=False, limit=MAX_SPOKEN_CHARS),
        locked=_bool(data, "locked", False),
    )


def _choice(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise InputError(f"{name}: must be a string or null", name)
    return value


def parse_site_voice(
    data: Mapping[str, Any], engines: Mapping[str, Sequence[str]], *, auto: str = "auto"
) -> SiteVoice:
    """The site's ``engine`` and ``voice`` from a client's object; InputError names the field.

    ``engines`` maps each engine name to the voices it offers. The engine is ``auto`` or one
    of them; the voice is one the engine offers (any engine's, when the engine is auto or
    unset: auto then picks an engine that offers it)."""
    engine = _choice(data, "engine")
    voice = _choice(data, "voice")
    if engine is not None and engine != auto and engine not in engines:
        known = ", ".join((auto, *engines))
        raise InputError(f"engine: unknown engine {engine!r}; known engines: {known}", "engine")
    if voice is None:
        return SiteVoice(engine, None)
    if engine is None or engine == auto:
        offered = tuple(dict.fromkeys(v for voices in engines.values() for v in voices))
        if voice not in offered:
            raise InputError(
                f"voice: unknown voice {voice!r}; known voices: {', '.join(offered)}", "voice"
            )
    elif voice not in engines[engine]:
        raise InputError(
            f"voice: {voice!r} is not a voice of {engine} (its voices: "
            f"{', '.join(engines[engine])})",
            "voice",
        )
    return SiteVoice(engine, voice)
