"""Request and response bodies (pydantic), named by resource and role."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from loa.contracts import SITE_PATTERN
from loa.engines.registry import AUTO, engine_names, known_voices

SiteName = Annotated[str, StringConstraints(pattern=f"^{SITE_PATTERN}$", strip_whitespace=True)]
ExternalId = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
]


class ArticleCreate(BaseModel):
    """Exactly one of text | html | url (url alone: the worker fetches the page)."""

    model_config = ConfigDict(extra="forbid", str_max_length=50_000_000)

    title: str | None = Field(default=None, max_length=1000)
    text: str | None = None
    html: str | None = None
    url: str | None = Field(default=None, max_length=2000)
    external_id: ExternalId | None = None
    site: SiteName = "default"
    author: str | None = Field(default=None, max_length=300)
    published_at: datetime | None = None
    voice: str | None = Field(default=None, max_length=50)
    engine: str | None = Field(
        default=None, description="auto or an engine name (default: the site's, else LOA_ENGINE)."
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


class SiteVoiceBody(BaseModel):
    """A site's default engine and voice; a post's own ``engine``/``voice`` wins."""

    model_config = ConfigDict(extra="forbid")
    engine: str | None = None
    voice: str | None = Field(default=None, max_length=50)

    @field_validator("engine")
    @classmethod
    def _known_engine(cls, v: str | None) -> str | None:
        return check_engine(v)

    @field_validator("voice")
    @classmethod
    def _known_voice(cls, v: str | None) -> str | None:
        if v is not None and v not in known_voices():
            raise ValueError(f"unknown voice {v!r}; known voices: {', '.join(known_voices())}")
        return v


class SiteVoicePublic(SiteVoiceBody):
    site: str


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
    created_at: datetime
    updated_at: datetime
    links: ArticleLinks


class WordTimingPublic(BaseModel):
    text: str
    start: float
    duration: float


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
    model_config = ConfigDict(extra="forbid")
    entries: dict[str, str]


class LexiconPublic(BaseModel):
    site: str
    entries: dict[str, str]
    updated_at: datetime | None
    requeued: int | None = None


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody
    errors: list[dict[str, Any]] | None = None
