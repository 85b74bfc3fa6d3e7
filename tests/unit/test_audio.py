"""MP3 parsing, encoding, silence, assembly and tags, checked against ffmpeg as the decoder."""

from __future__ import annotations

import io
import math
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, MPEGInfo

from loa.audio import mp3
from loa.audio.assemble import assemble
from loa.audio.clip import AudioClip, AudioFormat
from loa.audio.encode import encode_clip, encode_pcm, silence
from loa.audio.tags import tag_mp3
from loa.engines.fake import FakeEngine, tone_pcm
from tests.fakes.fixtures import ffmpeg_decode, ffmpeg_header_duration
from tests.fakes.google_tts import google_mp3

FMT = AudioFormat(sample_rate=22050, channels=1, bitrate_kbps=48)
SPF = 576  # samples per frame, MPEG-2 layer III


def pcm_tone(seconds: float, rate: int = 22050, freq: float = 440.0) -> bytes:
    n = int(seconds * rate)
    return struct.pack(
        f"<{n}h", *(int(8000 * math.sin(2 * math.pi * freq * i / rate)) for i in range(n))
    )


@pytest.fixture(scope="module")
def clip() -> AudioClip:
    return encode_clip(pcm_tone(1.0), 22050, 48)


def id3v1() -> bytes:
    return b"TAG" + bytes(125)


def ape_tag() -> bytes:
    item = struct.pack("<II", 3, 0) + b"Key\0abc"
    footer = b"APETAGEX" + struct.pack("<IIII", 2000, len(item) + 32, 1, 0) + bytes(8)
    return item + footer


# --- frame parsing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "rate", "kbps", "size"),
    [(1, 44100, 128, 417), (2, 22050, 48, 156), (2, 24000, 32, 96), (25, 8000, 8, 72)],
)
def test_header_round_trip(version, rate, kbps, size):
    header = mp3.parse_header(mp3.build_header(version, kbps, rate), 0)
    assert header is not None
    assert (header.version, header.sample_rate, header.bitrate_kbps) == (version, rate, kbps)
    assert header.size == size
    assert header.channels == 1 and not header.crc


def test_invalid_headers_are_rejected():
    assert mp3.parse_header(b"\xff\xf3\xf0\xc4", 0) is None  # bitrate index 15
    assert mp3.parse_header(b"\xff\xf3\x6c\xc4", 0) is None  # sample rate index 3
    assert mp3.parse_header(b"\xff\xf5\x60\xc4", 0) is None  # layer II
    assert mp3.parse_header(b"\xff\xf3", 0) is None


def test_strip_removes_tags_and_header_frames(clip):
    info = mp3.info_frame(FMT, 3, 500)
    tagged = tag_mp3(info + clip.mp3, title="x") + ape_tag() + id3v1()
    assert mp3.strip_to_frames(tagged) == clip.mp3
    assert mp3.frames_duration(tagged) == pytest.approx(clip.duration)
    # header frames and ID3 tags between concatenated files are dropped too
    doubled = tagged + google_like(clip.mp3)
    assert mp3.strip_to_frames(doubled) == clip.mp3 + clip.mp3


def google_like(frames: bytes) -> bytes:
    count = len(mp3.audio_frames(frames))
    return tag_mp3(mp3.info_frame(FMT, count, len(frames)) + frames, title="part")


def test_truncated_last_frame_and_garbage_are_skipped(clip):
    frames = mp3.audio_frames(clip.mp3)
    cut = clip.mp3[: frames[-1].offset + 10]
    assert len(mp3.audio_frames(cut)) == len(frames) - 1
    garbage = clip.mp3[: frames[3].offset] + b"\x00garbage\xff\x00" + clip.mp3[frames[3].offset :]
    assert mp3.strip_to_frames(garbage) == clip.mp3


def test_describe_and_duration(clip):
    assert mp3.describe(clip.mp3) == FMT
    assert mp3.frames_duration(clip.mp3) == len(mp3.audio_frames(clip.mp3)) * SPF / 22050
    with pytest.raises(ValueError):
        mp3.describe(b"not an mp3")
    assert mp3.frames_duration(b"") == 0.0


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["frames", "id3", "info", "garbage", "ape"]), max_size=6))
def test_strip_is_idempotent_and_total(parts):
    """Any mix of frames, tags, header frames and junk parses; stripping twice changes nothing."""
    base = encode_clip(pcm_tone(0.2), 22050, 48).mp3
    pieces = {
        "frames": base,
        "id3": tag_mp3(b"", title="t"),
        "info": mp3.info_frame(FMT, 10, 1000),
        "garbage": b"\xff\xfb\x00junk\xff",
        "ape": ape_tag(),
    }
    data = b"".join(pieces[p] for p in parts)
    stripped = mp3.strip_to_frames(data)
    assert mp3.strip_to_frames(stripped) == stripped
    assert len(stripped) <= len(data)
    assert b"Info" not in stripped


# --- encoding and silence -------------------------------------------------------------------


def test_encode_pcm_is_bare_cbr_frames(clip, tmp_path):
    frames = mp3.iter_frames(clip.mp3)
    assert not any(f.is_header_frame for f in frames)
    assert clip.mp3[:3] != b"ID3"
    assert clip.format == FMT
    assert clip.duration == pytest.approx(1.0, abs=0.1)  # 1 s + encoder delay/padding
    pcm, _ = ffmpeg_decode(clip.mp3, tmp_path)
    assert len(pcm) // 2 == round(clip.duration * 22050)


def test_encode_pcm_keeps_rate_and_rejects_bad_bitrate():
    data = encode_pcm(pcm_tone(0.3, 24000), 24000, 32)
    assert mp3.describe(data) == AudioFormat(24000, 1, 32)
    with pytest.raises(ValueError):
        encode_pcm(pcm_tone(0.1), 22050, 47)


def test_silence_is_exact_zero_frames_and_cached(tmp_path):
    one = silence(0.6, FMT)
    assert one.format == FMT
    assert abs(one.duration - 0.6) <= SPF / 22050 / 2
    assert silence(0.6, FMT).mp3 is one.mp3  # cached
    assert mp3.describe(one.mp3) == FMT  # CBR, same bitrate
    pcm, _ = ffmpeg_decode(one.mp3, tmp_path)
    assert len(pcm) // 2 == round(one.duration * 22050)
    assert not any(pcm)
    assert silence(0.0, FMT).mp3 == b""
    # VBR or other rates: lowest bitrate, still exact
    other = silence(1.0, AudioFormat(24000, 1, None))
    assert mp3.describe(other.mp3).sample_rate == 24000


# --- assembly ---------------------------------------------------------------------------------


def test_assemble_duration_matches_ffmpeg(tmp_path):
    engine = FakeEngine()
    clips = [engine.synthesize(t, "vi") for t in ("Xin chào.", "Hôm nay trời đẹp.", "Tạm biệt")]
    pauses = [0.25, 0.6, 0.0]
    result = assemble(clips, pauses)

    expected = sum(c.duration for c in clips) + sum(pauses)
    assert result.duration == pytest.approx(expected, abs=len(pauses) * SPF / 22050 / 2)
    pcm, log = ffmpeg_decode(result.mp3, tmp_path)
    decoded = len(pcm) / 2 / 22050
    assert decoded == pytest.approx(result.duration, abs=1e-6)
    assert decoded == pytest.approx(expected, rel=0.01)
    assert ffmpeg_header_duration(log) == pytest.approx(result.duration, abs=0.02)

    starts = [start for start, _ in result.offsets]
    assert starts[0] == 0.0
    assert starts[1] == pytest.approx(clips[0].duration + 0.25, abs=0.02)
    assert [d for _, d in result.offsets] == pytest.approx([c.duration for c in clips])


def test_assembled_file_has_one_header_frame_at_the_start(clip, tmp_path):
    google = encode_clip(pcm_tone(0.5), 22050, 48)
    dirty = AudioClip(google_like(google.mp3), google.duration, FMT)  # ID3 + Info inside
    result = assemble([clip, dirty, clip], [0.3, 0.3, 0.0])
    frames = list(mp3.iter_frames(result.mp3))
    assert frames[0].is_header_frame
    assert not any(f.is_header_frame for f in frames[1:])
    assert b"ID3" not in result.mp3
    audio = len(frames) - 1
    info = result.mp3[frames[0].offset + 13 : frames[0].offset + 25]
    assert info[:4] == b"Info"
    assert struct.unpack(">I", info[8:12])[0] == audio  # frame count of the whole file
    pcm, log = ffmpeg_decode(result.mp3, tmp_path)
    assert len(pcm) // 2 == audio * SPF
    assert ffmpeg_header_duration(log) == pytest.approx(result.duration, abs=0.02)


def test_assemble_rejects_mixed_formats_and_bad_pauses(clip):
    other = encode_clip(pcm_tone(0.3, 24000), 24000, 32)
    with pytest.raises(ValueError, match="one engine"):
        assemble([clip, other], [0, 0])
    with pytest.raises(ValueError):
        assemble([clip], [0, 0])
    with pytest.raises(ValueError):
        assemble([], [])


def test_assemble_joins_bitrate_variants_as_vbr(clip, tmp_path):
    low = encode_clip(pcm_tone(0.5), 22050, 32)
    result = assemble([clip, low], [0.2, 0.0])
    assert result.format == AudioFormat(22050, 1, None)
    assert result.mp3[13:17] == b"Xing"
    pcm, _ = ffmpeg_decode(result.mp3, tmp_path)
    assert len(pcm) / 2 / 22050 == pytest.approx(result.duration, abs=1e-6)


# --- tags -----------------------------------------------------------------------------------------


def test_tags_readable_by_mutagen_and_audio_untouched(clip, tmp_path):
    joined = assemble([clip, clip], [0.5, 0.0])
    tagged = tag_mp3(
        joined.mp3,
        title="Hội thảo khoa học",
        artist="Sở KHCN Lạng Sơn",
        album="Loa",
        date="2022-05-16",
        comment="Đọc bởi Loa",
    )
    tags = ID3(io.BytesIO(tagged))
    assert tags["TIT2"].text == ["Hội thảo khoa học"]
    assert tags["TPE1"].text == ["Sở KHCN Lạng Sơn"]
    assert str(tags["TDRC"].text[0]) == "2022-05-16"
    assert tags["TLAN"].text == ["vie"]
    comment = tags.getall("COMM")[0]
    assert (comment.lang, comment.text) == ("vie", ["Đọc bởi Loa"])
    assert mp3.strip_to_frames(tagged) == mp3.strip_to_frames(joined.mp3)
    # mutagen declares FileType.info as ``info = None``: widen it to what MP3 sets
    info: MPEGInfo | None = MP3(io.BytesIO(tagged)).info
    assert info is not None and info.length == pytest.approx(joined.duration, abs=0.03)
    pcm, log = ffmpeg_decode(tagged, tmp_path)
    assert len(pcm) / 2 / 22050 == pytest.approx(joined.duration, abs=1e-6)
    retagged = ID3(io.BytesIO(tag_mp3(tagged, title="Khác")))
    assert retagged["TIT2"].text == ["Khác"] and "TPE1" not in retagged


def test_google_shaped_mp3_is_cleaned():
    data = google_mp3("Xin chào")
    assert data[:3] == b"ID3"
    frames = mp3.strip_to_frames(data)
    assert mp3.describe(frames) == AudioFormat(24000, 1, 32)
    assert mp3.frames_duration(frames) == pytest.approx(8 * 0.06, abs=0.15)
    assert len(tone_pcm("ab", "vi", 1000, 10)) == 2 * 10 * 2
