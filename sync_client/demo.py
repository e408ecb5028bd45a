"""``make demo``: the connector walkthrough, scene by scene, on the server ``make serve`` runs.

Open the demo page (``/_mock/ui``) beside this terminal: each scene edits the ERP through the
twin's own API, presses the page's "sync now" (``POST /_mock/sync``, the same ``b2b-sync`` a user
runs), says what to look at, and pauses. The scenes: the first sync (companies, users, addresses,
approval, reference ids written back), a primary contact moved, a contact deactivated, an e-mail
changed, a location added, a customer put on hold and back. The demo starts from the fixtures:
it resets the server's data first (``--no-reset`` keeps it, for a second look).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import requests

from .erp import AcumaticaFileSource, customer_to_json

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "acumatica"
ENTITY = "/entity/Default/24.200.001"
TENANT = 1


class Demo:
    def __init__(self, url: str, pause: float, step: bool, admin_token: str | None = None) -> None:
        self.url = url.rstrip("/")
        self.pause = pause
        self.step = step
        self.erp = requests.Session()
        self.admin = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}

    def operator(self, method: str, path: str, **options: Any) -> requests.Response:
        """A call to the server's operator API, with its token when it needs one."""
        answer = requests.request(method, self.url + "/_mock" + path, headers=self.admin,
                                  **options)
        if answer.status_code in (401, 403):
            raise SystemExit(f"demo: the server refused its operator API ({answer.status_code}"
                             f"): {answer.json().get('message', '')} Give its token with "
                             "--admin-token or B2B_MOCK_ADMIN_TOKEN.")
        return answer

    # ---------------------------------------------------------------- talking to the server
    def say(self, text: str) -> None:
        print(text, flush=True)

    def scene(self, title: str) -> None:
        print(f"\n{'=' * 78}\n{title}\n{'=' * 78}", flush=True)

    def wait(self) -> None:
        if self.step:
            input("  ... press Enter for the next scene ")
        elif self.pause:
            time.sleep(self.pause)

    def sign_in(self) -> None:
        answer = self.erp.post(self.url + "/_mock/erp/session", headers=self.admin, timeout=10)
        if answer.status_code in (401, 403):
            self.operator("POST", "/erp/session", timeout=10)  # says what to do
        answer.raise_for_status()

    def put(self, entity: str, body: dict[str, Any]) -> None:
        answer = self.erp.put(f"{self.url}{ENTITY}/{entity}", json=body, timeout=30)
        if answer.status_code == 401:
            self.sign_in()
            answer = self.erp.put(f"{self.url}{ENTITY}/{entity}", json=body, timeout=30)
        if answer.status_code != 200:
            raise SystemExit(f"demo: the ERP refused {entity}: {answer.text[:300]}")
        shown = {k: v.get("value", "{...}") if isinstance(v, dict) else v
                 for k, v in body.items()}
        self.say(f"  ERP  PUT {entity} {json.dumps(shown, ensure_ascii=False)}")

    def sync(self, full: bool = False) -> None:
        answer = self.operator("POST", "/sync", json={"tenant": TENANT, "full": full},
                               timeout=600)
        body = answer.json()
        if answer.status_code != 200:
            raise SystemExit(f"demo: the sync did not run: {body.get('message')}")
        self.say(f"  sync {body['summary']}")
        for line in body.get("errors") or []:
            self.say(f"       {line}")

    def log_rows(self, count: int, action: str) -> None:
        rows = self.operator("GET", "/sync/log", params={"limit": 500},
                             timeout=10).json()["items"]
        for row in reversed([r for r in rows if action in r["actionType"]][:count]):
            self.say(f"  log  {row['level']:<5} {row['actionType']:<18} {row['description']}")

    def users(self, customer_id: str) -> None:
        accounts = self.operator("GET", f"/tenants/{TENANT}/accounts",
                                 params={"q": customer_id}, timeout=10).json()["items"]
        for account in accounts:
            detail = self.operator("GET", f"/tenants/{TENANT}/accounts/{account['id']}",
                                   timeout=10).json()
            state = "active" if account["isActive"] else "INACTIVE"
            self.say(f"  B2B  {account['companyOrOrganization']} (account {account['id']}, "
                     f"{account['approvalStatus']}, {state})")
            for user in detail.get("users") or []:
                names = [r.get("roleName") for r in user.get("roles") or []]
                label = "removed" if user.get("isRemoved") else ", ".join(
                    "Primary Admin" if n == "Admin" else str(n) for n in names)
                self.say(f"         {user['emailAddress']:<40} {label}")
            for contact in detail.get("contacts") or []:
                primary = [t["name"] for t in contact.get("types") or [] if t.get("isPrimary")]
                self.say(f"         address {contact.get('label')!s:<24} "
                         f"{(contact.get('address') or {}).get('cityOrTown') or ''}"
                         + (f"  (primary {' and '.join(primary)})" if primary else ""))

    # ---------------------------------------------------------------- the scenes
    def run(self, reset: bool) -> None:
        self.say(f"The demo page: {self.url}/_mock/ui  (open it now; it refreshes itself)")
        if reset:
            self.say("Resetting the server's data to the fixtures in 5 s (Ctrl-C keeps it; "
                     "--no-reset skips this) ...")
            time.sleep(0 if self.step is False and self.pause == 0 else 5)
            self.operator("POST", "/reset", timeout=30).raise_for_status()
            documents = [customer_to_json(c) for c in AcumaticaFileSource(FIXTURES).customers()]
            self.operator("POST", "/seed", json={"erp": documents},
                          timeout=60).raise_for_status()
        self.sign_in()

        self.scene("1. The ERP holds 13 customers; B2B is empty. The first sync creates each "
                   "company,\n   approves it (sales rep first), adds its users and addresses, "
                   "and writes the\n   account id back into the ERP as its Commerce Reference ID.")
        self.sync(full=True)
        self.users("C000000301")
        self.say("  Look at: Contoso's users (Olivia Chen is Primary Admin), its two addresses,\n"
                 "  the 'Commerce Reference ID' badges on the ERP side, the sync log.")
        self.wait()

        self.scene("2. In the ERP, Contoso's primary contact becomes Raj Patel.")
        self.put("Customer", {"CustomerID": {"value": "C000000301"},
                              "PrimaryContactID": {"value": 202}})
        self.sync()
        self.users("C000000301")
        self.say("  Look at: Raj is Primary Admin, Olivia a Purchaser; the Admin role was granted\n"
                 "  before it was taken away (the journal shows the order).")
        self.wait()

        self.scene("3. Amélie Dubois leaves Contoso: her contact is deactivated in the ERP.")
        self.put("Contact", {"ContactID": {"value": 203}, "Active": {"value": False}})
        self.sync()
        self.users("C000000301")
        self.say("  Look at: her user is removed (softly), not deleted.")
        self.wait()

        self.scene("4. Kevin Liu of Adventure Works changes his e-mail address.")
        self.put("Contact", {"ContactID": {"value": 501},
                             "Email": {"value": "k.liu@adventure-works.com"}})
        self.sync()
        self.users("C000000335")
        self.say("  Look at: the same user, with the new address: no second user.")
        self.wait()

        self.scene("5. Fabrikam opens a warehouse in Dallas: a new location in the ERP.")
        self.put("CustomerLocation", {
            "Customer": {"value": "C000000322"}, "LocationID": {"value": "DALLAS"},
            "LocationName": {"value": "Dallas Warehouse"},
            "LocationContact": {"Address": {"AddressLine1": {"value": "1 Logistics Pkwy"},
                                            "City": {"value": "Dallas"},
                                            "State": {"value": "TX"},
                                            "PostalCode": {"value": "75201"},
                                            "Country": {"value": "US"}}}})
        self.sync()
        self.users("C000000322")
        self.log_rows(3, "Location")
        self.say("  Look at: 'Customer Location is created/updated successfully.' in the log.")
        self.wait()

        self.scene("6. Tailspin Toys is put on hold in the ERP, then released.")
        self.put("Customer", {"CustomerID": {"value": "C000000341"},
                              "Status": {"value": "OnHold"}})
        self.sync()
        self.users("C000000341")
        self.put("Customer", {"CustomerID": {"value": "C000000341"},
                              "Status": {"value": "Active"}})
        self.sync()
        self.users("C000000341")
        self.say("  Look at: the account was disabled, then enabled again.")
        self.say(f"\nDone. The page stays live at {self.url}/_mock/ui; b2b-sync's own log of "
                 "these runs\nis what the page's Sync log shows.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make demo", description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("URL") or "http://127.0.0.1:8080",
                        help="the server make serve runs (default: %(default)s)")
    parser.add_argument("--pause", type=float, default=6.0,
                        help="seconds between scenes (default: %(default)s)")
    parser.add_argument("--step", action="store_true", help="wait for Enter between scenes")
    parser.add_argument("--admin-token", default=os.environ.get("B2B_MOCK_ADMIN_TOKEN"),
                        help="the server's operator token, when it requires one "
                             "(default: $B2B_MOCK_ADMIN_TOKEN)")
    parser.add_argument("--no-reset", dest="reset", action="store_false",
                        help="keep the server's data instead of starting from the fixtures")
    args = parser.parse_args(argv)
    try:
        requests.get(args.url.rstrip("/") + "/_mock/health", timeout=5).raise_for_status()
    except requests.RequestException:
        print(f"demo: no b2b-mock answers at {args.url}; start it with `make serve` in another "
              "terminal (or give URL=http://host:port)", file=sys.stderr)
        return 2
    try:
        Demo(args.url, args.pause, args.step, args.admin_token).run(args.reset)
    except KeyboardInterrupt:
        print("\ndemo: stopped", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
