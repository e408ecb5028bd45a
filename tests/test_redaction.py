"""Secrets and tokens are kept as sent, never their values: in the journal (and so the demo
page), in the access log and in the start-up banner."""

from __future__ import annotations

import json

import pytest
import requests

from conftest import BASE, CREDENTIALS, TICKETS
from mock_server.admin.journal import Journal
from mock_server.admin.redaction import (MASK, redact_body, redact_header, redact_text,
                                         redact_value)
from mock_server.config import Settings
from mock_server.testing.process import ServerProcess

APP_TICKETS = "/api/platform/applications/authtickets"
SECRET = "b2b-mock-secret"


def every_ticket_flow(client) -> set[str]:
    """Tickets asked for in every way the platform takes; the secrets and tokens sent and
    received."""
    seen = {SECRET}
    first = client.post(TICKETS, json=CREDENTIALS).json()
    form = client.post(TICKETS, data=CREDENTIALS).json()
    renewed = client.post(TICKETS, json={**CREDENTIALS,
                                         "refresh_token": first["refresh_token"]}).json()
    granted = client.post(TICKETS, json={**CREDENTIALS, "grant_type": "refresh_token",
                                         "refresh_token": form["refresh_token"]}).json()
    app = client.post(APP_TICKETS, json={"applicationId": "b2b-mock-client",
                                         "sharedSecret": SECRET}).json()
    again = client.put(APP_TICKETS + "/refresh-ticket",
                       json={"refreshToken": app["refreshToken"]}).json()
    client.delete(f"{APP_TICKETS}/{again['refreshToken']}")
    for ticket in (first, form, renewed, granted):
        seen |= {ticket["access_token"], ticket["refresh_token"]}
    for ticket in (app, again):
        seen |= {ticket["accessToken"], ticket["refreshToken"]}
    # a body the service refuses, and a secret in a query string
    client.post(TICKETS, content=json.dumps({**CREDENTIALS, "x": 1})[:-1] + ", NaN}",
                headers={"Content-Type": "application/json"})
    client.post(TICKETS + f"?client_secret={SECRET}&password=hunter2", json=CREDENTIALS)
    seen.add("hunter2")
    client.get(BASE, headers={"Authorization": f"Bearer {first['access_token']}"})
    return seen


def test_the_journal_keeps_that_secrets_were_sent_not_their_values(client) -> None:
    secrets_sent = every_ticket_flow(client)
    raw = client.get("/_mock/journal").text
    leaked = [value for value in secrets_sent if value in raw]
    assert leaked == []
    entries = client.get("/_mock/journal").json()["items"]
    by_operation = {}
    for entry in entries:
        by_operation.setdefault(entry["operation"], []).append(entry)
    oauth = by_operation["CreateAuthTicket"][0]
    assert oauth["requestBody"] == {**CREDENTIALS, "client_secret": MASK}
    assert oauth["responseBody"]["access_token"] == MASK
    assert oauth["responseBody"]["refresh_token"] == MASK
    assert oauth["responseBody"]["expires_in"] == 3600  # the rest as it was
    assert by_operation["CreateAuthTicket"][1]["requestBody"] == \
        f"client_id=b2b-mock-client&client_secret={MASK}&grant_type=client_credentials"
    assert by_operation["AppAuthenticate"][0]["requestBody"]["sharedSecret"] == MASK
    assert by_operation["AppAuthenticate"][0]["responseBody"]["accessToken"] == MASK
    assert by_operation["RefreshAppAuthTicket"][0]["requestBody"] == {"refreshToken": MASK}
    assert by_operation["DeleteAppAuthTicket"][0]["path"].endswith("/authtickets/" + MASK)
    queried = [e for e in entries if e["query"]][0]
    assert queried["query"] == f"client_secret={MASK}&password={MASK}"


def test_an_empty_secret_stays_visible_as_empty(client) -> None:
    client.post(TICKETS, json={**CREDENTIALS, "client_secret": ""})
    entry = client.get("/_mock/journal", params={"order": "newest", "limit": 1}).json()
    assert entry["items"][0]["requestBody"]["client_secret"] == ""


def test_the_erp_sessions_login_and_cookies_are_masked() -> None:
    journal = Journal()
    journal.record({"method": "POST", "path": "/entity/auth/login", "status": 204,
                    "duration": 0.01, "query": "",
                    "requestBody": b'{"name":"admin","password":"Adm1n!","company":"Acme"}',
                    "responseBody": b"",
                    "requestHeaders": [["Cookie", "ASP.NET_SessionId=abc123; .ASPXAUTH=F00D"]],
                    "responseHeaders": {"Set-Cookie": ".ASPXAUTH=F00D; path=/; HttpOnly",
                                        "Content-Type": "application/json"}})
    entry = journal.query()[0]
    assert entry["requestBody"] == {"name": "admin", "password": MASK, "company": "Acme"}
    assert entry["requestHeaders"] == [["Cookie", f"ASP.NET_SessionId={MASK}; .ASPXAUTH={MASK}"]]
    assert entry["responseHeaders"]["Set-Cookie"] == f".ASPXAUTH={MASK}; path=/; HttpOnly"
    assert entry["responseHeaders"]["Content-Type"] == "application/json"
    assert "abc123" not in json.dumps(entry) and "F00D" not in json.dumps(entry)


@pytest.mark.parametrize("raw, kept", [
    (b'{"user": {"Password": "x", "accessToken": "t"}, "name": "n"}',
     {"user": {"Password": MASK, "accessToken": MASK}, "name": "n"}),
    (b'[{"refresh_token": "r"}, {"token_type": "bearer"}]',
     [{"refresh_token": MASK}, {"token_type": "bearer"}]),
    (b'{"companyOrOrganization": "Token Ring Inc"}', {"companyOrOrganization": "Token Ring Inc"}),
])
def test_json_bodies(raw, kept) -> None:
    assert json.loads(redact_body(raw)) == kept


def test_text_that_is_not_json() -> None:
    assert redact_text('{"client_secret": "s", "x": NaN') == '{"client_secret": "***", "x": NaN'
    assert redact_text("name=a&password=p&x=1") == "name=a&password=***&x=1"
    assert redact_text('{"password": 1234, "a": 1}') == '{"password": "***", "a": 1}'
    body = b"grant_type=client_credentials&client_secret=s3"
    assert redact_body(body) == b"grant_type=client_credentials&client_secret=***"
    assert redact_body(b"plain words") == b"plain words"


def test_headers() -> None:
    assert redact_header("Authorization", "Bearer abc.def") == "Bearer ***"
    assert redact_header("authorization", "abc") == "***"
    assert redact_header("X-Vol-Tenant", "1") == "1"
    assert redact_value({"Authorization": "Basic x"}) == {"Authorization": MASK}


@pytest.mark.slow
def test_the_banner_and_the_access_log_show_no_secret() -> None:
    with ServerProcess(extra_args=["--access-log", "--log-level", "info"],
                       env={"B2B_MOCK_CLIENT_SECRET": "env-s3cret-9"}) as server:
        ticket = requests.post(server.url + TICKETS, timeout=10, json={
            **CREDENTIALS, "client_secret": "env-s3cret-9"}).json()
        requests.delete(f"{server.url}{APP_TICKETS}/{ticket['refresh_token']}", timeout=10)
        requests.get(f"{server.url}{BASE}?access_token={ticket['access_token']}", timeout=10)
        banner = server.output_text()
        log = banner + server.log_text()  # uvicorn writes its access log to standard output
    assert "client_secret=*** (set via B2B_MOCK_CLIENT_SECRET)" in banner
    assert "DELETE /api/platform/applications/authtickets/***" in log
    assert f"access_token={MASK}" in log
    for value in ("env-s3cret-9", ticket["access_token"], ticket["refresh_token"]):
        assert value not in log


@pytest.mark.slow
def test_the_default_secret_is_shown_as_the_readme_does() -> None:
    with ServerProcess() as server:
        assert f"client_secret={SECRET} " in server.output_text()


@pytest.mark.parametrize("settings", [Settings(client_secret="abc")])
def test_a_secret_of_ones_own_never_reaches_the_journal(client, settings) -> None:
    client.post(TICKETS, json={**CREDENTIALS, "client_secret": "abc"})
    assert '"abc"' not in client.get("/_mock/journal").text
