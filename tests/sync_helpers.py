"""Helpers for sync tests: ERP data built in code, a sync run against a live mock, reads back."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from mock_server.testing.process import ServerProcess
from sync_client.erp import Contact, Customer, Location, customer_to_json
from sync_client.log import SyncLog
from sync_client.refs import RefStore
from sync_client.sync import RunResult, SyncOptions, make_syncer
from sync_client.transport import Credentials

CREDENTIALS = Credentials("b2b-mock-client", "b2b-mock-secret")
SALES_REP = "5b0e9d19811a4ea99c3588ca64ba61ca"
BASE = "/api/commerce/customer/b2baccounts"


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    """One server per test module that imports this fixture, its journal long enough to count
    every call of a sync."""
    with ServerProcess(extra_args=["--journal-size", "100000"]) as running:
        yield running


@pytest.fixture
def target(server: ServerProcess, tmp_path: Path) -> "Target":
    return Target(server, tmp_path)
_tenants = itertools.count(100)


def facebook(**changes: Any) -> Customer:
    mark = Contact(101, "Mark", "Z", "markz@test.com", active=True, primary=True, enabled=True)
    customer = Customer("C000000288", "Facebook", "Active", "LOCAL", "20-1665019",
                        (("TIER", "Gold"),), (mark,))
    return replace(customer, **changes)


def contact(contact_id: int, email: str | None, primary: bool = False, active: bool = True,
            enabled: bool = True, first: str = "Test", last: str = "User") -> Contact:
    return Contact(contact_id, first, last, email, active=active, primary=primary,
                   enabled=enabled)


class Target:
    """One tenant of a running mock, with the sync's state files for it."""

    def __init__(self, server: ServerProcess, workdir: Path) -> None:
        self.server = server
        self.url = server.url
        self.tenant = next(_tenants)
        self.workdir = workdir
        self.source = workdir / "erp.json"
        self.state = workdir / "state.json"
        self.log_path = workdir / "sync-log.jsonl"
        self._headers: dict[str, str] | None = None

    def write_erp(self, *customers: Customer) -> Path:
        self.source.write_text(json.dumps([customer_to_json(c) for c in customers]))
        return self.source

    def contacts(self, external_id: str) -> dict[str, dict[str, Any]]:
        """The account's contacts (its addresses), by label."""
        account = self.account(external_id)
        assert account is not None
        answer = requests.get(f"{self.url}/api/commerce/customer/accounts/{account['id']}"
                              "/contacts", headers=self.headers(), timeout=10,
                              params={"pageSize": 200})
        assert answer.status_code == 200, answer.text
        return {c["label"]: c for c in answer.json()["items"]}

    def sync(self, *customers: Customer, max_rate: float | None = None,
             **options: Any) -> tuple[RunResult, SyncLog]:
        log = SyncLog(self.log_path, user="tester")
        refs = RefStore(self.state, f"{self.url}#{self.tenant}")
        try:
            result = make_syncer(self.url, CREDENTIALS, log, refs, self.tenant,
                                 options=SyncOptions(**{"sales_rep": SALES_REP, **options}),
                                 max_rate=max_rate).run(customers)
        finally:
            refs.close()
        return result, log

    # reading the B2B side directly
    def headers(self) -> dict[str, str]:
        if self._headers is None:
            token = requests.post(self.url + "/api/platform/applications/authtickets/oauth",
                                  json={"client_id": CREDENTIALS.client_id,
                                        "client_secret": CREDENTIALS.client_secret},
                                  timeout=10).json()["access_token"]
            self._headers = {"Authorization": f"Bearer {token}", "x-vol-tenant": str(self.tenant)}
        return self._headers

    def call(self, method: str, path: str = "", **kwargs: Any) -> requests.Response:
        response = requests.request(method, self.url + BASE + path, headers=self.headers(),
                                    timeout=10, **kwargs)
        assert response.status_code < 400, response.text
        return response

    def account(self, external_id: str) -> dict[str, Any] | None:
        items = self.call("GET", params={"filter": f"externalId eq '{external_id}'"}).json()["items"]
        return items[0] if items else None

    def users(self, external_id: str) -> dict[str, dict[str, Any]]:
        account = self.account(external_id)
        assert account is not None
        items = self.call("GET", f"/{account['id']}/users", params={"pageSize": 200}).json()["items"]
        return {u["emailAddress"]: u for u in items}

    def journal(self, **params: Any) -> list[dict[str, Any]]:
        return requests.get(self.url + "/_mock/journal", params={"tenant": self.tenant, **params},
                            timeout=10).json()["items"]

    def writes(self, since: int = 0) -> list[dict[str, Any]]:
        """B2B calls that change something (ticket requests are not writes)."""
        return [e for e in self.journal(since=since)
                if e["method"] != "GET" and e["path"].startswith(BASE)]

    def last_seq(self) -> int:
        entries = requests.get(self.url + "/_mock/journal", params={"order": "newest", "limit": 1},
                               timeout=10).json()["items"]
        return entries[0]["seq"] if entries else 0

    def fault(self, **rule: Any) -> None:
        response = requests.post(self.url + "/_mock/faults", json={"tenant": self.tenant, **rule},
                                 timeout=10)
        assert response.status_code == 201, response.text


def roles(user: dict[str, Any]) -> list[str]:
    return [r["roleName"] for r in user["roles"]]


ERP_LOGIN = {"name": "admin", "password": "b2b-mock-erp", "tenant": "Company"}
ERP_ARGS = ["--erp-user", "admin", "--erp-password", "b2b-mock-erp", "--erp-company", "Company"]
ENTITY = "/entity/Default/24.200.001"


class ErpTwin:
    """The mock's ERP twin, edited as a person edits the ERP: through its own API."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.sign_in()

    def sign_in(self) -> None:
        signed = self.http.post(self.url + "/entity/auth/login", json=ERP_LOGIN, timeout=10)
        assert signed.status_code == 204, signed.text

    def load(self, *customers: Customer) -> None:
        """Replace the ERP's data (and the mock's B2B data) with these customers."""
        assert requests.post(self.url + "/_mock/reset", timeout=10).status_code == 200
        loaded = requests.post(self.url + "/_mock/seed", timeout=30,
                               json={"erp": [customer_to_json(c) for c in customers]})
        assert loaded.status_code == 200, loaded.text

    def put(self, entity: str, body: dict[str, Any], **params: str) -> dict[str, Any]:
        answer = self.http.put(self.url + ENTITY + "/" + entity, json=body, timeout=10,
                               params={f"${k}": v for k, v in params.items()})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def get(self, path: str, **params: str) -> Any:
        answer = self.http.get(self.url + ENTITY + "/" + path, timeout=10,
                               params={f"${k}": v for k, v in params.items()})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def delete(self, path: str) -> None:
        assert self.http.delete(self.url + ENTITY + "/" + path, timeout=10).status_code == 204

    def edit_customer(self, customer_id: str, **fields: Any) -> None:
        self.put("Customer", {"CustomerID": {"value": customer_id},
                              **{k: {"value": v} for k, v in fields.items()}})

    def edit_contact(self, contact_id: int, **fields: Any) -> None:
        self.put("Contact", {"ContactID": {"value": contact_id},
                             **{k: {"value": v} for k, v in fields.items()}})

    def edit_location(self, customer_id: str, location_id: str, **fields: Any) -> None:
        self.put("CustomerLocation", {"Customer": {"value": customer_id},
                                      "LocationID": {"value": location_id},
                                      **{k: {"value": v} for k, v in fields.items()}})

    def reference(self, customer_id: str) -> str | None:
        found = self.get(f"Customer/{customer_id}", custom="BAccount.UsrCommerceRefID")
        return found["custom"]["BAccount"]["UsrCommerceRefID"]["value"]


def location(location_id: str, name: str, default: bool = False, active: bool = True,
             email: str | None = None, city: str = "Oslo") -> Location:
    return Location(location_id, name, active=active, default=default, email=email,
                    address1="1 Main St", city=city, postal_code="0150", country="NO")
