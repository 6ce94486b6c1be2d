"""Schemathesis against a live server: the OpenAPI document is the contract (issue 6, point 8).

Every check (`--checks all`), the coverage, fuzzing and stateful phases, a fixed seed and a small
number of examples per operation so that a run stays within a few minutes. `make test` runs it on
whichever database DATABASE_URL names; skip it while developing with `-m "not fuzz"`.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kartoteka.accounts.services import api_token_create
from kartoteka.clients.tests.factories import ClientFactory, ClientGroupFactory, LabelFactory, NoteFactory

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(transaction=True)]

CONFIG = Path(__file__).with_name("schemathesis.toml")
HOOKS = "kartoteka.api.tests.fuzz_hooks"
ROOT = Path(__file__).resolve().parents[3]
SEED = 20261123
MAX_EXAMPLES = int(os.environ.get("KARTOTEKA_FUZZ_EXAMPLES", "5"))
TIMEOUT = 600  # seconds: a hang fails the test instead of the CI run


def _schemathesis() -> str:
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("schemathesis is not installed: pip install -e '.[dev]'")
    return found


def test_the_api_holds_its_openapi_contract(live_server, administrator, tmp_path):
    client = ClientFactory()
    NoteFactory(client=client, author=administrator)
    ClientGroupFactory()
    LabelFactory()
    token = api_token_create(user=administrator)
    command = [
        _schemathesis(),
        "--config-file", str(CONFIG),
        "run", f"{live_server.url}/api/openapi.json",
        "--header", f"Authorization: Bearer {token}",
        "--header", "Accept-Language: en",
        "--checks", "all",
        "--phases", "coverage,fuzzing,stateful",
        "--max-examples", str(MAX_EXAMPLES),
        "--seed", str(SEED),
        "--generation-database", "none",
        "--workers", "1",
        "--request-timeout", "30",
        "--no-color",
    ]  # fmt: skip
    # The hooks: the API's own string formats (`format: phone`), and the rows a case's body names.
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": HOOKS,
        "PYTHONPATH": str(ROOT),
        "KARTOTEKA_FUZZ_CLIENT": str(client.pk),
        "KARTOTEKA_FUZZ_OWNER": str(administrator.pk),
    }
    result = subprocess.run(  # noqa: S603 - our own tool, our own arguments
        command, cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT, check=False, env=env
    )
    summary = result.stdout[-30000:]
    print(summary)  # the case count and the outcome, in the test log
    assert result.returncode == 0, summary
