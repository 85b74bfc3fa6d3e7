"""MP3 (MPEG-1/2/2.5 Layer III) frame parsing, without decoding.

Loa joins MP3 clips by bytes, so it must know exactly which bytes are audio frames:

* tags are not audio: an ID3v2 tag (at the start, or between concatenated files), and ID3v1 /
  APEv2 tags at the end are skipped;
* a Xing/Info (LAME) or VBRI header frame is not audio either, and it is harmful when it
  survives into a joined file: it states the frame count of *one* segment, so players show a
  753 s article as 15 s. Every such frame is detected and dropped;
* a truncated last frame (an interrupted download) is dropped.

Durations are counted in frames: ``frames * samples_per_frame / sample_rate`` is exactly what a
decoder produces from the bytes (encoder delay and padding included, since byte-joined clips
carry no gapless information).
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from loa.audio.clip import AudioFormat

log = logging.getLogger(__name__)

# Layer III bitrates in kbps, by bitrate index (0 = free format, unsupported; 15 = invalid).
_BITRATES_V1 = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_BITRATES_V2 = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_SAMPLE_RATES = {1: (44100, 48000, 32000), 2: (22050, 24000, 16000), 25: (11025, 12000, 8000)}
# version bits of the header -> version tag used above (0b01 is reserved)
_VERSION_BITS = {0b11: 1, 0b10: 2, 0b00: 25}
_XING_TAGS = (b"Xing", b"Info")


@dataclass(frozen=True)
class FrameHeader:
    """The fields of a Layer III frame header that matter for joining and timing."""

    version: int  # 1, 2 or 25 (MPEG-2.5)
    bitrate_kbps: int
    sample_rate: int
    padding: bool
    crc: bool  # a 16-bit CRC follows the header
    channels: int

    @property
    def size(self) -> int:
        """Frame length in bytes, header included."""
        coefficient = 144 if self.version == 1 else 72
        return coefficient * self.bitrate_kbps * 1000 // self.sample_rate + int(self.padding)

    @property
    def samples(self) -> int:
        """PCM samples (per channel) the frame decodes to."""
        return 1152 if self.version == 1 else 576

    @property
    def side_info_size(self) -> int:
        if self.version == 1:
            return 17 if self.channels == 1 else 32
        return 9 if self.channels == 1 else 17

    def same_stream(self, other: FrameHeader) -> bool:
        """True when ``other`` could belong to the same stream (bitrate may vary)."""
        return (self.version, self.sample_rate, self.channels) == (
            other.version,
            other.sample_rate,
            other.channels,
        )


@dataclass(frozen=True)
class Frame:
    """One frame found in a byte string."""

    offset: int
    header: FrameHeader
    is_header_frame: bool  # a Xing/Info/VBRI frame: metadata, not audio

    @property
    def end(self) -> int:
        return self.offset + self.header.size


def parse_header(data: bytes, pos: int) -> FrameHeader | None:
    """Parse the 4-byte Layer III header at ``pos``; None when it is not a valid one."""
    if pos + 4 > len(data):
        return None
    b0, b1, b2, b3 = data[pos], data[pos + 1], data[pos + 2], data[pos + 3]
    if b0 != 0xFF or (b1 & 0xE0) != 0xE0:
        return None
    version = _VERSION_BITS.get((b1 >> 3) & 0b11)
    layer_bits = (b1 >> 1) & 0b11
    bitrate_index = b2 >> 4
    rate_index = (b2 >> 2) & 0b11
    if version is None or layer_bits != 0b01 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    table = _BITRATES_V1 if version == 1 else _BITRATES_V2
    return FrameHeader(
        version=version,
        bitrate_kbps=table[bitrate_index],
        sample_rate=_SAMPLE_RATES[version][rate_index],
        padding=bool(b2 & 0b10),
        crc=not (b1 & 0b1),
        channels=1 if (b3 >> 6) == 0b11 else 2,
    )


def build_header(
    version: int,
    bitrate_kbps: int,
    sample_rate: int,
    channels: int = 1,
    padding: bool = False,
) -> bytes:
    """The 4 header bytes of a Layer III frame (no CRC, not private, not copyrighted, original)."""
    version_bits = {v: k for k, v in _VERSION_BITS.items()}[version]
    table = _BITRATES_V1 if version == 1 else _BITRATES_V2
    if bitrate_kbps not in table[1:]:
        raise ValueError(f"{bitrate_kbps} kbps is not a Layer III bitrate for MPEG-{version}")
    rate_index = _SAMPLE_RATES[version].index(sample_rate)
    b1 = 0xE0 | (version_bits << 3) | (0b01 << 1) | 0b1
    b2 = (table.index(bitrate_kbps) << 4) | (rate_index << 2) | (int(padding) << 1)
    mode = 0b11 if channels == 1 else 0b00
    b3 = (mode << 6) | 0b0100  # original
    return bytes((0xFF, b1, b2, b3))


def version_for_rate(sample_rate: int) -> int:
    """The MPEG version (1, 2 or 25) that carries ``sample_rate``."""
    for version, rates in _SAMPLE_RATES.items():
        if sample_rate in rates:
            return version
    raise ValueError(f"{sample_rate} Hz is not an MP3 sample rate")


def samples_per_frame(sample_rate: int) -> int:
    """PCM samples in one Layer III frame at ``sample_rate``."""
    return 1152 if version_for_rate(sample_rate) == 1 else 576


def bitrates_for(version: int) -> tuple[int, ...]:
    """Valid Layer III bitrates (kbps) for an MPEG version, ascending."""
    return (_BITRATES_V1 if version == 1 else _BITRATES_V2)[1:]


def _id3v2_size(data: bytes, pos: int) -> int:
    """Length of the ID3v2 tag at ``pos`` (0 when there is none)."""
    if data[pos : pos + 3] != b"ID3" or pos + 10 > len(data):
        return 0
    size_bytes = data[pos + 6 : pos + 10]
    if any(b & 0x80 for b in size_bytes):
        return 0
    size = 0
    for b in size_bytes:
        size = (size << 7) | b
    footer = 10 if data[pos + 5] & 0x10 else 0
    return 10 + size + footer


def _audio_end(data: bytes) -> int:
    """Where audio ends once trailing ID3v1, APEv2 and Lyrics3 tags are cut off."""
    end = len(data)
    while True:
        if end >= 128 and data[end - 128 : end - 125] == b"TAG":
            end -= 128
        elif end >= 32 and data[end - 32 : end - 24] == b"APETAGEX":
            size, flags = struct.unpack_from("<II", data, end - 20)
            has_header = bool(flags & 0x80000000)
            end = max(0, end - size - (32 if has_header else 0))
        elif end >= 9 and data[end - 9 : end] in (b"LYRICS200", b"LYRICSEND"):
            start = data.rfind(b"LYRICSBEGIN", 0, end)
            if start < 0:
                return end
            end = start
        else:
            return end


def _is_header_frame(data: bytes, pos: int, header: FrameHeader, first: bool) -> bool:
    """True for a Xing/Info/LAME or VBRI metadata frame.

    A real audio frame could hold the tag bytes by chance; outside the first frame the side
    information must also be all zeros (as every encoder writes it), which makes a false hit
    practically impossible.
    """
    side_start = pos + 4 + (2 if header.crc else 0)
    xing_at = side_start + header.side_info_size
    if data[xing_at : xing_at + 4] in _XING_TAGS or data[pos + 36 : pos + 40] == b"VBRI":
        return first or not any(data[side_start:xing_at])
    return False


def _resync(data: bytes, pos: int, end: int, ref: FrameHeader | None) -> int:
    """The next offset >= pos where a plausible frame starts (two frames in a row agree)."""
    while True:
        pos = data.find(b"\xff", pos, end)
        if pos < 0:
            return end
        header = parse_header(data, pos)
        if header is not None and (ref is None or header.same_stream(ref)):
            nxt = pos + header.size
            if nxt == end:
                return pos
            following = parse_header(data, nxt)
            if following is not None and following.same_stream(header):
                return pos
        pos += 1


def iter_frames(data: bytes) -> Iterator[Frame]:
    """Every complete Layer III frame in ``data``, tags and garbage skipped, in order.

    Header frames (Xing/Info/VBRI) are yielded too, flagged with ``is_header_frame``.
    """
    end = _audio_end(data)
    pos = 0
    ref: FrameHeader | None = None
    first = True
    while pos < end:
        tag = _id3v2_size(data, pos)
        if tag:
            pos += tag
            continue
        header = parse_header(data, pos)
        if header is None or (ref is not None and not header.same_stream(ref)):
            nxt = _resync(data, pos + 1, end, ref)
            if nxt < end and data[pos : pos + 3] != b"ID3":
                log.warning("skipped %d bytes of non-MP3 data at offset %d", nxt - pos, pos)
            pos = nxt
            continue
        if pos + header.size > end:
            log.info("dropped a truncated last frame at offset %d", pos)
            return
        ref = ref or header
        yield Frame(pos, header, _is_header_frame(data, pos, header, first))
        first = False
        pos += header.size


def audio_frames(data: bytes) -> list[Frame]:
    """The audio frames of ``data`` (header frames left out)."""
    return [f for f in iter_frames(data) if not f.is_header_frame]


def strip_to_frames(data: bytes) -> bytes:
    """Only the audio frames of ``data``: no ID3/APE tags, no Xing/Info/VBRI frame."""
    return b"".join(data[f.offset : f.end] for f in audio_frames(data))


def frames_duration(data: bytes) -> float:
    """Seconds of audio the frames of ``data`` decode to."""
    frames = audio_frames(data)
    if not frames:
        return 0.0
    header = frames[0].header
    return len(frames) * header.samples / header.sample_rate


def describe(data: bytes) -> AudioFormat:
    """The format of ``data``; ``bitrate_kbps`` is None unless every audio frame shares it.

    Raises ValueError when ``data`` holds no audio frame.
    """
    frames = audio_frames(data)
    if not frames:
        raise ValueError("no MP3 audio frames found")
    first = frames[0].header
    bitrates = {f.header.bitrate_kbps for f in frames}
    return AudioFormat(
        sample_rate=first.sample_rate,
        channels=first.channels,
        bitrate_kbps=first.bitrate_kbps if len(bitrates) == 1 else None,
    )


def info_frame(fmt: AudioFormat, frame_count: int, audio_bytes: int) -> bytes:
    """A Xing/Info header frame for a stream of ``frame_count`` audio frames.

    ``audio_bytes`` is the size of those frames; the stored byte count includes this frame, as
    LAME writes it. CBR streams get the "Info" tag, others "Xing". The table of contents is
    linear (exact for CBR, a fair approximation otherwise). No LAME extension is written: the
    stream holds byte-joined clips, so there is no single encoder delay to trim, and decoders
    must play every frame.
    """
    version = version_for_rate(fmt.sample_rate)
    tag = b"Info" if fmt.bitrate_kbps else b"Xing"
    side_info = 17 if version == 1 else 9
    if fmt.channels != 1:
        side_info = 32 if version == 1 else 17
    payload_size = 4 + 4 + 4 + 4 + 100 + 4  # tag, flags, frames, bytes, TOC, quality
    needed = 4 + side_info + payload_size
    candidates = bitrates_for(version)
    if fmt.bitrate_kbps in candidates:  # same bitrate as the stream, when it fits
        candidates = (fmt.bitrate_kbps,) + tuple(b for b in candidates if b > fmt.bitrate_kbps)
    coefficient = 144 if version == 1 else 72
    for kbps in candidates:
        size = coefficient * kbps * 1000 // fmt.sample_rate
        if size >= needed:
            break
    else:  # pragma: no cover - the largest bitrate always fits
        raise ValueError("no bitrate fits a Xing frame")
    header = build_header(version, kbps, fmt.sample_rate, fmt.channels)
    toc = bytes(min(255, i * 256 // 100) for i in range(100))
    flags = 0x0F  # frames, bytes, TOC and quality fields present
    body = tag + struct.pack(">III", flags, frame_count, audio_bytes + size) + toc + bytes(4)
    frame = header + bytes(side_info) + body
    return frame + bytes(size - len(frame))
