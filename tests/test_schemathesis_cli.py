"""Schemathesis's own command, as a user runs it with nothing but the spec and a ticket: every
check, every phase, zero failures. It reads the filter, sortBy and responseFields languages from
the spec's patterns alone, so what the spec allows must be what the server accepts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from mock_server.testing.process import ServerProcess

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "openapi"
EXAMPLES = "15"  # per operation and phase: a bounded run for make test


def st_command() -> list[str]:
    found = shutil.which("st", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "schemathesis.cli"]


@pytest.mark.parametrize("spec, base", [("b2baccounts.yaml", "/api"),
                                        ("platform.yaml", "/api/platform")])
def test_the_schemathesis_cli_finds_nothing_with_only_the_spec_and_a_ticket(spec: str,
                                                                          base: str) -> None:
    with ServerProcess() as server:
        ticket = requests.post(server.url + "/api/platform/applications/authtickets/oauth",
                               json={"client_id": "b2b-mock-client",
                                     "client_secret": "b2b-mock-secret"}, timeout=10).json()
        done = subprocess.run(
            [*st_command(), "run", str(SPECS / spec), "--url", server.url + base, "--checks", "all",
             "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", EXAMPLES,
             "-H", f"Authorization: Bearer {ticket['access_token']}"],
            capture_output=True, text=True, timeout=600, cwd=ROOT)  # with schemathesis.toml
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert "failure" not in summary and "error" not in summary, done.stdout[-6000:]
