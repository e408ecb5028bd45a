"""Schemathesis: every operation of the spec, generated from the spec, against the server in-process.

Positive and negative cases for each operation, with all of schemathesis's response checks.
"""

from __future__ import annotations

import schemathesis

from contract_tests import strategies
from hypothesis import HealthCheck, settings

from mock_server.app import create_app
from mock_server.config import Settings

TICKETS = "/api/platform/applications/authtickets/oauth"
CREDENTIALS = {"client_id": "b2b-mock-client", "client_secret": "b2b-mock-secret"}

strategies.register()
app = create_app(Settings())
schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)


@schema.auth()
class TicketAuth:
    """A bearer ticket from the mock's own auth endpoint, fetched once and reused."""

    def get(self, case, ctx):
        client = app.test_client()
        return client.post(TICKETS, json={**CREDENTIALS,
                                          "grant_type": "client_credentials"}).json()["access_token"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_operation_conforms(case) -> None:
    case.call_and_validate()
