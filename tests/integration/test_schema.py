"""The OpenAPI document tells the truth: schemathesis against a real server.

A stack of its own (real Redis, a real Celery worker, a real uvicorn: tests/integration/stack.py)
with the fake engine, so articles posted by the fuzzer become ready in a moment and stateful
runs reach audio and playlists, and a small text limit, so the longest valid texts the fuzzer
makes stay cheap. The schema is read from the server, so every operation of the app is fuzzed,
routes added later included: nothing is excluded. All checks, every phase (examples, coverage,
fuzzing, stateful through the documented links), bounded by examples per operation.

The seed is fixed so a run is reproducible; TEST_FUZZ_SEED picks another, TEST_FUZZ_EXAMPLES
more examples per operation (the failure report names the seed and gives a curl to replay).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.openapi import HTTP_METHODS
from tests.integration.stack import API_KEY, Stack, running_stack

REPO = Path(__file__).resolve().parents[2]
SEED = os.environ.get("TEST_FUZZ_SEED", "20261201")
EXAMPLES = os.environ.get("TEST_FUZZ_EXAMPLES", "20")


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(
        tmp_path_factory.mktemp("fuzz"),
        LOA_ENGINE="fake",
        LOA_MAX_CHARS="3000",
        # the fuzzer's writes all use one key: a rate limit would turn most of them into 429s
        LOA_WRITE_RATE_PER_MINUTE="0",
    ) as stack:
        yield stack


def _operations(document: dict) -> list[str]:
    return [
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    ]


#: Where JSON Schema cannot say what the server checks, and only there: an artwork body is any
#: PNG or JPEG to the schema, but Loa also checks that it is square, 1400-3000 px and RGB (Apple's
#: rules), so a schema-valid 1x1 PNG is rightly a 422 naming the field. Every check still runs on
#: this operation; 422 is added to the answers a schema-valid body may get, and the warning that
#: most generated images are refused is not shown for it (a fuzzer cannot draw 1400 px squares).
ARTWORK = """
[[operations]]
include-name = "PUT /v1/sites/{site}/artwork"
warnings = false
checks.positive_data_acceptance.expected-statuses = ["2xx", "422"]
"""

#: A site's default voice must be one its default engine offers (espeak's voices are not edge's):
#: JSON Schema can say so (an if/then per engine, or one anyOf branch per category and engine),
#: but schemathesis cannot generate from either beside the categories' anyOf ("Schema Error"),
#: so the schema lists every engine's voices and a schema-valid pair the engine does not offer
#: is rightly a 422 naming ``voice``. Every check still runs on this operation.
SITE_VOICE = """
[[operations]]
include-name = "PUT /v1/sites/{site}"
checks.positive_data_acceptance.expected-statuses = ["2xx", "422"]
"""

#: Content-addressed and per-revision audio is found by its address, a SHA-256 or an id no link
#: in the document hands out (feeds and playlists do): a fuzzer can only ever get 404s there, which
#: is the truth, so the "missing test data" warning is not shown for these operations. Every check
#: still runs on them, and tests/integration/test_publishing.py reads them with real addresses.
UNGUESSABLE = (
    "GET /v1/articles/{article_id}/r{revision}/seg/{index}.mp3",
    "GET /v1/audio/{address}.mp3",
    "HEAD /v1/audio/{address}.mp3",
    "GET /v1/audio/{address}/seg/{index}.mp3",
    "GET /v1/player/articles/{article_id}/download.mp3",
    # a segment clip's path is its cache key, a SHA-256 of engine, voice and spoken text: the
    # player state lists the URLs (tests/integration/test_player_api.py reads real ones)
    "GET /v1/clips/cache/{engine}/{voice}/{shard}/{digest}.mp3",
)
QUIET = """
[[operations]]
include-name = "{name}"
warnings = false
"""


def _config() -> str:
    return ARTWORK + SITE_VOICE + "".join(QUIET.format(name=name) for name in UNGUESSABLE)


def test_the_server_matches_its_openapi_document(fuzz_stack: Stack, tmp_path: Path) -> None:
    (tmp_path / "schemathesis.toml").write_text(_config())
    document = httpx.get(f"{fuzz_stack.base_url}/openapi.json", timeout=10).json()
    operations = _operations(document)
    report_path = tmp_path / "schemathesis.json"
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{fuzz_stack.base_url}/openapi.json",
        "--checks",
        "all",
        "--header",
        f"Authorization: Bearer {API_KEY}",
        "--max-examples",
        EXAMPLES,
        "--seed",
        SEED,
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report_path),
    ]
    # the webhook is signed by a hook (tests/fakes/fuzz_hooks.py), so its body is fuzzed too
    env = dict(
        os.environ,
        SCHEMATHESIS_HOOKS="tests.fakes.fuzz_hooks",
        PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        LOA_FUZZ_BASE_URL=fuzz_stack.base_url,
        LOA_FUZZ_ADMIN_KEY=API_KEY,
        LOA_FUZZ_SECRET="fuzz-webhook-secret-0123456789",
    )
    run = subprocess.run(  # in tmp_path: schemathesis keeps a cache in its working directory
        command, capture_output=True, text=True, timeout=280, check=False, cwd=tmp_path, env=env
    )
    output = run.stdout[-20_000:] + run.stderr[-4_000:]
    assert report_path.exists(), output
    report = json.loads(report_path.read_text())
    logs = f"\n--- api log ---\n{fuzz_stack.logs('api')}"

    assert report["failures"] == [] and report["errors"] == [], output + logs
    assert run.returncode == 0, output + logs
    assert report["complete"], output
    assert report["operations"]["total"] == len(operations), (operations, report["operations"])
    assert report["operations"]["tested"] == len(operations), report["operations"]
    assert report["operations"]["skipped"] == 0, report["operations"]
    for phase in ("coverage", "fuzzing", "stateful"):
        assert report["phases"][phase]["status"] == "success", (phase, report["phases"], output)
    # a warning means part of the API went untested (a pattern it cannot use, no test data ...)
    warnings = {name: found for name, found in report["warnings"].items() if found}
    assert warnings == {}, output
    api_log = (fuzz_stack.log_dir / "api.log").read_text(errors="replace")
    assert "Traceback" not in api_log, logs
