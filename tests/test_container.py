"""The container image as a CI service runs it: built by ``container/build.py`` (what ``make
container`` runs), started with podman, it answers the seeded accounts, keeps its store on the
volume across containers, takes its settings from the environment, runs as no root, and its
health check passes.

Skipped only when podman is missing or cannot run a container on this machine (the reason says
which); ``make test`` installs podman, runc and debootstrap.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from mock_server.testing.process import free_port

pytestmark = [pytest.mark.slow, pytest.mark.container]

ROOT = Path(__file__).resolve().parent.parent
# One tag per checkout: worktrees building at once do not run each other's image.
IMAGE = "localhost/b2b-mock:test-" + hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
TICKETS = "/api/platform/applications/authtickets/oauth"
ACCOUNTS = "/api/commerce/customer/b2baccounts"


class Podman:
    """podman with the options ``container/build.py`` found this machine needs."""

    def __init__(self, options: dict[str, list[str]]) -> None:
        self.global_options = options["global"]
        self.run_options = options["run"]

    def __call__(self, *args: str, check: bool = True,
                 timeout: float = 120) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(["podman", *self.global_options, *args], capture_output=True,
                              text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise AssertionError(f"podman {' '.join(args)}: {done.returncode}\n{done.stderr}")
        return done

    def start(self, volume: str, *options: str) -> tuple[str, str]:
        """A detached container of the image on a free local port: its id and URL."""
        port = free_port()
        speedups = os.environ.get("B2B_MOCK_SPEEDUPS", "1")
        cid = self("run", "--detach", "--health-interval=disable", *self.run_options,
                   "-p", f"127.0.0.1:{port}:8080", "-v", f"{volume}:/data",
                   "-e", f"B2B_MOCK_SPEEDUPS={speedups}", *options, IMAGE).stdout.strip()
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(url + "/_mock/health", timeout=1).status_code == 200:
                    return cid, url
            except (requests.ConnectionError, requests.Timeout):
                pass
            if self("inspect", "--format", "{{.State.Running}}", cid).stdout.strip() != "true":
                break
            time.sleep(0.2)
        logs = self("logs", cid, check=False)
        self("rm", "--force", "--volumes", cid, check=False)
        raise AssertionError(f"the container did not answer: {logs.stdout}{logs.stderr}")


@pytest.fixture(scope="module")
def podman() -> Podman:
    if shutil.which("podman") is None:
        pytest.skip("podman is not installed (make test installs it with runc and debootstrap)")
    build = subprocess.run([sys.executable, str(ROOT / "container" / "build.py"), "--quiet",
                            "--image", IMAGE], capture_output=True, text=True, timeout=900)
    if "podman cannot run a container here" in build.stderr:
        pytest.skip(build.stderr.strip())
    assert build.returncode == 0, build.stdout + build.stderr
    options = json.loads((ROOT / "build" / "container" / "podman.json").read_text())
    return Podman(options)


@pytest.fixture
def volume(podman: Podman) -> Iterator[str]:
    name = f"b2b-mock-test-{uuid.uuid4().hex[:12]}"
    podman("volume", "create", name)
    yield name
    podman("volume", "rm", "--force", name, check=False)


@pytest.fixture
def containers(podman: Podman) -> Iterator[list[str]]:
    """Containers a test started, removed after it."""
    started: list[str] = []
    yield started
    for cid in started:
        podman("rm", "--force", "--volumes", "--time", "2", cid, check=False)


def bearer(url: str, client_id: str = "b2b-mock-client",
           secret: str = "b2b-mock-secret") -> dict[str, str]:
    answer = requests.post(url + TICKETS, timeout=10, json={
        "client_id": client_id, "client_secret": secret, "grant_type": "client_credentials"})
    assert answer.status_code == 200, answer.text
    return {"Authorization": "Bearer " + answer.json()["access_token"]}


def test_the_image_is_a_service_without_root(podman: Podman) -> None:
    image: dict[str, Any] = json.loads(podman("image", "inspect", IMAGE).stdout)[0]
    assert image["Config"]["User"] == "b2b-mock"
    assert "8080/tcp" in image["Config"]["ExposedPorts"]
    assert "/data" in image["Config"]["Volumes"]
    assert image["Healthcheck"]["Test"] == ["CMD", "b2b-mock", "health"]


def test_the_container_serves_keeps_its_store_and_takes_settings(
        podman: Podman, volume: str, containers: list[str]) -> None:
    cid, url = podman.start(volume)
    containers.append(cid)
    assert podman("exec", cid, "id", "-u").stdout.strip() != "0"
    assert podman("healthcheck", "run", cid, check=False).returncode == 0
    headers = bearer(url)
    seeded = requests.get(url + ACCOUNTS, headers=headers, timeout=10,
                          params={"filter": "externalId eq 'C000000288'"}).json()
    assert [a["companyOrOrganization"] for a in seeded["items"]] == ["Facebook"]
    created = requests.post(url + ACCOUNTS, headers=headers, timeout=10, json={
        "companyOrOrganization": "Made in the container", "externalId": "CI-1"})
    assert created.status_code == 200, created.text
    # served on every address of the container, the operator API asks for the token the
    # server made up and printed once
    logs = podman("logs", cid).stdout
    token = logs.split("operator     token ", 1)[1].split()[0]
    assert requests.get(url + "/_mock/journal", timeout=5).status_code == 401
    assert requests.get(url + "/_mock/journal", timeout=5,
                        headers={"Authorization": f"Bearer {token}"}).status_code == 200
    podman("stop", "--time", "10", cid)

    # a new container on the same volume, configured through the environment
    cid, url = podman.start(volume, "-e", "B2B_MOCK_CLIENT_ID=ci-client",
                            "-e", "B2B_MOCK_CLIENT_SECRET=ci-secret",
                            "-e", "B2B_MOCK_TENANT=7",
                            "-e", "B2B_MOCK_ADMIN_TOKEN=ci-operator")
    containers.append(cid)
    assert "ci-operator" not in podman("logs", cid).stdout
    health = requests.get(url + "/_mock/health", timeout=5,
                          headers={"Authorization": "Bearer ci-operator"}).json()
    assert health["defaultTenant"] == 7
    refused = requests.post(url + TICKETS, timeout=10, json={
        "client_id": "b2b-mock-client", "client_secret": "b2b-mock-secret",
        "grant_type": "client_credentials"})
    assert refused.status_code == 401
    kept = requests.get(url + ACCOUNTS, timeout=10,
                        headers={**bearer(url, "ci-client", "ci-secret"), "x-vol-tenant": "1"},
                        params={"filter": "externalId eq 'CI-1'"}).json()
    assert [a["companyOrOrganization"] for a in kept["items"]] == ["Made in the container"]


def test_a_bad_setting_stops_the_container_with_the_reason(
        podman: Podman, containers: list[str]) -> None:
    cid = podman("run", "--detach", *podman.run_options, "-e", "B2B_MOCK_PORT=eighty",
                 IMAGE).stdout.strip()
    containers.append(cid)
    status = podman("wait", cid).stdout.strip()
    assert status == "2"
    assert "B2B_MOCK_PORT='eighty' is not a whole number" in podman("logs", cid).stderr
