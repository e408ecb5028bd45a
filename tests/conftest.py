"""Shared fixtures: an in-memory mock behind Starlette's test client, authenticated."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mock_server.app import create_app
from mock_server.config import Settings

BASE = "/api/commerce/customer/b2baccounts"
TICKETS = "/api/platform/applications/authtickets/oauth"
SALES_REP = "5b0e9d19811a4ea99c3588ca64ba61ca"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CREDENTIALS = {"client_id": "b2b-mock-client", "client_secret": "b2b-mock-secret",
               "grant_type": "client_credentials"}


class Api:
    """A test client that sends a bearer token and a tenant, with small helpers."""

    def __init__(self, client: Any, tenant: int | None = None) -> None:
        self.client = client
        self.tenant = tenant
        ticket = client.post(TICKETS, json=CREDENTIALS)
        assert ticket.status_code == 200, ticket.text
        self.token = ticket.json()["access_token"]

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if self.tenant is not None:
            headers["x-vol-tenant"] = str(self.tenant)
        headers.update(extra or {})
        return headers

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = self.headers(kwargs.pop("headers", None))
        return self.client.request(method, BASE + path, headers=headers, **kwargs)

    def get(self, path: str = "", **kw: Any) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str = "", **kw: Any) -> Any:
        return self.request("POST", path, **kw)

    def put(self, path: str = "", **kw: Any) -> Any:
        return self.request("PUT", path, **kw)

    def delete(self, path: str = "", **kw: Any) -> Any:
        return self.request("DELETE", path, **kw)

    def add_account(self, **fields: Any) -> dict[str, Any]:
        body = {"companyOrOrganization": "Facebook", "externalId": "C000000288", **fields}
        response = self.post(json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def approve(self, account_id: int, rep: str = SALES_REP) -> dict[str, Any]:
        """Make a new (pending) account approved, as the service needs: a sales rep first."""
        assert self.post(f"/{account_id}/salesrep/{rep}").status_code == 200
        response = self.put(f"/{account_id}/status/approve")
        assert response.status_code == 200, response.text
        return response.json()

    def add_user(self, account_id: int, email: str = "markz@test.com", roles: tuple = (),
                 **fields: Any) -> dict[str, Any]:
        user = {"emailAddress": email, "firstName": "Mark", "lastName": "Z", **fields}
        if roles:
            user["roles"] = [{"roleId": r} for r in roles]
        response = self.post(f"/{account_id}/user", json={"b2BUser": user, "isImport": False})
        assert response.status_code == 200, response.text
        return response.json()


def assert_error(response: Any, status: int, code: str, *words: str) -> dict[str, Any]:
    """The response is the service's error format, as the official SDKs read it, with this
    status, code and message words, and (from the service) a correlation id."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    routed = code not in ("ROUTE_NOT_FOUND", "METHOD_NOT_ALLOWED")  # the router has none
    if routed and not response.request.url.path.startswith("/_mock"):  # nor the operator
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers.get("x-vol-correlation", "")), \
            response.headers
    body = response.json()
    assert body["errorCode"] == code, body
    assert body["applicationName"] == "Customer"
    assert set(body["exceptionDetail"]) == {"message", "source", "stackTrace", "targetSite",
                                            "type"}
    assert body["exceptionDetail"]["stackTrace"] is None
    assert isinstance(body["additionalErrorData"], list)
    assert all(set(item) == {"name", "value"} for item in body["additionalErrorData"])
    assert [set(item) for item in body["items"]] == [
        {"applicationName", "errorCode", "message", "additionalErrorData"}]
    assert body["items"][0]["errorCode"] == code
    for word in words:
        assert word.lower() in body["message"].lower(), body["message"]
    return body


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def app(settings: Settings) -> Any:
    return create_app(settings)


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    with app.test_client() as test_client:
        yield test_client


@pytest.fixture
def api(client: Any) -> Api:
    return Api(client)


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's, with its chromedriver) driven by Selenium."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("Chromium and chromedriver are missing: run `make test`, which installs "
                    "Debian's chromium and chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="b2b-ui-chrome-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1440,1000",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)
