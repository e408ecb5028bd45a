"""Auth tickets like the platform's: client credentials, refresh once, expiry, 401s."""

from __future__ import annotations

import base64
import time

import pytest

from conftest import BASE, CREDENTIALS, TICKETS, Api, assert_error
from mock_server.config import Settings


APP_TICKETS = "/api/platform/applications/authtickets"


def test_ticket_has_exactly_the_published_fields(client) -> None:
    """The published OAuthAccessTokenResponse allows no other properties."""
    ticket = client.post(TICKETS, json=CREDENTIALS).json()
    assert set(ticket) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert ticket["token_type"] == "bearer"
    assert ticket["expires_in"] == 3600
    assert ticket["access_token"] and ticket["refresh_token"]


def test_the_ticket_request_may_be_a_form(client) -> None:
    form = client.post(TICKETS, data={"client_id": "b2b-mock-client",
                                      "client_secret": "b2b-mock-secret",
                                      "grant_type": "client_credentials"})
    assert form.status_code == 200, form.text
    assert client.get(BASE, headers={"Authorization": f"Bearer {form.json()['access_token']}"}
                      ).status_code == 200
    assert_error(client.post(TICKETS, data={"client_id": "b2b-mock-client",
                                            "client_secret": "wrong"}), 401, "UNAUTHORIZED")


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()
                                                         ).decode()}


def test_an_oauth_client_credentials_request_with_basic_auth(client) -> None:
    """What Swagger UI's client-credentials flow sends: the id and secret as HTTP Basic, a form
    with grant_type and an empty scope."""
    form = {"grant_type": "client_credentials", "scope": ""}
    ticket = client.post(TICKETS, data=form, headers=basic("b2b-mock-client", "b2b-mock-secret"))
    assert ticket.status_code == 200, ticket.text
    assert client.get(BASE, headers={"Authorization": f"Bearer {ticket.json()['access_token']}"}
                      ).status_code == 200
    assert_error(client.post(TICKETS, data=form, headers=basic("b2b-mock-client", "wrong")),
                 401, "UNAUTHORIZED")


def test_client_credentials_sent_twice_or_garbled_are_a_400(client) -> None:
    twice = client.post(TICKETS, data={"grant_type": "client_credentials",
                                       "client_id": "b2b-mock-client",
                                       "client_secret": "b2b-mock-secret"},
                        headers=basic("b2b-mock-client", "b2b-mock-secret"))
    assert_error(twice, 400, "MISSING_OR_INVALID_PARAMETER", "one way")
    for garbled in ("Basic not-base64!", "Basic " + base64.b64encode(b"no colon").decode()):
        assert_error(client.post(TICKETS, data={"grant_type": "client_credentials"},
                                 headers={"Authorization": garbled}),
                     400, "MISSING_OR_INVALID_PARAMETER", "client_id:client_secret")


def test_the_published_json_ticket_request_takes_no_scope(client) -> None:
    assert_error(client.post(TICKETS, json={**CREDENTIALS, "scope": ""}), 400,
                 "MISSING_OR_INVALID_PARAMETER")


def test_the_sdks_renewal_sends_credentials_and_the_refresh_token(client) -> None:
    """The official SDK renews with grant_type client_credentials plus the refresh token."""
    first = client.post(TICKETS, json=CREDENTIALS).json()
    renewed = client.post(TICKETS, json={**CREDENTIALS, "refresh_token": first["refresh_token"]})
    assert renewed.status_code == 200
    assert_error(client.get(BASE, headers={"Authorization": f"Bearer {first['access_token']}"}),
                 401, "UNAUTHORIZED")


def test_app_authenticate_refresh_ticket_and_delete(client) -> None:
    ticket = client.post(APP_TICKETS, json={"applicationId": "b2b-mock-client",
                                            "sharedSecret": "b2b-mock-secret"})
    assert ticket.status_code == 200, ticket.text
    body = ticket.json()
    assert set(body) == {"accessToken", "refreshToken", "accessTokenExpiration",
                         "refreshTokenExpiration"}
    assert body["accessTokenExpiration"] < body["refreshTokenExpiration"]
    renewed = client.put(APP_TICKETS + "/refresh-ticket",
                         json={"refreshToken": body["refreshToken"]})
    assert renewed.status_code == 200
    assert_error(client.put(APP_TICKETS + "/refresh-ticket",
                            json={"refreshToken": body["refreshToken"]}), 401, "UNAUTHORIZED")
    headers = {"Authorization": f"Bearer {renewed.json()['accessToken']}"}
    assert client.get(BASE, headers=headers).status_code == 200
    ended = client.delete(f"{APP_TICKETS}/{renewed.json()['refreshToken']}")
    assert ended.status_code == 200 and ended.content == b""
    assert_error(client.get(BASE, headers=headers), 401, "UNAUTHORIZED")
    assert_error(client.post(APP_TICKETS, json={"applicationId": "b2b-mock-client",
                                                "sharedSecret": "nope"}), 401, "UNAUTHORIZED")


def test_a_secret_in_any_script_is_a_401_not_a_500(client) -> None:
    assert_error(client.post(TICKETS, json={**CREDENTIALS, "client_secret": "défi ☃"}), 401,
                 "UNAUTHORIZED")


def test_the_sdks_tenant_lookup(client, api) -> None:
    """Given only credentials, the official SDK asks for the tenant's domain first."""
    tenant = client.get("/api/platform/tenants/12345", headers=api.headers())
    assert tenant.status_code == 200
    body = tenant.json()
    assert body["id"] == 12345 and body["domain"] == "localhost"
    assert [site["tenantId"] for site in body["sites"]] == [12345]
    assert_error(client.get("/api/platform/tenants/12345"), 401, "UNAUTHORIZED")


def test_calls_need_a_valid_bearer_token(client, api) -> None:
    assert_error(client.get(BASE), 401, "UNAUTHORIZED", "token")
    assert_error(client.get(BASE, headers={"Authorization": "Bearer nonsense"}), 401,
                 "UNAUTHORIZED")
    assert_error(client.get(BASE, headers={"Authorization": "Basic YTpi"}), 401, "UNAUTHORIZED")
    assert client.get(BASE, headers=api.headers()).status_code == 200


def test_wrong_secret_or_client_is_401(client) -> None:
    assert_error(client.post(TICKETS, json={**CREDENTIALS, "client_secret": "guess"}), 401,
                 "UNAUTHORIZED", "client_secret")
    assert_error(client.post(TICKETS, json={**CREDENTIALS, "client_id": "someone"}), 401,
                 "UNAUTHORIZED")
    assert_error(client.post(TICKETS, json={"grant_type": "password"}), 400,
                 "MISSING_OR_INVALID_PARAMETER")


def test_refresh_token_works_once(client) -> None:
    first = client.post(TICKETS, json=CREDENTIALS).json()
    body = {**CREDENTIALS, "grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    renewed = client.post(TICKETS, json=body)
    assert renewed.status_code == 200
    assert renewed.json()["access_token"] != first["access_token"]
    assert client.get(BASE, headers={
        "Authorization": f"Bearer {renewed.json()['access_token']}"}).status_code == 200
    assert_error(client.post(TICKETS, json=body), 401, "UNAUTHORIZED", "refresh token")


@pytest.mark.parametrize("settings", [Settings(token_lifetime=1)])
def test_tickets_expire(client, settings) -> None:
    api = Api(client)
    assert api.get().status_code == 200
    time.sleep(1.1)
    assert_error(api.get(), 401, "UNAUTHORIZED")


def test_expire_on_demand(client, api) -> None:
    assert client.post("/_mock/tokens/expire").json()["expired"] >= 1
    assert_error(api.get(), 401, "UNAUTHORIZED")


@pytest.mark.parametrize("settings", [Settings(auth_enabled=False)])
def test_auth_can_be_switched_off(client, settings) -> None:
    assert client.get(BASE).status_code == 200
    assert client.get("/_mock/health").json()["auth"] is False


@pytest.mark.parametrize("settings", [Settings(client_id="erp", client_secret="s3")])
def test_configured_credentials(client, settings) -> None:
    assert client.post(TICKETS, json=CREDENTIALS).status_code == 401
    ticket = client.post(TICKETS, json={"client_id": "erp", "client_secret": "s3"})
    assert ticket.status_code == 200


def test_a_ticket_is_the_applications_and_good_in_every_tenant(client) -> None:
    """Tickets are issued on the platform's home host, to the application, with no tenant
    (the published requests carry none); what a tenant lets the application do is its
    installation there, which the mock does not model."""
    token = client.post(TICKETS, json=CREDENTIALS).json()["access_token"]
    for tenant in ("1", "2", "999999999"):
        created = client.post(BASE, json={"companyOrOrganization": f"T{tenant}"},
                              headers={"Authorization": f"Bearer {token}",
                                       "x-vol-tenant": tenant})
        assert created.status_code == 200, created.text
        listed = client.get(BASE, headers={"Authorization": f"Bearer {token}",
                                           "x-vol-tenant": tenant}).json()
        assert [a["companyOrOrganization"] for a in listed["items"]] == [f"T{tenant}"]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now


def test_expired_tickets_are_dropped(monkeypatch) -> None:
    from mock_server.domain import tickets

    clock = Clock()
    monkeypatch.setattr(tickets, "time", clock)
    issuer = tickets.TicketIssuer(lifetime=60)
    old = [issuer.issue() for _ in range(100)]
    assert issuer.kept() == 100
    clock.now += 60 * tickets.REFRESH_LIFETIME_FACTOR + 1  # their refresh tokens expired too
    fresh = issuer.issue()
    assert issuer.kept() == 1
    assert issuer.check(fresh.access_token) is not None
    assert all(issuer.check(t.access_token) is None for t in old)


def test_past_the_cap_the_oldest_tickets_go() -> None:
    from mock_server.domain.tickets import TicketIssuer

    issuer = TicketIssuer(max_tickets=10)
    issued = [issuer.issue() for _ in range(15)]
    assert issuer.kept() == 10
    assert [issuer.check(t.access_token) is not None for t in issued] == [False] * 5 + [True] * 10
