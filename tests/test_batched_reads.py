"""How the sync reads the B2B side, without a server: customers looked up in batches, and an
account's own user and contact lists read only where the listed account's are not enough."""

from __future__ import annotations

from typing import Any

import pytest

from sync_client.b2b import FILTER_BUDGET, Call, lookup_batches
from sync_client.log import SyncLog
from sync_client.refs import RefStore
from sync_client.sync import Syncer
from sync_helpers import contact, facebook, location


class FakeClient:
    """The B2B client's reads over a fixed set of accounts; every call noted by name."""

    def __init__(self, accounts: list[dict[str, Any]], users: dict[int, list[dict[str, Any]]],
                 contacts: dict[int, list[dict[str, Any]]] | None = None) -> None:
        self.accounts = accounts
        self.all_users = users
        self.all_contacts = contacts or {}
        self.calls: list[Call] = []
        self.made: list[str] = []

    def _note(self, name: str, method: str = "GET") -> None:
        self.made.append(name)
        self.calls.append(Call(method, name, None, 200))

    @property
    def last_call(self) -> Call:
        return self.calls[-1]

    def calls_since(self, start: int) -> list[Call]:
        return self.calls[start:]

    def find_accounts(self, external_ids: Any, account_ids: Any = ()) -> list[dict[str, Any]]:
        self._note("find_accounts")
        wanted = {e.casefold() for e in external_ids}
        return [a for a in self.accounts
                if a["externalId"].casefold() in wanted or a["id"] in set(account_ids)]

    def users(self, account_id: int) -> list[dict[str, Any]]:
        self._note(f"users {account_id}")
        return self.all_users[account_id]

    def contacts(self, account_id: int) -> list[dict[str, Any]]:
        self._note(f"contacts {account_id}")
        return self.all_contacts.get(account_id, [])


MARK = {"userId": "u1", "emailAddress": "markz@test.com", "userName": "markz@test.com",
        "firstName": "Mark", "lastName": "Z", "isActive": True, "isRemoved": False,
        "roles": [{"roleId": 1}]}


def account(account_id: int = 1001, external_id: str = "C000000288", **fields: Any) -> dict:
    return {"id": account_id, "externalId": external_id, "companyOrOrganization": "Facebook",
            "accountType": "B2B", "taxId": "20-1665019", "approvalStatus": "Approved",
            "salesReps": [{"userId": "rep"}],
            "attributes": [{"fullyQualifiedName": "tenant~customer-class", "values": ["LOCAL"]},
                           {"fullyQualifiedName": "tenant~erp-status", "values": ["Active"]},
                           {"fullyQualifiedName": "tenant~tier", "values": ["Gold"]}],
            **fields}


def syncer(client: FakeClient, tmp_path, **refs: Any) -> Syncer:
    store = RefStore(tmp_path / "state.json", "fake")
    for contact_id, user_id in refs.get("contacts", {}).items():
        store.set_contact("C000000288", contact_id, user_id)
    return Syncer(client, store, SyncLog(None))  # type: ignore[arg-type]


def test_an_unchanged_customer_costs_no_read_of_its_own(tmp_path) -> None:
    client = FakeClient([account(users=[MARK], contacts=[])], {1001: [MARK]})
    sync = syncer(client, tmp_path, contacts={101: "u1"})
    plan = sync.read_plan(facebook(), sync._read_batch([facebook()])["C000000288"])
    assert plan.steps == [] and client.made == ["find_accounts"]


def test_an_account_listed_without_its_users_has_them_read(tmp_path) -> None:
    client = FakeClient([account()], {1001: [MARK]})  # the list left "users" out
    sync = syncer(client, tmp_path)
    plan = sync.read_plan(facebook(), sync._read_batch([facebook()])["C000000288"])
    assert plan.steps == [] and client.made == ["find_accounts", "users 1001"]


def test_a_referenced_user_missing_from_the_list_has_the_users_read(tmp_path) -> None:
    old = {**MARK, "userId": "u9", "emailAddress": "gone@test.com", "userName": "gone@test.com",
           "roles": [{"roleId": 2}]}
    client = FakeClient([account(users=[MARK])], {1001: [MARK, old]})
    sync = syncer(client, tmp_path, contacts={101: "u1", 102: "u9"})  # 102: deleted in the ERP
    plan = sync.read_plan(facebook(), sync._read_batch([facebook()])["C000000288"])
    assert [s.action for s in plan.steps] == ["RemoveUser"]
    assert client.made == ["find_accounts", "users 1001"]


def test_a_plan_that_writes_users_is_made_again_from_the_users_list(tmp_path) -> None:
    # the list carries no user, but the account has Mark: no AddUser, a single read more
    client = FakeClient([account(users=[])], {1001: [MARK]})
    sync = syncer(client, tmp_path)
    plan = sync.read_plan(facebook(), sync._read_batch([facebook()])["C000000288"])
    assert plan.steps == [] and client.made == ["find_accounts", "users 1001"]


def test_addresses_come_from_the_listed_account_too(tmp_path) -> None:
    held = {"id": 5, "label": "Main", "email": "markz@test.com"}
    customer = facebook(locations=(location("MAIN", "Main", default=True),))
    client = FakeClient([account(users=[MARK], contacts=[held])], {1001: [MARK]},
                        {1001: [held]})
    sync = syncer(client, tmp_path, contacts={101: "u1"})
    plan = sync.read_plan(customer, sync._read_batch([customer])["C000000288"])
    # the held address differs from the ERP's: the plan is checked against the account's own
    # contact list before it writes
    assert [s.action for s in plan.steps] == ["UpdateLocation"]
    assert client.made == ["find_accounts", "contacts 1001"]


def test_the_reference_id_finds_an_account_whose_external_id_was_changed(tmp_path) -> None:
    moved = account(2002, "EDITED-BY-HAND", users=[MARK], contacts=[])
    client = FakeClient([moved, account(3003, "C000000288", users=[], contacts=[])], {})
    sync = syncer(client, tmp_path)
    found = sync._read_batch([facebook(reference_id="2002")])["C000000288"]
    assert found.account is not None and found.account["id"] == 2002
    missing = sync._read_batch([facebook(reference_id="4004")])["C000000288"]
    assert missing.account is not None and missing.account["id"] == 3003  # by externalId


def test_a_run_reads_each_batch_once_and_plans_in_the_customers_order(tmp_path) -> None:
    customers = [facebook(customer_id=f"C{i:09d}", contacts=(contact(i, f"u@c{i}.com",
                                                                     primary=True),))
                 for i in range(120)]
    client = FakeClient([], {})
    sync = syncer(client, tmp_path)
    sync.options.dry_run = True
    result = sync.run(customers)
    assert [p.customer.customer_id for p in result.plans] == [c.customer_id for c in customers]
    assert client.made == ["find_accounts"] * len(lookup_batches(
        [(c.customer_id, None) for c in customers]))
    assert 2 <= result.reads <= 3


@pytest.mark.parametrize("with_references", [False, True])
def test_batches_keep_their_filter_within_the_budget(with_references: bool) -> None:
    from sync_client.b2b import B2BClient

    keys = [(f"C{i:09d}'x", 100000 + i if with_references else None) for i in range(500)]
    batches = lookup_batches(keys)
    assert [k for batch in batches for k in batch] == keys
    sent: list[str] = []

    class Recorder(B2BClient):
        def _all_pages(self, path: str, params: Any = None) -> list[dict[str, Any]]:
            sent.append(params["filter"])
            return []

    client = Recorder(None, "http://b2b.example")  # type: ignore[arg-type]
    for batch in batches:
        client.find_accounts([e for e, _ in batch], [r for _, r in batch if r])
    assert all(len(f) <= FILTER_BUDGET for f in sent)
    assert len(batches) <= 500 // 30  # some 50 (or 35 with references) a call
    assert "'C000000000''x'" in sent[0]  # quotes doubled inside a quoted value
