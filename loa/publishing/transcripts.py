"""WebVTT transcripts from segment timings, with the reader's text (not the spoken form).

One cue a segment: ``HH:MM:SS.mmm --> HH:MM:SS.mmm`` then the text on one line. Cues are in
order, never overlap, and lie inside the audio's duration; empty segments and cues that would
last under a millisecond are left out. Cue text escapes ``&``, ``<`` and ``>`` as WebVTT
requires, is NFC, and has no line breaks (a blank line would end the cue) and no ``-->``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from loa.publishing.site import clean_text

CONTENT_TYPE = "text/vtt; charset=utf-8"
_BREAKS = re.compile(r"\s+")


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    text: str


def timestamp(seconds: float) -> str:
    """``HH:MM:SS.mmm`` (hours always written)."""
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def cue_text(text: str) -> str:
    one_line = _BREAKS.sub(" ", clean_text(text)).strip()
    escaped = one_line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped  # "-->" cannot survive: its ">" is escaped


def cues(segments: Sequence[tuple[float, float, str]], duration: float) -> list[Cue]:
    """Cues from (start, duration, text) per segment, clamped into [0, duration], in order.

    Times are whole milliseconds (what WebVTT writes), so a written end never passes the
    audio's end.
    """
    out: list[Cue] = []
    floor_ms = 0
    limit_ms = math.floor(duration * 1000 + 1e-6)
    for start, length, text in sorted(segments, key=lambda s: s[0]):
        body = cue_text(text)
        begin_ms = max(round(start * 1000), floor_ms)
        end_ms = min(round((start + length) * 1000), limit_ms)
        if not body or end_ms - begin_ms < 1:
            continue
        out.append(Cue(begin_ms / 1000, end_ms / 1000, body))
        floor_ms = end_ms
    return out


def webvtt(segments: Sequence[tuple[float, float, str]], duration: float) -> str:
    """The WebVTT document for an article's segments ((start, duration, text) each)."""
    blocks = ["WEBVTT\n\n"]
    for number, cue in enumerate(cues(segments, duration), start=1):
        blocks.append(f"{number}\n{timestamp(cue.start)} --> {timestamp(cue.end)}\n{cue.text}\n\n")
    return "".join(blocks)
