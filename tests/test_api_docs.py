"""The API docs at /api/ui/ work without reading any other page: Swagger UI fetches a ticket
itself (the OAuth2 client-credentials scheme whose token URL the mock serves, its client id, and
the public default secret, filled in), its examples name the server's default tenant, and "Try it out" on
GetB2BAccounts answers the seeded accounts. The last part runs in headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import BASE, TICKETS
from mock_server.config import Settings
from mock_server.testing.process import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"


def test_the_served_spec_lets_a_client_fetch_its_own_ticket(client) -> None:
    spec = client.get("/api/openapi.json").json()
    scheme = spec["components"]["securitySchemes"]["clientCredentials"]
    token_url = scheme["flows"]["clientCredentials"]["tokenUrl"]
    assert token_url == TICKETS
    assert {"clientCredentials": []} in spec["security"]
    assert {"bearerAuth": []} in spec["security"]
    # the token URL answers what the flow sends, and the ticket opens the B2B API
    ticket = client.post(token_url, data={"grant_type": "client_credentials", "scope": ""},
                         auth=("b2b-mock-client", "b2b-mock-secret"))
    assert ticket.status_code == 200, ticket.text
    listed = client.get(BASE, headers={"Authorization": "Bearer " + ticket.json()["access_token"]})
    assert listed.status_code == 200


@pytest.mark.parametrize("settings", [Settings(default_tenant=7, client_id="erp",
                                               client_secret="s3")])
def test_the_docs_use_the_servers_tenant_and_credentials(client, settings) -> None:
    spec = client.get("/api/openapi.json").json()
    assert spec["components"]["parameters"]["tenant"]["schema"]["example"] == "7"
    page = client.get("/api/ui/").text
    start = page.index("ui.initOAuth(") + len("ui.initOAuth(")
    init = json.loads(page[start:page.index(")", start)])
    # a secret of the user's own is typed into the dialog, not published with the page
    assert init["clientId"] == "erp" and "clientSecret" not in init and "s3" not in page


def test_the_docs_fill_in_the_public_default_secret(client) -> None:
    page = client.get("/api/ui/").text
    start = page.index("ui.initOAuth(") + len("ui.initOAuth(")
    init = json.loads(page[start:page.index(")", start)])
    assert (init["clientId"], init["clientSecret"]) == ("b2b-mock-client", "b2b-mock-secret")


@pytest.mark.parametrize("settings", [Settings(auth_enabled=False)])
def test_without_auth_the_docs_ask_for_no_ticket(client, settings) -> None:
    assert client.get("/api/openapi.json").json()["security"] == []
    assert "initOAuth" not in client.get("/api/ui/").text


@pytest.mark.slow
@pytest.mark.browser
def test_try_it_out_lists_the_seeded_accounts_after_authorize(browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def click(css: str, within: Any = None, text: str | None = None) -> None:
        def clicked(_: Any) -> bool:
            for element in (within or browser).find_elements(By.CSS_SELECTOR, css):
                if element.is_displayed() and (text is None or element.text.strip() == text):
                    element.click()
                    return True
            return False
        wait.until(clicked)

    with ServerProcess(seed=ROOT / "fixtures" / "seed_accounts.json") as server:
        wait = WebDriverWait(browser, 20)
        browser.get(server.url + "/api/ui/")
        click("button.authorize", text="Authorize")
        dialog = wait.until(lambda b: b.find_element(By.CSS_SELECTOR, ".modal-ux"))
        oauth = next(c for c in dialog.find_elements(By.CSS_SELECTOR, ".auth-container")
                     if "clientCredentials" in c.text)
        assert oauth.find_element(By.ID, "client_id").get_attribute("value") == "b2b-mock-client"
        click("button.authorize", within=oauth, text="Authorize")
        wait.until(lambda b: "Logout" in oauth.text)
        click(".modal-ux button.btn-done", text="Close")

        operation = browser.find_element(By.ID, "operations-accounts-GetB2BAccounts")
        click(".opblock-summary", within=operation)
        click("button.try-out__btn", within=operation)
        tenant = operation.find_element(By.CSS_SELECTOR, 'tr[data-param-name="x-vol-tenant"] input')
        assert tenant.get_attribute("value") == "1"
        click("button.execute", within=operation)
        status = wait.until(lambda b: operation.find_element(
            By.CSS_SELECTOR, ".live-responses-table .response .response-col_status"))
        browser.execute_script("arguments[0].scrollIntoView()", status)
        assert status.text.strip().startswith("200"), status.text
        body = operation.find_element(By.CSS_SELECTOR, ".live-responses-table .microlight").text
        answer = json.loads(body)
        assert answer["totalCount"] == 3
        assert "C000000288" in {a["externalId"] for a in answer["items"]}
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "api-docs-try-it-out.png"))
