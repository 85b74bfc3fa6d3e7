"""HLS media playlists (RFC 8216) for one article and for a site, over MP3 packed audio.

An article's playlist lists its segments (each synthesized clip with the pause after it: whole
frames, each clip starting with an empty bit reservoir, so every HLS segment decodes on its
own). While the article is being made it is an EVENT playlist (segments are only ever
appended) without EXT-X-ENDLIST; once complete it gets EXT-X-ENDLIST; a finished article's
playlist is VOD. A site's playlist chains its latest articles' segments, with
EXT-X-DISCONTINUITY between articles (each has its own encoding and timeline).

RFC 8216 (3.4) wants every packed-audio segment to start with an ID3 PRIV frame
``com.apple.streaming.transportStreamTimestamp`` holding the 90 kHz timestamp of its first
sample; ``packed_audio_segment`` prepends it, so segment bodies are served with it.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from loa.audio import mp3
from loa.publishing.site import clean_text

CONTENT_TYPE = "application/vnd.apple.mpegurl"
PRIV_OWNER = b"com.apple.streaming.transportStreamTimestamp"
Kind = Literal["event", "vod"]


@dataclass(frozen=True)
class HlsSegment:
    uri: str
    duration: float  # seconds
    title: str = ""
    discontinuity: bool = False  # a new timeline starts here (next article)


def _syncsafe(size: int) -> bytes:
    return bytes(((size >> shift) & 0x7F) for shift in (21, 14, 7, 0))


def timestamp_tag(start_seconds: float) -> bytes:
    """An ID3v2.4 tag with the PRIV transport-stream timestamp (33 bits, 90 kHz)."""
    ticks = round(start_seconds * 90_000) & ((1 << 33) - 1)
    payload = PRIV_OWNER + b"\x00" + struct.pack(">Q", ticks)
    frame = b"PRIV" + _syncsafe(len(payload)) + b"\x00\x00" + payload
    return b"ID3\x04\x00\x00" + _syncsafe(len(frame)) + frame


def packed_audio_segment(frames: bytes, start_seconds: float) -> bytes:
    """An HLS packed-audio segment: the timestamp tag, then MP3 frames."""
    return timestamp_tag(start_seconds) + frames


@dataclass(frozen=True)
class AudioPiece:
    """A run of whole frames cut from an article's MP3."""

    start: float  # seconds from the article's start
    duration: float
    frames: bytes


def _main_data_begin(data: bytes, frame: mp3.Frame) -> int:
    side = frame.offset + 4 + (2 if frame.header.crc else 0)
    if frame.header.version == 1:
        return (data[side] << 1) | (data[side + 1] >> 7)  # 9 bits
    return data[side]  # 8 bits


def cut(data: bytes, starts: Sequence[float]) -> list[AudioPiece]:
    """Cut an article's MP3 at the frames nearest ``starts`` (seconds; the first is 0).

    Cut where clips begin (``AssembledAudio.offsets``): there the bit reservoir is empty, so
    each piece decodes on its own. A cut where a frame borrows bits from the previous one
    raises ValueError.
    """
    frames = mp3.audio_frames(data)
    if not frames:
        raise ValueError("no MP3 audio frames")
    seconds = frames[0].header.samples / frames[0].header.sample_rate
    indexes = sorted({0, *(min(len(frames), max(0, round(s / seconds))) for s in starts)})
    indexes = [i for i in indexes if i < len(frames)] + [len(frames)]
    pieces: list[AudioPiece] = []
    for first, end in zip(indexes, indexes[1:], strict=False):
        if _main_data_begin(data, frames[first]):
            raise ValueError(f"frame {first} uses the bit reservoir: not a place to cut")
        body = b"".join(data[f.offset : f.end] for f in frames[first:end])
        pieces.append(AudioPiece(first * seconds, (end - first) * seconds, body))
    return pieces


def _title(text: str) -> str:
    return clean_text(text).replace("\n", " ").replace("\r", " ")


def media_playlist(
    segments: Sequence[HlsSegment], *, kind: Kind = "vod", complete: bool = True
) -> str:
    """The m3u8 text. ``kind`` "event" with ``complete`` False: still growing (no ENDLIST).

    EXT-X-TARGETDURATION is the longest segment rounded up (RFC 8216 4.3.3.1 compares it with
    each EXTINF rounded to the nearest integer, so rounding up always satisfies it).
    """
    if kind == "vod" and not complete:
        raise ValueError("a VOD playlist is complete by definition")
    target = max([1, *(math.ceil(s.duration) for s in segments)])
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{target}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        f"#EXT-X-PLAYLIST-TYPE:{kind.upper()}",
        "#EXT-X-INDEPENDENT-SEGMENTS",
    ]
    for index, segment in enumerate(segments):
        if segment.discontinuity and index > 0:
            lines.append("#EXT-X-DISCONTINUITY")
        lines.append(f"#EXTINF:{segment.duration:.3f},{_title(segment.title)}")
        lines.append(segment.uri)
    if complete:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def article_playlist(segments: Sequence[HlsSegment], *, complete: bool) -> str:
    """One article: EVENT while it is being made, EVENT + ENDLIST once it is complete."""
    return media_playlist(segments, kind="event", complete=complete)


def site_playlist(articles: Sequence[Sequence[HlsSegment]]) -> str:
    """A site's latest articles (newest first), one after another, as one VOD playlist."""
    chained: list[HlsSegment] = []
    for article in articles:
        for index, segment in enumerate(article):
            chained.append(
                HlsSegment(segment.uri, segment.duration, segment.title, discontinuity=index == 0)
            )
    return media_playlist(chained, kind="vod", complete=True)
