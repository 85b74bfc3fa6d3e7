"""Audio test helpers: ffmpeg's EBU R128 meter, strict decoding, CRC-protected MP3 streams.

ffmpeg is the binary of the imageio-ffmpeg wheel: an independent decoder and meter.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from loa.audio import mp3


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


@dataclass(frozen=True)
class Meter:
    integrated_lufs: float
    true_peak_dbtp: float
    log: str


def ffmpeg_ebur128(data: bytes, tmp_dir: Path, name: str = "meter.mp3") -> Meter:
    """Integrated loudness and true peak of an audio file, as ffmpeg's ebur128 filter reads it.

    The decode runs with ``-xerror``: any decoding error fails the call.
    """
    path = tmp_dir / name
    path.write_bytes(data)
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-xerror", "-i", str(path)]
        + ["-af", "ebur128=peak=true:framelog=quiet", "-f", "null", "-"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    log = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, log
    summary = log[log.rindex("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert integrated and peak, summary
    return Meter(float(integrated.group(1)), float(peak.group(1)), log)


def ffmpeg_strict_decode(data: bytes, tmp_dir: Path, name: str = "strict.mp3") -> str:
    """Decode with CRC checks on and errors fatal; returns ffmpeg's log (raises on error)."""
    path = tmp_dir / name
    path.write_bytes(data)
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-err_detect", "crccheck+explode"]
        + ["-xerror", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    log = result.stderr.decode("utf-8", "replace")
    if result.returncode != 0 or re.search(r"CRC mismatch|[Ee]rror while decoding", log):
        raise AssertionError(f"ffmpeg could not decode cleanly:\n{log[-2000:]}")
    return log


def lame_without_reservoir(tmp_dir: Path, seconds: float = 3.0) -> bytes:
    """A 22,050 Hz 48 kbps mono MP3 made by ffmpeg's libmp3lame with the bit reservoir off
    (every frame's main data is inside the frame), bare frames only."""
    path = tmp_dir / "noreservoir.mp3"
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-f", "lavfi"]
        + ["-i", f"sine=frequency=330:duration={seconds}:sample_rate=22050"]
        + ["-af", "volume=0.3", "-c:a", "libmp3lame", "-reservoir", "0", "-b:a", "48k"]
        + ["-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", str(path)],
        capture_output=True,
        timeout=60,
        check=True,
    )
    return mp3.strip_to_frames(path.read_bytes())


def _crc16_reference(data: bytes) -> int:
    """CRC-16/0x8005, initial 0xFFFF, computed one bit at a time from the input bits."""
    crc = 0xFFFF
    for byte in data:
        for i in range(7, -1, -1):
            bit = (byte >> i) & 1
            top = (crc >> 15) & 1
            crc = (crc << 1) & 0xFFFF
            if top ^ bit:
                crc ^= 0x8005
    return crc


def crc_protected(frames_no_reservoir: bytes, bitrate_kbps: int = 56) -> bytes:
    """Re-wrap reservoir-free frames into larger ``bitrate_kbps`` frames that carry a CRC.

    Each frame keeps its side information and main data; the header gets the protection bit
    and a larger bitrate, the CRC follows it, and the extra bytes at the end are ancillary
    zeros. The stream decodes to the same audio, and ffmpeg checks its CRCs.
    """
    out = bytearray()
    for frame in mp3.audio_frames(frames_no_reservoir):
        h = frame.header
        body = frames_no_reservoir[frame.offset + 4 : frame.end]
        side = body[: h.side_info_size]
        header = bytearray(mp3.build_header(h.version, bitrate_kbps, h.sample_rate, h.channels))
        header[1] &= 0xFE  # protection bit 0: a CRC follows
        size = (144 if h.version == 1 else 72) * bitrate_kbps * 1000 // h.sample_rate
        crc = _crc16_reference(bytes(header[2:4]) + side)
        new = bytes(header) + crc.to_bytes(2, "big") + body
        assert len(new) <= size, "the larger bitrate must leave room for the CRC"
        out += new + bytes(size - len(new))
    return bytes(out)
