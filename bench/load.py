"""Loa under load, against the raw baseline for the same articles, in one run (loopback only,
bounded in count and time).

1. Baseline: the 50 articles' texts through espeak-ng + LAME in one process per core
   (bench/baseline.py, a pool of 2): articles an hour with nothing around the synthesis.
2. Loa: `loa serve` (embedded Redis, 2 worker processes, the API with its limits, SQLite or
   TEST_DATABASE_URL). One article is made first for the readers. Then, at once: 50 publishes
   (distinct articles cut from the shared corpus) and 200 readers, each on its own keep-alive
   connection, asking for a random 64 KiB range of the audio (2 in 3) or the article's status
   (1 in 3), then pausing --reader-pause seconds, until every published article is ready.
Prints errors, p50/p99 latency of reads and publishes, and articles an hour vs the baseline.
Targets (issue 7): 0 errors, read p99 < 2 s, at least 80 % of the baseline's articles an hour.

    python bench/load.py [--readers 200] [--publishers 50] [--reader-pause 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.baseline import raw_espeak_mp3
from bench.httpload import Connection, Tally, timed
from tests.integration.served import loa_serve
from tests.integration.stack import API_KEY

CORPUS = REPO.parent / "shared" / "corpus" / "articles"
RANGE = 64 * 1024
TIME_LIMIT = 900  # seconds for the whole Loa phase
AUTH = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}


def article_texts(count: int) -> list[str]:
    """``count`` distinct articles of about equal length, cut at sentence ends from the
    corpus's expected article texts (no sentence appears twice, so no segment is cached)."""
    text = " ".join(
        path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.expected.txt"))
    )
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 20]
    total = sum(len(s) for s in sentences)
    texts: list[str] = []
    current: list[str] = []
    done = 0
    for sentence in sentences:
        current.append(sentence)
        done += len(sentence)
        if done >= total * (len(texts) + 1) / count and len(texts) < count - 1:
            texts.append(" ".join(current))
            current = []
    texts.append(" ".join(current))
    return texts


def _raw(text: str) -> float:
    """CPU seconds to make ``text`` raw."""
    started = time.process_time()
    raw_espeak_mp3(text)
    return time.process_time() - started


def baseline(texts: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) for the raw baseline of ``texts`` on 2 processes."""
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_raw, ["xin chào", "xin chào"])  # load the library in both processes
        started = time.perf_counter()
        cpu = sum(pool.map(_raw, texts, chunksize=1))
        return time.perf_counter() - started, cpu


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes and of their live children (a shared
    machine's other load does not count, unlike wall-clock time)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        children = subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        for one in [pid, *map(int, children)]:
            try:
                fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


async def run_load(
    port: int, reader_id: str, size: int, texts: list[str], args: argparse.Namespace
) -> dict:
    reads, posts = Tally(), Tally()
    done = asyncio.Event()
    published: list[str] = []

    async def reader() -> None:
        conn = Connection("127.0.0.1", port)
        await asyncio.sleep(random.random() * args.reader_pause)
        while not done.is_set():
            if random.random() < 2 / 3:
                start = random.randrange(0, size - RANGE)
                headers = {"Range": f"bytes={start}-{start + RANGE - 1}"}
                await timed(conn, reads, "GET", f"/v1/articles/{reader_id}/audio.mp3", headers)
            else:
                await timed(conn, reads, "GET", f"/v1/articles/{reader_id}")
            await asyncio.sleep(args.reader_pause)
        conn.close()

    async def publisher(i: int, text: str) -> None:
        conn = Connection("127.0.0.1", port)
        body = json.dumps({"title": f"Bài {i}", "site": "tai", "external_id": f"bai-{i}",
                           "text": text}).encode()  # fmt: skip
        got = await timed(conn, posts, "POST", "/v1/articles", AUTH, body)
        if got and got[0] == 202:
            published.append(json.loads(got[2])["id"])
        conn.close()

    async def monitor() -> float:
        conn = Connection("127.0.0.1", port)
        quiet = Tally()
        while len(published) + posts.failures((202,)) < len(texts):
            await asyncio.sleep(0.1)
        pending = set(published)
        while pending:
            for article_id in list(pending):
                got = await timed(conn, quiet, "GET", f"/v1/articles/{article_id}")
                if got and json.loads(got[2]).get("status") in ("ready", "failed"):
                    pending.discard(article_id)
            await asyncio.sleep(0.5)
        return time.perf_counter()

    started = time.perf_counter()
    readers = [asyncio.create_task(reader()) for _ in range(args.readers)]
    await asyncio.gather(*(publisher(i, t) for i, t in enumerate(texts)))
    finished = await asyncio.wait_for(monitor(), TIME_LIMIT)
    done.set()
    await asyncio.gather(*readers)
    return {"reads": reads, "posts": posts, "seconds": finished - started, "ids": published}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--publishers", type=int, default=50)
    parser.add_argument("--reader-pause", type=float, default=1.0)
    args = parser.parse_args()
    texts = article_texts(args.publishers)
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} articles, {chars} characters ({chars // len(texts)} on average)")
    raw, raw_cpu = baseline(texts)
    print(f"raw espeak-ng + LAME, 2 processes: {raw:.1f} s, {raw_cpu:.1f} CPU s", flush=True)

    with (
        tempfile.TemporaryDirectory() as tmp,
        loa_serve(
            Path(tmp), LOA_ENGINE="espeak", LOA_WORKER_CONCURRENCY="2", LOA_LOG_LEVEL="WARNING"
        ) as served,
    ):
        with served.client() as c:
            # the readers' article shares no sentence with the 50 (the cache must not help)
            reader_text = (CORPUS / "langson-khcn-2022.txt").read_text(encoding="utf-8")
            r = c.post("/v1/articles", json={"title": "Đọc", "text": reader_text})
            r.raise_for_status()
            reader_id = r.json()["id"]
        served.wait_status(reader_id, ("ready",), timeout=300)
        with served.client() as c:
            size = int(c.head(f"/v1/articles/{reader_id}/audio.mp3").headers["content-length"])
        port = int(served.base_url.rsplit(":", 1)[1])
        worker_pid = served.pid("worker")
        workers_before = cpu_seconds([worker_pid])
        result = asyncio.run(run_load(port, reader_id, size, texts, args))
        workers_cpu = cpu_seconds([worker_pid]) - workers_before
        with served.client() as c:
            statuses = [c.get(f"/v1/articles/{i}").json()["status"] for i in result["ids"]]
    raw_after, raw_cpu_after = baseline(texts)  # the machine is shared: measure it twice
    print(f"raw espeak-ng + LAME again, after: {raw_after:.1f} s, {raw_cpu_after:.1f} CPU s")
    raw, raw_cpu = min(raw, raw_after), min(raw_cpu, raw_cpu_after)
    raw_per_hour = len(texts) / raw * 3600
    reads: Tally = result["reads"]
    posts: Tally = result["posts"]
    per_hour = len(texts) / result["seconds"] * 3600
    print(
        f"readers: {args.readers} (a request, then {args.reader_pause:g} s pause), "
        f"{len(reads.latencies)} reads: errors {reads.failures((200, 206))}, "
        f"p50 {reads.percentile(50) * 1000:.0f} ms, p99 {reads.percentile(99) * 1000:.0f} ms "
        f"(statuses {dict(sorted(reads.statuses.items()))}, exceptions {reads.errors})"
    )
    print(
        f"publishes: {len(posts.latencies)}: errors {posts.failures((202,))}, "
        f"p50 {posts.percentile(50) * 1000:.0f} ms, p99 {posts.percentile(99) * 1000:.0f} ms; "
        f"ready {statuses.count('ready')}, failed {statuses.count('failed')}"
    )
    print(
        f"all {len(texts)} ready after {result['seconds']:.1f} s = {per_hour:.0f} articles/hour"
        f" = {per_hour / raw_per_hour:.0%} of the raw baseline's best ({raw_per_hour:.0f}/hour)"
    )
    print(
        f"CPU: workers {workers_cpu:.1f} s for the 50 vs raw {raw_cpu:.1f} s: the raw baseline "
        f"needs {raw_cpu / workers_cpu:.0%} of Loa's worker CPU (independent of other load)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
