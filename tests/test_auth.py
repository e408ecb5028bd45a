"""Auth tickets like the platform's: client credentials, refresh once, expiry, 401s."""

from __future__ import annotations

import time

import pytest

from conftest import BASE, CREDENTIALS, TICKETS, Api, assert_error
from mock_server.config import Settings


def test_ticket_has_the_platforms_fields(client) -> None:
    ticket = client.post(TICKETS, json=CREDENTIALS).json()
    assert ticket["token_type"] == "bearer"
    assert ticket["expires_in"] == 3600
    assert ticket["access_token"] and ticket["refresh_token"]
    assert ticket["refresh_token_expires_in"] > ticket["expires_in"]


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
