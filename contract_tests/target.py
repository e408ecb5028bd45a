"""What the contract tests run against: b2b-mock in-process, or a live base URL.

In-process (the default, for ``make test``) the spec is served by a fresh b2b-mock app and every
call goes through its ASGI interface. With ``B2B_CONTRACT_URL`` set (``make contract URL=...``)
the same tests send real HTTP to that host, reading the spec from ``openapi/`` and the
credentials and tenant from ``B2B_CLIENT_ID``, ``B2B_CLIENT_SECRET`` and ``B2B_TENANT``.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import requests
import schemathesis

from mock_server import openapi

TICKET_PATH = "/api/platform/applications/authtickets/oauth"
LIVE_URL = os.environ.get("B2B_CONTRACT_URL", "").rstrip("/")
CLIENT_ID = os.environ.get("B2B_CLIENT_ID", "b2b-mock-client")
CLIENT_SECRET = os.environ.get("B2B_CLIENT_SECRET", "b2b-mock-secret")
TENANT = os.environ.get("B2B_TENANT")

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
            case.headers["x-vol-tenant"] = TENANT


def reset() -> None:
    """Empty the target's data: the in-process store, or a live b2b-mock's operator API.

    A real service has no such control; there scenarios run on whatever data it holds.
    """
    if app is not None:
        app.state.store.drop_tables(lambda name: True)
        return
    try:
        requests.post(LIVE_URL + "/_mock/reset", json={"tenant": int(TENANT)} if TENANT else {},
                      timeout=30)
    except requests.RequestException:
        pass


def excluded() -> list[Any]:
    from schemathesis import checks

    return [getattr(checks, name) for name in EXCLUDED_CHECKS]
