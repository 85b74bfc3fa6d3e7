"""``loa serve`` as a real process tree for tests (supervision, limits): its log, the current
pid of each child, kill helpers."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from loa.runtime import free_port, stop_process
from tests.integration.stack import API_KEY, reset_postgres


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=30
        )

    def pid(self, name: str) -> int:
        found = re.findall(rf"{name} (?:started|restarted) \(pid (\d+)", self.log())
        assert found, f"no pid for {name} in:\n{self.log()[-3000:]}"
        return int(found[-1])

    def restarts(self, name: str) -> int:
        return len(re.findall(rf"{name} restarted \(pid", self.log()))

    def kill(self, name: str) -> int:
        """SIGKILL the child and its own children (a crash, e.g. the OOM killer)."""
        pid = self.pid(name)
        children = subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        for victim in [pid, *map(int, children)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(victim, signal.SIGKILL)
        return pid

    def wait_log(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.log())
            if found:
                return found
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"{pattern!r} not in the log:\n{self.log()[-4000:]}")

    def wait_healthy(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            try:
                r = httpx.get(self.base_url + "/healthz", timeout=3)
                if r.status_code == 200:
                    return
                last = r.text
            except httpx.HTTPError as exc:
                last = repr(exc)
            time.sleep(0.3)
        raise AssertionError(f"not healthy: {last}\n{self.log()[-4000:]}")

    def wait_status(self, article_id: str, statuses: tuple[str, ...], timeout: float = 180) -> dict:
        deadline = time.monotonic() + timeout
        body: dict = {}
        with self.client() as c:
            while time.monotonic() < deadline:
                try:
                    body = c.get(f"/v1/articles/{article_id}").json()
                except httpx.HTTPError:
                    time.sleep(0.3)
                    continue
                if body.get("status") in statuses:
                    return body
                time.sleep(0.2)
        raise AssertionError(f"article still {body}:\n{self.log()[-4000:]}")


@contextlib.contextmanager
def loa_serve(tmp: Path, **extra_env: str) -> Iterator[Served]:
    data_dir = tmp / "data"
    data_dir.mkdir(parents=True)
    database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{data_dir / 'loa.db'}"
    if database_url.startswith("postgresql"):
        reset_postgres(database_url)
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "LOA_REDIS_URL")
    }  # the embedded Redis: it is one of the supervised processes
    env.update(
        LOA_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        LOA_API_KEYS=API_KEY,
        LOA_ENGINE="espeak",
        LOA_WORKER_CONCURRENCY="1",
        LOA_LOG_LEVEL="INFO",
        PORT=str(port),
    )
    env.update(extra_env)
    log_path = tmp / "serve.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "loa.cli", "serve", "--port", str(port)],
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    served = Served(proc, f"http://127.0.0.1:{port}", log_path)
    try:
        served.wait_healthy()
        yield served
    finally:
        stop_process(proc, timeout=30)


REPO = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def nginx_in_front(tmp: Path, api_port: int, audio_dir: Path) -> Iterator[str]:
    """deploy/nginx.conf, run for real with its upstream, audio directory, port and scratch
    paths pointed at this test's; yields nginx's base URL."""
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if nginx is None:
        if os.environ.get("LOA_REQUIRE_NGINX") == "1":  # CI: .ci/run installs it
            pytest.fail("nginx is required here (LOA_REQUIRE_NGINX=1) but not installed")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    port = free_port()
    conf = (REPO / "deploy" / "nginx.conf").read_text()
    replacements = {
        "server api:8000;": f"server 127.0.0.1:{api_port};",
        "alias /data/audio/;": f"alias {audio_dir}/;",
        "listen 8080;": f"listen 127.0.0.1:{port};",
        "pid /tmp/nginx.pid;": f"pid {tmp}/nginx.pid;",
        "/tmp/nginx-body": f"{tmp}/nginx-body",
        "/tmp/nginx-proxy": f"{tmp}/nginx-proxy",
    }
    for old, new in replacements.items():
        assert old in conf, f"deploy/nginx.conf no longer has {old!r}"
        conf = conf.replace(old, new)
    if os.geteuid() == 0:  # nginx's workers would run as nobody, who cannot enter tmp dirs
        conf = "user root;\n" + conf
    path = tmp / "nginx.conf"
    path.write_text(conf)
    log = open(tmp / "nginx.log", "ab")
    proc = subprocess.Popen(
        [nginx, "-c", str(path), "-p", str(tmp), "-g", "daemon off;"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/metrics", timeout=2)
                break
            except httpx.HTTPError:
                assert proc.poll() is None, (tmp / "nginx.log").read_text()
                assert time.monotonic() < deadline
                time.sleep(0.1)
        yield base
    finally:
        stop_process(proc)
