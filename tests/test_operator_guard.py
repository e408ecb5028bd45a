"""Who may use the operator API and the demo page: the operator token, the Host a request
names (no DNS rebinding), and the Origin of changes (no cross-site resets)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from conftest import BASE, Api, assert_error
from mock_server.config import Settings
from mock_server.http.operator_guard import host_name, is_loopback
from mock_server.testing.process import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "op-7f3c1e"
SEED = {"accounts": [{"companyOrOrganization": "Kept Co", "externalId": "KEPT"}]}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("settings", [Settings(admin_token=TOKEN)])
def test_with_a_token_set_every_operator_call_needs_it(client, settings) -> None:
    assert client.post("/_mock/seed", json=SEED, headers=bearer(TOKEN)).status_code == 200
    for method, path in (("GET", "/_mock/state"), ("GET", "/_mock/journal"),
                         ("POST", "/_mock/reset"), ("GET", "/_mock/tenants"),
                         ("POST", "/_mock/tokens/expire"), ("GET", "/_mock/faults"),
                         ("PUT", "/_mock/state"), ("GET", "/_mock/tenants/1/accounts")):
        for headers in ({}, bearer("wrong"), {"Authorization": TOKEN},
                        {"X-Mock-Admin-Token": TOKEN}, bearer(TOKEN + "x")):
            response = client.request(method, path, headers=headers)
            body = assert_error(response, 401, "UNAUTHORIZED", "operator token")
            assert "Bearer" in response.headers["www-authenticate"]
            assert TOKEN not in json.dumps(body)
    assert Api(client).get().json()["totalCount"] == 1  # nothing was reset
    assert client.get("/_mock/state", headers=bearer(TOKEN)).status_code == 200
    assert client.post("/_mock/reset", headers=bearer(TOKEN)).status_code == 200


@pytest.mark.parametrize("settings", [Settings(admin_token=TOKEN)])
def test_the_page_and_the_health_check_open_without_it_and_say_little(client,
                                                                        settings) -> None:
    page = client.get("/_mock/ui")
    assert page.status_code == 200 and "Operator token" in page.text
    health = client.get("/_mock/health").json()
    # the default tenant stays told: b2b-sync keys its references by it
    assert {k: v for k, v in health.items() if k != "version"} == {
        "status": "ok", "auth": True, "defaultTenant": 1}
    assert client.get("/_mock/health", headers=bearer(TOKEN)).json()["storage"] == "memory"


def test_without_a_token_the_operator_api_is_open_to_this_machine(client) -> None:
    assert client.get("/_mock/journal").status_code == 200
    assert client.post("/_mock/reset").status_code == 200
    assert client.get("/_mock/health").json()["auth"] is True


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "127.0.0.1.evil.example",
                                  "localhost.evil.example", ""])
def test_a_host_the_mock_does_not_answer_to_is_refused(client, host) -> None:
    client.post("/_mock/seed", json=SEED)
    for method, path in (("GET", "/_mock/state"), ("GET", "/_mock/ui"),
                         ("POST", "/_mock/reset"), ("GET", "/_mock/journal")):
        body = assert_error(client.request(method, path, headers={"Host": host}), 403,
                            "FORBIDDEN", "host")
        assert "--allowed-host" in body["message"]
    assert Api(client).get().json()["totalCount"] == 1
    # the service's own API answers whatever host it is called by, as the service does
    assert Api(client).get(headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["localhost", "localhost:8080", "127.0.0.1:9", "[::1]:8080",
                                  "LOCALHOST.", "demo.localhost", "10.0.0.7:8080",
                                  "[fe80::1]"])
def test_local_names_and_addresses_are_answered(client, host) -> None:
    assert client.get("/_mock/journal", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("settings", [Settings(allowed_hosts=("mock.internal",)),
                                      Settings(allowed_hosts=("*",)),
                                      Settings(bound_host="mock.internal")])
def test_more_names_can_be_allowed(client, settings) -> None:
    assert client.get("/_mock/journal", headers={"Host": "mock.internal:8080"}).status_code == 200
    assert client.get("/_mock/journal", headers={"Host": "other.example"}).status_code == (
        200 if "*" in settings.allowed_hosts else 403)


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"},
                                     {"Origin": "http://localhost:9999"},
                                     {"Origin": "null"},
                                     {"Origin": "file://"},
                                     {"Sec-Fetch-Site": "cross-site"}])
def test_a_change_from_another_site_is_refused(client, headers) -> None:
    client.post("/_mock/seed", json=SEED)
    for method, path in (("POST", "/_mock/reset"), ("PUT", "/_mock/state"),
                         ("POST", "/_mock/faults"), ("DELETE", "/_mock/journal"),
                         ("PUT", "/_mock/tenants/1/accounts/1001/status/approve")):
        assert_error(client.request(method, path, headers=headers), 403, "FORBIDDEN",
                     "other sites")
    assert Api(client).get().json()["totalCount"] == 1


def test_changes_from_the_demo_page_itself_and_reads_are_fine(client) -> None:
    same = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/_mock/faults", json={"kind": "latency", "latencyMs": 1},
                       headers=same).status_code == 201
    assert client.get("/_mock/journal", headers={"Origin": "http://evil.example"}
                      ).status_code == 200  # a browser keeps the answer from that page


def test_names_and_addresses() -> None:
    assert host_name("[::1]:8080") == "::1" and host_name("LocalHost.:80") == "localhost"
    assert host_name("::1") == "::1" and host_name("10.0.0.1") == "10.0.0.1"
    for loopback in ("127.0.0.1", "localhost", "::1", "127.0.0.2", "app.localhost"):
        assert is_loopback(loopback)
    for network in ("0.0.0.0", "::", "192.168.1.5", "example.com", ""):
        assert not is_loopback(network)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mock_server", *args], capture_output=True,
                          text=True, timeout=60, cwd=ROOT, env={**os.environ, **(env or {})})


@pytest.mark.slow
def test_serving_every_network_makes_up_a_token_and_says_so() -> None:
    with ServerProcess(extra_args=["--host", "0.0.0.0"]) as server:
        assert requests.get(server.url + "/_mock/state", timeout=10).status_code == 401
        stdout = server.output_text()
        found = re.search(r"operator +token (\S+)", stdout)
        assert found, stdout
        token = found.group(1)
        assert f"/_mock/ui#token={token}" in stdout
        assert requests.get(server.url + "/_mock/state", headers=bearer(token),
                            timeout=10).status_code == 200
        assert "WARNING" in server.log_text() and "0.0.0.0" in server.log_text()
        # the client verbs take it from the option or the environment
        assert run("journal", "--url", server.url).returncode != 0
        assert run("journal", "--url", server.url, "--admin-token", token).returncode == 0
        assert run("journal", "--url", server.url,
                   env={"B2B_MOCK_ADMIN_TOKEN": token}).returncode == 0
        assert stdout.count(token) == 2  # shown once, in the banner's two lines


@pytest.mark.slow
def test_a_token_from_the_environment_is_required_but_never_printed() -> None:
    with ServerProcess(env={"B2B_MOCK_ADMIN_TOKEN": TOKEN}) as server:
        assert requests.post(server.url + "/_mock/reset", timeout=10).status_code == 401
        assert requests.post(server.url + "/_mock/reset", headers=bearer(TOKEN),
                             timeout=10).status_code == 200
        assert server.admin_headers() == bearer(TOKEN)
        assert TOKEN not in server.output_text() + server.log_text()
        assert "B2B_MOCK_ADMIN_TOKEN is required" in server.output_text()
