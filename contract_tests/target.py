"""What the contract tests run against: b2b-mock in-process, or a live base URL.

In-process (the default, for ``make test``) the spec is served by a fresh b2b-mock app and every
call goes through its ASGI interface. With ``B2B_CONTRACT_URL`` set (``make contract URL=...``)
the same tests send real HTTP to that host, reading the spec from ``openapi/`` and the
credentials and tenant from ``B2B_CLIENT_ID``, ``B2B_CLIENT_SECRET`` and ``B2B_TENANT``.

Against a live host the suite only ever touches one tenant: every call names it, and emptying
it between scenarios empties that tenant alone. Without ``B2B_TENANT`` a b2b-mock target gets a
tenant of the suite's own, one that holds no data (``own_tenant``); any other host must be told
which tenant the suite may write to.
"""

from __future__ import annotations

import os
import random
import threading
from typing import Any

import requests
import schemathesis

from mock_server import openapi

TICKET_PATH = "/api/platform/applications/authtickets/oauth"
LIVE_URL = os.environ.get("B2B_CONTRACT_URL", "").rstrip("/")
CLIENT_ID = os.environ.get("B2B_CLIENT_ID", "b2b-mock-client")
CLIENT_SECRET = os.environ.get("B2B_CLIENT_SECRET", "b2b-mock-secret")
# A b2b-mock target's operator API, when it requires the operator token.
ADMIN_HEADERS = ({"Authorization": f"Bearer {os.environ['B2B_MOCK_ADMIN_TOKEN']}"}
                 if os.environ.get("B2B_MOCK_ADMIN_TOKEN") else {})
# Tenants the suite picks its own from on a b2b-mock (x-vol-tenant allows nine digits).
OWN_TENANTS = (900_000_000, 999_999_999)


class NoTenant(RuntimeError):
    """A live host that is not a b2b-mock, and no B2B_TENANT to write to."""


def is_mock(url: str) -> bool:
    """Whether ``url`` is a b2b-mock (its operator API's health check answers)."""
    try:
        answer = requests.get(url + "/_mock/health", timeout=10)
        return answer.status_code == 200 and answer.json().get("status") == "ok"
    except (requests.RequestException, ValueError):
        return False


def own_tenant(url: str, configured: str | None) -> str:
    """The one tenant the suite may touch on ``url``: ``B2B_TENANT``, or on a b2b-mock a tenant
    that holds no data, picked at random among ``OWN_TENANTS``."""
    if configured:
        return configured
    if not is_mock(url):
        raise NoTenant(f"{url} is not a b2b-mock: set B2B_TENANT to the tenant the contract "
                       "suite may create and delete accounts in")
    try:
        listed = requests.get(url + "/_mock/tenants", headers=ADMIN_HEADERS, timeout=10)
        used = {item["tenant"] for item in listed.json()["items"]} if listed.ok else set()
    except (requests.RequestException, ValueError, KeyError):
        used = set()
    rng = random.SystemRandom()
    while True:
        tenant = rng.randint(*OWN_TENANTS)
        if tenant not in used:
            return str(tenant)


TENANT = own_tenant(LIVE_URL, os.environ.get("B2B_TENANT")) if LIVE_URL \
    else os.environ.get("B2B_TENANT")

# Checks switched off, and why; the only place where any is. Empty: every check runs everywhere.
EXCLUDED_CHECKS: dict[str, str] = {}


def _load() -> tuple[Any, Any]:
    if LIVE_URL:
        loaded = schemathesis.openapi.from_dict(openapi.load("b2baccounts.yaml"))
        loaded.config.update(base_url=LIVE_URL + "/api")
        return loaded, None
    from mock_server.app import create_app

    app = create_app()
    return schemathesis.openapi.from_asgi("/api/openapi.json", app), app


schema, app = _load()


class _Ticket:
    """One access ticket, shared by every case and renewed when it is refused."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.token: str | None = None

    def fetch(self) -> str:
        body = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "grant_type": "client_credentials"}
        if app is not None:
            with app.test_client() as client:
                response = client.post(TICKET_PATH, json=body)
        else:
            response = requests.post(LIVE_URL + TICKET_PATH, json=body, timeout=30)
        response.raise_for_status()
        return response.json()["access_token"]


_ticket = _Ticket()


@schema.auth()
class TicketAuth:
    """Bearer ticket (and the tenant header, when one is configured) on every case."""

    def get(self, case: Any, ctx: Any) -> str:
        with _ticket.lock:
            if _ticket.token is None:
                _ticket.token = _ticket.fetch()
            return _ticket.token

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
        if TENANT:
            in_tenant(case.headers)


def in_tenant(headers: dict[str, Any]) -> None:
    """Make a call act in the suite's tenant: a tenant header added, or a well-formed one
    replaced; a malformed one (a negative case) goes out as drawn, and is refused."""
    for name in [n for n in headers if n.lower() == "x-vol-tenant"]:
        if not str(headers[name]).isdigit():
            return
        del headers[name]
    headers["x-vol-tenant"] = TENANT


def reset() -> None:
    """Empty the suite's data: the in-process store (the suite's alone), or on a live b2b-mock
    the suite's tenant, never another.

    A real service has no such control; there scenarios run on whatever data it holds.
    """
    if app is not None:
        app.state.store.drop_tables(lambda name: True)
        return
    assert TENANT, "a live target always has the suite's tenant"
    try:
        requests.post(LIVE_URL + "/_mock/reset", json={"tenant": int(TENANT)},
                      headers=ADMIN_HEADERS, timeout=30)
    except requests.RequestException:
        pass


def excluded() -> list[Any]:
    from schemathesis import checks

    return [getattr(checks, name) for name in EXCLUDED_CHECKS]
