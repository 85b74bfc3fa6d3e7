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
from loa.engines.registry import known_voices
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
    captions: bool | None = Field(
        default=None, description="Read image captions aloud (default: LOA_READ_CAPTIONS)."
    )

    @field_validator("voice")
    @classmethod
    def _known_voice(cls, v: str | None) -> str | None:
        known = known_voices()
        if v is not None and v not in known:
            raise ValueError(f"unknown voice {v!r}; known voices: {', '.join(known)}")
        return v

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
    created_at: datetime
    updated_at: datetime
    links: ArticleLinks


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
