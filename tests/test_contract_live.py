"""The contract suite aimed at a live host (``make contract URL=...``) runs over real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from mock_server.testing.process import ServerProcess

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def test_schemathesis_suite_against_a_live_url() -> None:
    with ServerProcess(extra_args=["--tenant", "7"]) as server:
        env = {**os.environ, "B2B_CONTRACT_URL": server.url, "B2B_TENANT": "7"}
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "contract_tests/test_conformance.py", "-k", "operation_conforms"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stdout[-3000:]
        assert " passed" in run.stdout
        journal = requests.get(server.url + "/_mock/journal", params={"tenant": 7},
                               timeout=10).json()
        assert journal["totalCount"] > 20  # the calls really went over HTTP to this server
