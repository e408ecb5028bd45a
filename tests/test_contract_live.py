"""The contract suite aimed at a live host (``make contract URL=...``) runs over real HTTP, and
touches one tenant only: its own, never the data of another."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from mock_server.testing.process import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
BASE = "/api/commerce/customer/b2baccounts"

pytestmark = pytest.mark.slow


def seed_two_tenants(server: ServerProcess) -> dict[str, Any]:
    for tenant in (1, 7):
        requests.post(server.url + "/_mock/seed", timeout=10, headers=server.admin_headers(),
                      json={"tenant": tenant, "accounts": [
                          {"companyOrOrganization": f"Someone else's {tenant}",
                           "externalId": f"KEEP{tenant}"}]}).raise_for_status()
    return others(server)


def others(server: ServerProcess) -> dict[str, Any]:
    """The tables of tenants 1 and 7, the data that is not the suite's."""
    state = requests.get(server.url + "/_mock/state", headers=server.admin_headers(),
                         timeout=30).json()["tables"]
    return {name: docs for name, docs in state.items() if name.startswith(("t1/", "t7/"))}


def test_schemathesis_suite_against_a_live_url_in_a_tenant_of_its_own() -> None:
    with ServerProcess(extra_args=["--tenant", "7", "--journal-size", "50000"]) as server:
        before = seed_two_tenants(server)
        env = {**os.environ, "B2B_CONTRACT_URL": server.url}
        env.pop("B2B_TENANT", None)
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "contract_tests/test_conformance.py", "-k", "operation_conforms"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stdout[-3000:]
        assert " passed" in run.stdout
        assert others(server) == before  # neither the default tenant nor another was touched
        def answered(tenant: int) -> list[dict[str, Any]]:
            return requests.get(server.url + "/_mock/journal", timeout=30, params={
                "tenant": tenant, "status": 200, "path": BASE}).json()["items"]

        assert answered(1) == [] and answered(7) == []
        # the B2B calls the service answered (not the operator calls that find and empty its
        # tenant, nor the refused ones schemathesis sends with odd headers) all went to one
        # tenant of its own, over HTTP to this server
        recent = requests.get(server.url + "/_mock/journal", timeout=30, params={
            "order": "newest", "limit": 200, "path": BASE, "status": 200}).json()["items"]
        assert len(recent) > 20
        tenants = {int(e["tenant"]) for e in recent}
        assert len(tenants) == 1 and min(tenants) >= 900_000_000, tenants
        assert answered(min(tenants))


def emptying(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The suite's reset between scenarios, as it runs against a live host."""
    script = ("from contract_tests import target\n"
              "print(target.TENANT)\n"
              "target.reset()\n")
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env})


def test_emptying_between_scenarios_empties_the_suites_tenant_alone() -> None:
    with ServerProcess() as server:
        before = seed_two_tenants(server)
        env = {"B2B_CONTRACT_URL": server.url, "B2B_TENANT": ""}
        done = emptying(env)
        assert done.returncode == 0, done.stderr
        assert int(done.stdout) >= 900_000_000
        assert others(server) == before
        requests.post(server.url + "/_mock/seed", timeout=10, json={"tenant": 12, "accounts": [
            {"companyOrOrganization": "The suite's own"}]}).raise_for_status()
        assert emptying({**env, "B2B_TENANT": "12"}).returncode == 0
        tables = requests.get(server.url + "/_mock/state", timeout=10).json()["tables"]
        assert not any(name.startswith("t12/") for name in tables)
        assert others(server) == before


def test_a_host_that_is_not_a_mock_needs_b2b_tenant() -> None:
    env = {**os.environ, "B2B_CONTRACT_URL": "http://127.0.0.1:9"}  # nothing listens there
    env.pop("B2B_TENANT", None)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "contract_tests/test_conformance.py", "--collect-only"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert "set B2B_TENANT" in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
