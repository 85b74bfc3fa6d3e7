"""Audio serving: Loa against a plain static-file server on the same file, in one run.

Starts `loa serve` (the production processes, fake engine so the article is quick to make),
makes one long article, then loads, one after another, with the same client (32 keep-alive
connections, each asking for random 64 KiB ranges):
- Loa's API answering GET /v1/articles/<id>/audio.mp3 itself (database lookup + file),
- the production layout: nginx in front of the API (deploy/nginx.conf, X-Accel-Redirect),
- nginx alone serving the file as a static file (the reference); without nginx on PATH,
  Starlette's StaticFiles under uvicorn (said so in the output).
Prints requests/s, MB/s and latency for each and the ratios to the static server.

    python bench/serve.py [--connections 32] [--requests 150] [--runs 2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.httpload import Connection, Tally, timed
from loa.runtime import free_port, stop_process
from tests.integration.served import Served, loa_serve, nginx_in_front

RANGE = 64 * 1024


def make_article(served: Served) -> tuple[str, Path]:
    text = " ".join(f"Câu thứ {i} của bài đọc dài dùng để đo tốc độ phục vụ." for i in range(400))
    with served.client() as c:
        r = c.post("/v1/articles", json={"title": "Đo", "text": text})
        r.raise_for_status()
    body = served.wait_status(r.json()["id"], ("ready", "failed"), timeout=600)
    if body["status"] != "ready":
        raise SystemExit(f"article failed: {body}")
    path = served.log_path.parent / "data" / "audio" / "articles" / body["id"]
    return str(body["id"]), next(path.glob("r*.mp3"))


async def load(port: int, path: str, size: int, connections: int, requests: int) -> Tally:
    tally = Tally()

    async def one_connection() -> None:
        conn = Connection("127.0.0.1", port)
        for _ in range(requests):
            start = random.randrange(0, size - RANGE)
            await timed(conn, tally, "GET", path, {"Range": f"bytes={start}-{start + RANGE - 1}"})
        conn.close()

    await asyncio.gather(*(one_connection() for _ in range(connections)))
    return tally


def measure(name: str, port: int, path: str, size: int, args: argparse.Namespace) -> float:
    asyncio.run(load(port, path, size, 4, 10))  # warm up
    rates = []
    for run in range(args.runs):
        started = time.perf_counter()
        tally = asyncio.run(load(port, path, size, args.connections, args.requests))
        seconds = time.perf_counter() - started
        n = len(tally.latencies)
        bad = tally.failures((206,))
        rates.append(n / seconds)
        print(
            f"  {name} run {run + 1}: {n / seconds:7.0f} req/s, "
            f"{tally.body_bytes / seconds / 1e6:6.1f} MB/s, "
            f"p50 {tally.percentile(50) * 1000:5.1f} ms, "
            f"p99 {tally.percentile(99) * 1000:6.1f} ms, errors {bad}",
            flush=True,
        )
    return statistics.median(rates)


@contextlib.contextmanager
def static_server(tmp: Path, audio_dir: Path) -> Iterator[tuple[str, int]]:
    """nginx serving ``audio_dir`` as plain static files, else Starlette's StaticFiles."""
    port = free_port()
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx:
        conf = tmp / "static.conf"
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf.write_text(
            f"{user}worker_processes auto; pid {tmp}/static.pid; error_log {tmp}/static.err;\n"
            "events { worker_connections 1024; }\n"
            "http { access_log off; sendfile on; tcp_nopush on;\n"
            f"  client_body_temp_path {tmp}/b; proxy_temp_path {tmp}/p;\n"
            f"  server {{ listen 127.0.0.1:{port}; root {audio_dir}; }} }}\n"
        )
        cmd = [nginx, "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"]
        label = "nginx (static file)"
    else:
        cmd = [sys.executable, "-c", (
            "import sys, uvicorn; from starlette.staticfiles import StaticFiles; "
            f"uvicorn.run(StaticFiles(directory={str(audio_dir)!r}), host='127.0.0.1', "
            f"port={port}, log_level='warning')"
        )]  # fmt: skip
        label = "Starlette StaticFiles on uvicorn (no nginx on PATH)"
    proc = subprocess.Popen(cmd)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with contextlib.closing(
                    __import__("socket").create_connection(("127.0.0.1", port))
                ):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit(f"{label} did not start") from None
                time.sleep(0.1)
        yield label, port
    finally:
        stop_process(proc)


@contextlib.contextmanager
def accel_api(served: Served, tmp: Path) -> Iterator[int]:
    """A second API process on the same data, answering audio with X-Accel-Redirect."""
    redis_url = re.search(r"embedded Redis at (\S+)", served.log())
    assert redis_url
    port = free_port()
    data_dir = served.log_path.parent / "data"
    env = dict(
        os.environ, LOA_DATA_DIR=str(data_dir), REDIS_URL=redis_url.group(1),
        DATABASE_URL=os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{data_dir / 'loa.db'}",
        LOA_ACCEL_REDIRECT_PREFIX="/_audio/", LOA_LOG_LEVEL="WARNING",
    )  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.server", "--port", str(port)], env=env,
        stdout=open(tmp / "accel-api.log", "ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        time.sleep(0.5)
        deadline = time.monotonic() + 30
        import httpx

        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise SystemExit("accel API did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        stop_process(proc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--requests", type=int, default=150, help="per connection")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with loa_serve(tmp / "loa", LOA_ENGINE="fake", LOA_LOG_LEVEL="WARNING") as served:
            article_id, file = make_article(served)
            size = file.stat().st_size
            audio_dir = file.parents[2]
            relative = "/" + str(file.relative_to(audio_dir))
            print(f"file: {size / 1e6:.1f} MB; {args.connections} connections x {args.requests} "
                  f"random {RANGE // 1024} KiB ranges, {args.runs} runs each (median)")  # fmt: skip
            api_port = int(served.base_url.rsplit(":", 1)[1])
            audio_path = f"/v1/articles/{article_id}/audio.mp3"
            results = {"Loa API (Python sends the bytes)": measure(
                "loa api", api_port, audio_path, size, args)}  # fmt: skip
            (tmp / "nginx").mkdir()
            with (
                accel_api(served, tmp) as accel_port,
                nginx_in_front(tmp / "nginx", accel_port, audio_dir) as web,
            ):
                web_port = int(web.rsplit(":", 1)[1])
                results["Loa behind nginx (X-Accel-Redirect)"] = measure(
                    "loa+nginx", web_port, audio_path, size, args
                )
            (tmp / "static").mkdir()
            with static_server(tmp / "static", audio_dir) as (label, static_port):
                static = measure("static", static_port, relative, size, args)
    print(f"\nreference: {label}: {static:.0f} req/s")
    for name, rate in results.items():
        print(f"{name}: {rate:.0f} req/s = {rate / static:.2f}x the static server")
    return 0


if __name__ == "__main__":
    sys.exit(main())
