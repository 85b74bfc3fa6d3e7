"""No Docker engine runs here: check that docker-compose.yml, the settings and the Makefile
agree with each other instead."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from loa.config import Settings
from loa.runtime import api_command, worker_command

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def setting_env_names() -> set[str]:
    names: set[str] = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if alias is not None and hasattr(alias, "choices"):
            names.update(str(c) for c in alias.choices)
        names.add(f"LOA_{name.upper()}")
    return names


def test_services_present(compose: dict) -> None:
    assert {"redis", "postgres", "api", "worker"} <= set(compose["services"])


def test_every_loa_env_name_is_a_real_setting(compose: dict) -> None:
    known = setting_env_names()
    for name, service in compose["services"].items():
        for var in service.get("environment") or {}:
            if var.startswith(("LOA_", "DATABASE_URL", "REDIS_URL")):
                assert var in known, f"{name}: {var} is not a setting"


def test_redis_is_persistent(compose: dict) -> None:
    redis = compose["services"]["redis"]
    assert "--appendonly" in redis["command"] and "yes" in redis["command"]
    assert any(v.endswith(":/data") for v in redis["volumes"])


def test_worker_is_scalable_and_shares_audio_with_api(compose: dict) -> None:
    worker, api = compose["services"]["worker"], compose["services"]["api"]
    assert "container_name" not in worker and "ports" not in worker  # --scale worker=N works
    assert set(worker["volumes"]) == set(api["volumes"])
    assert worker["environment"]["LOA_DATA_DIR"] == "/data"


def test_worker_command_matches_runtime(compose: dict) -> None:
    cmd = compose["services"]["worker"]["command"]
    ours = worker_command(Settings())
    # same app, queue and pool as `loa serve` uses
    for flag in ("-A", "--queues", "--pool"):
        assert cmd[cmd.index(flag) + 1] == ours[ours.index(flag) + 1]


def test_api_command_is_the_limited_server_as_in_loa_serve(compose: dict) -> None:
    cmd = compose["services"]["api"]["command"]
    ours = api_command("0.0.0.0", 8000)
    assert cmd[1:] == ours[1:]  # python -m service.server --host … --port …
    assert (REPO / "Dockerfile").read_text().count('"-m", "service.server"') == 1


@pytest.fixture(scope="module")
def nginx_conf() -> str:
    return (REPO / "deploy" / "nginx.conf").read_text()


def test_nginx_sends_the_audio_the_api_redirects_to(compose: dict, nginx_conf: str) -> None:
    api, web = compose["services"]["api"], compose["services"]["web"]
    prefix = compose["x-loa-env"]["LOA_ACCEL_REDIRECT_PREFIX"]
    assert api["environment"]["LOA_ACCEL_REDIRECT_PREFIX"] == prefix
    location = re.search(rf"location {re.escape(prefix)} \{{(.*?)\}}", nginx_conf, re.S)
    assert location, f"deploy/nginx.conf has no location {prefix}"
    body = location.group(1)
    assert re.search(r"^\s*internal;", body, re.M)  # not reachable from outside
    # nginx's alias is the audio directory of the volume the workers write to
    data_dir = api["environment"]["LOA_DATA_DIR"]
    alias = re.search(r"alias (\S+);", body)
    assert alias and alias.group(1).rstrip("/") == f"{data_dir}/audio"
    audio_volume = next(v for v in api["volumes"] if v.endswith(f":{data_dir}"))
    assert f"{audio_volume}:ro" in web["volumes"]
    mounted_conf = next(v for v in web["volumes"] if v.startswith("./deploy/nginx.conf:"))
    assert mounted_conf.split(":")[1] == web["command"][web["command"].index("-c") + 1]


def test_only_nginx_is_published_and_it_proxies_to_the_api(compose: dict, nginx_conf: str) -> None:
    services = compose["services"]
    assert [name for name, s in services.items() if s.get("ports")] == ["web"]
    api_port = services["api"]["command"][services["api"]["command"].index("--port") + 1]
    assert re.search(rf"server api:{api_port};", nginx_conf)
    listen = re.search(r"listen (\d+);", nginx_conf)
    assert listen and services["web"]["ports"][0].endswith(f":{listen.group(1)}")


def test_nginx_limits_agree_with_loa(nginx_conf: str) -> None:
    s = Settings()
    assert f"client_header_timeout {s.header_timeout:g}s;" in nginx_conf
    assert f"client_body_timeout {s.body_timeout:g}s;" in nginx_conf
    assert f"large_client_header_buffers 4 {s.max_header_bytes // 1024}k;" in nginx_conf
    assert f"client_max_body_size {s.max_body_bytes // 1_000_000}m;" in nginx_conf


def test_long_running_services_restart_and_have_health_checks(compose: dict) -> None:
    for name in ("redis", "postgres", "api", "worker", "web"):
        service = compose["services"][name]
        assert service.get("restart") in ("unless-stopped", "always"), name
        assert service.get("healthcheck", {}).get("test"), name


def test_makefile_and_ci() -> None:
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "loa serve" in makefile
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_readme_documents_every_setting() -> None:
    readme = (REPO / "README.md").read_text()
    for name in setting_env_names():
        if name.startswith("LOA_DATABASE_URL") or name == "LOA_REDIS_URL":
            continue
        assert name in readme, f"README.md does not document {name}"
