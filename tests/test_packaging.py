"""b2b-mock installed as a user installs it: a wheel in a fresh virtual environment outside the
checkout gives a working server, sync command and pytest fixture (the README's example)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from mock_server.testing.process import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

# The client the README's fixture example exercises: a user's own, with the retry on 429 that
# example expects.
USERS_CLIENT = '''
import requests


class MyB2BClient:
    def __init__(self, url, client_id, client_secret, tenant):
        self.api = url + "/api/commerce/customer/b2baccounts"
        ticket = requests.post(url + "/api/platform/applications/authtickets/oauth", json={
            "client_id": client_id, "client_secret": client_secret,
            "grant_type": "client_credentials"}, timeout=10).json()
        self.headers = {"Authorization": "Bearer " + ticket["access_token"],
                        "x-vol-tenant": str(tenant)}

    def sync_customer(self, customer_id, name):
        body = {"externalId": customer_id, "companyOrOrganization": name}
        for _ in range(5):
            answer = requests.post(self.api, json=body, headers=self.headers, timeout=10)
            if answer.status_code != 429:
                answer.raise_for_status()
                return answer.json()
'''


def readme_fixture_example() -> str:
    """The Python example of the README's section on the ``b2b_mock`` fixture."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("`b2b_mock` pytest fixture"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def run(*command: str | Path, cwd: Path, timeout: float = 600, expect: int = 0) -> str:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={k: v for k, v in os.environ.items()
                                                if not k.startswith(("PYTHON", "VIRTUAL_ENV"))})
    assert done.returncode == expect, f"{command}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module", params=["the built wheel", "pip install ."])
def installed(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment, outside the checkout, with b2b-mock installed from its
    built wheel, or straight from the checkout as ``pip install .`` does (not editable)."""
    place = tmp_path_factory.mktemp("user")
    run(sys.executable, "-m", "venv", place / "venv", cwd=place)
    if request.param == "the built wheel":
        run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", place / "dist",
            ROOT, cwd=place)
        what: Path | str = next((place / "dist").glob("b2b_mock-*.whl"))
    else:
        what = ROOT
    run(place / "venv" / "bin" / "python", "-m", "pip", "install", "--quiet", what,
        "pytest>=8,<10", cwd=place)
    return place


def test_the_installed_server_serves_its_spec_and_answers(installed: Path) -> None:
    port = free_port()
    server = subprocess.Popen([installed / "venv" / "bin" / "b2b-mock", "serve", "--port",
                               str(port), "--db", installed / "data" / "db.json",
                               "--erp-seed", ROOT / "fixtures" / "acumatica"],
                              cwd=installed, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(url + "/_mock/health", timeout=1).ok:
                    break
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
        ticket = requests.post(url + "/api/platform/applications/authtickets/oauth", json={
            "client_id": "b2b-mock-client", "client_secret": "b2b-mock-secret",
            "grant_type": "client_credentials"}, timeout=5).json()
        headers = {"Authorization": f"Bearer {ticket['access_token']}"}
        listed = requests.get(url + "/api/commerce/customer/b2baccounts", headers=headers,
                              timeout=5)
        assert listed.status_code == 200 and listed.json()["totalCount"] == 0
        spec = requests.get(url + "/api/openapi.json", timeout=5).json()
        assert "/commerce/customer/b2baccounts" in spec["paths"]
        assert "<html" in requests.get(url + "/_mock/ui", timeout=5).text.lower()
        log = installed / "sync-log.jsonl"
        # from the installed server's ERP twin; one contact there has no e-mail: exit code 1
        summary = run(installed / "venv" / "bin" / "b2b-sync", "run", "--erp-url", url,
                      "--erp-user", "admin", "--erp-password", "b2b-mock-erp", "--url", url,
                      "--quiet", "--log", log, "--state", installed / "state.json",
                      cwd=installed, expect=1)
        assert summary.startswith("13 customers: 13 AddAccount"), summary
        assert "13 reference ids written to the ERP" in summary
        after = requests.get(url + "/api/commerce/customer/b2baccounts", headers=headers,
                             params={"filter": "externalId eq 'C000000288'"}, timeout=5).json()
        assert [a["companyOrOrganization"] for a in after["items"]] == ["Facebook"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_readme_fixture_example_passes_as_a_users_own_test(installed: Path) -> None:
    project = installed / "my-project"
    project.mkdir(exist_ok=True)
    (project / "my_client.py").write_text(USERS_CLIENT)
    (project / "test_mine.py").write_text("from my_client import MyB2BClient\n\n\n"
                                          + readme_fixture_example())
    out = run(installed / "venv" / "bin" / "python", "-m", "pytest", "-q", "-p",
              "no:cacheprovider", cwd=project)
    assert "1 passed" in out
