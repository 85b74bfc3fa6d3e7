"""Links in answers, built from the configured public base URL (``LOA_PUBLIC_URL``, default
``http://<host>:<port>`` of the bind address), never from the request's Host header: behind a
proxy or cache a forged Host would otherwise be copied into cached answers."""

from __future__ import annotations

from loa.config import Settings


def public_base_url(settings: Settings) -> str:
    """The base of every link in answers, without a trailing slash."""
    return settings.public_base_url


def article_links(settings: Settings, article_id: str) -> dict[str, str]:
    base = f"{settings.public_base_url}/v1/articles/{article_id}"
    return {
        "self": base,
        "audio": f"{base}/audio.mp3",
        "playlist": f"{base}/playlist.json",
    }
