"""The demo page in a real browser: after a sync of the fixtures, Mark Z is the Primary Admin.

Drives Debian's Chromium headless through Selenium and chromedriver (``make test`` installs them)
and saves a screenshot to ``artifacts/ui-account.png``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mock_server.testing.process import ServerProcess
from sync_client.erp import AcumaticaFileSource
from sync_helpers import Target

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_page_shows_the_synced_account_with_its_primary_admin(browser, tmp_path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    with ServerProcess() as server:
        wait = WebDriverWait(browser, 15)
        browser.get(server.url + "/_mock/ui")
        wait.until(lambda b: "No accounts" in b.find_element(By.ID, "accounts").text)
        target = Target(server, tmp_path)
        target.tenant = 1
        target.sync(*AcumaticaFileSource(ROOT / "fixtures" / "acumatica").customers())
        # no reload: the page refreshes itself while the sync runs
        row = wait.until(ready.element_to_be_clickable(
            (By.CSS_SELECTOR, 'tr.account[data-external-id="C000000288"]')))
        assert "Facebook" in row.text
        search = browser.find_element(By.ID, "search")
        search.send_keys("Contoso")
        wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "tr.account")) == 1)
        search.clear()
        search.send_keys("Facebook")
        row = wait.until(ready.element_to_be_clickable(
            (By.CSS_SELECTOR, 'tr.account[data-external-id="C000000288"]')))
        row.click()
        mark = wait.until(ready.presence_of_element_located(
            (By.CSS_SELECTOR, 'tr.user[data-email="markz@test.com"]')))
        assert "Mark Z" in mark.text
        assert mark.find_element(By.CSS_SELECTOR, ".roles").text == "Primary Admin"
        assert browser.find_element(By.ID, "account-title").text == "Facebook"
        assert "tenant~customer-class" in browser.find_element(By.ID, "attributes").text
        wait.until(lambda b: "AddUser" in b.find_element(By.ID, "journal").text
                   or "/user" in b.find_element(By.ID, "journal").text)
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "ui-account.png"))
        assert (ARTIFACTS / "ui-account.png").stat().st_size > 10_000



def page_text(browser: Any, css: str) -> str:
    """The elements' text, found anew (the page re-renders as it refreshes)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    try:
        return " ".join(e.text for e in browser.find_elements(By.CSS_SELECTOR, css))
    except StaleElementReferenceException:
        return ""


def click_when_there(wait: Any, css: str) -> None:
    """Click the element once it is there (and not re-rendered under the click)."""
    from selenium.webdriver.common.by import By

    def clicked(b: Any) -> bool:
        try:
            b.find_element(By.CSS_SELECTOR, css).click()
            return True
        except Exception:  # not there yet, or re-rendered under us
            return False
    wait.until(clicked)

def test_page_shows_approval_sales_reps_hierarchy_and_contacts(browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def text_of(css: str) -> str:
        return page_text(browser, css)

    def click(css: str) -> None:
        click_when_there(wait, css)

    rep = "5b0e9d19811a4ea99c3588ca64ba61ca"
    seed = {"tenant": 7, "accounts": [{
        "companyOrOrganization": "Parent Co", "externalId": "P1", "salesReps": [rep],
        "contacts": [{"email": "ap@parent.example", "label": "Head office",
                      "types": [{"name": "Billing", "isPrimary": True}],
                      "address": {"address1": "1 Main St", "cityOrTown": "Springfield",
                                  "countryCode": "US"}}]}]}
    with ServerProcess() as server:
        import requests

        requests.post(server.url + "/_mock/seed", json=seed, timeout=10).raise_for_status()
        parent = requests.get(server.url + "/_mock/tenants/7/accounts", timeout=10).json()
        parent_id = parent["items"][0]["id"]
        requests.post(server.url + "/_mock/seed", timeout=10, json={"tenant": 7, "accounts": [
            {"companyOrOrganization": "Child Co", "externalId": "K1",
             "parentAccountId": parent_id}]}).raise_for_status()
        # a journaled query with a bad escape must not break the page
        requests.get(server.url + "/api/commerce/customer/b2baccounts?q=%E0%A4%A", timeout=10,
                     headers={"x-vol-tenant": "7"})
        wait = WebDriverWait(browser, 15)
        browser.get(server.url + "/_mock/ui")
        wait.until(lambda b: 'value="7"' in b.find_element(By.ID, "tenant").get_attribute(
            "innerHTML"))
        browser.execute_script("const p = document.getElementById('tenant'); p.value = '7';"
                               "p.dispatchEvent(new Event('change'));")
        wait.until(lambda b: "PendingApproval" in text_of('tr.account[data-external-id="P1"]'))
        click('tr.account[data-external-id="P1"]')
        wait.until(lambda b: "PendingApproval" in text_of("#approval"))
        assert rep in text_of("#sales-reps")
        assert "Child Co" in text_of("#hierarchy")
        assert "Springfield" in text_of("#contacts")
        click('#approval button[data-action="approve"]')
        wait.until(lambda b: "Approved" in text_of("#approval") and "disable" in text_of(
            "#approval"))
        click("#hierarchy a.account-link")
        wait.until(lambda b: text_of("#account-title") == "Child Co")
        assert "%A" in text_of("#journal")  # the bad escape shown as it came
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "ui-approval.png"))


def test_page_shows_both_sides_and_syncs_an_erp_edit(browser) -> None:
    """The ERP twin's customers beside the accounts: sync now, move a primary in the ERP from
    the page, sync again, and the Admin moves; the sync log reads like the connector's."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def text_of(css: str) -> str:
        return page_text(browser, css)

    def click(css: str) -> None:
        click_when_there(wait, css)

    with ServerProcess(extra_args=["--erp-seed", str(ROOT / "fixtures" / "acumatica")]) as server:
        wait = WebDriverWait(browser, 60)
        browser.get(server.url + "/_mock/ui")
        wait.until(lambda b: "Contoso Pharmaceuticals" in text_of("#erp"))
        assert "not synced yet" in text_of('.erp-customer[data-customer="C000000301"]')
        click("#sync-now")
        wait.until(lambda b: "13 customers" in text_of("#sync-status"))
        wait.until(lambda b: "Customer Location is created/updated successfully."
                   in text_of("#synclog"))
        wait.until(lambda b: "Commerce Reference ID" in
                   text_of('.erp-customer[data-customer="C000000301"] h3'))
        click('.erp-customer[data-customer="C000000301"] button[data-kind="primary"][data-a0="202"]')
        wait.until(lambda b: "make primary" not in text_of(
            '.erp-customer[data-customer="C000000301"] li.erp-contact:nth-child(2)'))
        click("#sync-now")
        wait.until(lambda b: "AddRole" in text_of("#sync-status"))
        browser.find_element(By.ID, "search").send_keys("Contoso")
        browser.execute_script("window.scrollTo(0, 0)")
        click('tr.account[data-external-id="C000000301"]')
        wait.until(lambda b: "Primary Admin" in text_of('tr.user[data-email="raj.patel@contoso-pharma.com"] .roles'))
        assert "Primary Admin" not in text_of('tr.user[data-email="olivia.chen@contoso-pharma.com"] .roles')
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "ui-erp-and-sync.png"))


def test_page_asks_for_the_operator_token_when_the_server_requires_one(browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    import requests

    token = "page-token-1e9"
    with ServerProcess(env={"B2B_MOCK_ADMIN_TOKEN": token}) as server:
        requests.post(server.url + "/_mock/seed", headers=server.admin_headers(), timeout=10,
                      json={"accounts": [{"companyOrOrganization": "Guarded Co",
                                          "externalId": "G1"}]}).raise_for_status()
        wait = WebDriverWait(browser, 15)
        browser.get(server.url + "/_mock/ui")
        form = browser.find_element(By.ID, "token-form")
        wait.until(lambda b: form.is_displayed())
        assert "Guarded Co" not in browser.find_element(By.ID, "accounts").text
        browser.find_element(By.ID, "token").send_keys(token + "\n")
        wait.until(lambda b: "Guarded Co" in b.find_element(By.ID, "accounts").text)
        assert not form.is_displayed()
        # from the address, which then forgets it
        browser.execute_script("sessionStorage.clear()")
        browser.get(server.url + f"/_mock/ui#token={token}")
        wait.until(lambda b: "Guarded Co" in b.find_element(By.ID, "accounts").text)
        assert token not in browser.current_url
        # the journal on the page shows that a secret was sent, never its value
        ticket = requests.post(server.url + "/api/platform/applications/authtickets/oauth",
                               timeout=10, json={"client_id": "b2b-mock-client",
                                                 "client_secret": "b2b-mock-secret"}).json()
        wait.until(lambda b: "authtickets" in b.find_element(By.ID, "journal").text)
        page = browser.page_source
        assert '"client_secret": "***"' in page
        for value in ("b2b-mock-secret", ticket["access_token"], ticket["refresh_token"], token):
            assert value not in page
