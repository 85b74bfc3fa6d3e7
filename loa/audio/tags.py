"""ID3v2 tags for finished articles (mutagen, in memory).

``id3_tag`` builds the tag alone, so a long article's file is written tag first and then its
audio, streamed, without loading the audio; ``tag_mp3(data)`` is the same tag in front of
``data`` (``tag_mp3(audio) == id3_tag(...) + audio`` for untagged audio).
"""

from __future__ import annotations

import datetime as dt
import io
import logging

from mutagen.id3 import (
    APIC,
    COMM,
    ID3,
    TALB,
    TDRC,
    TIT2,
    TLAN,
    TPE1,
    TSSE,
    ID3NoHeaderError,
    PictureType,
)

log = logging.getLogger(__name__)

LANGUAGE = "vie"  # ISO 639-2, as ID3 wants it
ENCODING_UTF8 = 3  # ID3v2.4 text encoding 3 is UTF-8


def _date_text(date: str | dt.date | dt.datetime | None) -> str | None:
    """ID3 timestamps are ISO 8601 (``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS``)."""
    if date is None:
        return None
    if isinstance(date, dt.datetime):
        return date.replace(tzinfo=None, microsecond=0).isoformat()
    if isinstance(date, dt.date):
        return date.isoformat()
    return str(date).strip() or None


def _frames(
    *,
    title: str,
    artist: str | None,
    album: str | None,
    date: str | dt.date | dt.datetime | None,
    comment: str | None,
    tags: ID3,
    cover: bytes | None = None,
    cover_type: str = "image/png",
) -> ID3:
    tags.add(TIT2(encoding=ENCODING_UTF8, text=title))
    tags.add(TLAN(encoding=ENCODING_UTF8, text=LANGUAGE))
    tags.add(TSSE(encoding=ENCODING_UTF8, text="Loa"))
    if artist:
        tags.add(TPE1(encoding=ENCODING_UTF8, text=artist))
    if album:
        tags.add(TALB(encoding=ENCODING_UTF8, text=album))
    date_text = _date_text(date)
    if date_text:
        tags.add(TDRC(encoding=ENCODING_UTF8, text=date_text))
    if comment:
        tags.add(COMM(encoding=ENCODING_UTF8, lang=LANGUAGE, desc="", text=comment))
    if cover:  # the front cover podcast apps show (the site's artwork)
        tags.add(
            APIC(
                encoding=ENCODING_UTF8,
                mime=cover_type,
                type=PictureType.COVER_FRONT,
                desc="",
                data=cover,
            )
        )
    return tags


def _save(tags: ID3, buffer: io.BytesIO) -> bytes:
    buffer.seek(0)
    tags.save(buffer, v2_version=4, padding=lambda info: 0)
    return buffer.getvalue()


def id3_tag(
    *,
    title: str,
    artist: str | None = None,
    album: str | None = None,
    date: str | dt.date | dt.datetime | None = None,
    comment: str | None = None,
    cover: bytes | None = None,
    cover_type: str = "image/png",
) -> bytes:
    """The ID3v2.4 tag alone (no padding), to write in front of untagged MP3 frames.
    ``cover`` (PNG or JPEG bytes of ``cover_type``) becomes the front-cover picture (APIC)."""
    tags = _frames(
        title=title,
        artist=artist,
        album=album,
        date=date,
        comment=comment,
        tags=ID3(),
        cover=cover,
        cover_type=cover_type,
    )
    return _save(tags, io.BytesIO())


def tag_mp3(
    data: bytes,
    *,
    title: str,
    artist: str | None = None,
    album: str | None = None,
    date: str | dt.date | dt.datetime | None = None,
    comment: str | None = None,
    cover: bytes | None = None,
    cover_type: str = "image/png",
) -> bytes:
    """``data`` with an ID3v2.4 tag in front (an existing ID3v2 tag is replaced).

    Text is UTF-8; the language frame and the comment's language are "vie".
    """
    buffer = io.BytesIO(data)
    try:
        tags = ID3(buffer)
        tags.clear()
    except ID3NoHeaderError:
        tags = ID3()
    _frames(
        title=title,
        artist=artist,
        album=album,
        date=date,
        comment=comment,
        tags=tags,
        cover=cover,
        cover_type=cover_type,
    )
    return _save(tags, buffer)
