"""ID3v2 chapters (CHAP frames and one CTOC table, ID3v2 Chapter Frame Addendum 1.0).

One chapter a paragraph lets podcast apps show and jump between an article's paragraphs. The
chapters are added to the MP3's existing ID3v2 tag (the one ``loa.audio.tags.tag_mp3``
writes), keeping its other frames; earlier chapters are replaced. Times are whole
milliseconds; byte offsets are "unknown" (0xFFFFFFFF), as the addendum allows, so the chapters
stay right whatever tag size comes before the audio.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from mutagen.id3 import CHAP, CTOC, ID3, TIT2, CTOCFlags, ID3NoHeaderError

from loa.publishing.site import clean_text

NO_OFFSET = 0xFFFFFFFF
ENCODING_UTF8 = 3
TITLE_CHARS = 80  # a chapter title is a paragraph's beginning, cut at a word


@dataclass(frozen=True)
class Chapter:
    start: float  # seconds
    end: float
    title: str


def chapter_title(paragraph: str, limit: int = TITLE_CHARS) -> str:
    """The paragraph's beginning, at most ``limit`` characters, cut at a word (with "…")."""
    text = " ".join(clean_text(paragraph).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


MAX_CHAPTERS = 255  # a CTOC frame counts its entries in one byte


def merge_chapters(ordered: Sequence[Chapter], limit: int = MAX_CHAPTERS) -> list[Chapter]:
    """At most ``limit`` chapters: runs of consecutive ones merged (each run titled by its
    first), so a very long article keeps a table of contents."""
    if len(ordered) <= limit:
        return list(ordered)
    size = -(-len(ordered) // limit)  # ceiling division
    return [
        Chapter(run[0].start, run[-1].end, run[0].title)
        for run in (ordered[i : i + size] for i in range(0, len(ordered), size))
    ]


def add_chapters(data: bytes, chapters: Sequence[Chapter], toc_title: str = "") -> bytes:
    """``data`` with one CHAP frame per chapter and a top-level ordered CTOC listing them."""
    buffer = io.BytesIO(data)
    try:
        tags = ID3(buffer)
    except ID3NoHeaderError:
        tags = ID3()
    tags.delall("CHAP")
    tags.delall("CTOC")
    ordered = merge_chapters(sorted(chapters, key=lambda c: c.start))
    ids = [f"chp{index}" for index in range(len(ordered))]
    if ordered:
        sub_frames = [TIT2(encoding=ENCODING_UTF8, text=[toc_title])] if toc_title else []
        tags.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=sub_frames,
            )
        )
    for element_id, chapter in zip(ids, ordered, strict=True):
        tags.add(
            CHAP(
                element_id=element_id,
                start_time=max(0, round(chapter.start * 1000)),
                end_time=max(0, round(chapter.end * 1000)),
                start_offset=NO_OFFSET,
                end_offset=NO_OFFSET,
                sub_frames=[TIT2(encoding=ENCODING_UTF8, text=[clean_text(chapter.title)])],
            )
        )
    buffer.seek(0)
    tags.save(buffer, v2_version=4, padding=lambda info: 0)
    return buffer.getvalue()
