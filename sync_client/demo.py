"""``make demo``: the walkthrough's sync, start to finish, on a throwaway b2b-mock.

Starts b2b-mock in memory, syncs the fixture customers, shows each company with its users (the
primary shown as Primary Admin) and the log; syncs again to show that nothing changes; then
makes the primary contact of one customer another person and deactivates a contact, syncs, and
shows the role move and the removal. It stops the server and leaves nothing behind.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import requests

from mock_server.testing.process import ServerProcess

from .erp import AcumaticaFileSource, Customer
from .log import SyncLog, table
from .refs import RefStore
from .sync import RunResult, SyncOptions, make_syncer
from .transport import Credentials

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "acumatica"
CREDENTIALS = Credentials("b2b-mock-client", "b2b-mock-secret")
SALES_REP = "5b0e9d19811a4ea99c3588ca64ba61ca"  # the demo's sales rep, as an admin user id
TENANT = 1
CHANGED = "C000000301"


def banner(text: str) -> None:
    print(f"\n{'=' * 100}\n{text}\n{'=' * 100}")


def role_label(user: dict[str, Any]) -> str:
    names = [r["roleName"] for r in user.get("roles") or []]
    if "Admin" in names:
        names = ["Primary Admin"] + [n for n in names if n != "Admin"]
    return ", ".join(names) or "-"


def show_accounts(url: str, only: str | None = None) -> None:
    session = requests.Session()
    token = session.post(url + "/api/platform/applications/authtickets/oauth",
                         json={"client_id": CREDENTIALS.client_id,
                               "client_secret": CREDENTIALS.client_secret},
                         timeout=10).json()["access_token"]
    session.headers.update({"Authorization": f"Bearer {token}", "x-vol-tenant": str(TENANT)})
    base = url + "/api/commerce/customer/b2baccounts"
    params: dict[str, str | int] = {"pageSize": 200, "sortBy": "externalId asc"}
    if only:
        params["filter"] = f"externalId eq '{only}'"
    for account in session.get(base, params=params, timeout=10).json()["items"]:
        state = "active" if account["isActive"] else "inactive"
        print(f"\n{account['companyOrOrganization']}  (account {account['id']}, "
              f"externalId {account['externalId']}, {state})")
        users = session.get(f"{base}/{account['id']}/users", params={"pageSize": 200},
                            timeout=10).json()["items"]
        for user in users:
            name = f"{user.get('firstName') or ''} {user.get('lastName') or ''}".strip()
            removed = "  (removed)" if user["isRemoved"] else ""
            print(f"    {name:<22} {user['emailAddress']:<40} {role_label(user)}{removed}")


def writes_since(url: str, seq: int) -> tuple[int, int]:
    """B2B write calls the server journaled since ``seq``: (answered 2xx, refused)."""
    items = requests.get(url + "/_mock/journal", params={"since": seq}, timeout=10).json()["items"]
    writes = [e for e in items if e["method"] != "GET" and "/b2baccounts" in e["path"]]
    ok = sum(1 for e in writes if e["status"] < 400)
    return ok, len(writes) - ok


def last_seq(url: str) -> int:
    newest: dict[str, str | int] = {"order": "newest", "limit": 1}
    items = requests.get(url + "/_mock/journal", params=newest,
                         timeout=10).json()["items"]
    return items[0]["seq"] if items else 0


def sync(url: str, customers: list[Customer], workdir: Path) -> tuple[RunResult, SyncLog]:
    log = SyncLog(workdir / "sync-log.jsonl", user="demo")
    refs = RefStore(workdir / "state.json", f"{url}#{TENANT}")
    try:
        result = make_syncer(url, CREDENTIALS, log, refs, TENANT,
                             options=SyncOptions(sales_rep=SALES_REP)).run(customers)
    finally:
        refs.close()
    return result, log


def changed_erp(customers: list[Customer]) -> list[Customer]:
    """Contoso's primary becomes Raj Patel; Amélie Dubois is deactivated."""
    out = []
    for customer in customers:
        if customer.customer_id == CHANGED:
            contacts = []
            for contact in customer.contacts:
                if contact.contact_id == 201:
                    contact = replace(contact, primary=False)
                elif contact.contact_id == 202:
                    contact = replace(contact, primary=True)
                elif contact.contact_id == 203:
                    contact = replace(contact, active=False)
                contacts.append(contact)
            customer = replace(customer, contacts=tuple(contacts))
        out.append(customer)
    return out


def main() -> int:
    customers = AcumaticaFileSource(FIXTURES).customers()
    with tempfile.TemporaryDirectory(prefix="b2b-demo-") as tmp, ServerProcess() as server:
        workdir, url = Path(tmp), server.url
        print(f"b2b-mock is running on {url} (in memory); syncing {len(customers)} ERP customers")

        banner("1. First sync: ERP customers become B2B accounts, contacts become users")
        result, log = sync(url, customers, workdir)
        print(result.summary())
        show_accounts(url)
        banner("The sync log (newest first)")
        print(table(log.rows))

        banner("2. The same ERP data again: nothing to change")
        seq = last_seq(url)
        result, _ = sync(url, customers, workdir)
        print(result.summary())
        ok, refused = writes_since(url, seq)
        print(f"the server's journal shows {ok} successful writes and {refused} refused "
              "(the record the service rejects is tried again on every run)")

        banner(f"3. ERP change on {CHANGED}: Raj Patel becomes the primary contact, "
               "Amélie Dubois is deactivated")
        print("before:")
        show_accounts(url, CHANGED)
        result, log = sync(url, changed_erp(customers), workdir)
        print("\nafter:")
        show_accounts(url, CHANGED)
        print()
        print(result.summary())
        print(table([r for r in log.rows if r["actionType"] != "BearerToken"
                     and r["level"] == "INFO"]))
    print("\nDemo finished; the server is stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
