"""Request and response bodies (pydantic), named by resource and role.

Request schemas are as strict as the validation behind them, so the OpenAPI document tells a
client exactly what is accepted: unknown fields are refused, JSON types are not coerced
(``"true"`` is not a boolean, ``"0"`` is not a date), and the patterns below are the server's
own rules written as regular expressions (ECMA-262 and Python alike: explicit character
classes, no ``\\s``, whose meaning differs between the two).
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    field_validator,
)

from loa.contracts import SITE_PATTERN
from loa.engines.registry import AUTO, engine_names, known_voices
from loa.text.lexicon import MAX_ENTRIES, MAX_KEY_CHARS, MAX_VALUE_CHARS


def _char_class(codepoints: list[int]) -> str:
    """A regex character-class body listing ``codepoints`` as ``\\uXXXX`` escapes and ranges."""
    parts: list[str] = []
    start = prev = codepoints[0]
    for cp in [*codepoints[1:], -1]:
        if cp == prev + 1:
            prev = cp
            continue
        parts.append(f"\\u{start:04x}" if start == prev else f"\\u{start:04x}-\\u{prev:04x}")
        start = prev = cp
    return "".join(parts)


_BMP = range(0x10000)
#: What Python's str.strip() and the lexicon's whitespace collapsing treat as whitespace (all
#: in the BMP): the server's notion of "blank".
WHITESPACE = [cp for cp in _BMP if chr(cp).isspace()]
#: Control characters (Unicode category Cc) that are not whitespace: refused in lexicon entries
#: (whitespace controls such as tab are collapsed to a space first).
CONTROLS = [cp for cp in range(0xA0) if (cp < 0x20 or cp >= 0x7F) and cp not in WHITESPACE]
assert all(not chr(cp).isspace() for cp in range(0x10000, sys.maxunicode + 1))

_NOT_BLANK_OR_NUL = f"[^\\u0000{_char_class(WHITESPACE)}]"
#: Article text or HTML: no NUL character, and at least one character that is not whitespace.
SOURCE_PATTERN = f"^[^\\u0000]*{_NOT_BLANK_OR_NUL}[^\\u0000]*$"
_ENTRY_CHAR = f"[^{_char_class(CONTROLS)}]"
_ENTRY_SOLID = f"[^{_char_class(sorted({*CONTROLS, *WHITESPACE}))}]"
#: A lexicon written or spoken form: no control character except whitespace, and not blank.
LEXICON_ENTRY_PATTERN = f"^{_ENTRY_CHAR}*{_ENTRY_SOLID}{_ENTRY_CHAR}*$"
#: An http(s) URL, possibly with whitespace around it (stripped).
URL_PATTERN = f"^[{_char_class(WHITESPACE)}]*[hH][tT][tT][pP][sS]?://"
SITE_NAME_PATTERN = f"^{SITE_PATTERN}$"
EXTERNAL_ID_PATTERN = r"^[^\u0000-\u001f\u007f]+$"

# RFC 3339 date-time (section 5.6): full-date "T" full-time, T and Z in either case
_RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)


def _rfc3339(value: object) -> object:
    """Parse an RFC 3339 date-time with its offset; anything else is refused (no Unix times,
    no dates without a time, no times without an offset). A leap second (:60) is read as :59."""
    if isinstance(value, datetime) or value is None:
        return value
    if not isinstance(value, str):
        raise ValueError("must be an RFC 3339 date-time string, e.g. 2022-05-16T08:00:00+07:00")
    match = _RFC3339.fullmatch(value)
    if match is None:
        raise ValueError(
            "must be an RFC 3339 date-time with an offset, e.g. 2022-05-16T08:00:00+07:00"
        )
    date, hour_minute, second, fraction, offset = match.groups()
    second = "59" if second == "60" else second
    offset = "+00:00" if offset in ("Z", "z") else offset
    try:
        return datetime.fromisoformat(f"{date}T{hour_minute}:{second}{fraction or ''}{offset}")
    except ValueError as exc:
        raise ValueError(f"is not a valid date-time ({exc})") from None


SiteName = Annotated[
    str, StringConstraints(pattern=SITE_NAME_PATTERN, min_length=1, max_length=100)
]
ExternalId = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=EXTERNAL_ID_PATTERN)
]
Rfc3339 = Annotated[datetime, BeforeValidator(_rfc3339)]
LexiconKey = Annotated[str, StringConstraints(max_length=MAX_KEY_CHARS)]
LexiconValue = Annotated[str, StringConstraints(max_length=MAX_VALUE_CHARS)]


def _replace_schema(replacement: dict[str, Any]) -> Any:
    """A json_schema_extra that replaces pydantic's schema of a field with ``replacement``
    (keeping its title, description and default)."""

    def replace(schema: dict[str, Any]) -> None:
        kept: dict[str, Any] = {
            k: schema[k] for k in ("title", "description", "default") if k in schema
        }
        schema.clear()
        schema.update(kept, **replacement)

    return replace


def _nullable(string_schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [{"type": "string", **string_schema}, {"type": "null"}]}


def _source_field(kind: str) -> Any:
    return Field(
        default=None,
        description=f"The article as {kind}: not blank, no NUL character. Its length limit "
        "(characters, after Unicode NFC) is the schema's maxLength for this server.",
        json_schema_extra=_replace_schema(_nullable({"pattern": SOURCE_PATTERN})),
    )


def _voice_enum(schema: dict[str, Any]) -> None:
    """The voice list in the schema is the registry's, read when the schema is generated."""
    _replace_schema(_nullable({"enum": list(known_voices())}))(schema)


def _engine_enum(schema: dict[str, Any]) -> None:
    """The engine names in the schema are the registry's (and "auto")."""
    _replace_schema(_nullable({"enum": [AUTO, *engine_names()]}))(schema)


#: Exactly one of text | html, or url alone (then the worker fetches the page).
_ONE_SOURCE: list[JsonValue] = [
    {"required": ["text"], "properties": {"text": {"type": "string"}, "html": {"type": "null"}}},
    {"required": ["html"], "properties": {"html": {"type": "string"}, "text": {"type": "null"}}},
    {
        "required": ["url"],
        "properties": {
            "url": {"type": "string"},
            "text": {"type": "null"},
            "html": {"type": "null"},
        },
    },
]


class ArticleFields(BaseModel):
    """An article's fields as a CMS sends them (POST /v1/articles, the site webhook)."""

    model_config = ConfigDict(extra="forbid", strict=True, str_max_length=50_000_000)

    title: str | None = Field(default=None, max_length=1000)
    text: str | None = _source_field("plain text")
    html: str | None = _source_field("HTML")
    url: str | None = Field(
        default=None,
        max_length=2000,
        description="An http:// or https:// page to fetch (alone), or the article's address.",
        json_schema_extra=_replace_schema(_nullable({"maxLength": 2000, "pattern": URL_PATTERN})),
    )
    external_id: ExternalId | None = Field(
        default=None, description="The CMS's id: a re-post with the same site makes a revision."
    )
    author: str | None = Field(default=None, max_length=300)
    published_at: Rfc3339 | None = Field(
        default=None, description="RFC 3339 date-time with an offset (2022-05-16T08:00:00+07:00)."
    )
    voice: str | None = Field(
        default=None,
        max_length=50,
        description="One of the voices the registered engines offer (default: LOA_DEFAULT_VOICE).",
        json_schema_extra=_voice_enum,
    )
    engine: str | None = Field(
        default=None,
        description="auto or an engine name (default: the site's, else LOA_ENGINE).",
        json_schema_extra=_engine_enum,
    )
    captions: bool | None = Field(
        default=None, description="Read image captions aloud (default: LOA_READ_CAPTIONS)."
    )
    published: bool | None = Field(
        default=None,
        description="false: a draft, rendered but kept out of the site's feed and playlists "
        "until re-posted with true (default: true for a new article, unchanged on a re-post).",
    )

    @field_validator("voice")
    @classmethod
    def _known_voice(cls, v: str | None) -> str | None:
        known = known_voices()
        if v is not None and v not in known:
            raise ValueError(f"unknown voice {v!r}; known voices: {', '.join(known)}")
        return v

    @field_validator("engine")
    @classmethod
    def _known_engine(cls, v: str | None) -> str | None:
        return check_engine(v)

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is None:
            return v
        v = v.strip()
        if not v.lower().startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return v


class ArticleCreate(ArticleFields):
    """Exactly one of text | html | url (url alone: the worker fetches the page)."""

    model_config = ConfigDict(json_schema_extra={"anyOf": _ONE_SOURCE})

    site: SiteName = "default"


class Progress(BaseModel):
    done: int
    total: int


class ArticleLinks(BaseModel):
    self: str
    audio: str
    playlist: str


class SynthesisCounters(BaseModel):
    segments_from_cache: int
    requests: int = Field(description="Requests sent to the online engine, retries included.")
    retries: int


def check_engine(v: str | None) -> str | None:
    known = (AUTO, *engine_names())
    if v is not None and v not in known:
        raise ValueError(f"unknown engine {v!r}; known engines: {', '.join(known)}")
    return v


class ArticlePublic(BaseModel):
    id: str
    site: str
    external_id: str | None
    title: str
    status: Literal["queued", "processing", "ready", "failed"]
    revision: int
    progress: Progress
    duration: float | None = Field(description="Seconds of audio, once ready.")
    engine: str | None
    engine_note: str | None = Field(description="Why the engine differs from the one asked for.")
    voice: str | None
    error: str | None
    audio_revision: int | None = Field(description="Revision the served audio was made from.")
    upgrade_pending: bool = Field(
        default=False,
        description="Made offline while the online engine was down; re-made when it is back.",
    )
    synthesis: SynthesisCounters | None = Field(
        default=None, description="Of the last rendering: segments from cache, requests, retries."
    )
    published: bool = Field(default=True, description="false: a draft, out of feeds/playlists.")
    created_at: datetime
    updated_at: datetime
    links: ArticleLinks


class WordTimingPublic(BaseModel):
    text: str = Field(description="The word as spoken (normalized: numbers read out).")
    start: float
    duration: float
    offset: int | None = Field(
        default=None,
        description="Where the word stands in the segment's text (code points), or null "
        "when it cannot be placed there.",
    )
    length: int | None = Field(
        default=None, description="How many code points of the segment's text it reads."
    )


class PlaylistSegment(BaseModel):
    index: int
    text: str = Field(description="The text as the reader sees it (for highlighting).")
    spoken: str = Field(description="The text as it was spoken (normalized).")
    start: float
    duration: float
    paragraph: int
    sentence: int
    kind: str
    char_start: int
    char_end: int
    words: list[WordTimingPublic] | None = Field(
        default=None,
        description="Word timings (seconds from the audio's start), when the engine has them.",
    )


class PlaylistPublic(BaseModel):
    id: str
    title: str
    audio: str
    duration: float
    segments: list[PlaylistSegment]


class LexiconUpdate(BaseModel):
    """Written form -> spoken form. Both sides are put in NFC and have their whitespace
    collapsed; two written forms that become equal must agree on the spoken form."""

    model_config = ConfigDict(extra="forbid", strict=True)
    entries: dict[LexiconKey, LexiconValue] = Field(
        max_length=MAX_ENTRIES,
        json_schema_extra=_replace_schema(
            {
                "type": "object",
                "maxProperties": MAX_ENTRIES,
                "propertyNames": {"maxLength": MAX_KEY_CHARS, "pattern": LEXICON_ENTRY_PATTERN},
                "additionalProperties": {
                    "type": "string",
                    "maxLength": MAX_VALUE_CHARS,
                    "pattern": LEXICON_ENTRY_PATTERN,
                },
            }
        ),
    )


class LexiconPublic(BaseModel):
    site: str
    entries: dict[str, str]
    updated_at: datetime | None
    requeued: int | None = None


class HealthCheck(BaseModel):
    ok: bool
    error: str | None = None
    workers: list[str] | None = None


class HealthPublic(BaseModel):
    ok: bool
    checks: dict[str, HealthCheck]


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorDetail(BaseModel):
    field: str | None
    message: str
    type: str | None


class ErrorResponse(BaseModel):
    error: ErrorBody
    errors: list[ErrorDetail] | None = None


class SiteLinks(BaseModel):
    feed: str
    playlist_json: str
    playlist_m3u8: str
    artwork: str


class SitePublic(BaseModel):
    """A site's publishing metadata (as PUT, validated and NFC) and where it publishes."""

    site: str
    title: str
    description: str
    link: str
    language: str
    author: str | None
    owner_name: str | None
    owner_email: str | None
    category: str
    subcategory: str | None
    explicit: bool
    copyright: str | None
    intro: str | None
    outro: str | None
    locked: bool
    artwork_type: str | None = Field(description="null: Loa's default artwork is served.")
    engine: str | None = Field(description="The site's default engine (null: LOA_ENGINE).")
    voice: str | None = Field(description="The site's default voice (null: the engine's).")
    webhook_secret_set: bool | None = Field(
        description="Whether a webhook_secret is set (the secret itself is never returned); "
        "null unless the caller's key may read this site."
    )
    callback_url: str | None = Field(
        description="null when none is set, or unless the caller's key may read this site."
    )
    allowed_origins: list[str]
    updated_at: datetime
    requeued: int | None = Field(
        default=None, description="Articles made again because the intro or outro changed."
    )
    links: SiteLinks


class SitePlaylistItem(BaseModel):
    id: str
    title: str
    audio: str
    bytes: int
    duration: float
    published: str
    published_iso: str
    transcript: str | None
    link: str | None


class SitePlaylistPublic(BaseModel):
    site: str
    count: int
    duration: float
    items: list[SitePlaylistItem]


# --- a site's publishing metadata (loa.publishing.site.parse_site is the rule; this says it) ---

#: What parse_site refuses anywhere in a value (XML 1.0 cannot carry most of it).
_SITE_CONTROLS = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xFFFE, 0xFFFF]
_SITE_CHAR = f"[^{_char_class(_SITE_CONTROLS)}]"
_SITE_SOLID = f"[^{_char_class(sorted({*_SITE_CONTROLS, *WHITESPACE}))}]"
#: A required text value: no control character, not blank.
SITE_TEXT_PATTERN = f"^{_SITE_CHAR}*{_SITE_SOLID}{_SITE_CHAR}*$"
#: An optional text value: no control character (blank means "none").
SITE_OPTIONAL_PATTERN = f"^{_SITE_CHAR}*$"
_WS = _char_class(WHITESPACE)
_URL_CHAR = f"[^{_char_class(sorted({*_SITE_CONTROLS, *WHITESPACE}))}]"
#: An http(s) URL with a host, no whitespace inside (whitespace around it is stripped).
_HOST_START = f"[^/?#{_char_class(sorted({*_SITE_CONTROLS, *WHITESPACE}))}]"
SITE_LINK_PATTERN = f"^[{_WS}]*[hH][tT][tT][pP][sS]?://{_HOST_START}{_URL_CHAR}*[{_WS}]*$"
_NOT_AT = f"[^@{_WS}{_char_class(_SITE_CONTROLS)}]"
#: blank means "none"
SITE_EMAIL_PATTERN = f"^[{_WS}]*({_NOT_AT}+@{_NOT_AT}+[.]{_NOT_AT}+)?[{_WS}]*$"
SITE_LANGUAGE_PATTERN = f"^[{_WS}]*([a-z]{{2,3}}(-[A-Za-z0-9]{{2,8}})*)?[{_WS}]*$"


_HOST = r"[A-Za-z0-9.-]+"
_PORT = r"(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?"
#: An origin: scheme, host name or IPv4 address, optional port (IPv6 origins are not taken).
ORIGIN_PATTERN = f"^[hH][tT][tT][pP][sS]?://{_HOST}{_PORT}/?$"
SECRET_PATTERN = "^[!-~]{16,200}$"
#: An http(s) URL: host, optional port, a path/query of printable ASCII.
CALLBACK_URL_PATTERN = f"^[hH][tT][tT][pP][sS]?://{_HOST}{_PORT}([/?][!-~]*)?$"


def _site_categories() -> list[JsonValue]:
    """One branch per Apple category: its subcategories (or none)."""
    from loa.publishing.site import apple_categories

    branches: list[JsonValue] = []
    for category, subs in sorted(apple_categories().items()):
        sub: dict[str, JsonValue] = (
            {"anyOf": [{"type": "string", "enum": list[JsonValue](sorted(subs))}, {"type": "null"}]}
            if subs
            else {"type": "null"}
        )
        branch: dict[str, JsonValue] = {
            "properties": {"category": {"const": category}, "subcategory": sub},
            "required": ["category"],
        }
        branches.append(branch)
    news: list[JsonValue] = [*sorted(apple_categories()["News"])]
    branches.append(  # no category (absent or null): News
        {
            "properties": {
                "category": {"type": "null"},
                "subcategory": {"anyOf": [{"type": "string", "enum": news}, {"type": "null"}]},
            },
        }
    )
    return branches


def _site_text(limit: int, *, required: bool = False, **extra: Any) -> Any:
    pattern = SITE_TEXT_PATTERN if required else SITE_OPTIONAL_PATTERN
    string = {"type": "string", "maxLength": limit, "pattern": pattern}
    return Field(
        default=... if required else None,
        json_schema_extra=_replace_schema(string if required else _nullable(string)),
        **extra,
    )


class SiteUpdate(BaseModel):
    """A site's publishing metadata (PUT replaces it whole). Apple's limits: the description at
    most 4,000 bytes of UTF-8 (its maxLength counts characters; longer byte counts are refused
    with 422), other values 255 characters; the category from Apple's list, with one of its
    subcategories."""

    model_config = ConfigDict(
        extra="forbid", strict=True, json_schema_extra={"anyOf": _site_categories()}
    )

    title: str = _site_text(255, required=True)
    description: str = _site_text(4000, required=True)
    link: str = Field(
        json_schema_extra=_replace_schema(
            {"type": "string", "maxLength": 2000, "pattern": SITE_LINK_PATTERN}
        )
    )
    language: str | None = Field(
        default=None,
        description="RSS language tag (default vi).",
        json_schema_extra=_replace_schema(
            _nullable({"maxLength": 35, "pattern": SITE_LANGUAGE_PATTERN})
        ),
    )
    author: str | None = _site_text(255)
    owner_name: str | None = _site_text(255)
    owner_email: str | None = Field(
        default=None,
        json_schema_extra=_replace_schema(
            _nullable({"maxLength": 255, "pattern": SITE_EMAIL_PATTERN})
        ),
    )
    category: str | None = Field(default=None, description="Apple's category (default News).")
    subcategory: str | None = None
    explicit: bool = False
    copyright: str | None = _site_text(255)
    intro: str | None = _site_text(1000, description="Spoken before every article.")
    outro: str | None = _site_text(1000, description="Spoken after every article.")
    locked: bool = Field(default=False, description="podcast:locked")
    # integration (loa.site_settings); PUT replaces them too, but for the write-only secret
    webhook_secret: str | None = Field(
        default=None,
        max_length=200,
        pattern=SECRET_PATTERN,
        description="Signs webhooks in and callbacks out: 16-200 printable ASCII characters, no "
        "spaces. Write-only (GET shows webhook_secret_set): omitted, the stored one is kept; "
        "null removes it.",
    )
    callback_url: str | None = Field(
        default=None,
        max_length=2000,
        pattern=CALLBACK_URL_PATTERN,
        description="http(s) URL events (ready, failed, upgraded) are POSTed to; its address is "
        "checked (as article URLs are: no private, loopback or metadata addresses) at every "
        "delivery. Omitted or null: no callbacks.",
    )
    allowed_origins: list[Annotated[str, StringConstraints(pattern=ORIGIN_PATTERN)]] | None = Field(
        default=None,
        max_length=50,
        description="Browser origins (such as https://x.vn) that may write with this site's "
        "keys. Omitted or null: none.",
    )
    engine: str | None = Field(
        default=None,
        description="The site's default engine: auto or an engine name (null: LOA_ENGINE); "
        "a post's own engine wins.",
        json_schema_extra=_engine_enum,
    )
    voice: str | None = Field(
        default=None,
        max_length=50,
        description="The site's default voice: one the engine offers (any engine's for auto "
        "or null; another is refused with 422 naming voice); a post's own voice wins.",
        json_schema_extra=_voice_enum,
    )
