"""A pytest plugin for people testing their own B2B clients against b2b-mock.

Installed with the package (the ``pytest11`` entry point ``b2b_mock``), it gives every test the
``b2b_mock`` fixture: one b2b-mock server per test session on a free port, and for each test a
tenant of its own, an authenticated ``requests`` session for it, and helpers for the request
journal and fault injection. The tenant is emptied and its faults removed after the test.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from ..domain.tickets import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from .process import ServerProcess

B2B_PATH = "/api/commerce/customer/b2baccounts"
TICKET_PATH = "/api/platform/applications/authtickets/oauth"
_tenants = itertools.count(700_000)


@dataclass
class B2BMock:
    """One test's view of the running mock: its URL, tenant, credentials and helpers."""

    url: str
    tenant: int
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    session: requests.Session = field(default_factory=requests.Session)
    # for the operator API: the server's operator token, when it requires one
    admin_headers: dict[str, str] = field(default_factory=dict)

    @property
    def api(self) -> str:
        """The B2B accounts base URL: ``mock.api + "/1001/users"``."""
        return self.url + B2B_PATH

    def authenticate(self) -> None:
        ticket = requests.post(self.url + TICKET_PATH, timeout=10, json={
            "client_id": self.client_id, "client_secret": self.client_secret,
            "grant_type": "client_credentials"})
        ticket.raise_for_status()
        self.session.headers.update({"Authorization": f"Bearer {ticket.json()['access_token']}",
                                     "x-vol-tenant": str(self.tenant)})

    def _admin(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, self.url + "/_mock" + path, timeout=10,
                                    headers=self.admin_headers, **kwargs)
        response.raise_for_status()
        return response.json()

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        """This tenant's recorded calls, oldest first (filters: operation, method, status...)."""
        return self._admin("GET", "/journal", params={"tenant": self.tenant, **filters})["items"]

    def calls(self, **filters: Any) -> list[str]:
        """The recorded calls as ``"AddUser 200"`` strings, for compact assertions."""
        return [f"{e['operation']} {e['status']}" for e in self.journal(**filters)
                if e["operation"] != "CreateAuthTicket"]

    def fault(self, kind: str, **rule: Any) -> dict[str, Any]:
        """Inject a fault for this tenant, e.g. ``fault("status", status=429, retryAfter=1)``."""
        return self._admin("POST", "/faults", json={"kind": kind, "tenant": self.tenant, **rule})

    def clear_faults(self) -> None:
        for rule in self._admin("GET", "/faults")["items"]:
            if rule["tenant"] == self.tenant:
                self._admin("DELETE", f"/faults/{rule['id']}")

    def expire_tokens(self) -> int:
        return self._admin("POST", "/tokens/expire")["expired"]

    def seed(self, document: dict[str, Any]) -> dict[str, int]:
        """Add accounts and users (the seed file format) to this tenant."""
        return self._admin("POST", "/seed", json={**document, "tenant": self.tenant})

    def reset(self) -> None:
        self._admin("POST", "/reset", json={"tenant": self.tenant})


@pytest.fixture(scope="session")
def b2b_mock_server() -> Iterator[ServerProcess]:
    """One in-memory b2b-mock for the whole test session."""
    with ServerProcess(extra_args=["--journal-size", "20000"]) as server:
        yield server


@pytest.fixture
def b2b_mock(b2b_mock_server: ServerProcess) -> Iterator[B2BMock]:
    """A fresh tenant on the session's b2b-mock, with an authenticated session for it."""
    mock = B2BMock(url=b2b_mock_server.url, tenant=next(_tenants),
                   admin_headers=b2b_mock_server.admin_headers())
    mock.authenticate()
    yield mock
    mock.clear_faults()
    mock.reset()
    mock.session.close()
