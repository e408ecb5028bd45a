"""Hypothesis drives the ERP, the sync and hand edits in B2B; the walkthrough's rules must hold.

After every sync: there is exactly one active Admin iff the customer has an active, enabled
primary contact with a usable e-mail, and it is that contact's user; every deactivated, deleted
or disabled contact's user is removed; active contacts are active users with the right role and
no other; the account's attributes equal the ERP's; and an immediate second sync writes nothing.
The same machine runs a second time with faults injected (429/503 at random, short tickets).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from mock_server.testing.process import ServerProcess
from sync_client.erp import Contact, Customer, customer_to_json
from sync_client.log import SyncLog
from sync_client.planner import desired_attributes
from sync_client.roles import ADMIN, PURCHASER, ROLE_NAMES
from sync_client.refs import RefStore
from sync_client.sync import SyncOptions, make_syncer
from sync_client.transport import Credentials

from .erp_strategies import attribute_sets, contacts, customers, emails, names

CREDENTIALS = Credentials("b2b-mock-client", "b2b-mock-secret")
SALES_REP = "5b0e9d19811a4ea99c3588ca64ba61ca"
BASE = "/api/commerce/customer/b2baccounts"

pytestmark = pytest.mark.slow


def readable(customer: Customer) -> str:
    """The ERP record as the failure report shows it: Acumatica's JSON, unwrapped, compact."""
    data = customer_to_json(customer)
    flat = {k: v["value"] if isinstance(v, dict) else v for k, v in data.items()}
    flat["Contacts"] = [{k: v["value"] for k, v in c.items()} for c in data["Contacts"]]
    flat["Attributes"] = [(a["AttributeID"]["value"], a["Value"]["value"])
                          for a in data["Attributes"]]
    return json.dumps(flat, ensure_ascii=False, indent=1)


def expected_users(customer: Customer, default_role: int) -> dict[str, int]:
    """E-mail (folded) -> role of every contact that must be an active user.

    Of contacts sharing an e-mail, the primary wins, then the lowest contact id.
    """
    wanted: dict[str, int] = {}
    for contact in sorted(customer.contacts, key=lambda c: (not c.primary, c.contact_id)):
        if contact.wanted and contact.usable_email:
            wanted.setdefault(contact.email.casefold(), ADMIN if contact.primary else default_role)
    return wanted


class SyncMachine(RuleBasedStateMachine):
    """One ERP customer, edited at random, synced into a fresh tenant of a running mock."""

    server: ServerProcess
    faults: list[dict[str, Any]] = []
    tenant_counter = iter(range(5000, 10**6))

    def __init__(self) -> None:
        super().__init__()
        self.tenant = next(self.tenant_counter)
        self.workdir = Path(tempfile.mkdtemp(prefix="b2b-prop-"))
        self.customer: Customer | None = None
        self.next_contact_id = 500
        self.removed_emails: set[str] = set()  # e-mails of contacts deleted from the ERP
        self.default_role = PURCHASER
        self.synced = False
        self._headers: dict[str, str] | None = None
        for fault in self.faults:
            requests.post(self.server.url + "/_mock/faults", timeout=10,
                          json={**fault, "tenant": self.tenant}).raise_for_status()

    # ------------------------------------------------------------------ helpers
    def sync(self) -> Any:
        log = SyncLog(None, user="hypothesis")
        refs = RefStore(self.workdir / "state.json", f"{self.server.url}#{self.tenant}")
        try:
            return make_syncer(self.server.url, CREDENTIALS, log, refs, self.tenant,
                               options=SyncOptions(default_role=self.default_role,
                                                   sales_rep=SALES_REP)
                               ).run([self.customer])
        finally:
            refs.close()

    def call(self, method: str, path: str = "", **kwargs: Any) -> Any:
        if self._headers is None:
            token = requests.post(self.server.url + "/api/platform/applications/authtickets/oauth",
                                  json={"client_id": CREDENTIALS.client_id,
                                        "client_secret": CREDENTIALS.client_secret},
                                  timeout=10).json()["access_token"]
            self._headers = {"Authorization": f"Bearer {token}", "x-vol-tenant": str(self.tenant)}
        for _ in range(20):  # the fault rules hit this reader too
            response = requests.request(method, self.server.url + BASE + path,
                                        headers=self._headers, timeout=10, **kwargs)
            if response.status_code == 401:
                self._headers = None
                return self.call(method, path, **kwargs)
            if response.status_code not in (429, 503):
                return response
        raise AssertionError(f"{method} {path} kept failing: {response.text}")

    def b2b_state(self) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        items = self.call("GET", params={"filter": f"externalId eq '{self.customer.customer_id}'"}
                          ).json()["items"]
        if not items:
            return None, []
        users = self.call("GET", f"/{items[0]['id']}/users", params={"pageSize": 200}).json()
        return items[0], users["items"]

    def contact_index(self, data: st.DataObject) -> int:
        return data.draw(st.integers(0, len(self.customer.contacts) - 1))

    def change_contact(self, index: int, **changes: Any) -> None:
        people = list(self.customer.contacts)
        people[index] = replace(people[index], **changes)
        self.customer = replace(self.customer, contacts=tuple(people))

    # ------------------------------------------------------------------ ERP edits
    @precondition(lambda self: self.customer is None)
    @rule(customer=customers())
    def create_customer(self, customer: Customer) -> None:
        self.customer = customer

    @precondition(lambda self: self.customer is not None and len(self.customer.contacts) < 7)
    @rule(data=st.data())
    def add_contact(self, data: st.DataObject) -> None:
        self.next_contact_id += 1
        contact = data.draw(contacts(self.next_contact_id))
        self.customer = replace(self.customer, contacts=self.customer.contacts + (contact,))

    @precondition(lambda self: self.customer is not None and self.customer.contacts)
    @rule(data=st.data(), first=names, email=emails)
    def edit_contact(self, data: st.DataObject, first: str, email: str) -> None:
        self.change_contact(self.contact_index(data), first_name=first, email=email)

    @precondition(lambda self: self.customer is not None and self.customer.contacts)
    @rule(data=st.data(), active=st.booleans())
    def set_active(self, data: st.DataObject, active: bool) -> None:
        self.change_contact(self.contact_index(data), active=active)

    @precondition(lambda self: self.customer is not None and self.customer.contacts)
    @rule(data=st.data(), enabled=st.booleans())
    def set_enabled(self, data: st.DataObject, enabled: bool) -> None:
        self.change_contact(self.contact_index(data), enabled=enabled)

    @precondition(lambda self: self.customer is not None and self.customer.contacts)
    @rule(data=st.data())
    def delete_contact(self, data: st.DataObject) -> None:
        index = self.contact_index(data)
        gone = self.customer.contacts[index]
        if gone.email:
            self.removed_emails.add(gone.email.casefold())
        people = [c for i, c in enumerate(self.customer.contacts) if i != index]
        self.customer = replace(self.customer, contacts=tuple(people))

    @precondition(lambda self: self.customer is not None)
    @rule(data=st.data())
    def change_primary(self, data: st.DataObject) -> None:
        choices = [None] + [c.contact_id for c in self.customer.contacts]
        chosen = data.draw(st.sampled_from(choices))
        self.customer = replace(self.customer, contacts=tuple(
            replace(c, primary=c.contact_id == chosen) for c in self.customer.contacts))

    @precondition(lambda self: self.customer is not None)
    @rule(attributes=attribute_sets)
    def change_attributes(self, attributes: tuple[tuple[str, str], ...]) -> None:
        self.customer = replace(self.customer, attributes=attributes)

    # ------------------------------------------------------------------ hand edits in B2B
    @precondition(lambda self: self.synced)
    @rule(data=st.data(), action=st.sampled_from(["drop_admin", "grant_admin", "remove_user"]))
    def hand_edit(self, data: st.DataObject, action: str) -> None:
        account, users = self.b2b_state()
        active = [u for u in users if not u["isRemoved"]]
        if account is None or not active:
            return
        user = data.draw(st.sampled_from(active))
        base = f"/{account['id']}/user/{user['userId']}"
        if action == "drop_admin":
            self.call("DELETE", f"{base}/roles/{ADMIN}")
        elif action == "grant_admin":
            self.call("POST", f"{base}/roles/{ADMIN}")
        else:
            self.call("PUT", f"{base}/remove")

    # ------------------------------------------------------------------ the sync and its rules
    @precondition(lambda self: self.customer is not None)
    @rule()
    def run_sync(self) -> None:
        result = self.sync()
        self.synced = True
        report = readable(self.customer)
        assert result.failed == {}, f"calls failed: {dict(result.failed)}\n{report}"
        self.check_b2b(report)
        again = self.sync()
        assert again.writes == 0, \
            f"second sync wrote: {[s.action for p in again.plans for s in p.steps]}\n{report}"

    def check_b2b(self, report: str) -> None:
        account, users = self.b2b_state()
        assert account is not None, report
        active = {u["emailAddress"].casefold(): u for u in users if not u["isRemoved"]}
        wanted = expected_users(self.customer, self.default_role)
        assert set(active) == set(wanted), \
            f"active users {sorted(active)} != contacts {sorted(wanted)}\n{report}"
        for email, role in wanted.items():
            held = sorted(r["roleId"] for r in active[email]["roles"])
            assert held == [role], \
                f"{email} holds {held}, expected [{role} {ROLE_NAMES[role]}]\n{report}"
        admins = [e for e, u in active.items() if any(r["roleId"] == ADMIN for r in u["roles"])]
        primary = self.customer.primary
        if primary is not None and primary.wanted and primary.usable_email:
            assert admins == [primary.email.casefold()], f"admins {admins}\n{report}"
        else:
            assert admins == [], f"admins {admins} without an eligible primary\n{report}"
        for email in self.removed_emails - set(wanted):
            assert email not in active, f"deleted contact {email} still active\n{report}"
        attributes = {a["fullyQualifiedName"]: a["values"] for a in account["attributes"]}
        assert attributes == desired_attributes(self.customer), report
        # usable exactly while the customer is active: approved (with its sales rep) then
        assert account["isActive"] is (self.customer.status == "Active"), \
            f"account {account['approvalStatus']} for a {self.customer.status} customer\n{report}"

    @invariant()
    def customer_ids_are_unique(self) -> None:
        if self.customer is not None:
            ids = [c.contact_id for c in self.customer.contacts]
            assert len(ids) == len(set(ids))


@pytest.fixture(scope="module")
def server():
    with ServerProcess() as running:
        yield running


def test_sync_rules_hold(server) -> None:
    SyncMachine.server = server
    SyncMachine.faults = []
    SyncMachine.TestCase.settings = settings(settings.default, deadline=None)
    SyncMachine.TestCase().runTest()


def test_sync_rules_hold_under_faults(tmp_path) -> None:
    with ServerProcess(extra_args=["--token-lifetime", "2"]) as faulty:
        SyncMachine.server = faulty
        SyncMachine.faults = [
            {"kind": "status", "status": 503, "percent": 10},
            {"kind": "status", "status": 429, "retryAfter": 0, "percent": 10},
        ]
        SyncMachine.TestCase.settings = settings(settings.default, deadline=None)
        SyncMachine.TestCase().runTest()
