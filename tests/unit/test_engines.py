"""Engines: espeak really speaks, gTTS against a local fake of Google, the registry's choice."""

from __future__ import annotations

import array
import concurrent.futures
import importlib.metadata
import math
import time

import pytest
from packaging.version import Version

from loa.audio import mp3
from loa.audio.clip import AudioFormat
from loa.config import Settings
from loa.engines import registry
from loa.engines.base import Engine
from loa.engines.edge import EdgeEngine
from loa.engines.espeak import EspeakEngine, espeak_library
from loa.engines.fake import FakeEngine
from loa.engines.gtts import GttsEngine
from loa.engines.registry import choose, clear_engine_cache, engine_names, get_engine
from loa.errors import EngineRejected, EngineUnavailable, ServiceRefused
from tests.fakes.edge_tts import FakeEdgeTTS
from tests.fakes.fixtures import closed_port_url, ffmpeg_decode, running_google_tts
from tests.fakes.google_tts import FakeGoogleTTS

SENTENCE = "Sở Khoa học và Công nghệ tổ chức hội thảo về đổi mới sáng tạo."
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch):
    """gTTS sends through the environment's proxies (ignoring NO_PROXY): keep 127.0.0.1 direct."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def google():
    with FakeGoogleTTS() as server:
        yield server


def rms(pcm: bytes) -> float:
    samples = array.array("h", pcm)
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples)))


def test_installed_versions():
    """gTTS < 2.5 has no timeout (requests would hang); celery 5.7 conflicts with gTTS on click."""
    assert Version(importlib.metadata.version("gTTS")) >= Version("2.5.4")
    assert Version(importlib.metadata.version("celery")) < Version("5.7")


@pytest.mark.parametrize("engine", [EspeakEngine(), GttsEngine(), FakeEngine()])
def test_engines_follow_the_protocol(engine):
    assert isinstance(engine, Engine)
    assert engine.default_voice in engine.voices
    assert set(engine.region_of_voice) == set(engine.voices)
    assert set(engine.region_of_voice.values()) <= {"north", "south"}


# --- espeak -----------------------------------------------------------------------------------


def test_espeak_speaks_vietnamese(tmp_path):
    engine = EspeakEngine()
    pcm = espeak_library().synth_pcm(SENTENCE, "vi")
    assert rms(pcm) > 1000  # speech, not silence
    clip = engine.synthesize(SENTENCE, "vi")
    assert clip.format == AudioFormat(22050, 1, 48)
    assert not any(f.is_header_frame for f in mp3.iter_frames(clip.mp3))
    assert clip.duration == pytest.approx(len(pcm) / 2 / 22050, abs=0.12)  # + LAME delay/pad
    decoded, _ = ffmpeg_decode(clip.mp3, tmp_path)
    assert len(decoded) / 2 / 22050 == pytest.approx(clip.duration, abs=1e-6)
    assert rms(decoded) > 1000
    # ~165 words a minute: 15 syllables in 4-7 s
    assert 3.0 < clip.duration < 7.0


def test_espeak_duration_grows_with_text():
    engine = EspeakEngine()
    short = engine.synthesize(SENTENCE, "vi").duration
    long = engine.synthesize(f"{SENTENCE} {SENTENCE} {SENTENCE}", "vi").duration
    assert 2.4 < long / short < 3.6


@pytest.mark.parametrize("voice", ["vi", "vi-vn-x-central", "vi-vn-x-south"])
def test_espeak_voices(voice):
    engine = EspeakEngine()
    clip = engine.synthesize("Xin chào các bạn.", voice)
    assert clip.duration > 0.5
    assert engine.region_of_voice[voice] == ("south" if voice.endswith("south") else "north")


def test_espeak_voices_differ():
    north = espeak_library().synth_pcm("Xin chào các bạn.", "vi")
    south = espeak_library().synth_pcm("Xin chào các bạn.", "vi-vn-x-south")
    assert north != south


def test_espeak_rejects_unknown_voice_and_empty_text():
    engine = EspeakEngine()
    with pytest.raises(EngineRejected):
        engine.synthesize("Xin chào", "en")
    with pytest.raises(EngineRejected):
        engine.synthesize("   ", "vi")
    with pytest.raises(EngineRejected):
        espeak_library().synth_pcm("Xin chào", "no-such-voice")
    with pytest.raises(ValueError):
        EspeakEngine(rate_wpm=10)


def test_espeak_is_safe_from_threads():
    """Concurrent calls never mix audio (espeak is not bit-reproducible, so compare lengths)."""
    engine = EspeakEngine()
    texts = ["Một.", SENTENCE, "Hai ba.", f"{SENTENCE} {SENTENCE}"] * 2
    expected = [engine.synthesize(t, "vi").duration for t in texts]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda t: engine.synthesize(t, "vi").duration, texts))
    assert got == pytest.approx(expected, abs=0.06)


def test_espeak_rate_setting_changes_speed():
    slow = EspeakEngine(rate_wpm=120).synthesize(SENTENCE, "vi").duration
    fast = EspeakEngine(rate_wpm=240).synthesize(SENTENCE, "vi").duration
    assert slow > fast * 1.5


def test_espeak_other_sample_rate():
    clip = EspeakEngine(sample_rate=24000, bitrate_kbps=32).synthesize("Xin chào", "vi")
    assert clip.format == AudioFormat(24000, 1, 32)
    assert mp3.describe(clip.mp3) == clip.format


# --- fake --------------------------------------------------------------------------------------


def test_fake_engine_is_deterministic_and_proportional():
    engine = FakeEngine()
    one = engine.synthesize("a" * 20, "vi")
    assert one == engine.synthesize("a" * 20, "vi")
    assert one.duration == pytest.approx(20 * 0.06, abs=0.12)
    assert engine.synthesize("a" * 40, "vi").duration == pytest.approx(40 * 0.06, abs=0.12)
    assert engine.synthesize("a" * 20, "vi-vn-x-south").mp3 != one.mp3
    assert list(engine.calls)[0] == ("a" * 20, "vi")
    with pytest.raises(EngineRejected):
        engine.synthesize("a", "xx")


# --- gTTS against the fake Google ----------------------------------------------------------------


def test_gtts_returns_clean_audio(google):
    engine = GttsEngine(base_url=google.url, timeout=2)
    text = 'TP. Hồ Chí Minh, ngày 16/5: Dr. Smith nói "xin chào".'
    clip = engine.synthesize(text, "vi")
    assert google.requests == [(text, "vi")]  # gTTS's pre-processors left the text alone
    assert clip.format == AudioFormat(24000, 1, 32)
    assert clip.mp3[:3] != b"ID3"
    assert not any(f.is_header_frame for f in mp3.iter_frames(clip.mp3))
    assert clip.duration == pytest.approx(len(text) * 0.06, abs=0.15)
    assert clip.duration == mp3.frames_duration(clip.mp3)


def test_gtts_rejects_long_text_unknown_voice(google):
    engine = GttsEngine(base_url=google.url, timeout=2)
    with pytest.raises(EngineRejected):
        engine.synthesize("a " * 60, "vi")
    with pytest.raises(EngineRejected):
        engine.synthesize("Xin chào", "vi-vn-x-south")
    assert google.requests == []


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("500", EngineUnavailable),
        ("503", EngineUnavailable),
        ("429", EngineUnavailable),
        ("drop", EngineUnavailable),
        ("400", EngineRejected),
        ("403", ServiceRefused),
        ("no-audio", EngineRejected),
    ],
)
def test_gtts_failures_map(google, mode, error):
    google.mode = mode
    with pytest.raises(error):
        GttsEngine(base_url=google.url, timeout=2).synthesize("Xin chào", "vi")


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("503", EngineUnavailable),
        ("429", EngineUnavailable),
        ("drop", EngineUnavailable),
        ("400", EngineRejected),
        ("403", ServiceRefused),
        ("no-audio", EngineRejected),  # as gtts: an answer without audio refuses the text
    ],
)
def test_edge_failures_map_as_gtts_failures_do(mode, error):
    with FakeEdgeTTS(mode=mode) as edge:
        with pytest.raises(error):
            EdgeEngine(edge.url, timeout=2).synthesize("Xin chào", "vi-VN-HoaiMyNeural")


def test_edge_403_is_retried_once_with_a_new_token_then_refused():
    with FakeEdgeTTS() as edge:
        edge.forbid_next = 1  # a token the service does not accept, then a good one
        clip = EdgeEngine(edge.url, timeout=2).synthesize("Xin chào", "vi-VN-HoaiMyNeural")
        assert clip.duration > 0 and len(edge.arrivals) == 2 and edge.refused == 1
        edge.reset_counts()
        edge.mode = "403"
        with pytest.raises(ServiceRefused, match="403"):
            EdgeEngine(edge.url, timeout=2).synthesize("Xin chào", "vi-VN-HoaiMyNeural")
        assert len(edge.arrivals) == 2  # once more with a new token, then a refusal


def test_gtts_hung_server_times_out_quickly(google):
    google.mode = "hang"
    engine = GttsEngine(base_url=google.url, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match="(?i)timed out"):
        engine.synthesize("Xin chào", "vi")
    assert time.monotonic() - started < 2.0
    assert engine.available() is False  # the failure counts as a verdict; no new probe
    assert len(google.requests) == 1


def test_gtts_probe_is_cached(google):
    engine = GttsEngine(base_url=google.url, probe_timeout=1)
    assert engine.available() and engine.available()
    assert len(google.requests) == 1
    google.mode = "500"
    assert engine.available()  # still the cached verdict
    engine.probe_ttl = 0
    assert engine.available() is False
    assert engine.last_error is not None and "500" in engine.last_error


def test_gtts_probe_fails_fast_on_closed_port():
    engine = GttsEngine(base_url=closed_port_url(), probe_timeout=1)
    started = time.monotonic()
    assert engine.available() is False
    assert time.monotonic() - started < 1.0
    assert engine.last_error is not None and "refused" in engine.last_error.lower()


# --- registry -----------------------------------------------------------------------------------


def settings_for(url: str, tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, gtts_url=url, gtts_timeout=1, gtts_probe_timeout=0.5)


def test_registry_builds_and_caches(tmp_path):
    clear_engine_cache()
    settings = settings_for(closed_port_url(), tmp_path)
    assert set(engine_names()) == {"espeak", "gtts", "edge", "fake"}
    for name in engine_names():
        engine = get_engine(name, settings)
        assert engine.name == name
        assert get_engine(name, settings) is engine
    google = get_engine("gtts", settings)
    assert isinstance(google, GttsEngine) and google.base_url == settings.gtts_url
    with pytest.raises(ValueError):
        get_engine("festival", settings)
    chosen = choose(settings, choice="fake")
    assert (chosen.engine.name, chosen.note) == ("fake", None)


def test_auto_prefers_google_when_it_answers(tmp_path):
    clear_engine_cache()
    with running_google_tts() as url:
        chosen = choose(settings_for(url, tmp_path), choice="auto")
    assert (chosen.engine.name, chosen.note) == ("gtts", None)


@pytest.mark.parametrize("mode", ["closed", "hang", "500"])
def test_auto_falls_back_to_espeak_within_seconds(tmp_path, mode):
    clear_engine_cache()
    with running_google_tts(mode if mode != "closed" else "ok") as url:
        settings = settings_for(closed_port_url() if mode == "closed" else url, tmp_path)
        started = time.monotonic()
        chosen = choose(settings, choice="auto")
        engine, reason = chosen.engine, chosen.note
        elapsed = time.monotonic() - started
    assert engine.name == "espeak"
    assert reason is not None and reason.startswith("google unreachable: ")
    assert elapsed < 2.0


# --- the registry's public registration and the engine policy ------------------------------


class _NamedFake(FakeEngine):
    name = "tone"


def test_registered_engine_is_used_inside_the_block_and_gone_after(tmp_path):
    settings = settings_for(closed_port_url(), tmp_path)
    with registry.registered("tone", lambda _s: _NamedFake(), voices=("vi",)):
        assert "tone" in engine_names()
        assert get_engine("tone", settings).name == "tone"
        assert choose(settings, choice="tone").engine.name == "tone"
    assert "tone" not in engine_names()
    with pytest.raises(ValueError):
        get_engine("tone", settings)


def test_registered_replacement_is_undone_after_the_block(tmp_path):
    settings = settings_for(closed_port_url(), tmp_path)
    original = type(get_engine("gtts", settings))
    with registry.registered("gtts", lambda _s: _NamedFake()):
        assert isinstance(get_engine("gtts", settings), _NamedFake)
    assert type(get_engine("gtts", settings)) is original


def test_auto_cannot_be_registered():
    with pytest.raises(ValueError):
        registry.register("auto", lambda _s: FakeEngine(), voices=("vi",))


def test_known_voices_are_what_the_engines_offer(tmp_path):
    settings = settings_for(closed_port_url(), tmp_path)
    offered = {v for name in engine_names() for v in get_engine(name, settings).voices}
    assert set(registry.known_voices()) == offered
    assert {"vi", "vi-vn-x-south", "vi-vn-x-central"} <= offered
    with registry.registered("tone", lambda _s: _NamedFake(), voices=("vi-test",)):
        assert "vi-test" in registry.known_voices()
    assert "vi-test" not in registry.known_voices()


def test_auto_takes_espeak_for_a_voice_google_does_not_offer_without_probing(tmp_path):
    settings = settings_for(closed_port_url(), tmp_path)
    chosen = choose(settings, "vi-vn-x-south", choice="auto")
    assert (chosen.engine.name, chosen.voice) == ("espeak", "vi-vn-x-south")
    assert chosen.note and "vi-vn-x-south" in chosen.note
    # no probe was made: the verdict on Google is still unknown
    google = get_engine("gtts", settings)
    assert isinstance(google, GttsEngine) and google.last_error is None


def test_an_explicit_engine_keeps_only_voices_it_offers(tmp_path):
    settings = settings_for(closed_port_url(), tmp_path)
    assert choose(settings, "vi-vn-x-south", choice="gtts").voice == "vi"
    assert choose(settings, "vi-vn-x-south", choice="espeak").voice == "vi-vn-x-south"
    assert choose(settings, None, choice="espeak").voice == "vi"


def test_auto_without_probe_is_offline(tmp_path):
    settings = settings_for(closed_port_url(), tmp_path)
    chosen = choose(settings, choice="auto", probe=False)
    assert (chosen.engine.name, chosen.note) == ("espeak", None)


def test_fallback_midway_only_in_auto_mode_and_only_once(tmp_path):
    auto = settings_for(closed_port_url(), tmp_path)
    google = registry.Selection(get_engine("gtts", auto), "vi")
    error = EngineUnavailable("connection reset")
    moved = registry.fallback(auto, google, "vi", error)
    assert moved is not None and moved.engine.name == "espeak"
    assert moved.note and "gtts" in moved.note and "connection reset" in moved.note
    assert registry.fallback(auto, moved, "vi", error) is None  # already offline
    explicit = auto.model_copy(update={"engine": "gtts"})
    assert registry.fallback(explicit, google, "vi", error) is None


def test_audio_package_never_imports_engines():
    import ast
    from pathlib import Path

    import loa.audio

    for path in Path(loa.audio.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.startswith("loa.engines") for n in names), (path.name, names)


def test_loa_engine_edge_selects_edge_alone(tmp_path):
    """LOA_ENGINE=edge: edge is used even when it is unreachable (no probe, no note), and a
    failure midway stands: neither gtts nor espeak is tried."""
    settings = Settings(
        data_dir=tmp_path,
        engine="edge",
        edge_tts_url="ws://127.0.0.1:9",
        gtts_url=closed_port_url(),
    )
    chosen = choose(settings, None)
    assert (chosen.engine.name, chosen.voice, chosen.note) == ("edge", "vi-VN-HoaiMyNeural", None)
    assert choose(settings, "vi-VN-NamMinhNeural").voice == "vi-VN-NamMinhNeural"
    error = EngineUnavailable("edge-tts: connection refused")
    assert registry.fallback(settings, chosen, None, error) is None
