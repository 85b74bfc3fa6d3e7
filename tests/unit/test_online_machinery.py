"""The online machinery against a real (embedded) Redis: budget, breaker, retries, claims."""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from hypothesis import given
from hypothesis import strategies as st

from loa.audio.clip import AudioClip
from loa.engines.cache import clip_key
from loa.engines.edge import EdgeEngine
from loa.engines.fake import FakeEngine
from loa.errors import EngineRejected, EngineUnavailable, ServiceRefused
from loa.online.breaker import CLOSED, HALF_OPEN, OPEN, Breaker
from loa.online.budget import Budget
from loa.online.claims import SegmentClaims
from loa.online.counters import Counters
from loa.online.errors import BudgetTimeout, CircuitOpen, Throttled
from loa.online.guard import GuardedEngine, Machinery
from loa.online.parallel import Made, SynthesisOptions, synthesize_all
from loa.online.retry import RetryPolicy, call_with_retries
from loa.online.retry_after import parse_retry_after
from loa.runtime import embedded_redis
from loa.storage.keys import segment_cache_key
from loa.storage.memory import MemoryStorage
from tests.fakes.edge_tts import FakeEdgeTTS


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[redis.Redis]:
    with embedded_redis(Path(tmp_path_factory.mktemp("redis"))) as url:
        yield redis.Redis.from_url(url)


@pytest.fixture
def name() -> str:
    return f"t{random.getrandbits(40):x}"


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


@given(st.integers(1, 7), st.integers(0, 2**32))
def test_back_off_is_jittered_within_its_cap(retry: int, seed: int) -> None:
    policy = RetryPolicy(attempts=8, base=0.25, cap=8.0)
    delay = policy.delay(retry, EngineUnavailable("x"), random.Random(seed))
    assert delay is not None and 0 <= delay <= min(8.0, 0.25 * 2 ** (retry - 1))


def test_retry_after_is_honoured_and_content_refusals_are_not_retried() -> None:
    slept: list[float] = []
    answers: list[Exception | str] = [Throttled("429", 3.0), EngineUnavailable("503"), "ok"]

    def call() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert call_with_retries(call, RetryPolicy(), sleep=slept.append) == "ok"
    assert slept[0] >= 3.0 and len(slept) == 2

    calls = []

    def refused() -> str:
        calls.append(1)
        raise EngineRejected("400")

    with pytest.raises(EngineRejected):
        call_with_retries(refused, RetryPolicy(), sleep=slept.append)
    assert len(calls) == 1


def test_retries_give_up_after_the_attempts() -> None:
    calls = []

    def failing() -> str:
        calls.append(1)
        raise EngineUnavailable("503")

    with pytest.raises(EngineUnavailable):
        call_with_retries(failing, RetryPolicy(attempts=4), sleep=lambda _s: None)
    assert len(calls) == 4


def test_budget_caps_concurrency_and_rate(client: redis.Redis, name: str) -> None:
    budget = Budget(client, name, max_rps=5, max_concurrency=2)
    assert budget.try_acquire("a") == 0 and budget.try_acquire("b") == 0
    assert budget.try_acquire("c") < 0  # two in flight: a release may end the wait
    budget.release("a")
    budget.release("b")
    assert budget.try_acquire("c") == 0
    budget.release("c")
    assert budget.try_acquire("d") == 0
    budget.release("d")
    assert budget.try_acquire("e") == 0
    budget.release("e")
    assert budget.try_acquire("f") > 0  # five started within the window: wait for the oldest
    low = Budget(client, name + "low", max_rps=100, max_concurrency=4)
    assert low.try_acquire("x", "low") == 0 and low.try_acquire("y", "low") == 0
    assert low.try_acquire("z", "low") < 0  # background work keeps half free
    assert low.try_acquire("z") == 0


def test_budget_holds_across_threads(client: redis.Redis, name: str) -> None:
    budget = Budget(client, name, max_rps=1000, max_concurrency=3)
    lock, active, most = threading.Lock(), [0], [0]

    def work() -> None:
        with budget.slot():
            with lock:
                active[0] += 1
                most[0] = max(most[0], active[0])
            time.sleep(0.01)
            with lock:
                active[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] <= 3


def _wait_state(breaker: Breaker, state: str) -> None:
    for _ in range(200):
        if breaker.state() == state:
            return
        time.sleep(0.01)
    raise AssertionError(f"breaker never became {state}")


def test_breaker_opens_half_opens_and_closes(client: redis.Redis, name: str) -> None:
    breaker = Breaker(client, name, failure_threshold=3, open_seconds=0.05)
    assert breaker.state() == CLOSED
    breaker.record_failure()
    breaker.record_success()  # a success resets the run of failures
    for _ in range(2):
        assert not breaker.record_failure()
    assert breaker.state() == CLOSED
    assert breaker.record_failure()
    assert breaker.state() == OPEN and breaker.allow() == (False, False)
    _wait_state(breaker, HALF_OPEN)
    assert breaker.allow() == (True, True)  # one probe...
    assert breaker.allow() == (False, False)  # ...and only one
    breaker.record_failure(probe=True)
    assert breaker.state() == OPEN
    _wait_state(breaker, HALF_OPEN)
    assert breaker.allow() == (True, True)
    assert not breaker.record_success()  # a late answer to a request sent before it opened
    assert breaker.state() == HALF_OPEN and breaker.allow() == (False, False)
    assert breaker.record_success(probe=True)  # the probe's answer
    assert breaker.state() == CLOSED


def test_an_answer_other_than_the_probes_does_not_close_an_open_breaker(
    client: redis.Redis, name: str
) -> None:
    """A request started while closed answers (or is refused for its content) after another
    caller opened the breaker: it stays open; the probe's refusal closes it (it answered)."""
    machinery_ = machinery(client, name, threshold=1)
    breaker = machinery_.breaker

    class OpenedMeanwhile(Scripted):
        def synthesize(self, text: str, voice: str) -> AudioClip:
            breaker.record_failure(reason="503 elsewhere")  # threshold 1: opens
            return super().synthesize(text, voice)

    GuardedEngine(OpenedMeanwhile([]), machinery_).synthesize("xin chào", "vi")
    assert breaker.state() == OPEN
    breaker.reset()
    refused = OpenedMeanwhile([EngineRejected("không đọc được")])
    with pytest.raises(EngineRejected):
        GuardedEngine(refused, machinery_).synthesize("xin chào", "vi")
    assert breaker.state() == OPEN
    breaker.reset()
    breaker.record_failure(probe=True)
    client.set(breaker.open_key, 0)  # due for its probe at once
    with pytest.raises(EngineRejected):
        GuardedEngine(Scripted([EngineRejected("x")]), machinery_).synthesize("xin chào", "vi")
    assert breaker.state() == CLOSED


class Scripted(FakeEngine):
    """Answers from a script: an exception to raise, or None for audio."""

    name = "gtts"

    def __init__(self, script: list[Exception | None]) -> None:
        super().__init__()
        self.script = script
        self.sent = 0
        self.lock = threading.Lock()

    def synthesize(self, text: str, voice: str) -> AudioClip:
        with self.lock:
            self.sent += 1
            step = self.script.pop(0) if self.script else None
        if step is not None:
            raise step
        return super().synthesize(text, voice)


def machinery(client: redis.Redis, name: str, threshold: int = 3) -> Machinery:
    return Machinery(
        budget=Budget(client, name, max_rps=1000, max_concurrency=4),
        breaker=Breaker(client, name, failure_threshold=threshold, open_seconds=60),
        policy=RetryPolicy(attempts=5, base=0.001, cap=0.002),
        concurrency=4,
    )


def test_guard_retries_counts_and_opens_the_breaker(client: redis.Redis, name: str) -> None:
    inner = Scripted([Throttled("429", 0.0), EngineUnavailable("503"), None])
    counters = Counters()
    guarded = GuardedEngine(inner, machinery(client, name), counters=counters)
    guarded.synthesize("xin chào", "vi")
    assert counters.as_dict() == {"from_cache": 0, "requests": 3, "retries": 2}

    dead = Scripted([EngineUnavailable("503")] * 10)
    guarded = GuardedEngine(dead, machinery(client, name + "d"))
    with pytest.raises(CircuitOpen):
        guarded.synthesize("xin chào", "vi")
    assert dead.sent == 3  # the third failure opened it: no more calls
    with pytest.raises(CircuitOpen):
        guarded.synthesize("một câu khác", "vi")
    assert dead.sent == 3


def test_a_local_budget_wait_is_not_an_endpoint_failure(client: redis.Redis, name: str) -> None:
    """No slot in time (every one held here): BudgetTimeout, not retried, and the breaker
    (threshold 1) neither counts it nor opens; the probe, when won, is given back."""
    budget = Budget(client, name, max_rps=1000, max_concurrency=1)
    breaker = Breaker(client, name, failure_threshold=1, open_seconds=0.05)
    waiting = Machinery(
        budget=budget,
        breaker=breaker,
        policy=RetryPolicy(attempts=5, base=0.001, cap=0.002),
        concurrency=1,
        slot_timeout=0.05,
    )
    inner = Scripted([])
    counters = Counters()
    guarded = GuardedEngine(inner, waiting, counters=counters)
    with budget.slot():
        for _ in range(3):
            with pytest.raises(BudgetTimeout):
                guarded.synthesize("xin chào", "vi")
        assert breaker.state() == CLOSED and client.get(breaker.failures_key) is None
        assert inner.sent == 0 and counters.as_dict()["retries"] == 0
        breaker.record_failure()  # now open, then half-open: the probe is won and given back
        _wait_state(breaker, HALF_OPEN)
        with pytest.raises(BudgetTimeout):
            guarded.synthesize("xin chào", "vi")
        assert breaker.allow() == (True, True)
        breaker.release_probe()
    guarded.synthesize("xin chào", "vi")  # a slot now: the probe goes out and closes it
    assert inner.sent == 1 and breaker.state() == CLOSED


def test_an_edge_403_is_not_retried_by_the_guard_but_opens_the_breaker(
    client: redis.Redis, name: str
) -> None:
    """edge retries a 403 once itself (a new token); the guard does not retry it (the service
    refuses this client), but it is the service failing, not the text: it counts towards the
    breaker, so a service that keeps refusing us is skipped (the article falls back)."""
    with FakeEdgeTTS(mode="403") as edge:
        guarded = GuardedEngine(EdgeEngine(edge.url, timeout=2), machinery(client, name))
        with pytest.raises(ServiceRefused, match="403"):
            guarded.synthesize("xin chào", "vi-VN-HoaiMyNeural")
        assert len(edge.arrivals) == 2 and guarded.machinery.breaker.state() == CLOSED
        for _ in range(2):  # threshold 3
            with pytest.raises(ServiceRefused):
                guarded.synthesize("xin chào", "vi-VN-HoaiMyNeural")
        assert len(edge.arrivals) == 6 and guarded.machinery.breaker.state() != CLOSED


def test_a_guarded_engine_caches_under_its_inner_engines_key(
    client: redis.Redis, name: str
) -> None:
    """The pipeline synthesizes through the guard, progressive playback reads the cache with
    the bare engine: the two keys must agree (edge's rate is in them)."""
    edge = EdgeEngine("ws://127.0.0.1:9", rate="+10%")
    guarded = GuardedEngine(edge, machinery(client, name))
    assert clip_key(guarded, "vi-VN-HoaiMyNeural", "xin chào") == clip_key(
        edge, "vi-VN-HoaiMyNeural", "xin chào"
    )


def test_identical_segments_wanted_at_once_are_synthesized_once(
    client: redis.Redis, name: str
) -> None:
    inner = Scripted([])
    storage = MemoryStorage()
    texts = [f"câu số {i % 5}" for i in range(20)]  # each text wanted four times
    results: list[list[Made]] = []

    def render() -> None:
        options = SynthesisOptions(concurrency=4, claims=SegmentClaims(client))
        results.append(synthesize_all(inner, "vi", texts, storage, options))

    threads = [threading.Thread(target=render) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert inner.sent == 5
    assert len(results) == 3 and all(len(r) == 20 for r in results)
    assert results[0] == results[1]  # the same (format, duration, words) for each segment
    assert all(storage.exists(segment_cache_key("gtts", "vi", t)) for t in texts)


def test_progress_counts_the_run_of_finished_segments_from_the_first() -> None:
    seen: list[int] = []
    synthesize_all(
        FakeEngine(),
        "vi",
        [f"đoạn {i}" for i in range(12)],
        MemoryStorage(),
        SynthesisOptions(concurrency=4),
        lambda done, total: seen.append(done),
    )
    assert seen == sorted(seen) and seen[-1] == 12


def test_a_claim_whose_claimant_died_is_freed_at_once_and_a_live_one_is_waited_for(
    client: redis.Redis, name: str
) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # its pid now names no process (a worker killed mid-segment)
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) >= 3:
            raise TimeoutError("still waiting")

    claims = SegmentClaims(client, sleep=sleep)
    client.set(f"loa:claim:{name}", f"{socket.gethostname()}:{gone.pid}", px=120_000)
    claims.wait_released(name, lambda: False)
    assert naps == [] and not client.exists(f"loa:claim:{name}")

    token = claims.claim(name)  # held by this (live) process: the waiter keeps waiting
    assert token is not None
    with pytest.raises(TimeoutError):
        claims.wait_released(name, lambda: False)
    assert client.exists(f"loa:claim:{name}")
    claims.release(name, token)
    assert not client.exists(f"loa:claim:{name}")


def test_a_slow_claimant_keeps_its_claim_and_never_releases_a_newcomers(
    client: redis.Redis, name: str
) -> None:
    claims = SegmentClaims(client, ttl=1.0)
    key = f"loa:claim:{name}"
    with claims.held(name) as ours:
        assert ours
        time.sleep(2.5)  # over two TTLs of synthesis and retries: still ours
        assert claims.claim(name) is None
        with claims.held(name) as theirs:
            assert not theirs
    assert not client.exists(key)  # released after the block

    stale = claims.claim(name)  # a claimant whose claim ran out (not extended) ...
    assert stale is not None
    client.pexpire(key, 1)
    time.sleep(0.05)
    newcomer = claims.claim(name)  # ... and the newcomer that claimed it since
    assert newcomer is not None
    claims.release(name, stale)
    assert client.get(key) == newcomer.encode()
    assert not claims.extend(name, stale) and claims.extend(name, newcomer)
    claims.release(name, newcomer)
    assert not client.exists(key)
