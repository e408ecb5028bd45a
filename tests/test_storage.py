"""The TinyDB store: what was committed survives restarts and crashes, and the file stays whole."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from tinydb import TinyDB

from mock_server.testing.process import ServerProcess
from mock_server.domain.documents import copy_doc
from mock_server.domain.layout import B2B_LAYOUT, TableLayout, folded
from mock_server.store import LogBroken, Store, StoreLocked

# The store is told what to index by its user; these tests index accounts as the domain does.
ACCOUNTS = TableLayout(indexed={"/accounts": {"externalId": folded}},
                       ordered={"/accounts": ("companyOrOrganization", "externalId")},
                       id_ordered=("/accounts",))

BASE = "/api/commerce/customer/b2baccounts"


def test_commits_survive_a_reopen(tmp_path) -> None:
    path = tmp_path / "db.json"
    store = Store(path)
    with store.transaction() as tx:
        tx.put("t1/accounts", 1001, {"id": 1001, "companyOrOrganization": "Facebook"})
        tx.put("t1/accounts", 1002, {"id": 1002, "companyOrOrganization": "Contoso"})
    with store.transaction() as tx:
        tx.delete("t1/accounts", 1002)
    store.close()
    reopened = Store(path)
    assert reopened.all("t1/accounts") == [(1001, {"id": 1001, "companyOrOrganization": "Facebook"})]
    reopened.close()
    # the snapshot is a plain TinyDB file
    assert TinyDB(path).table("t1/accounts").get(doc_id=1001)["companyOrOrganization"] == "Facebook"


def test_a_failed_transaction_changes_nothing(tmp_path) -> None:
    store = Store(tmp_path / "db.json")
    with pytest.raises(RuntimeError):
        with store.transaction() as tx:
            tx.put("t1/accounts", 1, {"id": 1})
            raise RuntimeError("rule broken")
    assert store.all("t1/accounts") == []
    assert (tmp_path / "db.json.journal").read_bytes() == b""


def test_a_torn_journal_tail_is_dropped_and_the_rest_kept(tmp_path) -> None:
    path = tmp_path / "db.json"
    store = Store(path)
    with store.transaction() as tx:
        tx.put("t1/accounts", 1, {"id": 1})
    with store.transaction() as tx:
        tx.put("t1/accounts", 2, {"id": 2})
    store.close()
    journal = tmp_path / "db.json.journal"
    data = journal.read_bytes()
    journal.write_bytes(data + data.splitlines(keepends=True)[0][:7])  # a write cut short
    reopened = Store(path)
    assert [doc_id for doc_id, _ in reopened.all("t1/accounts")] == [1, 2]
    assert journal.read_bytes() == b""  # folded into the snapshot at start-up
    reopened.close()


def test_the_journal_is_folded_when_it_grows(tmp_path) -> None:
    path = tmp_path / "db.json"
    store = Store(path, compact_bytes=2000)
    for i in range(100):
        with store.transaction() as tx:
            tx.put("t1/accounts", i + 1, {"id": i + 1, "name": "x" * 50})
    assert (tmp_path / "db.json.journal").stat().st_size < 2000
    store.close()
    assert len(json.loads(path.read_text())["t1/accounts"]) >= 50  # folded while running
    assert len(Store(path).all("t1/accounts")) == 100


def test_one_process_at_a_time(tmp_path) -> None:
    store = Store(tmp_path / "db.json")
    with pytest.raises(StoreLocked):
        Store(tmp_path / "db.json")
    store.close()
    Store(tmp_path / "db.json").close()


def test_next_ids_skip_ids_taken_explicitly(tmp_path) -> None:
    store = Store()
    with store.transaction() as tx:
        first = tx.next_id("t", 1)
        tx.put("t", 5, {})
    with store.transaction() as tx:
        assert [tx.next_id("t", 1) for _ in range(2)] == [6, 7]
    assert first == 1


def _ticket(url: str) -> dict[str, str]:
    body = {"client_id": "b2b-mock-client", "client_secret": "b2b-mock-secret",
            "grant_type": "client_credentials"}
    token = requests.post(url + "/api/platform/applications/authtickets/oauth", json=body,
                          timeout=10).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.slow
def test_restart_keeps_the_data(tmp_path) -> None:
    db = tmp_path / "db.json"
    with ServerProcess(db) as server:
        headers = _ticket(server.url)
        account = requests.post(server.url + BASE, headers=headers, timeout=10, json={
            "companyOrOrganization": "Facebook", "externalId": "C000000288"}).json()
        requests.post(f"{server.url}{BASE}/{account['id']}/user", headers=headers, timeout=10,
                      json={"b2BUser": {"emailAddress": "markz@test.com", "roles": [{"roleId": 1}]}})
    with ServerProcess(db) as server:
        headers = _ticket(server.url)
        again = requests.get(f"{server.url}{BASE}/{account['id']}", headers=headers,
                             timeout=10).json()
        assert again["externalId"] == "C000000288"
        assert again["users"][0]["roles"][0]["roleName"] == "Admin"


@pytest.mark.slow
def test_kill_9_during_writes_loses_no_acknowledged_write(tmp_path) -> None:
    db = tmp_path / "db.json"
    acknowledged: list[str] = []
    with ServerProcess(db) as server:
        headers = _ticket(server.url)
        account = requests.post(server.url + BASE, headers=headers, timeout=10, json={
            "companyOrOrganization": "Facebook", "externalId": "C000000288"}).json()
        stop = threading.Event()

        def writer(n: int) -> None:
            session = requests.Session()
            i = 0
            while not stop.is_set():
                email = f"user{n}-{i}@test.com"
                try:
                    response = session.post(f"{server.url}{BASE}/{account['id']}/user",
                                            headers=headers, timeout=5,
                                            json={"b2BUser": {"emailAddress": email}})
                except requests.RequestException:
                    return
                if response.status_code == 200:
                    acknowledged.append(response.json()["userId"])
                i += 1

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        while len(acknowledged) < 60:
            threading.Event().wait(0.02)
        server.kill()
        stop.set()
        for thread in threads:
            thread.join()
    assert len(acknowledged) >= 60
    with ServerProcess(db) as server:
        headers = _ticket(server.url)
        stored: set[str] = set()
        start = 0
        while True:
            page = requests.get(f"{server.url}{BASE}/{account['id']}/users", headers=headers,
                                params={"startIndex": start, "pageSize": 200}, timeout=10).json()
            stored |= {u["userId"] for u in page["items"]}
            start += 200
            if start >= page["totalCount"]:
                break
    assert set(acknowledged) <= stored
    json.loads(db.read_text())  # the snapshot loads


@pytest.mark.slow
def test_eight_threads_adding_users_to_one_account(tmp_path) -> None:
    with ServerProcess(tmp_path / "db.json") as server:
        headers = _ticket(server.url)
        account = requests.post(server.url + BASE, headers=headers, timeout=10, json={
            "companyOrOrganization": "Facebook"}).json()
        emails = [f"buyer{i}@test.com" for i in range(160)]

        def add(email: str) -> int:
            return requests.post(f"{server.url}{BASE}/{account['id']}/user", headers=headers,
                                 timeout=30, json={"b2BUser": {"emailAddress": email}}).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(add, emails + emails[:40]))
        assert statuses.count(200) == 160 and statuses.count(409) == 40
        listed = requests.get(f"{server.url}{BASE}/{account['id']}/users", headers=headers,
                              params={"pageSize": 200}, timeout=10).json()
        assert sorted(u["emailAddress"] for u in listed["items"]) == sorted(emails)
        assert listed["totalCount"] == 160


def test_the_external_id_index_follows_puts_deletes_drops_and_reopens(tmp_path) -> None:
    path = tmp_path / "db.json"
    store = Store(path, layout=ACCOUNTS)
    with store.transaction() as tx:
        tx.put("t1/accounts", 1001, {"id": 1001, "externalId": "C1"})
        tx.put("t1/accounts", 1002, {"id": 1002, "externalId": "C2"})
    with store.transaction() as tx:
        tx.put("t1/accounts", 1002, {"id": 1002, "externalId": "C3"})
        tx.delete("t1/accounts", 1001)
    assert store.lookup("t1/accounts", "externalId", "C1") == []
    assert store.lookup("t1/accounts", "externalId", "C2") == []
    assert store.lookup("t1/accounts", "externalId", "C3") == [1002]
    store.close()
    reopened = Store(path, layout=ACCOUNTS)
    assert reopened.lookup("t1/accounts", "externalId", "C3") == [1002]
    reopened.drop_tables(lambda name: True)
    assert reopened.lookup("t1/accounts", "externalId", "C3") == []
    with pytest.raises(KeyError):
        reopened.lookup("t1/accounts", "taxId", "x")


def test_ordered_indexes_follow_every_write_once_built(tmp_path) -> None:
    store = Store(tmp_path / "db.json", layout=ACCOUNTS)
    table = "t1/accounts"
    with store.transaction() as tx:
        tx.put(table, 1001, {"id": 1001, "companyOrOrganization": "Acme Tools"})
        tx.put(table, 1002, {"id": 1002, "companyOrOrganization": "ACME Paints"})
        tx.put(table, 1003, {"id": 1003, "companyOrOrganization": 42})  # not text: left out
        tx.put(table, 1006, {"id": 1006, "companyOrOrganization": "Straße 1"})
    assert store.candidates(table, "companyOrOrganization", "sw", ["acme"]) == {1001, 1002}
    # text compares case-folded, as every comparison of the service's does: 'ß' is 'ss'
    assert store.candidates(table, "companyOrOrganization", "sw", ["STRAß"]) == {1006}
    assert store.candidates(table, "companyOrOrganization", "sw", ["strasse"]) == {1006}
    with store.transaction() as tx:  # the index exists now: writes must keep it right
        tx.put(table, 1001, {"id": 1001, "companyOrOrganization": "Zenith"})
        tx.put(table, 1004, {"id": 1004, "companyOrOrganization": "acme again"})
        tx.delete(table, 1002)
        tx.put(table, 1003, {"id": 1003, "companyOrOrganization": None})
    assert store.candidates(table, "companyOrOrganization", "sw", ["ACME"]) == {1004}
    assert store.candidates(table, "companyOrOrganization", "eq", ["zenith"]) == {1001}
    assert store.candidates(table, "companyOrOrganization", "in",
                            ["Zenith", "acme again", "x"]) == {1001, 1004}
    assert store.candidates(table, "companyOrOrganization", "sw", [""]) == {1001, 1004, 1006}
    # the hash index answers eq/in on externalId; nothing answers unindexed fields or operators
    with store.transaction() as tx:
        tx.put(table, 1005, {"id": 1005, "externalId": "C5", "companyOrOrganization": "Q"})
    assert store.candidates(table, "externalId", "in", ["C5", "C6"]) == {1005}
    assert store.candidates(table, "externalId", "sw", ["c"]) == {1005}
    assert store.candidates(table, "taxId", "eq", ["x"]) is None
    assert store.candidates(table, "companyOrOrganization", "cont", ["q"]) is None
    store.drop_tables(lambda name: True)
    assert store.candidates(table, "companyOrOrganization", "sw", ["z"]) == set()


def test_an_imported_accounts_table_is_put_in_id_order(tmp_path) -> None:
    store = Store(tmp_path / "db.json", layout=ACCOUNTS)
    store.replace({"t1/accounts": {"1003": {"id": 1003}, "1001": {"id": 1001}},
                   "t1/users/1001": {"9": {"userId": "9"}, "4": {"userId": "4"}}})
    assert [doc["id"] for doc in store.docs("t1/accounts")] == [1001, 1003]
    assert [doc["userId"] for doc in store.docs("t1/users/1001")] == ["9", "4"]


def test_user_emails_are_indexed_regardless_of_case(tmp_path) -> None:
    path = tmp_path / "db.json"
    store = Store(path, layout=B2B_LAYOUT)
    users = "t1/users/1001"
    with store.transaction() as tx:
        tx.put(users, 1, {"userId": "a", "emailAddress": "Mark@Test.com", "userName": "mark"})
        tx.put(users, 2, {"userId": "b", "emailAddress": "ann@test.com", "userName": "Ann"})
    assert store.lookup(users, "emailAddress", "mark@TEST.com") == [1]
    with store.transaction() as tx:
        tx.put(users, 1, {"userId": "a", "emailAddress": "marc@test.com", "userName": "mark"})
    assert store.lookup(users, "emailAddress", "mark@test.com") == []
    store.close()
    reopened = Store(path, layout=B2B_LAYOUT)
    assert reopened.lookup(users, "emailAddress", "MARC@test.com") == [1]
    assert reopened.lookup(users, "userName", "ann") == [2]
    assert reopened.lookup("t1/users/1002", "emailAddress", "marc@test.com") == []
    with reopened.transaction() as tx:  # removed users may share an e-mail
        for doc_id in (3, 4):
            tx.put(users, doc_id, {"userId": str(doc_id), "emailAddress": "ANN@test.com"})
    assert reopened.lookup(users, "emailAddress", "ann@test.com") == [2, 3, 4]
    with reopened.transaction() as tx:
        tx.delete(users, 2)
        tx.delete(users, 4)
    assert reopened.lookup(users, "emailAddress", "ann@test.com") == [3]
    with reopened.transaction() as tx:
        tx.delete(users, 3)
    assert reopened.lookup(users, "emailAddress", "ann@test.com") == []
    reopened.close()


async def _deferred_write(store: Store, doc_id: int) -> int:
    with store.deferred_sync() as pending:
        with store.transaction() as tx:
            tx.put("t1/accounts", doc_id, {"id": doc_id})
    await pending.durable()
    return doc_id


def test_deferred_writes_are_on_disk_when_they_return(tmp_path, monkeypatch) -> None:
    import asyncio
    import os as os_module

    path = tmp_path / "db.json"
    store = Store(path)
    fsyncs: list[int] = []
    real_fsync = os_module.fsync
    monkeypatch.setattr("mock_server.store.wal.os.fsync",
                        lambda fd: (fsyncs.append(fd), real_fsync(fd))[1])

    async def many() -> list[int]:
        return await asyncio.gather(*(_deferred_write(store, i) for i in range(1, 41)))

    assert asyncio.run(many()) == list(range(1, 41))
    assert store.log.synced == store.log.written > 0
    assert 1 <= len(fsyncs) <= 10  # shared: one fsync covers the lines written meanwhile
    store.close()
    reopened = Store(path)
    assert [doc_id for doc_id, _ in reopened.all("t1/accounts")] == list(range(1, 41))
    reopened.close()


def test_a_failed_deferred_fsync_refuses_later_writes(tmp_path, monkeypatch) -> None:
    import asyncio

    store = Store(tmp_path / "db.json")
    monkeypatch.setattr("mock_server.store.wal.os.fsync", lambda fd: (_ for _ in ()).throw(
        OSError(5, "Input/output error")))
    with pytest.raises(OSError):
        asyncio.run(_deferred_write(store, 1))
    with pytest.raises(LogBroken):
        with store.transaction() as tx:
            tx.put("t1/accounts", 2, {"id": 2})
    assert store.get("t1/accounts", 2) is None


def test_a_failed_journal_write_leaves_no_torn_line_behind(tmp_path, monkeypatch) -> None:
    import os as os_module

    path = tmp_path / "db.json"
    store = Store(path)
    with store.transaction() as tx:
        tx.put("t1/accounts", 1, {"id": 1})
    real_fsync = os_module.fsync
    monkeypatch.setattr("mock_server.store.wal.os.fsync", lambda fd: (_ for _ in ()).throw(
        OSError(28, "No space left on device")))
    with pytest.raises(OSError):
        with store.transaction() as tx:
            tx.put("t1/accounts", 2, {"id": 2})
    monkeypatch.setattr("mock_server.store.wal.os.fsync", real_fsync)
    with store.transaction() as tx:
        tx.put("t1/accounts", 3, {"id": 3})
    store.close()
    reopened = Store(path)
    assert [doc_id for doc_id, _ in reopened.all("t1/accounts")] == [1, 3]
    reopened.close()


def test_an_editable_copy_shares_nothing_with_the_stored_document() -> None:
    stored = {"roles": [{"roleId": 1, "scope": {"id": 7}}], "values": [2 ** 70, float("inf")],
              "name": "Müller", "flags": {"a": [True, None]}}
    copied = copy_doc(stored)
    assert copied == stored
    copied["roles"][0]["scope"]["id"] = 8
    copied["values"].append(3)
    copied["flags"]["a"][0] = False
    assert stored == {"roles": [{"roleId": 1, "scope": {"id": 7}}],
                      "values": [2 ** 70, float("inf")], "name": "Müller",
                      "flags": {"a": [True, None]}}


def test_exports_of_an_unchanged_store_share_one_view_that_later_writes_do_not_change() -> None:
    store = Store()
    with store.transaction() as tx:
        tx.put("t1/accounts", 1001, {"id": 1001, "companyOrOrganization": "Facebook"})
    first = store.frozen()
    assert store.frozen() is first  # a hundred exports hold one view between them
    with store.transaction() as tx:
        tx.put("t1/accounts", 1002, {"id": 1002, "companyOrOrganization": "Later"})
        tx.delete("t1/accounts", 1001)
    assert first == {"t1/accounts": {"1001": {"id": 1001, "companyOrOrganization": "Facebook"}}}
    second = store.frozen()
    assert second is not first and list(second["t1/accounts"]) == ["1002"]
