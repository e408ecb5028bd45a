"""The parity scenarios, and running them against b2b-mock in-process or any base URL.

Each scenario is a short story a B2B client lives through, its calls named (the names are the
steps of the snapshot paths). Every run tags what it creates (external ids, names, e-mails) with
a fresh tag, so that runs against a sandbox, whose data stays, never meet each other's records;
the tag becomes ``<run>`` in the snapshots.

Settings for a run against a real service (``make parity URL=...``): ``B2B_PARITY_URL`` (the
tenant's API host, e.g. ``https://t12345.sandbox.mozu.com``), ``B2B_AUTH_URL`` (where tickets
are issued; the same host by default), ``B2B_CLIENT_ID``, ``B2B_CLIENT_SECRET``, ``B2B_TENANT``,
``B2B_PARITY_SALES_REP`` (the user id of an admin user of the tenant, needed to approve an
account) and ``B2B_PARITY_ATTRIBUTE`` (the fully qualified name of a text customer attribute
defined in the tenant, ``tenant~parity-note`` by default).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ACCOUNTS = "/api/commerce/customer/b2baccounts"
CONTACTS = "/api/commerce/customer/accounts"
TICKETS = "/api/platform/applications/authtickets/oauth"
MOCK_SALES_REP = "5b0e9d19811a4ea99c3588ca64ba61ca"


@dataclass
class Settings:
    """Where a run goes and as whom."""

    url: str = ""  # empty: b2b-mock in-process
    auth_url: str = ""
    client_id: str = "b2b-mock-client"
    client_secret: str = "b2b-mock-secret"
    tenant: str = "1"
    sales_rep: str = MOCK_SALES_REP
    attribute: str = "tenant~parity-note"

    @classmethod
    def from_environment(cls) -> "Settings":
        url = os.environ.get("B2B_PARITY_URL", "").rstrip("/")
        return cls(url=url, auth_url=os.environ.get("B2B_AUTH_URL", "").rstrip("/") or url,
                   client_id=os.environ.get("B2B_CLIENT_ID", cls.client_id),
                   client_secret=os.environ.get("B2B_CLIENT_SECRET", cls.client_secret),
                   tenant=os.environ.get("B2B_TENANT", cls.tenant),
                   sales_rep=os.environ.get("B2B_PARITY_SALES_REP", MOCK_SALES_REP),
                   attribute=os.environ.get("B2B_PARITY_ATTRIBUTE", cls.attribute))


class Transport:
    """Calls with a ticket and the tenant header, through a ``requests`` session (a URL) or
    Starlette's test client (the mock in-process); both answer alike."""

    def __init__(self, settings: Settings, client: Any = None) -> None:
        import requests

        self.settings = settings
        self.client = client if client is not None else requests.Session()
        self.base = "" if client is not None else settings.url
        ticket = self.client.post((settings.auth_url if client is None else "") + TICKETS,
                                  json={"client_id": settings.client_id,
                                        "client_secret": settings.client_secret,
                                        "grant_type": "client_credentials"},
                                  **({"timeout": 60} if client is None else {}))
        if ticket.status_code != 200:
            raise RuntimeError(f"no ticket: {ticket.status_code} {ticket.text[:300]}")
        self.headers = {"Authorization": "Bearer " + ticket.json()["access_token"],
                        "x-vol-tenant": settings.tenant}

    def send(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        options: dict[str, Any] = {"json": body} if body is not None else {}
        if self.base:  # requests waits forever without one; the test client takes none
            options["timeout"] = 60
        response = self.client.request(method, self.base + path, headers=self.headers,
                                       **options)
        try:
            answer = response.json() if response.content else None
        except ValueError:
            answer = response.text
        return {"status": response.status_code,
                "headers": {k.lower(): v for k, v in response.headers.items()},
                "body": answer}


@dataclass
class Run:
    """One run of one scenario: its calls, in order."""

    transport: Transport
    tag: str = field(default_factory=lambda: "p" + secrets.token_hex(4))
    exchanges: list[dict[str, Any]] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        return self.transport.settings

    def call(self, step: str, method: str, path: str, body: Any = None) -> Any:
        """Send a call, record it under ``step``, and answer its body."""
        answer = self.transport.send(method, path, body)
        self.exchanges.append({"step": step, "request": {"method": method, "path": path,
                                                         "body": body}, **answer})
        return answer["body"]

    def account(self, step: str = "create the account") -> int:
        made = self.call(step, "POST", ACCOUNTS, {
            "companyOrOrganization": f"Parity {self.tag}", "externalId": f"PARITY-{self.tag}",
            "taxExempt": False})
        if not isinstance(made, dict) or "id" not in made:
            raise RuntimeError(f"AddAccount failed: {made}")
        return int(made["id"])


def approval(run: Run) -> None:
    """Create an account, approve it (a sales rep first), disable and enable it."""
    account = run.account()
    run.call("approve without a sales rep", "PUT", f"{ACCOUNTS}/{account}/status/approve")
    run.call("add the sales rep", "POST",
             f"{ACCOUNTS}/{account}/salesrep/{run.settings.sales_rep}")
    run.call("approve", "PUT", f"{ACCOUNTS}/{account}/status/approve")
    run.call("get the account", "GET", f"{ACCOUNTS}/{account}")
    run.call("find it by external id", "GET",
             f"{ACCOUNTS}?filter=externalId eq 'PARITY-{run.tag}'")
    run.call("disable", "PUT", f"{ACCOUNTS}/{account}/status/disable")
    run.call("disable again", "PUT", f"{ACCOUNTS}/{account}/status/disable")
    run.call("enable", "PUT", f"{ACCOUNTS}/{account}/status/enable")


def users_and_roles(run: Run) -> None:
    """Add two users, move the Admin role from the first to the second, remove the first."""
    account = run.account()

    def user(step: str, name: str, role: int) -> str:
        made = run.call(step, "POST", f"{ACCOUNTS}/{account}/user", {
            "b2BUser": {"emailAddress": f"{name}.{run.tag}@parity.example", "firstName": name,
                        "lastName": "Parity", "roles": [{"roleId": role}]},
            "isImport": False})
        if not isinstance(made, dict) or "userId" not in made:
            raise RuntimeError(f"AddUser failed: {made}")
        return str(made["userId"])

    first = user("add the first user as Admin", "ada", 1)
    second = user("add the second user as Purchaser", "bob", 2)
    run.call("add the first user again", "POST", f"{ACCOUNTS}/{account}/user", {
        "b2BUser": {"emailAddress": f"ada.{run.tag}@parity.example", "firstName": "ada",
                    "lastName": "Parity"}, "isImport": False})
    run.call("give the second user Admin", "POST",
             f"{ACCOUNTS}/{account}/user/{second}/roles/1")
    run.call("take Admin from the first user", "DELETE",
             f"{ACCOUNTS}/{account}/user/{first}/roles/1")
    run.call("the second user's roles", "GET", f"{ACCOUNTS}/{account}/user/{second}/roles")
    run.call("remove the first user", "PUT", f"{ACCOUNTS}/{account}/user/{first}/remove")
    run.call("the users", "GET", f"{ACCOUNTS}/{account}/users?sortBy=emailAddress asc")
    run.call("the users not removed", "GET",
             f"{ACCOUNTS}/{account}/users?filter=isRemoved eq false")


def attributes_and_contacts(run: Run) -> None:
    """An attribute added, added twice, changed, read and deleted; a contact likewise."""
    account = run.account()
    name = run.settings.attribute
    attributes = f"{ACCOUNTS}/{account}/attributes"
    run.call("add the attribute", "POST", attributes,
             {"fullyQualifiedName": name, "values": ["first"]})
    run.call("add the attribute twice", "POST", attributes,
             {"fullyQualifiedName": name, "values": ["again"]})
    run.call("change the attribute", "PUT", f"{attributes}/{name}",
             {"fullyQualifiedName": name, "values": ["second"]})
    run.call("the attributes", "GET", attributes)
    run.call("delete the attribute", "DELETE", f"{attributes}/{name}")
    run.call("get the deleted attribute", "GET", f"{attributes}/{name}")
    contacts = f"{CONTACTS}/{account}/contacts"
    contact = run.call("add a contact", "POST", contacts, {
        "email": f"billing.{run.tag}@parity.example", "firstName": "Bill",
        "lastNameOrSurname": "Parity", "label": "Head office",
        "types": [{"name": "Billing", "isPrimary": True}],
        "address": {"address1": "1 Main St", "cityOrTown": "Springfield",
                    "stateOrProvince": "IL", "postalOrZipCode": "62701", "countryCode": "US"}})
    contact_id = contact.get("id") if isinstance(contact, dict) else None
    run.call("the contacts", "GET", contacts)
    run.call("change the contact", "PUT", f"{contacts}/{contact_id}", {
        **run.exchanges[-2]["request"]["body"], "label": "Billing desk"})
    run.call("delete the contact", "DELETE", f"{contacts}/{contact_id}")
    run.call("get the deleted contact", "GET", f"{contacts}/{contact_id}")


SCENARIOS: dict[str, Callable[[Run], None]] = {
    "approval": approval,
    "users_and_roles": users_and_roles,
    "attributes_and_contacts": attributes_and_contacts,
}


def run_scenario(name: str, transport: Transport) -> tuple[list[dict[str, Any]], str]:
    """The raw exchanges of one run of a scenario, and its tag."""
    run = Run(transport)
    SCENARIOS[name](run)
    return run.exchanges, run.tag
