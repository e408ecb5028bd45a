"""Hypothesis drives the ERP, the sync and hand edits in B2B; the walkthrough's rules must hold.

After every sync: there is exactly one active Admin iff the customer has an active, enabled
primary contact with a usable e-mail, and it is that contact's user; every deactivated, deleted
or disabled contact's user is removed; active contacts are active users with the right role and
no other; the account's attributes equal the ERP's; its addresses are the customer's active
locations that have an e-mail to carry, the default one primary for billing and shipping; and an
immediate second sync writes nothing.

The machine runs four ways: from an ERP file, with faults injected (429/503 at random, short
tickets), through the mock's ERP twin, where every ERP edit is made with the twin's own API
and the sync reads what changed (a full read after a deletion, which incremental reads cannot
see), and with several workers syncing the customer beside copies of it (under random 429/503
too), each copy held to the same rules.
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
from sync_client.erp import (Contact, Customer, Location, contact_to_json, customer_to_json,
                             location_to_json)
from sync_client.erp_api import AcumaticaApiSource, ErpLogin
from sync_client.log import SyncLog
from sync_client.planner import desired_attributes, location_email
from sync_client.roles import ADMIN, PURCHASER, ROLE_NAMES
from sync_client.refs import RefStore
from sync_client.sync import SyncOptions, make_syncer
from sync_client.transport import Credentials

from .erp_strategies import attribute_sets, contacts, customers, emails, locations, names

CREDENTIALS = Credentials("b2b-mock-client", "b2b-mock-secret")
SALES_REP = "5b0e9d19811a4ea99c3588ca64ba61ca"
BASE = "/api/commerce/customer/b2baccounts"
ERP_LOGIN = ("admin", "b2b-mock-erp", "Company")

pytestmark = pytest.mark.slow


def readable(customer: Customer) -> str:
    """The ERP record as the failure report shows it: Acumatica's JSON, unwrapped, compact."""
    data = customer_to_json(customer)
    flat = {k: v.get("value") if isinstance(v, dict) else v for k, v in data.items()
            if k != "custom"}
    flat["Contacts"] = [{k: v.get("value") for k, v in c.items() if k != "custom"}
                        | {"enabled": c["custom"]["Contact"]["UsrCommerceEnabled"]["value"]}
                        for c in data["Contacts"]]
    flat["Locations"] = [(loc.location_id, loc.name, loc.active, loc.default, loc.email)
                         for loc in customer.locations]
    flat["Attributes"] = [(a["AttributeID"].get("value"), a["Value"].get("value"))
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


def expected_addresses(customer: Customer) -> dict[str, tuple[str, set[str]]]:
    """Label -> (e-mail, primary types) of every location that must be an account contact."""
    wanted = {}
    for location in customer.locations:
        email = location_email(customer, location)
        if location.active and email:
            wanted[location.name or location.location_id] = (
                email, {"Billing", "Shipping"} if location.default else set())
    return wanted


class SyncMachine(RuleBasedStateMachine):
    """One ERP customer, edited at random, synced into a fresh tenant of a running mock."""

    server: ServerProcess
    faults: list[dict[str, Any]] = []
    through_twin = False  # ERP edits made with the twin's API, the sync reading the twin
    workers = 1  # the sync's workers
    copies = 0  # customers synced beside the machine's one: the same record, other ids
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
        self.next_location = 1
        self.deleted_since_sync = False
        self._headers: dict[str, str] | None = None
        self.erp: requests.Session | None = None
        for fault in self.faults:
            requests.post(self.server.url + "/_mock/faults", timeout=10,
                          json={**fault, "tenant": self.tenant}).raise_for_status()

    # ------------------------------------------------------------------ helpers
    def synced_customers(self) -> list[Customer]:
        """The machine's customer and its copies (the same record under other ids)."""
        return [self.customer] + [replace(self.customer, customer_id=f"{self.customer.customer_id}"
                                          f"-{n}") for n in range(1, self.copies + 1)]

    def sync(self) -> Any:
        log = SyncLog(None, user="hypothesis")
        refs = RefStore(self.workdir / "state.json", f"{self.server.url}#{self.tenant}")
        try:
            syncer = make_syncer(self.server.url, CREDENTIALS, log, refs, self.tenant,
                                 options=SyncOptions(default_role=self.default_role,
                                                     sales_rep=SALES_REP, workers=self.workers))
            if not self.through_twin:
                return syncer.run(self.synced_customers())
            source = AcumaticaApiSource(self.server.url, ErpLogin(*ERP_LOGIN), page_size=3)
            try:
                result = syncer.run_source(source, full=self.deleted_since_sync)
            finally:
                source.close()
            self.deleted_since_sync = False
            return result
        finally:
            refs.close()

    # ------------------------------------------------------------------ the twin, kept in step
    def twin(self, method: str, path: str, body: Any = None) -> Any:
        """A call of the ERP twin (signed in once per machine)."""
        url = self.server.url + "/entity"
        if self.erp is None:
            self.erp = requests.Session()
            self.erp.post(url + "/auth/login", timeout=10, json=dict(zip(
                ("name", "password", "tenant"), ERP_LOGIN))).raise_for_status()
        answer = self.erp.request(method, f"{url}/Default/24.200.001/{path}", json=body,
                                  timeout=10)
        assert answer.status_code < 300, f"{method} {path}: {answer.text}"
        return answer.json() if answer.content else None

    def push_customer(self) -> None:
        """The customer's own fields (its primary, attributes and status) into the twin."""
        if not self.through_twin:
            return
        data = customer_to_json(self.customer)
        own = {k: v for k, v in data.items() if k not in ("Contacts", "Locations", "custom")}
        old = self.twin("GET", f"Customer/{self.customer.customer_id}?$expand=Attributes")
        stale = [{"AttributeID": a["AttributeID"], "delete": True} for a in old["Attributes"]
                 if a["AttributeID"]["value"] not in {x for x, _ in self.customer.attributes}]
        own["Attributes"] = own["Attributes"] + stale
        own["PrimaryContactID"] = data["PrimaryContactID"] or {"value": None}
        self.twin("PUT", "Customer", own)

    def push_contact(self, contact: Contact, new: bool = False) -> Contact:
        """A contact into the twin; a new one is numbered by the ERP."""
        if not self.through_twin:
            return contact
        body = {**contact_to_json(contact), "BusinessAccount": {"value":
                                                                 self.customer.customer_id}}
        if new:
            del body["ContactID"]
        saved = self.twin("PUT", "Contact", body)
        return replace(contact, contact_id=saved["ContactID"]["value"])

    def push_location(self, location: Location) -> None:
        if self.through_twin:
            self.twin("PUT", "CustomerLocation", {
                **location_to_json(location), "Customer": {"value": self.customer.customer_id}})

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

    def b2b_state(self, customer_id: str | None = None
                  ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        wanted = customer_id or self.customer.customer_id
        items = self.call("GET", params={"filter": f"externalId eq '{wanted}'"}).json()["items"]
        if not items:
            return None, []
        users = self.call("GET", f"/{items[0]['id']}/users", params={"pageSize": 200}).json()
        return items[0], users["items"]

    def contact_index(self, data: st.DataObject) -> int:
        return data.draw(st.integers(0, len(self.customer.contacts) - 1))

    def change_contact(self, index: int, **changes: Any) -> None:
        people = list(self.customer.contacts)
        people[index] = self.push_contact(replace(people[index], **changes))
        self.customer = replace(self.customer, contacts=tuple(people))

    def location_index(self, data: st.DataObject) -> int:
        return data.draw(st.integers(0, len(self.customer.locations) - 1))

    def set_locations(self, places: list[Location]) -> None:
        self.customer = replace(self.customer, locations=tuple(places))

    # ------------------------------------------------------------------ ERP edits
    @precondition(lambda self: self.customer is None)
    @rule(customer=customers(), places=st.integers(0, 3), data=st.data())
    def create_customer(self, customer: Customer, places: int, data: st.DataObject) -> None:
        customer = replace(customer, locations=tuple(
            data.draw(locations(n, default=n == 1)) for n in range(1, places + 1)))
        self.next_location = places + 1
        if self.through_twin:  # the ERP requires a last name of a contact
            customer = replace(customer, contacts=tuple(
                replace(c, last_name=c.last_name or "Doe") for c in customer.contacts))
            requests.post(self.server.url + "/_mock/reset", timeout=10).raise_for_status()
            requests.post(self.server.url + "/_mock/seed", timeout=30, json={
                "erp": [customer_to_json(customer)]}).raise_for_status()
        self.customer = customer

    @precondition(lambda self: self.customer is not None and len(self.customer.contacts) < 7)
    @rule(data=st.data())
    def add_contact(self, data: st.DataObject) -> None:
        self.next_contact_id += 1
        contact = data.draw(contacts(self.next_contact_id))
        if self.through_twin:
            contact = self.push_contact(replace(contact, last_name=contact.last_name or "Doe"),
                                        new=True)
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
        if self.through_twin:
            self.twin("DELETE", f"Contact/{gone.contact_id}")
            self.deleted_since_sync = True

    @precondition(lambda self: self.customer is not None)
    @rule(data=st.data())
    def change_primary(self, data: st.DataObject) -> None:
        choices = [None] + [c.contact_id for c in self.customer.contacts]
        chosen = data.draw(st.sampled_from(choices))
        self.customer = replace(self.customer, contacts=tuple(
            replace(c, primary=c.contact_id == chosen) for c in self.customer.contacts))
        self.push_customer()

    @precondition(lambda self: self.customer is not None)
    @rule(attributes=attribute_sets)
    def change_attributes(self, attributes: tuple[tuple[str, str], ...]) -> None:
        self.customer = replace(self.customer, attributes=attributes)
        self.push_customer()

    @precondition(lambda self: self.customer is not None)
    @rule(status=st.sampled_from(["Active", "OnHold", "Inactive"]))
    def change_status(self, status: str) -> None:
        self.customer = replace(self.customer, status=status)
        self.push_customer()

    # ------------------------------------------------------------------ locations
    @precondition(lambda self: self.customer is not None and len(self.customer.locations) < 4)
    @rule(data=st.data())
    def add_location(self, data: st.DataObject) -> None:
        first = not self.customer.locations  # the ERP makes a customer's first one its default
        place = data.draw(locations(self.next_location, default=first))
        self.next_location += 1
        self.push_location(place)
        self.set_locations([*self.customer.locations, place])

    @precondition(lambda self: self.customer is not None and self.customer.locations)
    @rule(data=st.data(), email=st.none() | emails, active=st.booleans())
    def edit_location(self, data: st.DataObject, email: str | None, active: bool) -> None:
        places = list(self.customer.locations)
        index = self.location_index(data)
        places[index] = replace(places[index], email=email, active=active,
                                city=places[index].city + "+")
        self.push_location(places[index])
        self.set_locations(places)

    @precondition(lambda self: self.customer is not None and self.customer.locations)
    @rule(data=st.data())
    def make_default(self, data: st.DataObject) -> None:
        index = self.location_index(data)
        places = [replace(p, default=i == index) for i, p in enumerate(self.customer.locations)]
        self.push_location(places[index])
        self.set_locations(places)

    @precondition(lambda self: self.customer is not None and
                  any(not p.default for p in self.customer.locations))
    @rule(data=st.data())
    def delete_location(self, data: st.DataObject) -> None:
        others = [p for p in self.customer.locations if not p.default]
        gone = data.draw(st.sampled_from(others))  # the ERP keeps the default to the last
        if self.through_twin:
            self.twin("DELETE", f"CustomerLocation/{self.customer.customer_id}/{gone.location_id}")
            self.deleted_since_sync = True
        self.set_locations([p for p in self.customer.locations if p is not gone])

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
        for customer in self.synced_customers():
            self.check_b2b(report, customer.customer_id)
        again = self.sync()
        assert again.writes == 0, \
            f"second sync wrote: {[s.action for p in again.plans for s in p.steps]}\n{report}"

    def check_b2b(self, report: str, customer_id: str) -> None:
        account, users = self.b2b_state(customer_id)
        assert account is not None, f"no account for {customer_id}\n{report}"
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
        listed = requests.get(f"{self.server.url}/api/commerce/customer/accounts/"
                              f"{account['id']}/contacts", headers=self._headers, timeout=10,
                              params={"pageSize": 200})
        if listed.status_code in (429, 503):  # a fault rule hit the reader: check next time
            return
        held = {c["label"]: (c["email"], {t["name"] for t in c["types"] if t["isPrimary"]})
                for c in listed.json()["items"]}
        assert held == expected_addresses(self.customer), f"addresses {held}\n{report}"

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
    SyncMachine.through_twin = False
    SyncMachine.TestCase.settings = settings(settings.default, deadline=None)
    SyncMachine.TestCase().runTest()


def test_sync_rules_hold_under_faults(tmp_path) -> None:
    with ServerProcess(extra_args=["--token-lifetime", "2"]) as faulty:
        SyncMachine.server = faulty
        SyncMachine.through_twin = False
        SyncMachine.faults = [
            {"kind": "status", "status": 503, "percent": 10},
            {"kind": "status", "status": 429, "retryAfter": 0, "percent": 10},
        ]
        SyncMachine.TestCase.settings = settings(settings.default, deadline=None)
        SyncMachine.TestCase().runTest()


def test_sync_rules_hold_with_several_workers(server) -> None:
    SyncMachine.server = server
    SyncMachine.through_twin = False
    SyncMachine.faults = [  # in the machine's tenant only
        {"kind": "status", "status": 503, "percent": 5},
        {"kind": "status", "status": 429, "retryAfter": 0, "percent": 5},
    ]
    SyncMachine.workers, SyncMachine.copies = 4, 3
    try:
        SyncMachine.TestCase.settings = settings(settings.default, deadline=None)
        SyncMachine.TestCase().runTest()
    finally:
        SyncMachine.workers, SyncMachine.copies = 1, 0
        SyncMachine.faults = []


def test_sync_rules_hold_through_the_erp_twin(server) -> None:
    SyncMachine.server = server
    SyncMachine.faults = []
    SyncMachine.through_twin = True
    try:  # longer runs: an edit reaches the B2B side only when a sync follows it
        SyncMachine.TestCase.settings = settings(
            settings.default, deadline=None,
            max_examples=max(settings.default.max_examples, 40),
            stateful_step_count=max(settings.default.stateful_step_count, 20))
        SyncMachine.TestCase().runTest()
    finally:
        SyncMachine.through_twin = False
