"""No Docker engine runs here: check that docker-compose.yml, the settings and the Makefile
agree with each other instead."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from loa.config import Settings
from loa.runtime import worker_command

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def setting_env_names() -> set[str]:
    names = set()
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
        for var in (service.get("environment") or {}):
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


def test_api_command_uses_the_app_factory(compose: dict) -> None:
    cmd = compose["services"]["api"]["command"]
    assert "service.app:app_factory" in cmd and "--factory" in cmd


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
